"""Feeds, sitemaps, URL lists and URLs to articles.

A feed item becomes an article with the item's URL, title, date and outlet (the item wins over
what the page says). Its text is the feed's own full content when the feed carries the article
(``content:encoded``, Atom ``content``), else the page, fetched politely through ``fetch.Fetcher``.
``offline`` fetches nothing and names what it had to leave out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ..model import IngestProblem
from ..readers import Item, _metadata, decode, html_articles, make_articles
from .feeds import Feed, FeedError, FeedItem, html_to_text, looks_like_feed, parse_feed
from .fetch import Disallowed, Fetcher, FetchError, is_url

# Feed content shorter than this is a teaser, not the article: the page is fetched instead.
FULL_CONTENT_CHARS = 600
MAX_SITEMAP_DEPTH = 1  # a sitemap index of sitemaps, no deeper


@dataclass
class Reach:
    """How far reading may go: the fetcher (a polite default one when None), whether to fetch at
    all, and the URLs already stored (their pages are not fetched again)."""

    fetcher: Fetcher | None = None
    offline: bool = False
    known_url: Callable[[str], bool] | None = None

    def get_fetcher(self) -> Fetcher:
        if self.fetcher is None:
            self.fetcher = default_fetcher()
        return self.fetcher


def sniff_listing(path: Path, urls: bool = True) -> bool:
    """A text file that is really a feed, or (``urls``) a list of URLs: every non-blank, non-#
    line one URL."""
    with path.open("rb") as fh:
        head = fh.read(65536)
    if looks_like_feed(head):
        return True
    if not urls:
        return False
    lines = [ln.strip() for ln in head.decode("utf-8", errors="replace").splitlines()]
    lines = [ln for ln in lines if ln and not ln.startswith("#")]
    return bool(lines) and all(is_url(ln) and " " not in ln for ln in lines)


def host_of(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host[4:] if host.startswith("www.") else host


def read_listing(path: Path, defaults: dict[str, str], reach: Reach) -> Iterator[Item]:
    """A feed or sitemap file, or a file of URLs (one a line, # comments)."""
    data = path.read_bytes()
    if looks_like_feed(data) or path.suffix.lower() in {".rss", ".atom", ".xml", ".rdf"}:
        try:
            feed = parse_feed(data)
        except FeedError as exc:
            yield IngestProblem(str(path), str(exc))
            return
        yield from feed_articles(feed, str(path), defaults, reach)
        return
    text, problem = decode(data, str(path))
    if text is None:
        if problem:
            yield problem
        return
    for lineno, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if not is_url(line):
            yield IngestProblem(str(path), f"not an http(s) URL: {line[:80]!r}", lineno)
            continue
        if reach.known_url and reach.known_url(line):
            continue
        yield from read_url(line, defaults, reach)


def read_url(url: str, defaults: dict[str, str], reach: Reach,
             wins: dict[str, object] | None = None, depth: int = 0) -> Iterator[Item]:
    """A URL: a feed or sitemap (its items are read), or an article page."""
    if reach.offline:
        yield IngestProblem(url, "not fetched (offline)", severity="warning")
        return
    try:
        resp = reach.get_fetcher().get(url)
    except FetchError as exc:
        severity = "warning" if isinstance(exc, Disallowed) else "error"
        yield IngestProblem(url, str(exc).removeprefix(url + ": "), severity=severity)
        return
    if looks_like_feed(resp.body):
        try:
            feed = parse_feed(resp.body, resp.url)
        except FeedError as exc:
            yield IngestProblem(url, str(exc))
            return
        if depth > MAX_SITEMAP_DEPTH:
            yield IngestProblem(url, "sitemap nested too deep; not read", severity="warning")
            return
        yield from feed_articles(feed, url, defaults, reach, depth)
        return
    yield from page_articles(resp.body, resp.charset, resp.url, url, defaults, wins)


def page_articles(body: bytes, charset: str | None, final_url: str, where: str, defaults: dict[str, str],
                  wins: dict[str, object] | None = None) -> Iterator[Item]:
    if charset:
        try:
            html: str | None = body.decode(charset)
        except (LookupError, UnicodeDecodeError):
            html = body.decode("utf-8", errors="replace")
    else:
        html, problem = decode(body, where)
        if html is None:
            if problem:
                yield problem
            return
    wins = {"url": final_url, **(wins or {})}
    if not (wins.get("source") or defaults.get("source")):
        defaults = {**defaults, "source": host_of(final_url)}  # only when the page names no site either
    yield from html_articles(html, where, defaults, wins, url=final_url)


def item_meta(item: FeedItem) -> dict[str, object]:
    return {"url": item.url, "title": item.title, "published": item.published, "source": item.source}


def feed_articles(feed: Feed, where: str, defaults: dict[str, str], reach: Reach, depth: int = 0) -> Iterator[Item]:
    if feed.kind == "sitemapindex":
        for item in feed.items:
            yield from read_url(item.url, defaults, reach, depth=depth + 1)
        return
    if not feed.items:
        yield IngestProblem(where, f"{feed.kind} has no items", severity="warning")
    for item in feed.items:
        if reach.known_url and reach.known_url(item.url):
            continue  # stored already: its page is not fetched again
        yield from item_articles(item, defaults, reach)


def item_articles(item: FeedItem, defaults: dict[str, str], reach: Reach) -> Iterator[Item]:
    """One feed item: the feed's own full text if it carries it, else the fetched page."""
    full = html_to_text(item.content or item.summary)
    if len(full) >= FULL_CONTENT_CHARS:
        meta_raw = {**defaults, **{k: v for k, v in item_meta(item).items() if v not in (None, "")}}
        meta_raw.setdefault("source", host_of(item.url))
        meta, problems = _metadata(meta_raw, item.url, None)
        yield from problems
        yield from make_articles(full, meta, item.url)
        return
    if reach.offline:  # a teaser is not the article: better nothing than a stub in the stories
        what = f"only a {len(full)}-character summary" if full else "no text"
        yield IngestProblem(item.url, f"feed item has {what}; its page is not fetched (offline)", severity="warning")
        return
    yield from read_url(item.url, defaults, reach, wins=item_meta(item))


_DEFAULT: list[Fetcher] = []


def default_fetcher() -> Fetcher:
    """One polite fetcher per process, so the per-host delay and robots.txt hold across inputs."""
    if not _DEFAULT:
        _DEFAULT.append(Fetcher())
    return _DEFAULT[0]
