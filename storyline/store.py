"""Storage: schema, migrations, transactional writes and reads, on SQLite or PostgreSQL.

One database holds the articles, every extracted record with its offsets, the problems met on
ingest, and a full-text index over sentences (FTS5 on SQLite, a tsvector column with a GIN index on
PostgreSQL). Each batch of articles is written in one transaction, so a crash or a bad file in the
middle loses nothing already committed and leaves no half article; WAL mode (SQLite) and MVCC
(PostgreSQL) keep readers (the web UI) working during an ingest. A ``postgresql://`` URL where a
file name goes selects PostgreSQL (storyline/sqldb.py holds what differs between the two engines).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from . import sqldb
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

# PostgreSQL starts from this script, the schema MIGRATIONS[:PG_BASE] built (types and full-text
# search in PostgreSQL's terms); every later migration applies to both engines, through pg_ddl.
PG_BASE = 7
PG_TEXT_SEARCH = [
    # English stemming without a stop-word list, like FTS5's porter tokenizer: "who" and "not" are
    # searchable, and counts of sentences holding a word mean the same on both engines
    "CREATE TEXT SEARCH DICTIONARY storyline_stem (TEMPLATE = snowball, Language = english)",
    "CREATE TEXT SEARCH CONFIGURATION storyline (COPY = english)",
    "ALTER TEXT SEARCH CONFIGURATION storyline ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, "
    "word, hword, hword_part, numword, numhword, hword_numpart WITH storyline_stem",
]
PG_SCHEMA = """
    CREATE TABLE articles(
        id TEXT PRIMARY KEY, title TEXT, source TEXT, url TEXT, published TEXT, path TEXT,
        external_id TEXT, text TEXT NOT NULL, ingested_at TEXT NOT NULL, number INTEGER);
    CREATE UNIQUE INDEX articles_number ON articles(number);
    CREATE TABLE analyses(
        article TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE, json TEXT NOT NULL);
    CREATE TABLE sentences(
        id TEXT PRIMARY KEY, article TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        n INTEGER, start INTEGER, "end" INTEGER, text TEXT,
        tsv tsvector GENERATED ALWAYS AS (to_tsvector('storyline', coalesce(text, ''))) STORED);
    CREATE INDEX sentences_tsv ON sentences USING gin(tsv);
    CREATE INDEX sentences_article ON sentences(article);
    CREATE TABLE mentions(
        article TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE, start INTEGER, "end" INTEGER,
        text TEXT, label TEXT, kind TEXT, sentence INTEGER);
    CREATE TABLE quotes(
        id TEXT PRIMARY KEY, article TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        start INTEGER, "end" INTEGER, text TEXT, speaker_text TEXT, speaker_name TEXT, cue TEXT,
        direct INTEGER, sentence INTEGER);
    CREATE TABLE amounts(
        id TEXT PRIMARY KEY, article TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        start INTEGER, "end" INTEGER, text TEXT, value REAL, value_max REAL, unit TEXT, qualifier TEXT,
        kind TEXT, sentence INTEGER);
    CREATE TABLE times(
        id TEXT PRIMARY KEY, article TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        start INTEGER, "end" INTEGER, text TEXT, type TEXT, value TEXT, mod TEXT, note TEXT,
        sentence INTEGER);
    CREATE TABLE event_mentions(
        id TEXT PRIMARY KEY, article TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        type TEXT, cameo TEXT, trigger TEXT, start INTEGER, "end" INTEGER, time TEXT, amount TEXT);
    CREATE TABLE problems(
        id INTEGER PRIMARY KEY, path TEXT, line INTEGER, severity TEXT, message TEXT, at TEXT);
    CREATE INDEX mentions_article ON mentions(article);
    CREATE INDEX quotes_article ON quotes(article);
    CREATE INDEX amounts_article ON amounts(article);
    CREATE INDEX times_article ON times(article);
    CREATE INDEX event_mentions_article ON event_mentions(article);
    CREATE TABLE overrides(
        id INTEGER PRIMARY KEY, kind TEXT NOT NULL, a TEXT NOT NULL, b TEXT, at TEXT NOT NULL,
        prev TEXT, batch INTEGER, scope TEXT, undone TEXT);
    CREATE TABLE stories(id TEXT PRIMARY KEY, n INTEGER NOT NULL, profile TEXT NOT NULL);
    CREATE TABLE story_articles(
        article TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE, story TEXT NOT NULL);
    CREATE INDEX story_articles_story ON story_articles(story);
    CREATE TABLE fetch_state(
        url TEXT PRIMARY KEY, kind TEXT NOT NULL, etag TEXT, last_modified TEXT, status INTEGER,
        fetched_at TEXT NOT NULL);
