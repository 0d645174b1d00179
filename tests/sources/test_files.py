"""WARC archives, news-please JSON, feed files, folders with symlink loops and unsupported files,
and article identity (text and outlet)."""

import io
import json
import time

from hypothesis import given, settings
from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storyline import pipeline
from storyline.model import Article, IngestProblem
from storyline.readers import article_id, read_articles
from storyline.store import Store

from .server import page, sample


def split(items):
    items = list(items)
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, IngestProblem)]


def _response(writer, uri, body, ctype="text/html; charset=utf-8", status="200 OK", date="2025-10-07T08:00:00Z"):
    headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
    rec = writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=headers,
                                    warc_headers_dict={"WARC-Date": date})
    writer.write_record(rec)


def test_warc_html_responses_become_articles(tmp_path):
    path = tmp_path / "crawl.warc.gz"
    with path.open("wb") as fh:
        w = WARCWriter(fh, gzip=True)
        meta, body = sample("02-harbor-reject.md")
        _response(w, "https://harbortimes.example/vexa-rejects", page(meta["title"], body, "Harbor Times").encode())
        meta, body = sample("03-wire-subpoena.md")
        _response(w, "https://wire.example/subpoena", page(meta["title"], body).encode("cp1252"),
                  ctype="text/html; charset=windows-1252", date="2025-10-09T01:02:03Z")
        _response(w, "https://x.example/logo.png", b"\x89PNG....", ctype="image/png")
        _response(w, "https://x.example/gone", b"<html>gone</html>", status="404 Not Found")
        w.write_record(w.create_warc_record("https://x.example/", "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
    arts, probs = split(read_articles([path]))
    assert not [p for p in probs if p.severity == "error"], probs
    assert [a.url for a in arts] == ["https://harbortimes.example/vexa-rejects", "https://wire.example/subpoena"]
    assert arts[0].source == "Harbor Times" and "rejected" in arts[0].text
    assert arts[1].published == "2025-10-09"  # the capture date, the page giving none
    assert arts[1].source == "wire.example"  # no site name on the page: its host


def test_broken_warc_is_named(tmp_path):
    bad = tmp_path / "bad.warc"
    bad.write_bytes(b"this is not an archive\n" * 10)
    arts, probs = split(read_articles([bad]))
    assert not arts and probs and "bad.warc" in str(probs[0]) and "\n" not in str(probs[0])


def test_newsplease_json_and_jsonl(tmp_path):
    rec = {"title": "Vexa rejects bid", "maintext": sample("02-harbor-reject.md")[1], "date_publish": "2025-10-06 14:00:00",
           "source_domain": "harbortimes.example", "url": "https://harbortimes.example/vexa-rejects",
           "authors": ["A. Writer"], "language": "en", "description": "Teaser", "date_download": "2025-10-07 00:00:00"}
    (tmp_path / "one.json").write_text(json.dumps(rec))
    other = dict(rec, maintext=sample("09-ledger-deal.md")[1], url="https://ledger.example/deal", source_domain="ledger.example")
    (tmp_path / "list.json").write_text(json.dumps([other, {"title": "no text"}]))
    (tmp_path / "cc.jsonl").write_text(json.dumps(dict(rec, maintext=sample("10-harbor-deal.md")[1])) + "\n")
    (tmp_path / "broken.json").write_text("{not json")
    arts, probs = split(read_articles([tmp_path]))
    by_url = {a.path.rsplit("/", 1)[-1]: a for a in arts}
    a = by_url["one.json"]
    assert (a.title, a.source, a.url, a.published) == ("Vexa rejects bid", "harbortimes.example",
                                                       "https://harbortimes.example/vexa-rejects", "2025-10-06T14:00:00")
    assert "list.json#1" in by_url and "cc.jsonl:1" in by_url
    msgs = {p.path.rsplit("/", 1)[-1]: p.message for p in probs}
    assert "record 2" in msgs["list.json"] and "maintext" in msgs["list.json"]
    assert "not valid JSON" in msgs["broken.json"]


def test_feed_file_with_full_content_reads_offline(tmp_path):
    body = sample("01-ledger-bid.md")[1]
    paras = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
    atom = ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Ledger</title>'
            '<entry><title>Orbital bids</title><link rel="alternate" href="https://ledger.example/bid"/>'
            f'<published>2025-10-02T08:00:00Z</published><content type="html"><![CDATA[{paras}]]></content></entry>'
            '<entry><title>Teaser</title><link href="https://ledger.example/t"/><summary>Short.</summary></entry></feed>')
    (tmp_path / "ledger.atom").write_text(atom)
    arts, probs = split(read_articles([tmp_path / "ledger.atom"], offline=True))
    assert len(arts) == 1
    a = arts[0]
    assert (a.url, a.title, a.source) == ("https://ledger.example/bid", "Orbital bids", "ledger.example")
    assert a.published.startswith("2025-10-02") and "\n\n" in a.text and "<p>" not in a.text
    assert any("summary" in p.message for p in probs)


def test_symlink_loop_ends(tmp_path):
    news = tmp_path / "news"
    (news / "sub").mkdir(parents=True)
    (news / "a.md").write_text("---\nsource: The Ledger\n---\n" + sample("01-ledger-bid.md")[1])
    (news / "sub" / "b.md").write_text("---\nsource: Harbor Times\n---\n" + sample("02-harbor-reject.md")[1])
    (news / "sub" / "loop").symlink_to(news, target_is_directory=True)
    (news / "self").symlink_to(news / "sub", target_is_directory=True)
    (news / "dangling.md").symlink_to(tmp_path / "nowhere.md")
    t0 = time.perf_counter()
    arts, probs = split(read_articles([news]))
    assert time.perf_counter() - t0 < 10
    assert sorted(a.path.rsplit("/", 1)[-1] for a in arts) == ["a.md", "b.md"]
    assert any("symlink" in p.message for p in probs)
    assert any(p.path.endswith("dangling.md") and "broken symlink" in p.message for p in probs)


def test_unsupported_files_are_named_with_the_reason(tmp_path):
    (tmp_path / "a.md").write_text(sample("01-ledger-bid.md")[1])
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.7\n...")
    (tmp_path / "memo.docx").write_bytes(b"PK\x03\x04...")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (tmp_path / ".DS_Store").write_bytes(b"\x00")
    (tmp_path / "NOTES").write_text("a file without a suffix")
    (tmp_path / "link.md").write_text("https://x.example/a\n")  # a Markdown note, not a URL list: nothing fetched
    arts, probs = split(read_articles([tmp_path], offline=False))
    assert sorted(a.path.rsplit("/", 1)[-1] for a in arts) == ["a.md", "link.md"]
    # the articles read carry only a warning that they have no publication date
    assert all("publication date" in p.message for p in probs if p.path.endswith(".md"))
    msgs = {p.path.rsplit("/", 1)[-1]: p.message for p in probs if not p.path.endswith(".md")}
    assert set(msgs) == {"report.pdf", "memo.docx", "photo.jpg", "NOTES"}
    assert "PDF" in msgs["report.pdf"] and "Word" in msgs["memo.docx"] and ".jpg" in msgs["photo.jpg"]
    assert "no suffix" in msgs["NOTES"]
    # named on the command line, a file is tried whatever its suffix
    arts, probs = split(read_articles([tmp_path / "NOTES"]))
    assert [a.text for a in arts] == ["a file without a suffix"]


def test_identity_is_text_and_outlet(tmp_path):
    body = sample("03-wire-subpoena.md")[1]
    for name, outlet in [("ap.md", "Wire Service"), ("ledger.md", "The Ledger"), ("ledger2.md", "the  ledger")]:
        (tmp_path / name).write_text(f"---\nsource: {outlet}\n---\n{body}")
    arts, probs = split(read_articles([tmp_path]))
    assert sorted(a.source for a in arts) == ["The Ledger", "Wire Service"]  # a reprint is another report
    probs = [p for p in probs if "publication date" not in p.message]
    assert len(probs) == 1 and "duplicate" in probs[0].message and "ledger2.md" in probs[0].path
    assert article_id(body) != article_id(body, "The Ledger") == article_id(body + "\n", "THE LEDGER")


def test_reprints_are_stored_and_old_ids_still_match(tmp_path):
    body = sample("03-wire-subpoena.md")[1]
    db = tmp_path / "old.db"
    # a database written before outlets counted: the id hashed the text alone
    from storyline.extract import analyze_article

    old = Article(id=article_id(body), text=body, title="t", source="Wire Service")
    with Store(db) as store:
        store.add([analyze_article(old)])
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "wire.md").write_text(f"---\nsource: Wire Service\n---\n{body}")
    (tmp_path / "in" / "ledger.md").write_text(f"---\nsource: The Ledger\n---\n{body}")
    res = pipeline.ingest([tmp_path / "in"], db)
    assert (res.added, res.skipped) == (1, 1)
    d = pipeline.dossier_from_db(db)
    assert len(d.analyses) == 2 and any(w.copies for w in d.wire)  # the reprint counts as a wire copy


