"""Feeds, sitemaps, URL lists and `watch` against a real HTTP server on 127.0.0.1."""

import subprocess
import sys

import pytest

from storyline import pipeline
from storyline.model import Article, IngestProblem
from storyline.sources.fetch import Fetcher, FetchError
from storyline.sources.watch import watch
from storyline.store import Store

from .server import Site, page, rss, sample

DATES = ["Thu, 02 Oct 2025 09:00:00 GMT", "Mon, 06 Oct 2025 10:00:00 GMT", "Tue, 07 Oct 2025 11:00:00 GMT"]


@pytest.fixture
def site():
    with Site() as s:
        s.put("/robots.txt", "User-agent: *\nDisallow: /private/\n", "text/plain")
        for n, name in enumerate(["01-ledger-bid.md", "02-harbor-reject.md", "03-wire-subpoena.md"], start=1):
            meta, body = sample(name)
            s.put(f"/news/a{n}", page(meta["title"], body, meta["source"]))
        meta, body = sample("04-ledger-lawsuit.md")
        s.put("/private/secret", page(meta["title"], body))
        yield s


def feed_of(site, paths):
    items = [(p, f"Item {p}", DATES[i % 3]) for i, p in enumerate(paths)]
    return rss(items, site.base)


def test_watch_grows_a_story_and_fetches_nothing_unchanged(site, tmp_path):
    db = tmp_path / "news.db"
    site.put("/feed.xml", feed_of(site, ["/news/a1", "/news/a2", "/private/secret"]), "application/rss+xml", '"v1"')
    problems: list[IngestProblem] = []
    fetcher = Fetcher(delay=0)
    first = watch([site.base + "/feed.xml"], db, interval=0, max_polls=1, fetcher=fetcher, report=problems.append)
    assert first[0].added == 2 and first[0].new_items == 3
    assert site.hits["/private/secret"] == 0  # robots.txt disallows it
    assert any("robots.txt" in p.message and p.path.endswith("/private/secret") for p in problems)
    assert site.hits["/robots.txt"] == 1
    assert all(a.startswith("storyline/") for a in site.agents)
    with Store(db, readonly=True) as store:
        arts = store.rows("SELECT id, url, source, published FROM articles ORDER BY url")
        assert [a["url"] for a in arts] == [site.base + "/news/a1", site.base + "/news/a2"]
        assert arts[0]["published"].startswith("2025-10-02")  # the feed item's date
        assert arts[0]["source"] == "The Ledger"  # the page names its site
        story = store.story_of(str(arts[0]["id"]))
        before = len(store.story_articles(story))

    # a second poll: the feed answers 304 and nothing else is requested
    hits = sum(site.hits.values())
    second = watch([site.base + "/feed.xml"], db, interval=0, max_polls=1, fetcher=fetcher)
    assert second[0].feeds_unchanged == 1 and second[0].added == 0
    assert sum(site.hits.values()) == hits + 1 and site.not_modified == 1

    # a new item appears: only its page is fetched, and it joins the story
    site.put("/feed.xml", feed_of(site, ["/news/a3", "/news/a1", "/news/a2", "/private/secret"]),
             "application/rss+xml", '"v2"')
    third = watch([site.base + "/feed.xml"], db, interval=0, max_polls=1, fetcher=fetcher)
    assert third[0].new_items == 1 and third[0].added == 1
    assert site.hits["/news/a3"] == 1 and site.hits["/news/a1"] == 1
    with Store(db, readonly=True) as store:
        assert len(store.story_articles(story)) == before + 1


def test_watch_polls_on_an_interval(site, tmp_path):
    site.put("/feed.xml", feed_of(site, ["/news/a1"]), "application/rss+xml", '"v1"')
    waits: list[float] = []
    out = watch([site.base + "/feed.xml"], tmp_path / "w.db", interval=30, max_polls=3,
                fetcher=Fetcher(delay=0), sleep=waits.append)
    assert [r.added for r in out] == [1, 0, 0] and len(waits) == 2 and all(0 < w <= 30 for w in waits)
    assert site.hits["/feed.xml"] == 3 and site.not_modified == 2


