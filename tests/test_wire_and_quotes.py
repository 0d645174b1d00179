"""Wire copies planted among the sample articles are found (precision and recall on pairs), count
once when weighing outlets, and their repeated quotes become one quote with all its sources."""

import re

import pytest

from storyline import analyze

from .conftest import ROOT, SAMPLES

# (file to copy, the edits a republishing outlet makes)
PLANTED = {
    "01": [("said the offer", "said its offer"), ("Vexa did not immediately respond", "Vexa declined to comment")],
    "03": [("according to two people", "according to 2 people"), ("on Monday", "on Monday,")],
    "05": [("One analyst", "An analyst")],
    "08": [("Orbital has set aside", "The company has set aside")],
}


def _copy(src: str, edits: list[tuple[str, str]], n: int) -> str:
    raw = next(SAMPLES.glob(f"{src}-*.md")).read_text(encoding="utf-8")
    raw = re.sub(r"source: .*", f"source: Reprint Wire {n}", raw, count=1)
    for a, b in edits:
        raw = raw.replace(a, b, 1)
    return raw + "\n(Distributed by Reprint Wire.)\n"


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    root = tmp_path_factory.mktemp("wire")
    for n, (src, edits) in enumerate(PLANTED.items()):
        (root / f"copy-{src}.md").write_text(_copy(src, edits, n), encoding="utf-8")
    d = analyze([SAMPLES, ROOT / "samples" / "second-story", root])
    return d


def test_planted_copies_found_with_precision_and_recall(planted):
    d = planted
    file_of = {a.article.id: a.article.path.rsplit("/", 1)[-1][:2] if "copy-" not in a.article.path
               else "c" + a.article.path.rsplit("copy-", 1)[-1][:2] for a in d.analyses}
    # a pair is unordered: a copy published the same day may come first
    gold = {frozenset({"c" + src, src}) for src in PLANTED}
    found = {frozenset({file_of[c], file_of[g.canonical]}) for g in d.wire for c in g.copies}
    tp = len(gold & found)
    precision, recall = tp / len(found), tp / len(gold)
    assert precision == 1.0 and recall == 1.0, (found, gold)


def test_copies_count_once_per_fact(planted):
    offer = next(e for e in planted.events if e.type == "offer" and (e.time or "").startswith("2025-10-01"))
    assert offer.outlets > offer.independent >= 1


def test_repeated_quotes_are_one_quote_with_all_sources(planted):
    groups = {g.text: g for g in planted.quote_groups}
    g = next(g for t, g in groups.items() if "admired Vexa" in t)
    assert len(g.articles) == 2 and not g.wording_differs
    changed = [g for g in planted.quote_groups if g.wording_differs]
    assert changed, "the copy of 03 quotes the sources with different words"
