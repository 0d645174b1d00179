"""Ingest into a database, and one-shot analysis: the functions the CLI and the web app call."""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .dossier import build_dossier, combine, resolve_story, story_view
from .engine import Engine
from .model import Article, ArticleAnalysis, Dossier, IngestProblem, OverrideRecord, Story, StoryResolution
from .pubdate import parse_published
from .readers import legacy_id, outlet_key, read_articles
from .resolve.stored_index import StoredStoryIndex
from .resolve.stories import article_profile, in_order
from .store import Store

if TYPE_CHECKING:
    from .sources.fetch import Fetcher

BATCH = 64  # articles per transaction: bounded memory, and a crash loses at most one batch
RESOLVE_CHUNK = 16  # story resolutions stored per transaction when many stories wait
GROWTH = 0.5  # within an ingest run, a story is re-resolved once it has grown by half since its last resolution

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


RECENT_IDS = 65_536  # ids of this run kept to skip a repeat before its first copy is stored


def _batches(items: Iterable[Article | IngestProblem], size: int, result: IngestResult,
             stored: Callable[[str], bool], report: Report | None, dates: dict[str, str] | None = None,
             legacy: Callable[[Article], bool] | None = None) -> Iterator[list[Article]]:
    """Articles in batches, less those stored already (one indexed lookup each: loading every stored
    id at the start of a run would grow with the database) and repeats within the run. The run's own
    ids are kept for the last RECENT_IDS articles only, so memory stays flat however long the input:
    a repeat further back was stored meanwhile (the engine keeps a bounded amount of work in
    flight), and one that was not is still stored once (Store.add skips known ids)."""
    recent: OrderedDict[str, None] = OrderedDict()
    batch: list[Article] = []
    for item in items:
        if isinstance(item, IngestProblem):
            result.problems.append(item)
            if report:
                report(item)
            continue
        if item.id in recent or stored(item.id) or (legacy is not None and legacy(item)):
            result.skipped += 1
            continue
        recent[item.id] = None
        if len(recent) > RECENT_IDS:
            recent.popitem(last=False)
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
        dates = {a: b for kind, a, b in store.overrides() if kind == "set-date" and b}
        if items is None:
            items = read_articles(paths, published=published, source=source, fetcher=fetcher, offline=offline,
                                  known_url=_known_url(store, result))
        batches = _batches(items, batch_size, result, store.has_article, report, dates, _legacy_check(store))
        if engine is None:
            with Engine() as own:
                _run(store, own, batches, result, progress)
        else:
            _run(store, engine, batches, result, progress)
        touched = dict.fromkeys(result.touched)
        touched.update(dict.fromkeys(assign_stories(store)))
        result.touched = list(touched)
        # every story this run left waiting, and what a crash or another writer left behind, is resolved
        # now: when an ingest ends, the whole database is current (and a re-run completes the work)
        result.problems += catch_up(store)
        store.record_problems(result.problems)
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


def _legacy_check(store: Store) -> Callable[[Article], bool]:
    """Whether an article is stored under the id it had before ids counted the outlet (a database
    made then): the same text, stored with the same outlet."""

    def stored(art: Article) -> bool:
        if not art.source:
            return False  # its id is already the text-only hash
        old = legacy_id(art)
        if not store.has_article(old):
            return False
        stored_source = store.source_of(old)
        return stored_source is not None and outlet_key(stored_source) == outlet_key(art.source)

    return stored


def _assign(store: Store, analyses: list[ArticleAnalysis],
            profiles: dict[str, dict[str, float]] | None = None) -> list[str]:
    """Put these articles into stories (online: nothing already assigned moves) and store that
    with the changed profiles and postings, in one write transaction; return the stories that
    changed, whose resolution is now stale. The index is read under the write lock, so story ids
    come from the database and two writers never hand out the same id or overwrite each other."""
    assigned: dict[str, str] = {}
    # outside the write lock (the caller's too): the first profile imports spaCy's stop words (4 s),
    # which held every other writer waiting when done under the lock
    if profiles is None:
        profiles = {an.article.id: article_profile(an) for an in analyses}
    with store.write():
        index = StoredStoryIndex(store)
        for an in in_order(analyses):
            if store.story_of(an.article.id) is not None:  # placed by another writer meanwhile
                continue
            st = index.assign(an.article.id, profiles[an.article.id], an.article.published)
            assigned[an.article.id] = st.id
        if assigned:
            store.save_story_index(index.changed, index.new_postings, assigned, index.renormed.values())
            store.mark_stale(st.id for st in index.changed.values())
    return [st.id for st in index.changed.values()]


def assign_stories(store: Store, chunk: int = BATCH) -> list[str]:
    """Assign the articles an interrupted ingest left outside any story, a chunk at a time."""
    ids = store.unassigned()
    touched: dict[str, None] = {}
    for i in range(0, len(ids), chunk):
        touched.update(dict.fromkeys(_assign(store, store.analyses_of(ids[i : i + chunk]))))
    return list(touched)


