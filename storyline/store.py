"""SQLite storage: schema, migrations, transactional writes and reads.

One file holds the articles, every extracted record with its offsets, the problems met on ingest,
and an FTS5 index over sentences. Each batch of articles is written in one transaction, so a crash
or a bad file in the middle loses nothing already committed and leaves no half article; WAL mode
keeps readers (the web UI) working during an ingest.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from .model import ArticleAnalysis, IngestProblem, OverrideRecord
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


def _numbered(data: str, number: int) -> ArticleAnalysis:
    an = ArticleAnalysis.from_json(json.loads(data))
    an.article.number = int(number)
    return an


def _statements(script: str) -> list[str]:
    """A migration script split into statements (none of ours holds a ';' inside a literal)."""
    return [part.strip() for part in script.split(";") if part.strip()]


def fts_query(text: str) -> str:
    """Plain words to an FTS5 query: each word quoted, so user punctuation is never syntax."""
    words = [w for w in "".join(ch if ch.isalnum() else " " for ch in text).split() if w]
    if not words:
        return '""'
    return " OR ".join(f'"{w}"' for w in words)
