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
from datetime import UTC, datetime
from pathlib import Path

from .model import ArticleAnalysis, IngestProblem
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
]
SCHEMA_VERSION = len(MIGRATIONS)


class StoreError(RuntimeError):
    pass


class Store:
    """A storyline database. Use as a context manager, or call ``close``."""

    def __init__(self, path: str | Path = DEFAULT_DB, readonly: bool = False) -> None:
        self.path = Path(path)
        if readonly:
            if not self.path.exists():
                raise StoreError(f"{self.path}: no such database")
            uri = f"file:{self.path.resolve()}?mode=ro"
            self.conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
        else:
            self.conn = sqlite3.connect(self.path, check_same_thread=False)
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

    # ---- schema -------------------------------------------------------------------------
    def migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(f"{self.path}: schema {version} is newer than this storyline ({SCHEMA_VERSION})")
        for n in range(version, SCHEMA_VERSION):
            with self.conn:
                self.conn.executescript("BEGIN;" + MIGRATIONS[n] + f"; PRAGMA user_version={n + 1};")

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
        with self.conn:
            for an in analyses:
                a = an.article
                if self.has(a.id):
                    continue
                added += 1
                self.conn.execute(
                    "INSERT INTO articles VALUES (?,?,?,?,?,?,?,?,?)",
                    (a.id, a.title, a.source, a.url, a.published, a.path, a.external_id, a.text, now),
                )
                self.conn.execute(
                    "INSERT INTO analyses VALUES (?,?)", (a.id, json.dumps(an.to_json(), ensure_ascii=False))
                )
                self._write_records(an)
        return added

    def replace(self, an: ArticleAnalysis) -> None:
        """Swap an article's analysis for a new one (after a corrected date), keeping its story."""
        aid = an.article.id
        story = self.story_of(aid)
        with self.conn:
            self.conn.execute("DELETE FROM sentences_fts WHERE article=?", (aid,))
            self.conn.execute("DELETE FROM articles WHERE id=?", (aid,))  # cascades to every record table
        self.add([an])
        if story is not None:
            with self.conn:
                self.conn.execute("INSERT OR REPLACE INTO story_articles VALUES (?,?)", (aid, story))

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
        with self.conn:
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
            "SELECT json FROM analyses JOIN articles ON articles.id = analyses.article "
            "ORDER BY articles.published, articles.id"
        ):
            yield ArticleAnalysis.from_json(json.loads(row[0]))

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

    def save_stories(self, stories: Iterable[tuple[int, StoryState]], assigned: dict[str, str]) -> None:
        """Write the given (position, story) profiles and the new memberships in one transaction."""
        with self.conn:
            for n, st in stories:
                self.conn.execute("INSERT OR REPLACE INTO stories VALUES (?,?,?)", (st.id, n, st.to_json()))
            self.conn.executemany("INSERT OR REPLACE INTO story_articles VALUES (?,?)", assigned.items())

    def story_of(self, article_id: str) -> str | None:
        row = self.conn.execute("SELECT story FROM story_articles WHERE article=?", (article_id,)).fetchone()
        return row[0] if row else None

    def story_articles(self, story: str) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT article FROM story_articles WHERE story=?", (story,))]

    def analysis(self, article_id: str) -> ArticleAnalysis | None:
        row = self.conn.execute("SELECT json FROM analyses WHERE article=?", (article_id,)).fetchone()
        return ArticleAnalysis.from_json(json.loads(row[0])) if row else None

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
    def add_override(self, kind: str, a: str, b: str | None = None) -> None:
        with self.conn:
            self.conn.execute(
                "INSERT INTO overrides(kind, a, b, at) VALUES (?,?,?,?)",
                (kind, a, b, datetime.now(UTC).isoformat(timespec="seconds")),
            )

    def overrides(self) -> list[tuple[str, str, str | None]]:
        return [(r[0], r[1], r[2]) for r in self.conn.execute("SELECT kind, a, b FROM overrides ORDER BY id")]


def fts_query(text: str) -> str:
    """Plain words to an FTS5 query: each word quoted, so user punctuation is never syntax."""
    words = [w for w in "".join(ch if ch.isalnum() else " " for ch in text).split() if w]
    if not words:
        return '""'
    return " OR ".join(f'"{w}"' for w in words)
