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
from .ingest import legacy_id, outlet_key, read_articles
from .model import Article, ArticleAnalysis, Dossier, IngestProblem, OverrideRecord
from .pubdate import parse_published
from .resolve.stories import StoryIndex, StoryState, article_profile, in_order
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
        stories = LiveStories(store)
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
            urls.update(store.stored_urls())
            loaded = True
        hit = url in urls
        result.skipped += hit
        return hit

    return known


def _legacy_check(store: Store, known: set[str]) -> Callable[[Article], bool]:
    """Whether an article is stored under the id it had before ids counted the outlet (a database
    made then): the same text, stored with the same outlet."""

    def stored(art: Article) -> bool:
        if not art.source:
            return False  # its id is already the text-only hash
        old = legacy_id(art)
        if old not in known:
            return False
        stored_source = store.source_of(old)
        return stored_source is not None and outlet_key(stored_source) == outlet_key(art.source)

    return stored


class LiveStories:
    """The story index an ingest assigns with, kept in step with the database: when another writer
    (a second ingest) has committed since this one last looked, the index is read again under the
    write lock before any article is placed, so story ids and profiles come from the database and
    two writers never hand out the same id or overwrite each other's stories."""

    def __init__(self, store: Store) -> None:
        self.seen = store.data_version()  # first: a commit between the two reads is then re-read
        self.index = StoryIndex(store.story_states())

    def refresh(self, store: Store) -> StoryIndex:
        if store.data_version() != self.seen:
            self.index = StoryIndex(store.story_states())
        return self.index

    def committed(self, store: Store) -> None:
        self.seen = store.data_version()


def _assign(store: Store, live: LiveStories, analyses: list[ArticleAnalysis]) -> list[str]:
    """Put these articles into stories (online: nothing already assigned moves) and store that
    with the changed profiles; return the stories that changed, whose resolution is now stale."""
    assigned: dict[str, str] = {}
    changed: dict[int, StoryState] = {}
    with store.write():
        index = live.refresh(store)
        for an in in_order(analyses):
            if store.story_of(an.article.id) is not None:  # placed by another writer meanwhile
                continue
            st = index.assign(an.article.id, article_profile(an), an.article.published)
            assigned[an.article.id] = st.id
            changed[index.position[st.id]] = st
        if assigned:
            store.save_stories(changed.items(), assigned)
        live.committed(store)  # under the lock: no other writer can commit before ours
    return [st.id for st in changed.values()]


def assign_stories(store: Store, chunk: int = BATCH) -> list[str]:
    """Assign the articles an interrupted ingest left outside any story, a chunk at a time."""
    live = LiveStories(store)
    ids = store.unassigned()
    touched: dict[str, None] = {}
    for i in range(0, len(ids), chunk):
        touched.update(dict.fromkeys(_assign(store, live, store.analyses_of(ids[i : i + chunk]))))
    return list(touched)


def story_dossier(db: str | Path, story: str) -> Dossier:
    """Resolve one story from its own articles: what adding articles to a story re-runs."""
    with Store(db, readonly=True) as store:
        state = store.story_state(story)
        if state is None or not state.articles:
            raise KeyError(f"no story {story!r} in {db}")
        return build_dossier(store.analyses_of(state.articles), overrides=store.overrides(), stored_stories=[state])


def _run(store: Store, eng: Engine, batches: Iterator[list[Article]], result: IngestResult,
         progress: Progress | None, stories: LiveStories) -> None:
    # one stream: the engine reads batches lazily and keeps a bounded amount of work ahead, so memory
    # stays flat and the workers keep extracting while _flush stores and assigns a batch
    _flush(store, eng, batches, result, progress, stories)


def _flush(store: Store, eng: Engine, pending: Iterable[list[Article]], result: IngestResult,
           progress: Progress | None, stories: LiveStories) -> None:
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
        return build_dossier(list(store.analyses()), overrides=store.overrides(),
                             stored_stories=store.story_states())


