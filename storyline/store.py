"""SQLite storage: schema, migrations, transactional writes and reads.

One file holds the articles, every extracted record with its offsets, the problems met on ingest,
and an FTS5 index over sentences. Each batch of articles is written in one transaction, so a crash
or a bad file in the middle loses nothing already committed and leaves no half article; WAL mode
keeps readers (the web UI) working during an ingest.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from .model import (
    ArticleAnalysis,
    Discrepancy,
    Entity,
    EntityMention,
    Event,
    IngestProblem,
    OverrideRecord,
    QuoteGroup,
    Story,
    StoryResolution,
    TimelineEntry,
    WireGroup,
    from_nested,
    to_dict,
)
from .resolve.entities import name_key
from .resolve.ids import rename_entities
from .resolve.stories import StoryState

DEFAULT_DB = "storyline.db"
MARK_OPEN, MARK_CLOSE = "\x02", "\x03"

MIGRATIONS: list[str] = [
    # 1: the first schema
    """
    CREATE TABLE articles(
        id TEXT PRIMARY KEY, title TEXT, source TEXT, url TEXT, published TEXT, path TEXT,
        external_id TEXT, text TEXT NOT NULL, ingested_at TEXT NOT NULL);
    CREATE TABLE analyses(
        article TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE, json TEXT NOT NULL);
    CREATE TABLE sentences(
        id TEXT PRIMARY KEY, article TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        n INTEGER, start INTEGER, end INTEGER, text TEXT);
    CREATE VIRTUAL TABLE sentences_fts USING fts5(text, sentence UNINDEXED, article UNINDEXED);
    CREATE TABLE mentions(
        article TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE, start INTEGER, end INTEGER,
        text TEXT, label TEXT, kind TEXT, sentence INTEGER);
    CREATE TABLE quotes(
        id TEXT PRIMARY KEY, article TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        start INTEGER, end INTEGER, text TEXT, speaker_text TEXT, speaker_name TEXT, cue TEXT,
        direct INTEGER, sentence INTEGER);
    CREATE TABLE amounts(
        id TEXT PRIMARY KEY, article TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        start INTEGER, end INTEGER, text TEXT, value REAL, value_max REAL, unit TEXT, qualifier TEXT,
        kind TEXT, sentence INTEGER);
    CREATE TABLE times(
        id TEXT PRIMARY KEY, article TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        start INTEGER, end INTEGER, text TEXT, type TEXT, value TEXT, mod TEXT, note TEXT,
        sentence INTEGER);
    CREATE TABLE event_mentions(
        id TEXT PRIMARY KEY, article TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        type TEXT, cameo TEXT, trigger TEXT, start INTEGER, end INTEGER, time TEXT, amount TEXT);
    CREATE TABLE problems(
        id INTEGER PRIMARY KEY, path TEXT, line INTEGER, severity TEXT, message TEXT, at TEXT);
    CREATE INDEX mentions_article ON mentions(article);
    CREATE INDEX quotes_article ON quotes(article);
    CREATE INDEX amounts_article ON amounts(article);
    CREATE INDEX times_article ON times(article);
    """,
    # 2: human decisions (merge, split, not-same, set-date), applied after the automatic pass
    """
    CREATE TABLE overrides(
        id INTEGER PRIMARY KEY, kind TEXT NOT NULL, a TEXT NOT NULL, b TEXT, at TEXT NOT NULL);
    """,
    # 3: online story assignment, kept so new articles join stories without re-resolving the rest
    """
    CREATE TABLE stories(id TEXT PRIMARY KEY, n INTEGER NOT NULL, profile TEXT NOT NULL);
    CREATE TABLE story_articles(
        article TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE, story TEXT NOT NULL);
    CREATE INDEX story_articles_story ON story_articles(story);
    """,
    # 4: search with English stemming ("subpoena" finds "subpoenaed")
    """
    DROP TABLE sentences_fts;
    CREATE VIRTUAL TABLE sentences_fts USING fts5(text, sentence UNINDEXED, article UNINDEXED,
        tokenize='porter unicode61');
    INSERT INTO sentences_fts(text, sentence, article) SELECT text, id, article FROM sentences;
    """,
    # 5: citation numbers given once, when an article is first stored (rowids may change on VACUUM)
    """
    ALTER TABLE articles ADD COLUMN number INTEGER;
    UPDATE articles SET number = rowid;
    CREATE UNIQUE INDEX articles_number ON articles(number);
    """,
    # 6: overrides that can be taken back: the date a set-date replaced, changes made at once, undo time
    """
    ALTER TABLE overrides ADD COLUMN prev TEXT;
    ALTER TABLE overrides ADD COLUMN batch INTEGER;
    ALTER TABLE overrides ADD COLUMN scope TEXT;
    ALTER TABLE overrides ADD COLUMN undone TEXT;
    """,
    # 7: what `storyline watch` fetched: feed validators for conditional GET, pages already read
    # (IF NOT EXISTS: databases a watch wrote before this migration already have the table)
    """
    CREATE TABLE IF NOT EXISTS fetch_state(
        url TEXT PRIMARY KEY, kind TEXT NOT NULL, etag TEXT, last_modified TEXT, status INTEGER,
        fetched_at TEXT NOT NULL);
    """,
    # 8: the resolved state, so readers show stories without resolving: each story's resolution as
    # rows (entities and their mentions, events, timeline, discrepancies, quote speakers), a registry
    # of entities across stories (one id for one name and type in the whole database), and the
    # stories whose resolution is behind their articles (every story of an older database)
    """
    CREATE TABLE story_resolutions(
        story TEXT PRIMARY KEY, title TEXT NOT NULL, first TEXT, last TEXT, articles INTEGER NOT NULL,
        outlets INTEGER NOT NULL, resolved_at TEXT NOT NULL, json TEXT NOT NULL);
    CREATE INDEX story_resolutions_last ON story_resolutions(last, story);
    CREATE TABLE stale_stories(story TEXT PRIMARY KEY, since TEXT NOT NULL);
    INSERT INTO stale_stories SELECT id, '' FROM stories;
    CREATE TABLE registry(
        id TEXT PRIMARY KEY, name TEXT NOT NULL, type TEXT NOT NULL, mentions INTEGER NOT NULL DEFAULT 0,
        stories INTEGER NOT NULL DEFAULT 0, created TEXT NOT NULL);
    CREATE INDEX registry_mentions ON registry(mentions, id);
    CREATE TABLE registry_keys(
        key TEXT NOT NULL, type TEXT NOT NULL, entity TEXT NOT NULL, PRIMARY KEY(key, type));
    CREATE INDEX registry_keys_entity ON registry_keys(entity);
    CREATE TABLE story_entities(
        story TEXT NOT NULL, entity TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL,
        mentions INTEGER NOT NULL, json TEXT NOT NULL, PRIMARY KEY(story, entity));
    CREATE INDEX story_entities_entity ON story_entities(entity, story);
    CREATE TABLE entity_mentions(
        entity TEXT NOT NULL, story TEXT NOT NULL, article TEXT NOT NULL, start INTEGER NOT NULL,
        "end" INTEGER NOT NULL, text TEXT NOT NULL, kind TEXT NOT NULL);
    CREATE INDEX entity_mentions_entity ON entity_mentions(entity, article, start);
    CREATE INDEX entity_mentions_story ON entity_mentions(story);
    CREATE INDEX entity_mentions_article ON entity_mentions(article, start);
    CREATE TABLE story_events(
        id TEXT PRIMARY KEY, story TEXT NOT NULL, n INTEGER NOT NULL, type TEXT, time TEXT, summary TEXT,
        json TEXT NOT NULL);
    CREATE INDEX story_events_story ON story_events(story, n);
    CREATE TABLE story_timeline(
        story TEXT NOT NULL, n INTEGER NOT NULL, date TEXT NOT NULL, event TEXT NOT NULL, json TEXT NOT NULL,
        PRIMARY KEY(story, n));
    CREATE INDEX story_timeline_date ON story_timeline(date, story, n);
    CREATE TABLE story_discrepancies(
        id TEXT PRIMARY KEY, story TEXT NOT NULL, n INTEGER NOT NULL, verdict TEXT, measure TEXT,
        json TEXT NOT NULL);
    CREATE INDEX story_discrepancies_story ON story_discrepancies(story, n);
    CREATE TABLE quote_speakers(quote TEXT PRIMARY KEY, story TEXT NOT NULL, entity TEXT NOT NULL);
    CREATE INDEX quote_speakers_entity ON quote_speakers(entity);
    CREATE INDEX quote_speakers_story ON quote_speakers(story);
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)


