"""``storyline watch``: poll feeds, fetch the pages of new items, ingest them so stories grow.

Feeds are fetched with conditional GET (the ETag and Last-Modified of the last answer are kept in
the database's ``fetch_state`` table, so a restart keeps them too): an unchanged feed answers 304 and
nothing else is fetched. A page is fetched once; its URL is remembered whatever came of it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..model import Article, IngestProblem
from ..sqldb import database_errors, redact
from ..store import Store
from .feeds import FeedError, parse_feed
from .fetch import Fetcher, FetchError, Validators, is_url
from .web import Reach, item_articles

Report = Callable[[IngestProblem], None]

class FetchState:
    """Validators of feeds and the pages already fetched, kept by the store (``fetch_state``)."""

    def __init__(self, db: str | Path) -> None:
        self.store = Store(db)

    def close(self) -> None:
        self.store.close()

    def validators(self, url: str) -> Validators | None:
        found = self.store.fetch_validators(url)
        return Validators(*found) if found else None

    def seen(self, url: str, stored: set[str] | None = None) -> bool:
        """Fetched before by `watch`, or (``stored``) the URL of an article already in the database."""
        return (stored is not None and url in stored) or self.store.page_fetched(url)

    def stored_urls(self) -> set[str]:
        return self.store.stored_urls()

    def save(self, url: str, kind: str, status: int, validators: Validators | None = None) -> None:
        v = validators or Validators()
        self.store.save_fetch(url, kind, status, v.etag, v.last_modified)


@dataclass
class PollResult:
    poll: int
    feeds_changed: int = 0
    feeds_unchanged: int = 0
    new_items: int = 0
    added: int = 0
    problems: list[IngestProblem] = field(default_factory=list)


def poll_once(feeds: list[str], db: str | Path, fetcher: Fetcher, state: FetchState, n: int,
              report: Report | None = None) -> PollResult:
    """One pass over the feeds: new items' pages fetched and ingested in one batch."""
    from .. import pipeline

    res = PollResult(n)

    def problem(p: IngestProblem) -> None:
        res.problems.append(p)
        if report:
            report(p)

    items: list[Article | IngestProblem] = []
    stored: set[str] | None = None  # URLs of stored articles, read once a feed has changed
    pages: dict[str, int] = {}  # fetched in this poll -> 200 when it gave an article, else 0
    feeds_read: list[tuple[str, int, Validators]] = []
    for feed_url in feeds:
        try:
            if is_url(feed_url):
                resp = fetcher.get(feed_url, state.validators(feed_url))
                if resp.not_modified:
                    res.feeds_unchanged += 1
                    continue
                body, base = resp.body, resp.url
                feeds_read.append((feed_url, resp.status, resp.validators))
            else:
                body, base = Path(feed_url).read_bytes(), ""
            feed = parse_feed(body, base)
        except (FetchError, FeedError, OSError) as exc:
            problem(IngestProblem(feed_url, str(exc).removeprefix(feed_url + ": ")))
            continue
        res.feeds_changed += 1
        if stored is None:
            stored = state.stored_urls()
        for item in feed.items:
            if item.url in pages or state.seen(item.url, stored):
                continue
            res.new_items += 1
            got = list(item_articles(item, {}, Reach(fetcher)))
            pages[item.url] = 200 if any(isinstance(g, Article) for g in got) else 0
            items.extend(got)
    if items:
        try:
            res.added = pipeline.ingest([], db, items=items, report=problem).added
        except database_errors() as exc:  # e.g. locked past the timeout: nothing is marked, the next poll retries
            problem(IngestProblem(redact(db), f"could not store this poll's articles ({exc}); retried next poll"))
            return res
    # remembered only once stored: a crash or a failed write before this re-reads the items next time
    for url, status in pages.items():
        state.save(url, "page", status)
    for url, status, validators in feeds_read:
        state.save(url, "feed", status, validators)
    return res


def watch(feeds: list[str], db: str | Path, interval: float = 300.0, max_polls: int | None = None,
          fetcher: Fetcher | None = None, report: Report | None = None,
          on_poll: Callable[[PollResult], None] | None = None,
          sleep: Callable[[float], None] = time.sleep) -> list[PollResult]:
    """Poll until ``max_polls`` (forever when None); ``interval`` seconds from one poll's start to the next."""
    fetcher = fetcher or Fetcher()
    state = FetchState(db)
    results: list[PollResult] = []
    try:
        n = 0
        while max_polls is None or n < max_polls:
            n += 1
            started = time.monotonic()
            res = poll_once(feeds, db, fetcher, state, n, report)
            results.append(res)
            if on_poll:
                on_poll(res)
            if max_polls is not None and n >= max_polls:
                break
            sleep(max(0.0, interval - (time.monotonic() - started)))
    finally:
        state.close()
    return results
