"""The clone builder of issue 13's benchmarks (benchmarks/clonedb.py): a clone must be a valid article
analysis (offsets still point at the words they name, ids new everywhere, dates moved consistently),
and clones stored through the real write path must form stories, not one giant one."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOOL = ROOT.parent / "shared" / "tools" / "realistic_corpus.py"
sys.path.insert(0, str(ROOT / "benchmarks"))


@pytest.fixture(scope="module")
def pool(tmp_path_factory) -> list[dict]:
    if not TOOL.exists():
        pytest.skip(f"{TOOL} is absent: the realistic collection cannot be generated")
    from storyline.extract import analyze_articles
    from storyline.model import Article
    from storyline.readers import read_articles

    path = tmp_path_factory.mktemp("pool") / "realistic.jsonl"
    subprocess.run([sys.executable, str(TOOL), "40", str(path)], check=True)
    articles = [a for a in read_articles([path]) if isinstance(a, Article)]
    return [an.to_json() for an in analyze_articles(articles)]


def _spans_hold(an: dict) -> None:
    text = an["article"]["text"]
    for key in ("mentions", "quotes", "amounts", "times", "facts"):
        for rec in an[key]:
            assert text[rec["start"] : rec["end"]] == rec["text"], (key, rec)
    for s in an["sentences"]:
        assert 0 <= s["start"] <= s["end"] <= len(text)


def test_a_clone_is_a_valid_analysis_of_new_text(pool: list[dict]) -> None:
    from clonedb import Cloner

    from storyline.model import ArticleAnalysis
    from storyline.readers import article_id

    cloner = Cloner(pool)
    cloner.common = {"Smith", "Garcia", "James", "Friday"}  # a small pool: say which names recur
    for i in range(len(pool)):
        src = pool[i]
        for g in (0, 2):
            c = cloner.clone(i, g)
            _spans_hold(c)
            art = c["article"]
            assert art["id"] == article_id(art["text"], art["source"])
            assert src["article"]["id"] not in json.dumps(c)  # every record carries the new id
            assert art["text"] != src["article"]["text"]  # the story's own vocabulary
            ArticleAnalysis.from_json(c)
            if g:
                old = dt.date.fromisoformat(src["article"]["published"][:10])
                new = dt.date.fromisoformat(art["published"][:10])
                assert (new - old).days == 14 and new.weekday() == old.weekday()
                before, after = set(src["article"]["text"].split()), set(art["text"].split())
                # surnames in the head recur; first names change with the generation, common or not
                assert {"Smith", "Garcia"} & before == {"Smith", "Garcia"} & after
                if "James Garcia," in src["article"]["text"]:
                    assert "James" not in after


def test_generations_of_one_story_are_different_stories(pool: list[dict], tmp_path: Path) -> None:
    from clonedb import Cloner, analyses_of

    from storyline.pipeline import add_analyses, catch_up
    from storyline.store import Store

    cloner = Cloner(pool)
    cloner.common = set()
    rows = sorted((cloner.published(i, g), g, i) for g in range(2) for i in range(20))  # 2 stories x 2 generations
    with Store(tmp_path / "c.db") as store:
        for b in range(0, len(rows), 16):
            add_analyses(store, analyses_of(cloner, rows[b : b + 16]))
        catch_up(store)  # as an ingest run ends
        sizes = sorted(r["n"] for r in store.rows("SELECT count(*) AS n FROM story_articles GROUP BY story"))
        assert store.stale_stories() == []
    assert sum(sizes) == 40
    assert max(sizes) <= 10 and len(sizes) >= 4, sizes