@given(st.binary(max_size=600) | st.text(alphabet="<>/?=\" rssfeditmlnkurlsetRSS&;!-[]CDAT", max_size=300).map(str.encode))
@settings(max_examples=300, deadline=None)
def test_feed_parser_never_crashes(data):
    from storyline.sources.feeds import FeedError, parse_feed

    try:
        feed = parse_feed(data, "http://127.0.0.1/")
    except FeedError as exc:
        assert "\n" not in str(exc)
        return
    assert feed.kind in {"rss", "atom", "sitemap", "sitemapindex"}
    assert all(item.url for item in feed.items)


def test_rss1_and_atom_xhtml_items():
    from storyline.sources.feeds import html_to_text, parse_feed

    rdf = (b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
           b'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>C</title>'
           b'<link>http://n.example/</link></channel><item rdf:about="http://n.example/1"><title>One</title>'
           b"<link>http://n.example/1</link><dc:date>2025-10-02</dc:date></item></rdf:RDF>")
    feed = parse_feed(rdf)
    assert [(i.url, i.title, i.published) for i in feed.items] == [("http://n.example/1", "One", "2025-10-02")]
    atom = (b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>X</title><link href="/x"/>'
            b'<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Para one.</p><p>Two &amp; more.</p></div>'
            b"</content></entry></feed>")
    item = parse_feed(atom, "http://a.example/feed").items[0]
    assert item.url == "http://a.example/x"
    assert html_to_text(item.content) == "Para one.\n\nTwo & more."
