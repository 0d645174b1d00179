"""Bad input: a one-line message naming the file, the other articles still read."""

import json

from storyline.model import Article, IngestProblem
from storyline.pubdate import DateError, parse_published
from storyline.readers import MAX_ARTICLE_BYTES, article_id, read_articles

GOOD = "---\ntitle: Good\nsource: The Ledger\npublished: 2025-10-02\n---\nOrbital offered $43.1 billion for Vexa on Wednesday.\n"


def run(tmp_path, files):
    for name, data in files.items():
        p = tmp_path / name
        p.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    items = list(read_articles([tmp_path]))
    arts = [i for i in items if isinstance(i, Article)]
    probs = [i for i in items if isinstance(i, IngestProblem)]
    return arts, probs


def test_front_matter(tmp_path):
    arts, probs = run(tmp_path, {"a.md": GOOD})
    assert not probs
    a = arts[0]
    assert (a.title, a.source, a.published) == ("Good", "The Ledger", "2025-10-02")
    assert a.text.startswith("Orbital")


def test_bad_files_are_reported_and_others_read(tmp_path):
    files = {
        "good.md": GOOD,
        "empty.txt": "",
        "binary.txt": b"\x00\x01\x02PNG\x00" * 50,
        "latin1.txt": "Caf\xe9 Vexa r\xe9pond.".encode("latin-1"),
        "huge.txt": b"a " * (MAX_ARTICLE_BYTES // 2 + 10),
        "bad.jsonl": '{"text": "First line article about Vexa.", "published": "2025-02-30"}\nnot json\n{"title": "no text"}\n',
        "broken.md": "---\ntitle: [unclosed\n---\nBody text.\n",
    }
    arts, probs = run(tmp_path, files)
    msgs: dict = {}
    for p in probs:  # the first problem of each file (an undated one also gets a date warning after it)
        msgs.setdefault(p.path.split("/")[-1] + (f":{p.line}" if p.line else ""), p)
    assert "empty" in msgs["empty.txt"].message
    assert "binary" in msgs["binary.txt"].message
    assert msgs["latin1.txt"].severity == "warning" and "not UTF-8" in msgs["latin1.txt"].message
    assert "limit" in msgs["huge.txt"].message
    assert "not valid JSON" in msgs["bad.jsonl:2"].message
    assert "text" in msgs["bad.jsonl:3"].message
    assert "impossible" in msgs["bad.jsonl:1"].message
    assert any(p.path.endswith("broken.md") and "YAML" in p.message and p.line for p in probs)
    titles = {a.path.split("/")[-1] for a in arts}
    assert {"good.md", "latin1.txt", "bad.jsonl:1"} <= titles
    latin = next(a for a in arts if a.path.endswith("latin1.txt"))
    assert "Café" in latin.text
    undated = next(a for a in arts if a.path.endswith("bad.jsonl:1"))
    assert undated.published is None
    for p in probs:  # one line, naming the file
        assert "\n" not in str(p) and p.path in str(p)


def test_duplicates_are_skipped(tmp_path):
    arts, probs = run(tmp_path, {"a.md": GOOD, "b.md": GOOD.replace("Good", "Copy")})
    assert len(arts) == 1 and "duplicate" in probs[0].message


def test_html(tmp_path):
    html = ("<html><head><title>Vexa rejects bid</title></head><body><nav>menu</nav><article><h1>Vexa rejects bid</h1>"
            + "<p>Vexa's board on Friday rejected the takeover offer from Orbital Dynamics, calling it low.</p>" * 3
            + "</article></body></html>")
    arts, probs = run(tmp_path, {"a.html": html, "bad.html": "<html><body></body>"})
    assert any("rejected the takeover" in a.text for a in arts)
    assert any("no article text" in p.message for p in probs)


def test_identity_ignores_whitespace():
    assert article_id("a  b\nc") == article_id("a b c")


def test_published_forms():
    assert parse_published("Feb 12, 2025") == "2025-02-12"
    assert parse_published("2025-02-12T10:30:00Z").startswith("2025-02-12T10:30")
    for bad in ("2025-02-30", "March 2025", "soon"):
        try:
            parse_published(bad)
        except DateError:
            continue
        raise AssertionError(bad)


def test_jsonl_fields(tmp_path):
    line = json.dumps({"id": "x1", "text": "Vexa sued Orbital on Tuesday.", "title": "T", "source": "S",
                       "url": "http://u", "published": "Oct 22, 2025"})
    arts, probs = run(tmp_path, {"a.jsonl": line + "\n"})
    a = arts[0]
    assert (a.external_id, a.title, a.source, a.url, a.published) == ("x1", "T", "S", "http://u", "2025-10-22")


def test_broken_utf8_is_read_with_a_warning(tmp_path):
    good = "Orbital offered $43.1 billion for Vexa, said Dan Reyes. " * 20
    data = good.encode("utf-8") + b"\xff\xfe broken tail"
    arts, probs = run(tmp_path, {"broken.txt": data})
    assert len(arts) == 1 and arts[0].text.startswith("Orbital")
    assert probs[0].severity == "warning" and "broken UTF-8" in probs[0].message


def test_ingest_skips_what_is_stored_without_loading_every_id(tmp_path, monkeypatch):
    """Stored articles are found one indexed lookup at a time (the set of every stored id grew with
    the database); repeats within a run are skipped whether their first copy is in the bounded
    window of recent ids or already stored."""
    from storyline import pipeline
    from storyline.store import Store

    def everything(self):  # type: ignore[no-untyped-def]
        raise AssertionError("ingest loaded every stored id")

    monkeypatch.setattr(Store, "known_ids", everything)
    lines = [{"text": f"Orbital offered {n} dollars for Vexa on Wednesday.", "published": "2025-10-02",
              "source": "Ledger"} for n in range(5)]
    feed = tmp_path / "a.jsonl"
    feed.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    arts = [a for a in read_articles([feed]) if isinstance(a, Article)]
    # as `storyline watch` hands articles over: a repeat is the pipeline's to skip, here within the
    # one batch where its first copy is not stored yet (only the window of recent ids knows it)
    items = arts + arts[:2]
    db = tmp_path / "s.db"
    first = pipeline.ingest([], db, items=items)
    assert (first.added, first.skipped) == (5, 2)
    monkeypatch.setattr(pipeline, "RECENT_IDS", 1)  # the repeats fall out of the window: the store knows them
    again = pipeline.ingest([], db, items=items)
    assert (again.added, again.skipped) == (0, 7)
    with Store(db, readonly=True) as s:
        assert s.count("articles") == 5