class StoreError(RuntimeError):
    pass


# How long a writer waits for another writer's transaction before giving up. Batches commit in
# seconds, so a minute means "another ingest is running", not "wait forever".
BUSY_TIMEOUT_S = 120.0


class Store:
    """A storyline database. Use as a context manager, or call ``close``.

    Every change goes through ``write()``: one ``BEGIN IMMEDIATE`` transaction, so two writers
    (two ingests, or an ingest and a fix made in the browser) queue on the write lock instead of
    failing half-way with "database is locked", and a reader-then-writer step (is this article
    stored? which story is next?) cannot be interleaved with another writer's.
    """

    def __init__(self, path: str | Path = DEFAULT_DB, readonly: bool = False) -> None:
        self.path = Path(path)
        self._depth = 0
        if readonly:
            if not self.path.exists():
                raise StoreError(f"{self.path}: no such database")
            uri = f"file:{self.path.resolve()}?mode=ro"
            self.conn = sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=BUSY_TIMEOUT_S,
                                        isolation_level=None)
        else:
            self.conn = sqlite3.connect(self.path, check_same_thread=False, timeout=BUSY_TIMEOUT_S,
                                        isolation_level=None)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA foreign_keys=ON")
        if not readonly:
            self.migrate()
        else:
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreError(f"{self.path}: schema {version} is newer than this storyline")

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (re-entrant: an inner ``write()`` joins the outer one)."""
        if self._depth:
            self._depth += 1
            try:
                yield self.conn
            finally:
                self._depth -= 1
            return
        self.conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")
        finally:
            self._depth = 0

    @property
    def _number(self) -> str:
        # a database opened read-only is never migrated: before schema 5 the rowid is the number
        return "articles.number" if self.version >= 5 else "articles.rowid"

    def data_version(self) -> int:
        """Changes when another connection commits (SQLite's PRAGMA data_version)."""
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    # ---- schema -------------------------------------------------------------------------
    def migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(f"{self.path}: schema {version} is newer than this storyline ({SCHEMA_VERSION})")
        for n in range(version, SCHEMA_VERSION):
            with self.write():
                # a second process may have migrated while this one waited for the lock
                if self.conn.execute("PRAGMA user_version").fetchone()[0] > n:
                    continue
                for statement in _statements(MIGRATIONS[n]):
                    self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version={n + 1}")

    @property
    def version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    # ---- writes -------------------------------------------------------------------------
    def has(self, article_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM articles WHERE id=?", (article_id,)).fetchone() is not None

    def known_ids(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT id FROM articles")}

    def add(self, analyses: Iterable[ArticleAnalysis]) -> int:
        """Write a batch of analysed articles in one transaction; return how many were new."""
        added = 0
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self.write():
            for an in analyses:
                a = an.article
                if self.has(a.id):
                    continue
                added += 1
                self.conn.execute(
                    "INSERT INTO articles(id, title, source, url, published, path, external_id, text, "
                    "ingested_at, number) VALUES (?,?,?,?,?,?,?,?,?, "
                    "(SELECT coalesce(max(number), 0) + 1 FROM articles))",
                    (a.id, a.title, a.source, a.url, a.published, a.path, a.external_id, a.text, now),
                )
                self.conn.execute(
                    "INSERT INTO analyses VALUES (?,?)", (a.id, json.dumps(an.to_json(), ensure_ascii=False))
                )
                self._write_records(an)
        return added

    def replace(self, an: ArticleAnalysis, override: tuple[str, str, str | None] | None = None) -> None:
        """Swap an article's analysis for a new one (after a corrected date), keeping its story, and
        record the override that asked for it: one transaction, so a crash keeps the old article or
        the new one with its override, never neither."""
        aid = an.article.id
        with self.write():
            story = self.story_of(aid)
            number = self.number_of(aid)
            self.conn.execute("DELETE FROM sentences_fts WHERE article=?", (aid,))
            self.conn.execute("DELETE FROM articles WHERE id=?", (aid,))  # cascades to every record table
            self.add([an])
            if number is not None:  # the article keeps its citation number
                self.conn.execute("UPDATE articles SET number=? WHERE id=?", (number, aid))
            if story is not None:
                self.conn.execute("INSERT OR REPLACE INTO story_articles VALUES (?,?)", (aid, story))
            if override is not None:
                self.add_override(*override)

    def _write_records(self, an: ArticleAnalysis) -> None:
        a = an.article
        c = self.conn
        c.executemany(
            "INSERT INTO sentences VALUES (?,?,?,?,?,?)",
            [(s.id, a.id, n, s.start, s.end, a.text[s.start : s.end]) for n, s in enumerate(an.sentences)],
        )
        c.executemany(
            "INSERT INTO sentences_fts(text, sentence, article) VALUES (?,?,?)",
            [(a.text[s.start : s.end], s.id, a.id) for s in an.sentences],
        )
        c.executemany(
            "INSERT INTO mentions VALUES (?,?,?,?,?,?,?)",
            [(m.article, m.start, m.end, m.text, m.label, m.kind, m.sentence) for m in an.mentions],
        )
        c.executemany(
            "INSERT INTO quotes VALUES (?,?,?,?,?,?,?,?,?,?)",
            [(q.id, q.article, q.start, q.end, q.text, q.speaker_text, q.speaker_name, q.cue,
              int(q.direct), q.sentence) for q in an.quotes],
        )
        c.executemany(
            "INSERT INTO amounts VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [(x.id, x.article, x.start, x.end, x.text, x.value, x.value_max, x.unit, x.qualifier,
              x.kind, x.sentence) for x in an.amounts],
        )
        c.executemany(
            "INSERT INTO times VALUES (?,?,?,?,?,?,?,?,?,?)",
            [(t.id, t.article, t.start, t.end, t.text, t.type, t.value, t.mod, t.note, t.sentence)
             for t in an.times],
        )
        c.executemany(
            "INSERT INTO event_mentions VALUES (?,?,?,?,?,?,?,?,?)",
            [(e.id, e.article, e.type, e.cameo, e.trigger, e.start, e.end, e.time, e.amount)
             for e in an.events],
        )

    def record_problems(self, problems: Iterable[IngestProblem]) -> None:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self.write():
            self.conn.executemany(
                "INSERT INTO problems(path, line, severity, message, at) VALUES (?,?,?,?,?)",
                [(p.path, p.line, p.severity, p.message, now) for p in problems],
            )

    # ---- reads --------------------------------------------------------------------------
    def count(self, table: str) -> int:
        if table not in {"articles", "quotes", "amounts", "times", "mentions", "sentences", "event_mentions", "problems"}:
            raise ValueError(table)
        return int(self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

    def analyses(self) -> Iterator[ArticleAnalysis]:
        for row in self.conn.execute(
            f"SELECT json, {self._number} FROM analyses JOIN articles ON articles.id = analyses.article "
            "ORDER BY articles.published, articles.id"
        ):
            yield _numbered(row[0], row[1])

    def analyses_of(self, article_ids: Iterable[str]) -> list[ArticleAnalysis]:
        out = []
        for aid in article_ids:
            an = self.analysis(aid)
            if an is not None:
                out.append(an)
        return out

    def unassigned(self) -> list[str]:
        """Ids of articles not yet in a story (left by an interrupted ingest), in publication order."""
        return [r[0] for r in self.conn.execute(
            "SELECT id FROM articles WHERE id NOT IN (SELECT article FROM story_articles) ORDER BY published, id")]

    def story_states(self) -> list[StoryState]:
        members: dict[str, list[str]] = {}
        for art, story in self.conn.execute(
            "SELECT sa.article, sa.story FROM story_articles sa JOIN articles a ON a.id = sa.article "
            "ORDER BY a.published, a.id"
        ):
            members.setdefault(story, []).append(art)
        out = []
        for sid, profile in self.conn.execute("SELECT id, profile FROM stories ORDER BY n"):
            out.append(StoryState.from_json(sid, members.get(sid, []), profile))
        return out

    def story_ids(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT id FROM stories ORDER BY n")]

    def story_state(self, story: str) -> StoryState | None:
        """One story's stored state, read without touching the others."""
        row = self.conn.execute("SELECT profile FROM stories WHERE id=?", (story,)).fetchone()
        if row is None:
            return None
        members = [r[0] for r in self.conn.execute(
            "SELECT sa.article FROM story_articles sa JOIN articles a ON a.id = sa.article WHERE sa.story=? "
            "ORDER BY a.published, a.id", (story,))]
        return StoryState.from_json(story, members, row[0])

    def save_stories(self, stories: Iterable[tuple[int, StoryState]], assigned: dict[str, str]) -> None:
        """Write the given (position, story) profiles and the new memberships in one transaction."""
        with self.write():
            for n, st in stories:
                self.conn.execute("INSERT OR REPLACE INTO stories VALUES (?,?,?)", (st.id, n, st.to_json()))
            self.conn.executemany("INSERT OR REPLACE INTO story_articles VALUES (?,?)", assigned.items())

    def story_of(self, article_id: str) -> str | None:
        row = self.conn.execute("SELECT story FROM story_articles WHERE article=?", (article_id,)).fetchone()
        return row[0] if row else None

    def story_articles(self, story: str) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT article FROM story_articles WHERE story=?", (story,))]

    def analysis(self, article_id: str) -> ArticleAnalysis | None:
        row = self.conn.execute(f"SELECT json, {self._number} FROM analyses JOIN articles ON articles.id = "
                                "analyses.article WHERE article=?", (article_id,)).fetchone()
        return _numbered(row[0], row[1]) if row else None

    def stored_urls(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT url FROM articles WHERE url != ''")}

    def source_of(self, article_id: str) -> str | None:
        """The outlet an article was stored with ("" when none), None when it is not stored."""
        row = self.conn.execute("SELECT source FROM articles WHERE id=?", (article_id,)).fetchone()
        return (row[0] or "") if row else None

    def fetch_validators(self, url: str) -> tuple[str | None, str | None] | None:
        """The ETag and Last-Modified a feed last answered with, None when never fetched."""
        row = self.conn.execute("SELECT etag, last_modified FROM fetch_state WHERE url=?", (url,)).fetchone()
        return (row[0], row[1]) if row else None

    def page_fetched(self, url: str) -> bool:
        return self.conn.execute("SELECT 1 FROM fetch_state WHERE url=? AND kind='page'", (url,)).fetchone() is not None

    def save_fetch(self, url: str, kind: str, status: int, etag: str | None = None,
                   last_modified: str | None = None) -> None:
        with self.write():
            self.conn.execute("INSERT OR REPLACE INTO fetch_state VALUES (?,?,?,?,?,?)",
                              (url, kind, etag, last_modified, status, datetime.now(UTC).isoformat(timespec="seconds")))

    def number_of(self, article_id: str) -> int | None:
        row = self.conn.execute(f"SELECT {self._number} FROM articles WHERE id=?", (article_id,)).fetchone()
        return int(row[0]) if row and row[0] is not None else None

    def rows(self, sql: str, params: tuple[object, ...] = ()) -> list[dict[str, object]]:
        return [dict(r) for r in self.conn.execute(sql, params)]

    def search(self, query: str, limit: int = 20) -> list[dict[str, object]]:
        """Full-text search over sentences, best first (BM25), with a snippet whose matches sit
        between MARK_OPEN and MARK_CLOSE (control characters that never occur in article text)."""
        return self.rows(
            "SELECT sentence, article, text, snippet(sentences_fts, 0, char(2), char(3), '…', 16) AS snippet, "
            "bm25(sentences_fts) AS score FROM sentences_fts WHERE sentences_fts MATCH ? "
            "ORDER BY score LIMIT ?",
            (fts_query(query), limit),
        )

    # ---- resolved state ---------------------------------------------------------------------
    def mark_stale(self, stories: Iterable[str]) -> None:
        """Stories whose resolution is behind their articles or overrides (written with the change
        that made them so: a crash before they are resolved again leaves them marked, not wrong)."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self.write():
            self.conn.executemany("INSERT INTO stale_stories VALUES (?,?) ON CONFLICT (story) DO NOTHING",
                                  [(sid, now) for sid in stories])

    def stale_stories(self) -> list[str]:
        return [r[0] for r in self.conn.execute(
            "SELECT st.story FROM stale_stories st JOIN stories s ON s.id = st.story ORDER BY s.n")]

    def is_stale(self, story: str) -> bool:
        return self.conn.execute("SELECT 1 FROM stale_stories WHERE story=?", (story,)).fetchone() is not None

    def save_resolutions(self, resolved: Iterable[tuple[StoryResolution, int]]) -> list[str]:
        """Store story resolutions, each computed from a given number of member articles, in one
        transaction: entity ids become registry ids, the story's rows are replaced and it is no
        longer stale. A story that gained articles since (another writer) stays stale and is
        skipped. Returns the stories saved."""
        saved: list[str] = []
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self.write():
            for res, members in resolved:
                sid = res.story.id
                current = self.conn.execute("SELECT count(*) FROM story_articles WHERE story=?", (sid,)).fetchone()[0]
                if current != members:
                    continue
                self._register(res)
                self._delete_resolution(sid)
                self._insert_resolution(res, now)
                self.conn.execute("DELETE FROM stale_stories WHERE story=?", (sid,))
                saved.append(sid)
        return saved

    def _register(self, res: StoryResolution) -> None:
        """Give each entity of a story its registry id: found by name, then by a longer alias, with
        the same type; else a new one. Lookups go through the key index, never a scan."""
        ids: dict[str, str] = {}
        used: set[str] = set()
        now = datetime.now(UTC).isoformat(timespec="seconds")
        for e in res.entities:
            keys = entity_keys(e)
            rid = None
            for k in keys:
                row = self.conn.execute("SELECT entity FROM registry_keys WHERE key=? AND type=?", (k, e.type)).fetchone()
                if row is not None and row[0] not in used:
                    rid = row[0]
                    break
            if rid is None:
                base = rid = _slug(e.name)
                n = 2
                while rid in used or self.conn.execute("SELECT 1 FROM registry WHERE id=?", (rid,)).fetchone():
                    rid, n = f"{base}-{n}", n + 1
                self.conn.execute("INSERT INTO registry(id, name, type, created) VALUES (?,?,?,?)",
                                  (rid, e.name, e.type, now))
            self.conn.executemany("INSERT INTO registry_keys VALUES (?,?,?) ON CONFLICT (key, type) DO NOTHING",
                                  [(k, e.type, rid) for k in keys])
            ids[e.id] = rid
            used.add(rid)
        rename_entities(res, ids)

    def _delete_resolution(self, sid: str) -> None:
        c = self.conn
        for entity, mentions in c.execute("SELECT entity, mentions FROM story_entities WHERE story=?", (sid,)).fetchall():
            c.execute("UPDATE registry SET mentions = mentions - ?, stories = stories - 1 WHERE id=?", (mentions, entity))
        for table in ("story_entities", "entity_mentions", "story_events", "story_timeline",
                      "story_discrepancies", "quote_speakers", "story_resolutions"):
            c.execute(f"DELETE FROM {table} WHERE story=?", (sid,))

    def _insert_resolution(self, res: StoryResolution, now: str) -> None:
        c = self.conn
        sid = res.story.id
        for e in res.entities:
            c.execute("INSERT INTO story_entities VALUES (?,?,?,?,?,?)",
                      (sid, e.id, e.name, e.type, len(e.mentions), _dump(e)))
            c.execute("UPDATE registry SET mentions = mentions + ?, stories = stories + 1 WHERE id=?",
                      (len(e.mentions), e.id))
            c.executemany('INSERT INTO entity_mentions VALUES (?,?,?,?,?,?,?)',
                          [(e.id, sid, m.article, m.start, m.end, m.text, m.kind) for m in e.mentions])
        c.executemany("INSERT INTO story_events VALUES (?,?,?,?,?,?,?)",
                      [(ev.id, sid, n, ev.type, ev.time, ev.summary, _dump(ev)) for n, ev in enumerate(res.events)])
        c.executemany("INSERT INTO story_timeline VALUES (?,?,?,?,?)",
                      [(sid, n, t.date, t.event, _dump(t)) for n, t in enumerate(res.timeline)])
        c.executemany("INSERT INTO story_discrepancies VALUES (?,?,?,?,?,?)",
                      [(x.id, sid, n, x.verdict, x.measure, _dump(x)) for n, x in enumerate(res.discrepancies)])
        c.executemany("INSERT INTO quote_speakers VALUES (?,?,?)", [(q, sid, e) for q, e in res.speakers.items()])
        rest = {"story": to_dict(res.story), "wire": [to_dict(w) for w in res.wire],
                "quote_groups": [to_dict(g) for g in res.quote_groups], "problems": [to_dict(p) for p in res.problems]}
        c.execute("INSERT INTO story_resolutions VALUES (?,?,?,?,?,?,?,?)",
                  (sid, res.story.title, res.first, res.last, len(res.story.articles), res.outlets, now,
                   json.dumps(rest, ensure_ascii=False)))

    def story_resolution(self, story: str) -> StoryResolution | None:
        """One story's stored resolution, read from its own rows (the cost of that story only)."""
        c = self.conn
        row = c.execute("SELECT first, last, outlets, json FROM story_resolutions WHERE story=?", (story,)).fetchone()
        if row is None:
            return None
        rest = json.loads(row[3])
        return StoryResolution(
            story=from_nested(Story, rest["story"]), first=row[0], last=row[1], outlets=row[2],
            entities=[from_nested(Entity, json.loads(r[0])) for r in c.execute(
                "SELECT json FROM story_entities WHERE story=? ORDER BY mentions DESC, name", (story,))],
            events=[from_nested(Event, json.loads(r[0])) for r in c.execute(
                "SELECT json FROM story_events WHERE story=? ORDER BY n", (story,))],
            discrepancies=[from_nested(Discrepancy, json.loads(r[0])) for r in c.execute(
                "SELECT json FROM story_discrepancies WHERE story=? ORDER BY n", (story,))],
            timeline=[from_nested(TimelineEntry, json.loads(r[0])) for r in c.execute(
                "SELECT json FROM story_timeline WHERE story=? ORDER BY n", (story,))],
            wire=[from_nested(WireGroup, w) for w in rest.get("wire", [])],
            quote_groups=[from_nested(QuoteGroup, g) for g in rest.get("quote_groups", [])],
            speakers={r[0]: r[1] for r in c.execute("SELECT quote, entity FROM quote_speakers WHERE story=?", (story,))},
            problems=[from_nested(IngestProblem, p) for p in rest.get("problems", [])],
        )

    def story_list(self, *, limit: int = 50, offset: int = 0, entity: str | None = None,
                   since: str | None = None, until: str | None = None) -> list[dict[str, object]]:
        """Stored stories, latest first, a page at a time; ``entity``: only stories naming that
        registry entity; ``since``/``until``: ISO days the story's span must touch."""
        where, params = ["1=1"], []  # type: ignore[var-annotated]
        if entity:
            where.append("r.story IN (SELECT story FROM story_entities WHERE entity=?)")
            params.append(entity)
        if since:
            where.append("(r.last IS NULL OR r.last >= ?)")
            params.append(since)
        if until:
            where.append("(r.first IS NULL OR r.first <= ?)")
            params.append(until)
        return self.rows(
            "SELECT r.story AS id, r.title, r.first, r.last, r.articles, r.outlets, r.resolved_at, "
            "(SELECT 1 FROM stale_stories st WHERE st.story = r.story) IS NOT NULL AS stale "
            f"FROM story_resolutions r WHERE {' AND '.join(where)} "
            # DESC puts undated (NULL) stories last, and the (last, story) index serves it read
            # backwards: no sort of every story per page (10,000 stories: 27-78 ms -> 0.5-0.8 ms)
            "ORDER BY r.last DESC, r.story DESC LIMIT ? OFFSET ?",
            (*params, limit, offset))

    def story_count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM stories").fetchone()[0])

    def registry_entity(self, entity: str) -> dict[str, object] | None:
        rows = self.rows("SELECT id, name, type, mentions, stories FROM registry WHERE id=?", (entity,))
        return rows[0] if rows else None

    def find_registry(self, ref: str) -> str | None:
        """A registry id from an id, a name or a longer alias (any type; the most mentioned wins)."""
        if self.conn.execute("SELECT 1 FROM registry WHERE id=?", (ref,)).fetchone():
            return ref
        row = self.conn.execute(
            "SELECT k.entity FROM registry_keys k JOIN registry r ON r.id = k.entity WHERE k.key=? "
            "ORDER BY r.mentions DESC LIMIT 1", (name_key(ref).lower(),)).fetchone()
        return row[0] if row else None

    def entity_list(self, *, limit: int = 50, offset: int = 0, type: str | None = None) -> list[dict[str, object]]:
        """Registry entities, most mentioned first, a page at a time."""
        if type:
            return self.rows("SELECT id, name, type, mentions, stories FROM registry WHERE type=? AND stories > 0 "
                             "ORDER BY mentions DESC, id LIMIT ? OFFSET ?", (type, limit, offset))
        return self.rows("SELECT id, name, type, mentions, stories FROM registry WHERE stories > 0 "
                         "ORDER BY mentions DESC, id LIMIT ? OFFSET ?", (limit, offset))

    def entity_records(self, entity: str, *, limit: int = 20, offset: int = 0) -> list[tuple[str, Entity]]:
        """An entity as each story resolved it (story id, record), most mentions first."""
        return [(r[0], from_nested(Entity, json.loads(r[1]))) for r in self.conn.execute(
            "SELECT story, json FROM story_entities WHERE entity=? ORDER BY mentions DESC, story LIMIT ? OFFSET ?",
            (entity, limit, offset))]

    def entity_mentions(self, entity: str, *, limit: int = 100, offset: int = 0) -> list[EntityMention]:
        return [EntityMention(r[0], r[1], r[2], r[3], r[4]) for r in self.conn.execute(
            'SELECT article, start, "end", text, kind FROM entity_mentions WHERE entity=? '
            "ORDER BY article, start LIMIT ? OFFSET ?", (entity, limit, offset))]

    def entities_at(self, article: str) -> dict[tuple[str, int], str]:
        """(article, start) -> entity id for one article's resolved mentions (for highlighting)."""
        return {(article, r[0]): r[1] for r in self.conn.execute(
            "SELECT start, entity FROM entity_mentions WHERE article=?", (article,))}

    def timeline_list(self, *, story: str | None = None, since: str | None = None, until: str | None = None,
                      limit: int = 100, offset: int = 0) -> list[tuple[str, TimelineEntry]]:
        where, params = ["1=1"], []  # type: ignore[var-annotated]
        if story:
            where.append("story=?")
            params.append(story)
        if since:
            where.append("date >= ?")
            params.append(since)
        if until:
            where.append("date <= ?")
            params.append(until + "\uffff")
        return [(r[0], from_nested(TimelineEntry, json.loads(r[1]))) for r in self.conn.execute(
            f"SELECT story, json FROM story_timeline WHERE {' AND '.join(where)} ORDER BY date, story, n "
            "LIMIT ? OFFSET ?", (*params, limit, offset))]

    def registry_stream(self) -> Iterator[tuple[str, list[Entity]]]:
        """Every registry entity with its per-story records, one entity at a time (for exports)."""
        current: str | None = None
        records: list[Entity] = []
        for entity, data in self.conn.execute("SELECT entity, json FROM story_entities ORDER BY entity, story"):
            if entity != current and current is not None:
                yield current, records
                records = []
            current = entity
            records.append(from_nested(Entity, json.loads(data)))
        if current is not None:
            yield current, records

    def stories_naming(self, refs: Iterable[str]) -> list[str]:
        """Stories whose resolution names any of these entities (id, name or alias), or holds the
        article of an ``@ARTICLE:START`` reference: the stories an override changes."""
        out: dict[str, None] = {}
        for ref in refs:
            if ref.startswith("@") and ":" in ref:
                story = self.story_of(ref[1:].rsplit(":", 1)[0])
                if story:
                    out[story] = None
                continue
            ids = {r[0] for r in self.conn.execute("SELECT entity FROM registry_keys WHERE key=?",
                                                   (name_key(ref).lower(),))}
            if self.conn.execute("SELECT 1 FROM registry WHERE id=?", (ref,)).fetchone():
                ids.add(ref)
            for eid in ids:
                out.update(dict.fromkeys(r[0] for r in self.conn.execute(
                    "SELECT story FROM story_entities WHERE entity=?", (eid,))))
            out.update(dict.fromkeys(r[0] for r in self.conn.execute(
                "SELECT DISTINCT story FROM entity_mentions WHERE text=?", (ref,))))
        return list(out)

    def registry_names(self, ids: Iterable[str]) -> dict[str, str]:
        out = {}
        for i in ids:
            row = self.conn.execute("SELECT name FROM registry WHERE id=?", (i,)).fetchone()
            if row:
                out[i] = row[0]
        return out

    # ---- resolved state: reads for the web UI (issue 13, web13) ---------------------------------
    def story_head(self, story: str) -> dict[str, object] | None:
        """One stored story's list row (as ``story_list`` gives it), None when it has no resolution."""
        rows = self.rows(
            "SELECT r.story AS id, r.title, r.first, r.last, r.articles, r.outlets, r.resolved_at, "
            "(SELECT 1 FROM stale_stories st WHERE st.story = r.story) IS NOT NULL AS stale "
            "FROM story_resolutions r WHERE r.story=?", (story,))
        return rows[0] if rows else None

    def story_who(self, stories: list[str], per_story: int = 5) -> dict[str, list[dict[str, object]]]:
        """The most mentioned people and organisations of each given story (the page's stories only)."""
        out: dict[str, list[dict[str, object]]] = {s: [] for s in stories}
        if not stories:
            return out
        marks = ",".join("?" * len(stories))
        for r in self.rows(f"SELECT story, entity AS id, name, type, mentions FROM story_entities WHERE story IN ({marks}) "
                           "AND type IN ('PERSON', 'ORG') ORDER BY story, mentions DESC, name", tuple(stories)):
            who = out[str(r["story"])]
            if len(who) < per_story:
                who.append(r)
        return out

    def story_members(self, stories: list[str]) -> dict[str, list[str]]:
        """The article ids of each given story, in publication order."""
        out: dict[str, list[str]] = {s: [] for s in stories}
        if not stories:
            return out
        marks = ",".join("?" * len(stories))
        for story, art in self.conn.execute(
                f"SELECT sa.story, sa.article FROM story_articles sa JOIN articles a ON a.id = sa.article "
                f"WHERE sa.story IN ({marks}) ORDER BY a.published, a.id", tuple(stories)):
            out[story].append(art)
        return out

    def latest_articles(self, limit: int = 20) -> list[dict[str, object]]:
        """The articles stored last (highest citation numbers first), through the number index."""
        return self.rows(f"SELECT id, title, source, published, {self._number} AS number FROM articles "
                         f"ORDER BY {self._number} DESC LIMIT ?", (limit,))

    def recent_outlets(self, articles: int = 2000) -> list[str]:
        """The outlets of the latest stored articles (a bounded read, not a scan of every article)."""
        rows = self.conn.execute(f"SELECT source FROM articles ORDER BY {self._number} DESC LIMIT ?", (articles,))
        return sorted({r[0] for r in rows if r[0]}, key=str.casefold)

    def article_heads(self, ids: Iterable[str]) -> dict[str, dict[str, object]]:
        """Title, outlet, date and citation number of the given articles (no text, no analysis)."""
        ids = list(dict.fromkeys(ids))
        out: dict[str, dict[str, object]] = {}
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            for r in self.rows(f"SELECT id, title, source, published, {self._number} AS number FROM articles "
                               f"WHERE id IN ({','.join('?' * len(part))})", tuple(part)):
                out[str(r["id"])] = r
        return out

    def sentence_starts(self, ids: Iterable[str]) -> dict[str, list[int]]:
        """Where each sentence of the given articles starts (what a citation "[n:s]" counts). Read
        through the sentence id's key range ("ARTICLE:sN"), which the primary key indexes."""
        out: dict[str, list[int]] = {}
        for a in dict.fromkeys(ids):
            rows = self.conn.execute("SELECT n, start FROM sentences WHERE id >= ? AND id < ? AND article = ?",
                                     (f"{a}:s", f"{a}:t", a)).fetchall()
            out[a] = [start for _, start in sorted((r[0], r[1]) for r in rows)]
        return out

    def top_entities(self, limit: int = 50) -> list[dict[str, object]]:
        """The most mentioned registry entities, read backwards through the (mentions, id) index
        (ties by id descending), so the cost is the limit, not the registry."""
        return self.rows("SELECT id, name, type, mentions, stories FROM registry WHERE stories > 0 "
                         "ORDER BY mentions DESC, id DESC LIMIT ?", (limit,))

    def speaker_quotes(self, entity: str, *, limit: int = 50, offset: int = 0) -> list[dict[str, object]]:
        """Quotes resolved to this registry entity as their speaker, a page at a time."""
        return self.rows(
            'SELECT q.id, q.article, q.start, q."end", q.text, q.cue, q.direct, s.story FROM quote_speakers s '
            "JOIN quotes q ON q.id = s.quote WHERE s.entity=? ORDER BY q.article, q.start LIMIT ? OFFSET ?",
            (entity, limit, offset))

    def cooccurring(self, entity: str, *, articles: int = 500, limit: int = 12) -> list[dict[str, object]]:
        """Entities named in the same articles as this one, most shared articles first; counted over
        at most ``articles`` of its articles, so an entity named everywhere stays cheap."""
        return self.rows(
            "SELECT m.entity AS id, r.name, r.type, count(DISTINCT m.article) AS articles FROM entity_mentions m "
            "JOIN registry r ON r.id = m.entity WHERE m.article IN (SELECT DISTINCT article FROM entity_mentions "
            "WHERE entity=? ORDER BY article LIMIT ?) AND m.entity != ? GROUP BY m.entity, r.name, r.type "
            "ORDER BY articles DESC, m.entity LIMIT ?", (entity, articles, entity, limit))

    def entity_stories(self, entities: list[str], *, per_entity: int = 300) -> dict[str, set[str]]:
        """Up to ``per_entity`` stories naming each of these entities (their most mentioning first)."""
        return {e: {r[0] for r in self.conn.execute(
            "SELECT story FROM story_entities WHERE entity=? ORDER BY mentions DESC, story LIMIT ?", (e, per_entity))}
            for e in entities}

    def entity_events(self, entity: str, stories: list[str], *, limit: int = 50) -> list[Event]:
        """Events of the given stories where this entity acts or is acted on."""
        out: list[Event] = []
        for sid in stories:
            for (data,) in self.conn.execute("SELECT json FROM story_events WHERE story=? ORDER BY n", (sid,)):
                if entity in data:  # cheap pre-filter on the JSON text before decoding it
                    ev = from_nested(Event, json.loads(data))
                    if entity in ev.actors or entity in ev.targets:
                        out.append(ev)
                        if len(out) >= limit:
                            return out
        return out

    def story_problems(self, stories: Iterable[str]) -> list[IngestProblem]:
        """The problems stored with these stories' resolutions (overrides that could not apply)."""
        out: list[IngestProblem] = []
        for sid in dict.fromkeys(stories):
            row = self.conn.execute("SELECT json FROM story_resolutions WHERE story=?", (sid,)).fetchone()
            if row is not None:
                out += [p for p in (from_nested(IngestProblem, x) for x in json.loads(row[0]).get("problems", []))
                        if p not in out]
        return out

    # ---- overrides ------------------------------------------------------------------------
    def add_override(self, kind: str, a: str, b: str | None = None, prev: str | None = None,
                     batch: int | None = None, scope: str | None = None) -> int:
        with self.write():
            cur = self.conn.execute(
                "INSERT INTO overrides(kind, a, b, at, prev, batch, scope) VALUES (?,?,?,?,?,?,?)",
                (kind, a, b, datetime.now(UTC).isoformat(timespec="seconds"), prev, batch, scope),
            )
            return int(cur.lastrowid or 0)

    def set_dates(self, analyses: list[ArticleAnalysis], date: str, previous: dict[str, str | None],
                  scope: str | None = None) -> list[int]:
        """Store re-read articles and one set-date override each, all in one transaction; the
        overrides of one call share a batch (the first one's id), so they are undone together."""
        ids: list[int] = []
        with self.write():
            for an in analyses:
                self.replace(an)
                # "" records "it was undated"; NULL (overrides older than schema 6) means "not recorded"
                oid = self.add_override("set-date", an.article.id, date, previous.get(an.article.id) or "",
                                        ids[0] if ids else None, scope)
                if not ids and len(analyses) > 1:
                    self.conn.execute("UPDATE overrides SET batch=? WHERE id=?", (oid, oid))
                ids.append(oid)
        return ids

    def undo_overrides(self, ids: Iterable[int], restored: Iterable[ArticleAnalysis] = ()) -> None:
        """Mark overrides as taken back and store the articles whose dates go back, in one transaction."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self.write():
            self.conn.executemany("UPDATE overrides SET undone=? WHERE id=? AND undone IS NULL",
                                  [(now, i) for i in ids])
            for an in restored:
                self.replace(an)

    def overrides(self) -> list[tuple[str, str, str | None]]:
        """The overrides in force, oldest first: what every resolution replays."""
        return [(o.kind, o.a, o.b) for o in self.override_records() if o.undone is None]

    def override_records(self) -> list[OverrideRecord]:
        """Every override ever made, oldest first, including those taken back."""
        if self.version < 6:  # a read-only opening cannot migrate: older rows have no undo columns
            return [OverrideRecord(r[0], r[1], r[2], r[3], r[4])
                    for r in self.conn.execute("SELECT id, kind, a, b, at FROM overrides ORDER BY id")]
        return [OverrideRecord(*r) for r in self.conn.execute(
            "SELECT id, kind, a, b, at, prev, batch, scope, undone FROM overrides ORDER BY id")]


def entity_keys(e: Entity) -> list[str]:
    """The names the registry knows an entity by: its name, then its aliases of two words or more
    (a bare surname is too weak to carry identity from one story to another)."""
    keys = [name_key(e.name).lower()]
    keys += [name_key(a).lower() for a in e.aliases if len(a.split()) > 1]
    return [k for k in dict.fromkeys(keys) if k]


def _slug(name: str) -> str:
    return "e-" + (re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "x")


def _numbered(data: str, number: int) -> ArticleAnalysis:
    an = ArticleAnalysis.from_json(json.loads(data))
    an.article.number = int(number)
    return an


def _dump(record: object) -> str:
    return json.dumps(to_dict(record), ensure_ascii=False)


def _statements(script: str) -> list[str]:
    """A migration script split into statements (none of ours holds a ';' inside a literal)."""
    return [part.strip() for part in script.split(";") if part.strip()]


def fts_query(text: str) -> str:
    """Plain words to an FTS5 query: each word quoted, so user punctuation is never syntax."""
    words = [w for w in "".join(ch if ch.isalnum() else " " for ch in text).split() if w]
    if not words:
        return '""'
    return " OR ".join(f'"{w}"' for w in words)