def story_dossier(db: str | Path, story: str) -> Dossier:
    """One story as stored: its articles and its stored resolution, nothing resolved (the cost of
    that story, not of the database). A story not resolved yet (a database from before resolution
    was stored, or an interrupted ingest) is resolved in memory, and a warning says so."""
    with Store(db, readonly=True) as store:
        return stored_story(store, story)


def stored_story(store: Store, story: str, resolve: bool = True) -> Dossier:
    """``resolve=False`` (the web UI): never resolve; a stale story shows its last stored resolution
    and a story never resolved yet shows its articles only, until the ingest resolving it commits."""
    state = store.story_state(story)
    if state is None or not state.articles:
        raise KeyError(f"no story {story!r} in {store.name}")
    analyses = store.analyses_of(state.articles)
    res = store.story_resolution(story)
    if not resolve:
        res = res or StoryResolution(Story(story, "Story being resolved", list(state.articles)))
    elif res is None or store.is_stale(story):
        res = resolve_story(analyses, state, registry_overrides(store))
        res.problems.append(IngestProblem(f"story {story}", "not yet resolved in the database (run `storyline "
                                          "resolve`); resolved in memory for this reading", severity="warning"))
    return story_view(analyses, res)


def _run(store: Store, eng: Engine, batches: Iterator[list[Article]], result: IngestResult,
         progress: Progress | None) -> None:
    # one stream: the engine reads batches lazily and keeps a bounded amount of work ahead, so memory
    # stays flat and the workers keep extracting while _flush stores, assigns and resolves a batch
    _flush(store, eng, batches, result, progress)


def _flush(store: Store, eng: Engine, pending: Iterable[list[Article]], result: IngestResult,
           progress: Progress | None) -> None:
    for analyses in eng.map(pending):
        add_analyses(store, analyses, result)
        if progress:
            progress(len(analyses))


def catch_up(store: Store) -> list[IngestProblem]:
    """Resolve every stale story now, due or not: what the end of an ingest run does."""
    return resolve_stories(store, store.stale_stories())


def add_analyses(store: Store, analyses: list[ArticleAnalysis], result: IngestResult | None = None) -> list[str]:
    """Store analysed articles, place them in stories and re-resolve the stories they touched: one
    ingest batch. Returns the touched stories."""
    result = result if result is not None else IngestResult()
    profiles = {an.article.id: article_profile(an) for an in analyses}
    with store.write():  # stored and placed at once: no crash or other writer sees them outside a story
        result.added += store.add(analyses)
        touched = _assign(store, analyses, profiles)
    for sid in touched:
        if sid not in result.touched:
            result.touched.append(sid)
    result.problems += resolve_stories(store, touched, force=False)
    return touched


def registry_overrides(store: Store) -> list[tuple[str, str, str | None]]:
    """The overrides in force, with registry ids (what users see) turned into the names resolution
    matches on, since a story's own entity ids are local until stored."""
    out = []
    rows = store.overrides()
    names = store.registry_names({x for kind, a, b in rows if kind != "set-date" for x in (a, b) if x})
    for kind, a, b in rows:
        if kind == "set-date":
            continue
        out.append((kind, names.get(a, a), names.get(b, b) if b is not None else None))
    return out


def due(size: int, resolved: int | None) -> bool:
    """Whether a story that has grown to ``size`` articles since it was resolved with ``resolved`` is
    resolved again by the batch that touched it. A story re-resolves from all of its articles, so
    doing it for every article it gains costs its size per article (quadratic in a continuing
    story, four article-resolutions per article on a realistic stream of ten-article stories).
    Waiting until it has grown by half costs about three however large it gets, and the
    resolution a reader sees always covers at least two thirds of the story's articles (marked as
    being updated until the story is due or the run ends, ``catch_up``). A new story is resolved
    at once."""
    if resolved is None:
        return True
    return size - resolved >= max(1, int(GROWTH * resolved))


def resolve_stories(store: Store, stories: Iterable[str], progress: Progress | None = None,
                    force: bool = True) -> list[IngestProblem]:
    """Resolve these stories from their own articles and store the results in one transaction; a
    story that fails is named in a problem and stays stale (the next ingest tries again).
    ``force=False`` (an ingest batch): a story waits until it is ``due``, and stays marked stale."""
    overrides = registry_overrides(store)
    done: list[tuple[StoryResolution, int]] = []
    problems: list[IngestProblem] = []
    for sid in dict.fromkeys(stories):
        if len(done) >= RESOLVE_CHUNK:  # many stale stories (an old database): bounded memory, steady progress
            store.save_resolutions(done)
            done = []
        state = store.story_state(sid)
        if state is None:
            continue
        if not force and not due(len(state.articles), store.resolved_size(sid)):
            continue
        try:
            done.append((resolve_story(store.analyses_of(state.articles), state, overrides), len(state.articles)))
        except Exception as exc:  # one story's failure must not stop the others being stored
            problems.append(IngestProblem(f"story {sid}", f"resolution failed: {type(exc).__name__}: {exc}"))
        if progress:
            progress(1)
    if done:
        store.save_resolutions(done)
    return problems


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
    """Every stored story side by side, as one dossier in memory (for small databases and tests;
    `storyline dossier --format json` streams instead, see render/stream.py)."""
    with Store(db, readonly=True) as store:
        views = [stored_story(store, st) for st in store.story_ids()]
        return combine(views, [IngestProblem("overrides", m, severity="warning") for m in override_problems(store)])


