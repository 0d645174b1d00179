"""Long articles are analysed in pieces whose records point into the full text, in linear time."""

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.extract import analyze_article, analyze_long, split_points
from storyline.model import Article

from ..conftest import SAMPLES


def _sample_text() -> str:
    parts = []
    for p in sorted(SAMPLES.glob("*.md")):
        body = p.read_text(encoding="utf-8").split("---", 2)[-1]
        parts.append(body.strip())
    return "\n\n".join(parts)


@given(st.text(alphabet=st.sampled_from("ab .\n\"'!"), max_size=3000), st.integers(20, 400))
@settings(max_examples=200, deadline=None)
def test_pieces_cover_the_text_within_the_size(text, size):
    starts = split_points(text, size)
    assert starts[0] == 0 and starts == sorted(set(starts))
    ends = starts[1:] + [len(text)]
    assert all(0 < e - s <= size for s, e in zip(starts, ends, strict=True)) or not text


def test_cuts_prefer_paragraphs_then_sentences():
    text = ("One sentence here. " * 30 + "\n\n") * 4
    for cut in split_points(text, 1000)[1:]:
        assert text[cut - 2 : cut] == "\n\n"
    line = "A sentence without a break. " * 200
    for cut in split_points(line, 1000)[1:]:
        assert line[cut - 2 : cut] == ". "


def test_pieces_point_into_the_full_text():
    text = _sample_text()
    art = Article(id="along", text=text, published="2025-10-20", source="The Ledger")
    whole = analyze_article(art)
    long = analyze_long(art, size=1500)
    assert len(split_points(text, 1500)) > 3
    for rec in long.mentions + long.quotes + long.amounts + long.times:
        assert text[rec.start : rec.end] == rec.text, rec
        assert rec.article == "along"
    for n, s in enumerate(long.sentences):
        assert s.id == f"along:s{n}" and s.article == "along"
    for m in long.mentions:
        s = long.sentences[m.sentence]
        assert s.start <= m.start < s.end
    ids = [r.id for r in long.quotes + long.amounts + long.times + long.events]
    assert len(ids) == len(set(ids)) and all(i.startswith("along:") and "~" not in i for i in ids)
    amount_ids = {a.id for a in long.amounts}
    assert all(e.amount in amount_ids for e in long.events if e.amount)
    for e in long.events:
        assert text[e.start : e.end].strip() and e.sentence_start <= e.start < e.sentence_end
    # cutting at paragraphs loses little: nearly every name and amount the whole text gives
    assert len(long.amounts) >= 0.9 * len(whole.amounts)
    assert len(long.mentions) >= 0.9 * len(whole.mentions)


def _timed(text: str, size: int = 10_000) -> float:
    """CPU seconds, not wall time: eight engineers share two cores here."""
    t0 = time.process_time()
    analyze_long(Article(id="t", text=text, published="2025-10-20"), size=size)
    return time.process_time() - t0


def test_cost_is_linear_in_length():
    para = _sample_text()
    analyze_long(Article(id="w", text=para[:2000]))  # load the model outside the timing
    small = _timed((para + "\n\n") * 1, size=2500)
    big = _timed((para + "\n\n") * 4, size=2500)
    assert big < small * 4 * 1.6 + 2, (small, big)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["one line of 1 MB", "750 KB of paragraphs"])
def test_huge_articles_finish_within_a_bound(kind, tmp_path):
    """The whole path, file to analysis: CPU time and memory stay bounded (measured figures are
    in docs/notes/sources.md)."""
    import resource

    from storyline.extract import analyze_articles
    from storyline.readers import read_articles

    para = _sample_text()
    if kind.startswith("one line"):
        text = ((para.replace("\n", " ") + " ") * (1_000_000 // len(para) + 1))[:1_000_000]
    else:
        text = (para + "\n\n") * (750_000 // len(para) + 1)
    path = tmp_path / "long.txt"
    path.write_text(text, encoding="utf-8")
    analyze_article(Article(id="w", text=para[:2000]))  # the model loads outside the timing
    t0 = time.process_time()
    arts = [a for a in read_articles([path]) if isinstance(a, Article)]
    an = analyze_articles(arts)[0]
    took = time.process_time() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{kind}: {len(text):,} chars, {took:.0f} s CPU, peak RSS {peak_mb:.0f} MB, {len(an.sentences)} sentences")
    assert an.sentences[-1].end > len(text) * 0.99
    assert took < 300 and peak_mb < 2500, (took, peak_mb)


def test_text_past_the_hard_limit_is_cut_with_a_warning(tmp_path, monkeypatch):
    import importlib

    from storyline.model import IngestProblem
    from storyline.readers import read_articles

    monkeypatch.setattr(importlib.import_module("storyline.readers"), "MAX_ARTICLE_CHARS", 1000)
    path = tmp_path / "live-blog.txt"
    path.write_text(("Update: the court adjourned until Monday. " * 8 + "\n\n") * 10, encoding="utf-8")
    items = list(read_articles([path]))
    arts = [i for i in items if isinstance(i, Article)]
    warns = [i for i in items if isinstance(i, IngestProblem) and "publication date" not in i.message]
    assert len(arts) == 1 and len(arts[0].text) <= 1000 and arts[0].text.endswith("Monday.")
    assert len(warns) == 1 and warns[0].severity == "warning" and "live-blog.txt" in str(warns[0])
    assert "limit" in warns[0].message and "\n" not in str(warns[0])