def add_override(db: str | Path, kind: str, a: str, b: str | None = None) -> int:
    """Record a human decision (merge, split, not-same); it applies from the next resolution on.
    Returns the override's id (what `undo_override` takes)."""
    if kind not in {"merge", "split", "not-same"}:
        raise ValueError(f"unknown override {kind!r}")
    if not a.strip() or (b is not None and not b.strip()):
        raise ValueError(f"{kind}: an entity (and a second entity or form) is needed")
    if kind in {"merge", "not-same"} and b is not None and a.strip() == b.strip():
        raise ValueError(f"{kind}: {a.strip()!r} is the same entity twice")
    with Store(db) as store:
        return store.add_override(kind, a.strip(), b.strip() if b is not None else None)


def find_article(store: Store, article: str) -> str:
    """An article id from its id, a unique prefix of it, or the id the input gave it."""
    if store.has(article):
        return article
    matches = [str(r["id"]) for r in store.rows("SELECT id FROM articles WHERE id LIKE ? OR external_id = ?",
                                                (article + "%", article))]
    if len(matches) != 1:
        raise KeyError(f"no single article {article!r} in {store.path} ({len(matches)} match)")
    return matches[0]


def articles_of(db: str | Path, *, outlet: str | None = None, story: str | None = None) -> list[str]:
    """The ids of every article of an outlet, or of a stored story (ids from `storyline stories`)."""
    with Store(db, readonly=True) as store:
        if outlet is not None:
            # outlets compare as ingest compares them: "the  ledger" is The Ledger
            want = outlet_key(outlet)
            ids = [str(r["id"]) for r in store.rows("SELECT id, source FROM articles ORDER BY published, id")
                   if outlet_key(str(r["source"] or "")) == want]
            if not ids:
                raise KeyError(f"no article from outlet {outlet!r} in {db}")
            return ids
        if story is not None:
            ids = store.story_articles(story)
            if not ids:
                raise KeyError(f"no story {story!r} in {db}")
            return ids
    raise ValueError("articles_of needs an outlet or a story")


def set_dates(db: str | Path, articles: Iterable[str], published: str, scope: str | None = None) -> list[ArticleAnalysis]:
    """Correct the publication date of several articles at once (an outlet's, a story's): each is read
    again against the new date, and the articles and their corrections are stored in one transaction,
    as one batch that a single undo takes back. A later ingest of the same articles keeps the dates."""
    date = parse_published(published)
    with Store(db) as store:
        old: list[ArticleAnalysis] = []
        for ref in dict.fromkeys(articles):
            an = store.analysis(find_article(store, ref))
            assert an is not None
            old.append(an)
        new = [analyze_article(dataclasses.replace(an.article, published=date)) for an in old]
        store.set_dates(new, date, {an.article.id: an.article.published for an in old}, scope)
    return new


def set_date(db: str | Path, article: str, published: str) -> ArticleAnalysis:
    """Correct one article's publication date (see `set_dates`)."""
    return set_dates(db, [article], published)[0]


def override_records(db: str | Path) -> list[OverrideRecord]:
    with Store(db, readonly=True) as store:
        return store.override_records()


def undo_override(db: str | Path, override: int) -> list[OverrideRecord]:
    """Take back an override (with the rest of its batch): it no longer applies to any resolution,
    and an article whose date it set gets back the date it had before. Returns what was undone."""
    with Store(db) as store:
        records = store.override_records()
        target = next((o for o in records if o.id == override), None)
        if target is None:
            raise KeyError(f"no override {override} in {db}")
        if target.undone:
            raise ValueError(f"override {override} was already undone at {target.undone}")
        group = [o for o in records if o.undone is None and
                 (o.id == target.id or (target.batch is not None and o.batch == target.batch))]
        gone = {o.id for o in group}
        restored = []
        for o in group:
            if o.kind != "set-date":
                continue
            dated = [x for x in records if x.kind == "set-date" and x.a == o.a]
            still = [x for x in dated if x.undone is None and x.id not in gone]
            # the date before the first correction, unless a correction still in force says otherwise
            if still:
                date: str | None = still[-1].b
            elif dated[0].prev is None:
                raise ValueError(f"override {o.id} was recorded before storyline kept the date it replaced; "
                                 "set the right date again instead of undoing it")
            else:
                date = dated[0].prev or None  # "" recorded an undated article
            an = store.analysis(o.a)
            if an is not None and an.article.published != date:
                restored.append(analyze_article(dataclasses.replace(an.article, published=date)))
        store.undo_overrides(gone, restored)
    return group