def test_ingest_a_feed_url_a_sitemap_and_a_url_list(site, tmp_path):
    site.put("/feed.xml", feed_of(site, ["/news/a1"]), "application/rss+xml")
    site.put("/sitemap.xml", '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             f"<url><loc>{site.base}/news/a2</loc><lastmod>2025-10-06</lastmod></url></urlset>", "application/xml")
    urls = tmp_path / "list.urls"
    urls.write_text(f"# to read\n{site.base}/news/a3\n{site.base}/missing\nnot a url\n")
    db = tmp_path / "n.db"
    res = pipeline.ingest([site.base + "/feed.xml", site.base + "/sitemap.xml", str(urls)], db)
    assert res.added == 3
    msgs = [str(p) for p in res.problems]
    assert any("/missing" in m and "404" in m for m in msgs)
    assert any("not an http(s) URL" in m and ":4:" in m for m in msgs)
    with Store(db, readonly=True) as store:
        got = {r["url"]: r["published"] for r in store.rows("SELECT url, published FROM articles")}
    assert got[site.base + "/news/a2"] == "2025-10-06"
    # read again: the feed is fetched, the stored pages are not
    pages = site.hits["/news/a1"] + site.hits["/news/a2"] + site.hits["/news/a3"]
    again = pipeline.ingest([site.base + "/feed.xml", site.base + "/sitemap.xml", str(urls)], db)
    assert (again.added, again.skipped) == (0, 3)
    assert site.hits["/news/a1"] + site.hits["/news/a2"] + site.hits["/news/a3"] == pages


def test_offline_fetches_nothing(site, tmp_path):
    urls = tmp_path / "list.urls"
    urls.write_text(f"{site.base}/news/a1\n")
    items = list(pipeline.read_articles([str(urls), site.base + "/feed.xml"], offline=True))
    assert not [i for i in items if isinstance(i, Article)]
    assert all("offline" in i.message for i in items)
    assert sum(site.hits.values()) == 0


def test_fetcher_limits_and_errors(site):
    site.put("/big", b"x" * 5000, "text/html")
    f = Fetcher(delay=0, max_bytes=1000)
    with pytest.raises(FetchError, match="limit"):
        f.get(site.base + "/big")
    with pytest.raises(FetchError, match="HTTP 404"):
        f.get(site.base + "/nothing")
    with pytest.raises(FetchError, match="only http"):
        f.get("file:///etc/passwd")
    with pytest.raises(FetchError, match="cannot connect"):
        Fetcher(delay=0, robots=False).get("http://127.0.0.1:9/x")


def test_per_host_delay(site):
    now = [0.0]
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(s)
        now[0] += s

    f = Fetcher(delay=2.0, clock=lambda: now[0], sleep=sleep)
    f.get(site.base + "/news/a1")
    f.get(site.base + "/news/a2")
    assert slept and all(abs(s - 2.0) < 1e-6 for s in slept)  # robots.txt, then each page, 2 s apart
    assert len(slept) == 2


@pytest.mark.parametrize("module", ["storyline", "storyline.cli"])
def test_python_m_storyline_runs_every_command(module):
    out = subprocess.run([sys.executable, "-m", module, "--help"], capture_output=True, text=True, timeout=120,
                         env={"COLUMNS": "120", "PATH": "/usr/bin:/bin", "PYTHONPATH": ":".join(sys.path)})
    assert out.returncode == 0, out.stderr
    listed = {line.split()[1] for line in out.stdout.splitlines() if line.startswith("│ ") and len(line.split()) > 1}
    assert {"ingest", "watch", "eval", "serve", "merge", "split", "not-same", "set-date", "why", "export"} <= listed


def test_sitemap_index_of_gzipped_sitemaps(site, tmp_path):
    import gzip

    inner = ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
             'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
             f"<url><loc>{site.base}/news/a1</loc><news:news><news:publication><news:name>The Ledger</news:name>"
             "</news:publication><news:publication_date>2025-10-02</news:publication_date>"
             "<news:title>Orbital bids for Vexa</news:title></news:news></url></urlset>")
    site.put("/news-sitemap.xml.gz", gzip.compress(inner.encode()), "application/x-gzip")
    site.put("/sitemap-index.xml", '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             f"<sitemap><loc>{site.base}/news-sitemap.xml.gz</loc></sitemap></sitemapindex>", "application/xml")
    items = list(pipeline.read_articles([site.base + "/sitemap-index.xml"], fetcher=Fetcher(delay=0)))
    arts = [i for i in items if isinstance(i, Article)]
    assert len(arts) == 1, items
    a = arts[0]
    assert (a.title, a.source, a.published) == ("Orbital bids for Vexa", "The Ledger", "2025-10-02")


def test_last_modified_alone_gives_a_304(site):
    from storyline.sources.fetch import Validators

    site.put("/feed.xml", feed_of(site, ["/news/a1"]), "application/rss+xml", '"v9"')
    f = Fetcher(delay=0)
    first = f.get(site.base + "/feed.xml")
    assert first.validators.last_modified
    again = f.get(site.base + "/feed.xml", Validators(last_modified=first.validators.last_modified))
    assert again.not_modified and again.body == b""


def test_a_failed_write_is_retried_next_poll(site, tmp_path, monkeypatch):
    import sqlite3

    site.put("/feed.xml", feed_of(site, ["/news/a1"]), "application/rss+xml", '"v1"')
    real = pipeline.ingest
    calls = []

    def locked_once(*a, **kw):
        calls.append(1)
        if len(calls) == 1:
            raise sqlite3.OperationalError("database is locked")
        return real(*a, **kw)

    monkeypatch.setattr(pipeline, "ingest", locked_once)
    problems: list[IngestProblem] = []
    out = watch([site.base + "/feed.xml"], tmp_path / "r.db", interval=0, max_polls=2,
                fetcher=Fetcher(delay=0), report=problems.append, sleep=lambda s: None)
    assert [r.added for r in out] == [0, 1]
    assert any("locked" in p.message and "retried" in p.message for p in problems)
    assert site.hits["/feed.xml"] == 2 and site.not_modified == 0  # validators were not kept after the failure
