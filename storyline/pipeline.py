"""Ingest into a database, and one-shot analysis: the functions the CLI and the web app call."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .dossier import build_dossier
from .engine import Engine
from .extract import analyze_article
from .ingest import legacy_id, read_articles
from .model import Article, ArticleAnalysis, Dossier, IngestProblem
from .pubdate import parse_published
from .resolve.stories import StoryIndex, StoryState, article_profile
from .store import Store

if TYPE_CHECKING:
    from .sources.fetch import Fetcher

BATCH = 64  # articles per transaction: bounded memory, and a crash loses at most one batch

Report = Callable[[IngestProblem], None]
Progress = Callable[[int], None]


@dataclass
class IngestResult:
    added: int = 0
    skipped: int = 0  # already in the database
    touched: list[str] = field(default_factory=list)  # stories that gained articles
    problems: list[IngestProblem] = field(default_factory=list)

    @property
    def errors(self) -> list[IngestProblem]:
        return [p for p in self.problems if p.severity == "error"]


def _batches(items: Iterable[Article | IngestProblem], size: int, result: IngestResult,
             known: set[str], report: Report | None, dates: dict[str, str] | None = None,
             legacy: Callable[[Article], bool] | None = None) -> Iterator[list[Article]]:
    batch: list[Article] = []
    for item in items:
        if isinstance(item, IngestProblem):
            result.problems.append(item)
            if report:
                report(item)
            continue
        if item.id in known or (legacy is not None and legacy(item)):
            result.skipped += 1
            continue
        known.add(item.id)
        if dates and item.id in dates:  # a date a user corrected wins over the file's
            item = dataclasses.replace(item, published=dates[item.id])
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def ingest(
    paths: Iterable[str | Path], db: str | Path = "storyline.db", *, published: str | None = None,
    source: str | None = None, engine: Engine | None = None, batch_size: int = BATCH,
    report: Report | None = None, progress: Progress | None = None,
    items: Iterable[Article | IngestProblem] | None = None, fetcher: Fetcher | None = None,
    offline: bool = False,
) -> IngestResult:
    """Read, analyse and store articles; what is already stored is skipped, so a re-run resumes.
    ``items`` (articles already read, e.g. by ``storyline watch``) replace reading ``paths``."""
    result = IngestResult()
    with Store(db) as store:
        known = store.known_ids()
        dates = {a: b for kind, a, b in store.overrides() if kind == "set-date" and b}
        if items is None:
            items = read_articles(paths, published=published, source=source, fetcher=fetcher, offline=offline,
                                  known_url=_known_url(store, result))
        batches = _batches(items, batch_size, result, known, report, dates, _legacy_check(store, known))
        stories = StoryIndex(store.story_states())
        if engine is None:
            with Engine() as own:
                _run(store, own, batches, result, progress, stories)
        else:
            _run(store, engine, batches, result, progress, stories)
        store.record_problems(result.problems)
        touched = dict.fromkeys(result.touched)
        touched.update(dict.fromkeys(assign_stories(store)))
        result.touched = list(touched)
    return result


def _known_url(store: Store, result: IngestResult) -> Callable[[str], bool]:
    """Whether a page is stored already, so a feed or URL list read again fetches only what is new."""
    urls: set[str] = set()
    loaded = False

    def known(url: str) -> bool:
        nonlocal loaded
        if not loaded:  # once, and only when an input names URLs (articles.url has no index)
            urls.update(r[0] for r in store.conn.execute("SELECT url FROM articles WHERE url != ''"))
            loaded = True
        hit = url in urls
        result.skipped += hit
        return hit

    return known


def _legacy_check(store: Store, known: set[str]) -> Callable[[Article], bool]:
    """Whether an article is stored under the id it had before ids counted the outlet (a database
    made then): the same text, stored with the same outlet."""
    from .ingest import outlet_key

    def stored(art: Article) -> bool:
        if not art.source:
            return False  # its id is already the text-only hash
        old = legacy_id(art)
        if old not in known:
            return False
        row = store.conn.execute("SELECT source FROM articles WHERE id=?", (old,)).fetchone()
        return row is not None and outlet_key(row[0] or "") == outlet_key(art.source)

    return stored


def _assign(store: Store, index: StoryIndex, analyses: list[ArticleAnalysis]) -> list[str]:
    """Put these articles into stories (online: nothing already assigned moves) and store that
    with the changed profiles; return the stories that changed, whose resolution is now stale."""
    assigned: dict[str, str] = {}
    changed: dict[int, StoryState] = {}
    for an in analyses:
        st = index.assign(an.article.id, article_profile(an))
        assigned[an.article.id] = st.id
        changed[index.position[st.id]] = st
    if assigned:
        store.save_stories(changed.items(), assigned)
    return [st.id for st in changed.values()]


def assign_stories(store: Store, chunk: int = BATCH) -> list[str]:
    """Assign the articles an interrupted ingest left outside any story, a chunk at a time."""
    index = StoryIndex(store.story_states())
    ids = store.unassigned()
    touched: dict[str, None] = {}
    for i in range(0, len(ids), chunk):
        touched.update(dict.fromkeys(_assign(store, index, store.analyses_of(ids[i : i + chunk]))))
    return list(touched)


def story_dossier(db: str | Path, story: str) -> Dossier:
    """Resolve one story from its own articles: what adding articles to a story re-runs."""
    with Store(db, readonly=True) as store:
        ids = store.story_articles(story)
        if not ids:
            raise KeyError(f"no story {story!r} in {db}")
        return build_dossier(store.analyses_of(ids), overrides=store.overrides())


def _run(store: Store, eng: Engine, batches: Iterator[list[Article]], result: IngestResult,
         progress: Progress | None, stories: StoryIndex) -> None:
    # a few batches in flight at most: memory stays flat however large the input
    window = max(2, eng.workers * 2)
    pending: list[list[Article]] = []
    for batch in batches:
        pending.append(batch)
        if len(pending) >= window:
            _flush(store, eng, pending, result, progress, stories)
            pending = []
    _flush(store, eng, pending, result, progress, stories)


def _flush(store: Store, eng: Engine, pending: list[list[Article]], result: IngestResult,
           progress: Progress | None, stories: StoryIndex) -> None:
    for analyses in eng.map(pending):
        result.added += store.add(analyses)
        for sid in _assign(store, stories, analyses):
            if sid not in result.touched:
                result.touched.append(sid)
        if progress:
            progress(len(analyses))


def analyze(
    paths: Iterable[str | Path], *, published: str | None = None, source: str | None = None,
    engine: Engine | None = None, report: Report | None = None, progress: Progress | None = None,
) -> Dossier:
    """One shot: read, extract and resolve, leaving nothing behind."""
    problems: list[IngestProblem] = []
    articles: list[Article] = []
    for item in read_articles(paths, published=published, source=source):
        if isinstance(item, IngestProblem):
            problems.append(item)
            if report:
                report(item)
        else:
            articles.append(item)
    analyses: list[ArticleAnalysis] = []
    batches = [articles[i : i + BATCH] for i in range(0, len(articles), BATCH)]
    if engine is None:
        with Engine() as own:
            _collect(own, batches, analyses, progress)
    else:
        _collect(engine, batches, analyses, progress)
    return build_dossier(analyses, problems)


def _collect(eng: Engine, batches: list[list[Article]], out: list[ArticleAnalysis],
             progress: Progress | None) -> None:
    for done in eng.map(batches):
        out.extend(done)
        if progress:
            progress(len(done))


def dossier_from_db(db: str | Path = "storyline.db") -> Dossier:
    with Store(db, readonly=True) as store:
        return build_dossier(list(store.analyses()), overrides=store.overrides())


def add_override(db: str | Path, kind: str, a: str, b: str | None = None) -> None:
    """Record a human decision (merge, split, not-same); it applies from the next resolution on."""
    if kind not in {"merge", "split", "not-same"}:
        raise ValueError(f"unknown override {kind!r}")
    with Store(db) as store:
        store.add_override(kind, a, b)


def set_date(db: str | Path, article: str, published: str) -> ArticleAnalysis:
    """Correct an article's publication date: its relative dates are read again against it, and
    the correction is stored so a later ingest of the same article keeps it."""
    date = parse_published(published)
    with Store(db) as store:
        an = store.analysis(article)
        if an is None:
            matches = [r["id"] for r in store.rows("SELECT id FROM articles WHERE id LIKE ? OR external_id = ?",
                                                   (article + "%", article))]
            if len(matches) != 1:
                raise KeyError(f"no single article {article!r} in {db} ({len(matches)} match)")
            an = store.analysis(str(matches[0]))
        assert an is not None
        art = dataclasses.replace(an.article, published=date)
        new = analyze_article(art)
        store.replace(new)
        store.add_override("set-date", art.id, date)
        return new