"""


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
        # a PostgreSQL URL stays a string (a Path would fold its "//"); messages never show its password
        self.path: str | Path = str(path) if sqldb.is_url(path) else Path(path)
        self.name = sqldb.redact(path)
        self._depth = 0
        if readonly and not sqldb.is_url(path) and not Path(path).exists():
            raise StoreError(f"{self.name}: no such database")
        try:
            self.conn = sqldb.connect(path, readonly, BUSY_TIMEOUT_S)
        except sqldb.DatabaseError as exc:
            raise StoreError(f"{self.name}: cannot open the database ({' '.join(str(exc).split())})") from None
        self.pg = self.conn.dialect == "postgresql"
        if not readonly:
            self.migrate()
        else:
            version = self.conn.user_version()
            if self.pg and version == 0:
                self.conn.close()
                raise StoreError(f"{self.name}: no storyline database there (run `storyline ingest` into it first)")
            if version > SCHEMA_VERSION:
                raise StoreError(f"{self.name}: schema {version} is newer than this storyline")

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def write(self) -> Iterator[sqldb.Connection]:
        """One write transaction (re-entrant: an inner ``write()`` joins the outer one)."""
        if self._depth:
            self._depth += 1
            try:
                yield self.conn
            finally:
                self._depth -= 1
            return
        self.conn.begin_write()
        self._depth = 1
        try:
            yield self.conn
        except BaseException:
            self.conn.rollback()
            raise
        else:
            self.conn.commit()
        finally:
            self._depth = 0

    @property
    def _number(self) -> str:
        # a database opened read-only is never migrated: before schema 5 the rowid is the number
        return "articles.number" if self.pg or self.version >= 5 else "articles.rowid"

    def data_version(self) -> int:
        """Changes when another connection commits (SQLite's PRAGMA data_version; on PostgreSQL a
        counter every write transaction moves, less this connection's own)."""
        return self.conn.data_version()

    # ---- schema -------------------------------------------------------------------------
    def migrate(self) -> None:
        version = self.conn.user_version()
        if version > SCHEMA_VERSION:
            raise StoreError(f"{self.name}: schema {version} is newer than this storyline ({SCHEMA_VERSION})")
        if self.pg and version < PG_BASE:
            with self.write():
                if self.conn.user_version() == 0:  # else another process made it while this one waited
                    for statement in PG_TEXT_SEARCH + _statements(pg_ddl(PG_SCHEMA)):
                        self.conn.execute(statement)
                    self.conn.set_user_version(PG_BASE)
            version = self.conn.user_version()
        for n in range(version, SCHEMA_VERSION):
            with self.write():
                # a second process may have migrated while this one waited for the lock
                if self.conn.user_version() > n:
                    continue
                for statement in _statements(pg_ddl(MIGRATIONS[n]) if self.pg else MIGRATIONS[n]):
                    if not (self.pg and "sentences_fts" in statement):  # FTS5's own index: tsv on PostgreSQL
                        self.conn.execute(statement)
                self.conn.set_user_version(n + 1)

    @property
    def version(self) -> int:
        return self.conn.user_version()

    # ---- writes -------------------------------------------------------------------------
    def has(self, article_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM articles WHERE id=?", (article_id,)).fetchone() is not None

    def _stored(self, ids: list[str]) -> set[str]:
        """Which of these article ids are stored (one query per 500, not one per article)."""
        out: set[str] = set()
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            out.update(r[0] for r in self.conn.execute(
                f"SELECT id FROM articles WHERE id IN ({','.join('?' * len(chunk))})", chunk))
        return out

    def known_ids(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT id FROM articles")}

    def add(self, analyses: Iterable[ArticleAnalysis]) -> int:
        """Write a batch of analysed articles in one transaction; return how many were new."""
        new: list[ArticleAnalysis] = []
        now = datetime.now(UTC).isoformat(timespec="seconds")
        batch = list(analyses)
        with self.write():
            stored = self._stored([an.article.id for an in batch])
            for an in batch:
                a = an.article
                if a.id in stored:
                    continue
                stored.add(a.id)
                new.append(an)
                self.conn.execute(
                    "INSERT INTO articles(id, title, source, url, published, path, external_id, text, "
                    "ingested_at, number) VALUES (?,?,?,?,?,?,?,?,?, "
                    "(SELECT coalesce(max(number), 0) + 1 FROM articles))",
                    (a.id, a.title, a.source, a.url, a.published, a.path, a.external_id, a.text, now),
                )
                self.conn.execute(
                    "INSERT INTO analyses VALUES (?,?)", (a.id, json.dumps(an.to_json(), ensure_ascii=False))
                )
            # one statement per table for the whole batch: on PostgreSQL each is a round trip
            self._write_records(new)
        return len(new)

    def replace(self, an: ArticleAnalysis, override: tuple[str, str, str | None] | None = None) -> None:
        """Swap an article's analysis for a new one (after a corrected date), keeping its story, and
        record the override that asked for it: one transaction, so a crash keeps the old article or
        the new one with its override, never neither."""
        aid = an.article.id
        with self.write():
            story = self.story_of(aid)
            number = self.number_of(aid)
            if not self.pg:  # FTS5's table has no foreign key; PostgreSQL's tsv goes with its sentence
                self.conn.execute("DELETE FROM sentences_fts WHERE article=?", (aid,))
            self.conn.execute("DELETE FROM articles WHERE id=?", (aid,))  # cascades to every record table
            self.add([an])
            if number is not None:  # the article keeps its citation number
                self.conn.execute("UPDATE articles SET number=? WHERE id=?", (number, aid))
            if story is not None:
                self.conn.execute("INSERT INTO story_articles VALUES (?,?) "
                                  "ON CONFLICT (article) DO UPDATE SET story = excluded.story", (aid, story))
            if override is not None:
                self.add_override(*override)

    def _write_records(self, analyses: list[ArticleAnalysis]) -> None:
        c = self.conn
        c.executemany(
            "INSERT INTO sentences VALUES (?,?,?,?,?,?)",
            [(s.id, an.article.id, n, s.start, s.end, an.article.text[s.start : s.end])
             for an in analyses for n, s in enumerate(an.sentences)],
        )
        if not self.pg:
            c.executemany(
                "INSERT INTO sentences_fts(text, sentence, article) VALUES (?,?,?)",
                [(an.article.text[s.start : s.end], s.id, an.article.id) for an in analyses for s in an.sentences],
            )
        c.executemany(
            "INSERT INTO mentions VALUES (?,?,?,?,?,?,?)",
            [(m.article, m.start, m.end, m.text, m.label, m.kind, m.sentence) for an in analyses for m in an.mentions],
        )
        c.executemany(
            "INSERT INTO quotes VALUES (?,?,?,?,?,?,?,?,?,?)",
            [(q.id, q.article, q.start, q.end, q.text, q.speaker_text, q.speaker_name, q.cue,
              int(q.direct), q.sentence) for an in analyses for q in an.quotes],
        )
        c.executemany(
            "INSERT INTO amounts VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [(x.id, x.article, x.start, x.end, x.text, x.value, x.value_max, x.unit, x.qualifier,
              x.kind, x.sentence) for an in analyses for x in an.amounts],
        )
        c.executemany(
            "INSERT INTO times VALUES (?,?,?,?,?,?,?,?,?,?)",
            [(t.id, t.article, t.start, t.end, t.text, t.type, t.value, t.mod, t.note, t.sentence)
             for an in analyses for t in an.times],
        )
        c.executemany(
            "INSERT INTO event_mentions VALUES (?,?,?,?,?,?,?,?,?)",
            [(e.id, e.article, e.type, e.cameo, e.trigger, e.start, e.end, e.time, e.amount)
             for an in analyses for e in an.events],
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
            "ORDER BY articles.published NULLS FIRST, articles.id"
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
            "SELECT id FROM articles WHERE id NOT IN (SELECT article FROM story_articles) "
            "ORDER BY published NULLS FIRST, id")]

    def story_states(self) -> list[StoryState]:
        members: dict[str, list[str]] = {}
        for art, story in self.conn.execute(
            "SELECT sa.article, sa.story FROM story_articles sa JOIN articles a ON a.id = sa.article "
            "ORDER BY a.published NULLS FIRST, a.id"
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
            "ORDER BY a.published NULLS FIRST, a.id", (story,))]
        return StoryState.from_json(story, members, row[0])

    def save_stories(self, stories: Iterable[tuple[int, StoryState]], assigned: dict[str, str]) -> None:
        """Write the given (position, story) profiles and the new memberships in one transaction."""
        with self.write():
            for n, st in stories:
                self.conn.execute("INSERT INTO stories VALUES (?,?,?) ON CONFLICT (id) DO UPDATE "
                                  "SET n = excluded.n, profile = excluded.profile", (st.id, n, st.to_json()))
            self.conn.executemany("INSERT INTO story_articles VALUES (?,?) "
                                  "ON CONFLICT (article) DO UPDATE SET story = excluded.story", assigned.items())

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
            self.conn.execute("INSERT INTO fetch_state VALUES (?,?,?,?,?,?) ON CONFLICT (url) DO UPDATE SET "
                              "kind = excluded.kind, etag = excluded.etag, last_modified = excluded.last_modified, "
                              "status = excluded.status, fetched_at = excluded.fetched_at",
                              (url, kind, etag, last_modified, status, datetime.now(UTC).isoformat(timespec="seconds")))

    def number_of(self, article_id: str) -> int | None:
        row = self.conn.execute(f"SELECT {self._number} FROM articles WHERE id=?", (article_id,)).fetchone()
        return int(row[0]) if row and row[0] is not None else None

    def rows(self, sql: str, params: tuple[object, ...] = ()) -> list[dict[str, object]]:
        return [dict(r) for r in self.conn.execute(sql, params)]

    def search(self, query: str, limit: int = 20) -> list[dict[str, object]]:
        """Full-text search over sentences, best first, with a snippet whose matches sit between
        MARK_OPEN and MARK_CLOSE (control characters that never occur in article text)."""
        return self.match_sentences(fts_terms(query), limit, snippet=16)

    # ---- full-text search: FTS5 (bm25, snippet) on SQLite, tsvector (ts_rank, ts_headline) on PostgreSQL
    def sentence_count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM sentences" if self.pg else
                                     "SELECT count(*) FROM sentences_fts").fetchone()[0])

    def count_matching(self, terms: list[str]) -> int:
        """How many sentences hold at least one of the terms (a term of several words is a phrase)."""
        if self.pg:
            q, params = _pg_tsquery(terms)
            return int(self.conn.execute(f"SELECT count(*) FROM sentences WHERE tsv @@ {q}", params).fetchone()[0])
        return int(self.conn.execute("SELECT count(*) FROM sentences_fts WHERE sentences_fts MATCH ?",
                                     (_fts5_query(terms),)).fetchone()[0])

    def match_sentences(self, terms: list[str], limit: int, *, source: str = "", date_from: str = "",
                        date_to: str = "", articles: Iterable[str] | None = None,
                        snippet: int = 0, entity: str = "") -> list[dict[str, object]]:
        """Sentences holding any of the terms, best first: each ``sentence`` (id), ``article``,
        ``text``, ``score`` (higher is better) and, given ``snippet`` (words), a ``snippet`` with the
        matches between MARK_OPEN and MARK_CLOSE. Filters: outlet, days published (YYYY-MM-DD, both
        ends included), articles, and ``entity``: sentences holding a mention of that registry
        entity (the resolved-state table entity_mentions; filtered before the limit)."""
        where: list[str] = []
        params: list[object] = []
        if source:
            where.append("a.source = ?")
            params.append(source)
        if date_from:
            where.append("substr(a.published, 1, 10) >= ?")
            params.append(date_from)
        if date_to:
            where.append("substr(a.published, 1, 10) <= ?")
            params.append(date_to)
        if articles is not None:
            ids = sorted(set(articles))
            if not ids:
                return []
            where.append(f"s.article IN ({','.join('?' * len(ids))})")
            params += ids
        if entity:
            sentence_id = "s.id" if self.pg else "s.sentence"  # sentences' id; FTS5's sentence column
            where.append(f"EXISTS (SELECT 1 FROM entity_mentions m JOIN sentences sen ON sen.id = {sentence_id} "
                         'WHERE m.entity = ? AND m.article = s.article AND m.start >= sen.start AND m.start < sen."end")')
            params.append(entity)
        filters = "".join(f" AND {w}" for w in where)
        if self.pg:
            q, qparams = _pg_tsquery(terms)
            inner = (f"SELECT s.id AS sentence, s.article AS article, s.text AS text, ts_rank(s.tsv, q.q, 1) AS score, "
                     f"q.q AS q FROM sentences s JOIN articles a ON a.id = s.article, (SELECT {q} AS q) q "
                     f"WHERE s.tsv @@ q.q{filters} ORDER BY score DESC, s.id LIMIT ?")
            # a sentence no longer than the snippet is shown whole, as FTS5's snippet() shows it
            head = (", ts_headline('storyline', text, q, CASE WHEN array_length(regexp_split_to_array("
                    "btrim(text), '\\s+'), 1) <= ? THEN ? ELSE ? END) AS snippet" if snippet else "")
            sql = f"SELECT sentence, article, text, score{head} FROM ({inner}) hits ORDER BY score DESC, sentence"
            marks = f'StartSel="{MARK_OPEN}", StopSel="{MARK_CLOSE}"'
            opts = [snippet, f"{marks}, HighlightAll=true",
                    f"{marks}, MaxWords={snippet}, MinWords={max(1, snippet // 2)}"] if snippet else []
            found = self.rows(sql, (*opts, *qparams, *params, limit))
            for r in found:
                if snippet:
                    r["snippet"] = _ellipsis(str(r["text"] or ""), str(r["snippet"] or ""))
                r["score"] = float(r["score"])  # type: ignore[arg-type]
            return found
        head = f"snippet(sentences_fts, 0, char(2), char(3), '…', {int(snippet)}) AS snippet, " if snippet else ""
        return self.rows(
            f"SELECT s.sentence AS sentence, s.article AS article, s.text AS text, {head}"
            f"-bm25(sentences_fts) AS score FROM sentences_fts s JOIN articles a ON a.id = s.article "
            f"WHERE sentences_fts MATCH ?{filters} ORDER BY score DESC, s.sentence LIMIT ?",
            (_fts5_query(terms), *params, limit),
        )

    # ---- listings (the CLI's tables) ----------------------------------------------------
    def story_listing(self) -> list[dict[str, object]]:
        """Each stored story with its size, first and last day, and an article title, in story order."""
        return self.rows(
            "SELECT s.id, count(sa.article) AS n, min(a.published) AS first, max(a.published) AS last, "
            "min(a.title) AS example FROM stories s "
            "JOIN story_articles sa ON sa.story = s.id JOIN articles a ON a.id = sa.article "
            "GROUP BY s.id, s.n ORDER BY s.n")

    def quote_rows(self, limit: int) -> list[dict[str, object]]:
        return self.rows("SELECT q.id, coalesce(q.speaker_name, q.speaker_text) AS speaker, q.cue, q.direct, q.text "
                         "FROM quotes q ORDER BY q.article, q.start LIMIT ?", (limit,))

    def amount_rows(self, limit: int) -> list[dict[str, object]]:
        return self.rows("SELECT id, text, value, value_max, unit, qualifier FROM amounts "
                         "ORDER BY article, start LIMIT ?", (limit,))

    def time_rows(self, limit: int) -> list[dict[str, object]]:
        return self.rows("SELECT t.id, t.text, t.type, t.value, t.note, a.published FROM times t "
                         "JOIN articles a ON a.id = t.article ORDER BY t.article, t.start LIMIT ?", (limit,))

    def find_articles(self, ref: str) -> list[str]:
        """Ids of the articles whose id starts with ``ref`` or whose input id is ``ref``."""
        return [str(r[0]) for r in self.conn.execute(
            "SELECT id FROM articles WHERE substr(id, 1, ?) = ? OR external_id = ? ORDER BY id",
            (len(ref), ref, ref))]

    def article_sources(self) -> list[tuple[str, str]]:
        """(id, outlet) of every article, in publication order."""
        return [(str(r[0]), str(r[1] or "")) for r in self.conn.execute(
            "SELECT id, source FROM articles ORDER BY published NULLS FIRST, id")]

    def changes(self) -> int | None:
        """On PostgreSQL, write transactions committed so far by anyone (what a reader polls to see
        that the database changed); None on SQLite, where the file's times say it."""
        return self.conn.changes() if isinstance(self.conn, sqldb.PostgresConnection) else None

    # ---- overrides ------------------------------------------------------------------------
    def add_override(self, kind: str, a: str, b: str | None = None, prev: str | None = None,
                     batch: int | None = None, scope: str | None = None) -> int:
        with self.write():
            row = self.conn.execute(
                "INSERT INTO overrides(kind, a, b, at, prev, batch, scope) VALUES (?,?,?,?,?,?,?) RETURNING id",
                (kind, a, b, datetime.now(UTC).isoformat(timespec="seconds"), prev, batch, scope),
            ).fetchone()
            return int(row[0])

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