def resolve_pending(db: str | Path, progress: Progress | None = None) -> list[IngestProblem]:
    """Resolve every stale story (after a crash, or a database from before resolution was stored)."""
    with Store(db) as store:
        assign_stories(store)
        problems = resolve_stories(store, store.stale_stories(), progress)
        store.record_problems(problems)
        return problems


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
        affected = override_stories(store, a, b)
        with store.write():
            oid = store.add_override(kind, a.strip(), b.strip() if b is not None else None)
            if kind == "merge" and b is not None:
                # two entities of different stories: one registry id from now on (within one story
                # the story's own resolution merges them, and may refuse: "marked not the same")
                keep, gone = store.find_registry(a.strip()), store.find_registry(b.strip())
                if keep and gone and keep != gone and not set(store.stories_naming([a.strip()])) & set(store.stories_naming([b.strip()])):
                    store.merge_registry(keep, gone)
            store.mark_stale(affected)
        store.record_problems(resolve_stories(store, affected))
        return oid


def override_stories(store: Store, a: str, b: str | None = None) -> list[str]:
    """The stories an override of ``a`` (and ``b``) re-resolves: those naming either. Readers of what
    a fix could not do (the CLI, the web's fix form) read the problems these stories stored."""
    return store.stories_naming([x.strip() for x in (a, b) if x and x.strip()])


def override_problems(store: Store) -> list[str]:
    """The overrides in force that name nothing the database holds any more (each story checks the
    ones about its own entities; this is the check across stories)."""
    out = []
    for kind, a, b in store.overrides():
        if kind == "set-date":
            continue
        refs = [a] + ([b] if b and kind != "split" else [])
        missing = [r for r in refs if not (r.startswith("@") or store.find_registry(r))]
        if missing:
            out.append(f"{kind} {a!r}" + (f" {b!r}" if b else "") + f": no such entity now ({', '.join(map(repr, missing))})")
    return out


def find_article(store: Store, article: str) -> str:
    """An article id from its id, a unique prefix of it, or the id the input gave it."""
    if store.has(article):
        return article
    matches = store.find_articles(article)
    if len(matches) != 1:
        raise KeyError(f"no single article {article!r} in {store.name} ({len(matches)} match)")
    return matches[0]


def articles_of(db: str | Path, *, outlet: str | None = None, story: str | None = None) -> list[str]:
    """The ids of every article of an outlet, or of a stored story (ids from `storyline stories`)."""
    with Store(db, readonly=True) as store:
        if outlet is not None:
            # outlets compare as ingest compares them: "the  ledger" is The Ledger
            want = outlet_key(outlet)
            ids = [aid for aid, src in store.article_sources() if outlet_key(src) == want]
            if not ids:
                raise KeyError(f"no article from outlet {outlet!r} in {store.name}")
            return ids
        if story is not None:
            ids = store.story_articles(story)
            if not ids:
                raise KeyError(f"no story {story!r} in {store.name}")
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
        from .extract import analyze_article  # spaCy: only when an article is analysed again

        new = [analyze_article(dataclasses.replace(an.article, published=date)) for an in old]
        affected = [s for s in dict.fromkeys(store.story_of(an.article.id) for an in old) if s]
        with store.write():
            store.set_dates(new, date, {an.article.id: an.article.published for an in old}, scope)
            store.mark_stale(affected)
        store.record_problems(resolve_stories(store, affected))
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
            raise KeyError(f"no override {override} in {store.name}")
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
                from .extract import analyze_article

                restored.append(analyze_article(dataclasses.replace(an.article, published=date)))
        refs = [x for o in group if o.kind != "set-date" for x in (o.a, o.b) if x]
        affected = store.stories_naming(refs)
        affected += [s for o in group if o.kind == "set-date" if (s := store.story_of(o.a))]
        with store.write():  # one transaction: a crash leaves the merge either in force or undone
            for o in group:
                if o.kind == "merge" and o.b:
                    kept, merged = store.find_registry(o.a), store.find_registry(o.b, follow=False)
                    if kept and merged:
                        store.unmerge_registry(kept, merged)
            store.undo_overrides(gone, restored)
            store.mark_stale(affected)
        store.record_problems(resolve_stories(store, affected))
    return group
