"""A story resolves to the same records whatever the hash seed (perf14). Stored evidence, event
clusters and ids are written once and read by every reader; a re-resolution in another process
must not rewrite them differently. Each case is parsed here with real spaCy, then resolved in
subprocesses with different PYTHONHASHSEED values, and the whole resolution JSON compared."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import storyline
from storyline.eval.runner import data_dir
from storyline.model import Article

ECB = data_dir() / "facts-ecbplus-dev"
SEEDS = ("0", "1", "2", "3")

# In the subprocess: read the stories (analyses and overrides), resolve each, print them as JSON.
RESOLVE = """
import json, sys
from storyline.dossier import resolve_story
from storyline.model import ArticleAnalysis, to_dict
from storyline.resolve.stories import StoryState, article_profile
out = []
for case in json.load(open(sys.argv[1], encoding="utf-8")):
    analyses = [ArticleAnalysis.from_json(a) for a in case["analyses"]]
    state = StoryState("s0")
    for an in analyses:
        state.add(an.article.id, article_profile(an), an.article.published)
    overrides = [tuple(o) for o in case["overrides"]]
    out.append(to_dict(resolve_story(analyses, state, overrides)))
print(json.dumps(out, sort_keys=True))
"""


def _articles(texts: list[tuple[str, str, str]]) -> list[Article]:
    return [Article(id=aid, text=text, source=source, published=f"2018-04-{n + 10:02d}")
            for n, (aid, source, text) in enumerate(texts)]


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, list[dict]]:
    """Seed -> the resolutions of the cases below, each resolved in a subprocess of that seed.

    0. "Ryan" joins "Paul D. Ryan" = "Paul Ryan" (one person; "Jack Ryan" is another): the evidence
       named the full name of whichever article a set of article ids gave last.
    1. ECB+ story t36 (real news, nine outlets) with a merge, a split and a not-same: event fusion
       took its blocks in the order of a set of entity ids, so which mentions joined first (and so
       which events came out) followed the hash seed."""
    from storyline.extract import analyze_articles

    cases = [(analyze_articles(_articles([
        ("7f3a9c01", "NYT", "House Speaker Paul D. Ryan said on Monday that the tax bill would pass. "
                            "Ryan told reporters the vote would come this week."),
        ("2b81e4d7", "Fox", "Paul Ryan, the House speaker, praised the vote on Tuesday. "
                            "Ryan said the bill was fair to families."),
        ("c05d6e92", "AP", "The actor Jack Ryan visited Boston on Wednesday to open a new theater."),
        ("91aa0f3b", "WSJ", "Speaker Paul Ryan met senators on Thursday. Ryan said talks went well."),
    ])), [])]
    if ECB.exists():
        from storyline.eval.facts import articles_of, read_fact_gold

        g = read_fact_gold(ECB)
        docs = set(g.stories["t36-ecb"])
        cases.append((analyze_articles([a for a in articles_of(g) if a.id in docs]), [
            ("merge", "Winston K. Blackmore", "Wally Oppal"), ("not-same", "e-british-columbia", "Bountiful"),
            ("merge", "British Columbia", "Bountiful"), ("split", "Winston K. Blackmore", "Blackmore"),
            ("not-same", "Creston RCMP", "RCMP"),
            ("split", "e-winston-k-blackmore", "former fundamentalist lds church leader")]))
    path = tmp_path_factory.mktemp("seed") / "cases.json"
    path.write_text(json.dumps([{"analyses": [an.to_json() for an in analyses], "overrides": ov}
                                for analyses, ov in cases]))
    env = dict(os.environ, PYTHONPATH=str(Path(storyline.__file__).resolve().parents[1]))
    out = {}
    for seed in SEEDS:
        done = subprocess.run([sys.executable, "-c", RESOLVE, str(path)], env={**env, "PYTHONHASHSEED": seed},
                              capture_output=True, text=True, check=True)
        out[seed] = json.loads(done.stdout)
    return out


def test_a_surname_names_the_same_full_name_whatever_the_seed(runs):
    evidence = {seed: [e["evidence"] for e in r[0]["entities"]] for seed, r in runs.items()}
    ryan = [line for ev in evidence["0"] for line in ev if "'Ryan' ->" in line]
    assert ryan, evidence["0"]  # the case reaches the surname rule
    assert all(ev == evidence["0"] for ev in evidence.values()), evidence
    assert all(r[0] == runs["0"][0] for r in runs.values())


@pytest.mark.skipif(not ECB.exists(), reason=f"{ECB} absent (set STORYLINE_DATA)")
def test_a_story_with_overrides_fuses_the_same_events_whatever_the_seed(runs):
    assert len(runs["0"][1]["events"]) >= 10
    for seed, r in runs.items():
        assert r[1]["events"] == runs["0"][1]["events"], seed
        assert r[1] == runs["0"][1], seed