def fts_terms(text: str) -> list[str]:
    """Plain words, each a search term: user punctuation is never query syntax."""
    return [w for w in "".join(ch if ch.isalnum() else " " for ch in text).split() if w]


def fts_query(text: str) -> str:
    """Plain words to an FTS5 query: each word quoted, so user punctuation is never syntax."""
    return _fts5_query(fts_terms(text))


def _fts5_query(terms: list[str]) -> str:
    """Terms to an FTS5 OR query, each a quoted phrase ('""' matches nothing)."""
    quoted = [t.replace('"', "") for t in dict.fromkeys(terms)]
    return " OR ".join(f'"{t}"' for t in quoted if t.strip()) or '""'


def _pg_tsquery(terms: list[str]) -> tuple[str, list[object]]:
    """Terms to a PostgreSQL tsquery expression (each a phrase, ORed) and its parameters; the
    terms travel as parameters, so no text is ever query syntax."""
    unique = [t for t in dict.fromkeys(terms) if t.strip()]
    if not unique:
        return "''::tsquery", []
    return "(" + " || ".join(["phraseto_tsquery('storyline', ?)"] * len(unique)) + ")", list(unique)


def _ellipsis(text: str, snippet: str) -> str:
    """'…' where ts_headline cut the sentence, as FTS5's snippet() marks it."""
    plain = " ".join(snippet.replace(MARK_OPEN, "").replace(MARK_CLOSE, "").split())
    flat = " ".join(text.split())
    at = flat.find(plain)
    if not plain or at < 0:
        return snippet
    rest = flat[at + len(plain):]
    return ("…" if at > 0 else "") + snippet.strip() + ("…" if any(ch.isalnum() for ch in rest) else "")


_PG_TYPES = [
    (re.compile(r"\bINTEGER PRIMARY KEY\b"), "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),
    (re.compile(r"\bREAL\b"), "DOUBLE PRECISION"),
    # byte order, as SQLite compares: ids and ISO dates sort the same on both engines
    (re.compile(r"\bTEXT\b(?! SEARCH)"), 'TEXT COLLATE "C"'),
]


def pg_ddl(script: str) -> str:
    """A migration in SQLite's terms to PostgreSQL's: INTEGER PRIMARY KEY numbers rows itself,
    REAL is a double, TEXT compares bytewise. Only the upper-case type names change (column names
    are lower case), so write the types of new migrations in upper case, quote the column "end",
    and keep SQLite-only statements to the FTS5 table sentences_fts (skipped on PostgreSQL)."""
    for pattern, replacement in _PG_TYPES:
        script = pattern.sub(replacement, script)
    return script
