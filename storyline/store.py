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
RANK_ALL = 10_000  # a search matching more sentences ranks the newest stretch holding about this many
SAMPLE_ARTICLES = 1_000  # PostgreSQL: the newest articles whose matches estimate how many there are

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
        n INTEGER, start INTEGER, "end" INTEGER, text TEXT);
    CREATE VIRTUAL TABLE sentences_fts USING fts5(text, sentence UNINDEXED, article UNINDEXED);
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
        stories INTEGER NOT NULL DEFAULT 0, created TEXT NOT NULL, merged_into TEXT);
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
    ALTER TABLE stories ADD COLUMN norm REAL;
    ALTER TABLE stories ADD COLUMN norm_at INTEGER;
    CREATE INDEX stories_n ON stories(n);
    CREATE TABLE story_terms(term TEXT NOT NULL, story INTEGER NOT NULL, PRIMARY KEY(term, story));
    CREATE TABLE story_df(term TEXT PRIMARY KEY, n INTEGER NOT NULL);
    """,
    # 9: search and ask read from the store: an entity's sentences (its mentions joined to the
    # sentences holding them) and the outlets (a DISTINCT that reads an index, not every text)
    """
    CREATE INDEX IF NOT EXISTS sentences_article ON sentences(article, start);
    CREATE INDEX IF NOT EXISTS articles_source ON articles(source);
    """,
    # 10: deleting an article (a set-date replaces it) cascades to its event mentions: by index, not
    # by a scan of every article's (PostgreSQL's first schema had the index already)
    """
    CREATE INDEX IF NOT EXISTS event_mentions_article ON event_mentions(article);
    """,
    # 11: a fix finds the stories whose mentions are written as its name or alias (stories_naming):
    # by index, not by a scan of every mention (2.6 s per name at 100k articles)
    """
    CREATE INDEX IF NOT EXISTS entity_mentions_text ON entity_mentions(text, story);
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)

# PostgreSQL runs the same migrations, through pg_ddl, less what is FTS5's (sentences_fts, rowid):
# its full-text search is the tsvector column and GIN index PG_SEARCH adds to the sentences of
# migration 1, under the text search configuration PG_TEXT_SEARCH makes first.
PG_TEXT_SEARCH = [
    # English stemming without a stop-word list, like FTS5's porter tokenizer: "who" and "not" are
    # searchable, and counts of sentences holding a word mean the same on both engines
    "CREATE TEXT SEARCH DICTIONARY storyline_stem (TEMPLATE = snowball, Language = english)",
    "CREATE TEXT SEARCH CONFIGURATION storyline (COPY = english)",
    "ALTER TEXT SEARCH CONFIGURATION storyline ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, "
    "word, hword, hword_part, numword, numhword, hword_numpart WITH storyline_stem",
]
PG_SEARCH = {
    1: """
    ALTER TABLE sentences ADD COLUMN tsv tsvector GENERATED ALWAYS AS (to_tsvector('storyline', coalesce(text, ''))) STORED;
    CREATE INDEX sentences_tsv ON sentences USING gin(tsv);
    """,
}


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
        self._reading = 0  # depth of snapshot() blocks
        if readonly and not sqldb.is_url(path) and not Path(path).exists():
            raise StoreError(f"{self.name}: no such database")
        try:
            self.conn = sqldb.connect(path, readonly, BUSY_TIMEOUT_S)
        except sqldb.database_errors() as exc:
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
        if self._reading and not self._depth:  # a read-only transaction cannot become a write
            raise StoreError(f"{self.name}: a write inside a read snapshot")
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

    @contextmanager
    def snapshot(self) -> Iterator[Store]:
        """Every read inside sees the database as it was on entry, whatever other connections commit
        meanwhile (a stream over many stories must not mix the states before and after an ingest
        batch). One read transaction: a WAL snapshot on SQLite, REPEATABLE READ on PostgreSQL. Inside
        a write, or inside another snapshot, it joins the transaction already open."""
        if self._depth or self._reading:
            self._reading += 1
            try:
                yield self
            finally:
                self._reading -= 1
            return
        self.conn.begin_read()
        self._reading = 1
        try:
            yield self
        finally:
            self._reading = 0
            self.conn.rollback()  # nothing to keep: a read-only transaction ends the same either way

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
        for n in range(version, SCHEMA_VERSION):
            with self.write():
                # a second process may have migrated while this one waited for the lock
                if self.conn.user_version() > n:
                    continue
                for statement in self._migration(n):
                    self.conn.execute(statement)
                if n + 1 == 8:
                    self._fill_story_terms()
                self.conn.set_user_version(n + 1)

    def _migration(self, n: int) -> list[str]:
        """The statements of migration n + 1 on this engine."""
        if not self.pg:
            return _statements(MIGRATIONS[n])
        return ((PG_TEXT_SEARCH if n == 0 else [])
                + [x for x in _statements(pg_ddl(MIGRATIONS[n])) if "sentences_fts" not in x and "rowid" not in x]
                + _statements(PG_SEARCH.get(n + 1, "")))

    def _fill_story_terms(self) -> None:
        """Postings and story frequencies of the stories a database held before they were tables."""
        df: dict[str, int] = {}
        for sid, n, profile in self.conn.execute("SELECT id, n, profile FROM stories").fetchall():
            terms = list(StoryState.from_json(sid, [], profile).profile)
            self.conn.executemany("INSERT INTO story_terms VALUES (?,?) ON CONFLICT (term, story) DO NOTHING",
                                  [(t, n) for t in terms])
            for t in terms:
                df[t] = df.get(t, 0) + 1
        self.conn.executemany("INSERT INTO story_df VALUES (?,?)", list(df.items()))

    @property
    def version(self) -> int:
        return self.conn.user_version()

    # ---- writes -------------------------------------------------------------------------
    def has(self, article_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM articles WHERE id=?", (article_id,)).fetchone() is not None

    def _stored(self, ids: list[str]) -> set[str]:
        """Which of these article ids are stored (one query per 500, not one per article)."""
        out: set[str] = set()
        for chunk, marks in _in_chunks(ids):
            out.update(r[0] for r in self.conn.execute(f"SELECT id FROM articles WHERE id IN ({marks})", chunk))
        return out

    def known_ids(self) -> set[str]:
        """Every stored article id (for checks and tools; ingest asks ``has_article`` per article)."""
        return {r[0] for r in self.conn.execute("SELECT id FROM articles")}

    def has_article(self, aid: str) -> bool:
        return self.conn.execute("SELECT 1 FROM articles WHERE id=?", (aid,)).fetchone() is not None

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
        """Ids of articles not yet in a story (left by an interrupted ingest of a storyline that stored
        and placed a batch in two transactions), in publication order."""
        # every placement references one stored article: equal counts mean nothing is left out, and
        # counting reads an index where the anti-join below reads every article (0.3-0.5 s at 100k)
        articles = self.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        if articles == self.conn.execute("SELECT count(*) FROM story_articles").fetchone()[0]:
            return []
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

    # ---- the story index, read on demand (resolve/stored_index.py) -----------------------------
    def story_total(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM stories").fetchone()[0])

    def next_story_n(self) -> int:
        return int(self.conn.execute("SELECT coalesce(max(n) + 1, 0) FROM stories").fetchone()[0])

    def term_df(self, terms: list[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        for chunk, marks in _in_chunks(terms):
            out.update((r[0], int(r[1])) for r in self.conn.execute(
                f"SELECT term, n FROM story_df WHERE term IN ({marks})", chunk))
        return out

    def term_postings(self, term: str) -> set[int]:
        return {int(r[0]) for r in self.conn.execute("SELECT story FROM story_terms WHERE term=?", (term,))}

    def posted_terms(self, n: int, terms: list[str]) -> set[str]:
        out: set[str] = set()
        for chunk, marks in _in_chunks(terms):
            out.update(r[0] for r in self.conn.execute(
                f"SELECT term FROM story_terms WHERE story=? AND term IN ({marks})", (n, *chunk)))
        return out

    def story_at(self, n: int) -> StoryState:
        """A story's profile by its position (members are not read: scoring needs none)."""
        row = self.conn.execute("SELECT id, profile, norm, norm_at FROM stories WHERE n=?", (n,)).fetchone()
        st = StoryState.from_json(row[0], [], row[1])
        if row[3] is not None:
            st.norm, st.norm_at = float(row[2]), int(row[3])
        return st

    def save_story_index(self, changed: dict[int, StoryState], postings: dict[int, set[str]],
                         assigned: dict[str, str], renormed: Iterable[StoryState] = ()) -> None:
        """Store what one batch's assignment changed: profiles, new postings, memberships, and the
        centroid lengths it recomputed."""
        with self.write():
            self.conn.executemany("UPDATE stories SET norm=?, norm_at=? WHERE id=?",
                                  [(st.norm, st.norm_at, st.id) for st in renormed])
            for n, st in changed.items():
                self.conn.execute(
                    "INSERT INTO stories(id, n, profile, norm, norm_at) VALUES (?,?,?,?,?) ON CONFLICT (id) DO UPDATE "
                    "SET profile=excluded.profile, norm=excluded.norm, norm_at=excluded.norm_at",
                    (st.id, n, st.to_json(), st.norm, st.norm_at))
            for n, terms in postings.items():
                self.conn.executemany("INSERT INTO story_terms VALUES (?,?)", [(t, n) for t in terms])
                self.conn.executemany("INSERT INTO story_df VALUES (?, 1) ON CONFLICT (term) DO UPDATE SET n = story_df.n + 1",
                                      [(t,) for t in terms])
            self.conn.executemany("INSERT INTO story_articles VALUES (?,?) ON CONFLICT (article) DO UPDATE "
                                  "SET story=excluded.story", list(assigned.items()))

    def story_ids(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT id FROM stories ORDER BY n")]

    def story_state(self, story: str) -> StoryState | None:
        """One story's stored state, read without touching the others."""
        row = self.conn.execute("SELECT profile FROM stories WHERE id=?", (story,)).fetchone()
        if row is None:
            return None
        members = [r[0] for r in self.conn.execute(
            "SELECT sa.article FROM story_articles sa JOIN articles a ON a.id = sa.article WHERE sa.story=? "
            "ORDER BY a.published NULLS FIRST, a.id", (story,))]
        return StoryState.from_json(story, members, row[0])

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
        where, params = _given(("a.source = ?", source), ("substr(a.published, 1, 10) >= ?", date_from),
                               ("substr(a.published, 1, 10) <= ?", date_to))
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
        if not where:
            filters, params = self._newest_matches(terms)
        if self.pg:
            q, qparams = _pg_tsquery(terms)
            # the newest stretch's sentences are read article by article through the index (OFFSET 0
            # keeps the planner from flattening the lateral join back into a scan of every sentence)
            rows = ("articles a CROSS JOIN LATERAL (SELECT id, article, text, tsv FROM sentences "
                    "WHERE article = a.id OFFSET 0) s" if filters and not where else
                    "sentences s JOIN articles a ON a.id = s.article")
            inner = (f"SELECT s.id AS sentence, s.article AS article, s.text AS text, ts_rank(s.tsv, q.q, 1) AS score, "
                     f"q.q AS q FROM {rows}, (SELECT {q} AS q) q "
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
        match = _fts5_query(terms)
        join = " JOIN articles a ON a.id = s.article" if source or date_from or date_to else ""
        return self.rows(
            f"SELECT s.sentence AS sentence, s.article AS article, s.text AS text, {head}"
            f"-bm25(sentences_fts) AS score FROM sentences_fts s{join} "
            f"WHERE sentences_fts MATCH ?{filters} ORDER BY score DESC, s.sentence LIMIT ?",
            (match, *params, limit),
        )

    def _newest_matches(self, terms: list[str]) -> tuple[str, list[object]]:
        """For a query that matches more than RANK_ALL sentences (a word every article uses), a
        filter to the most recently stored stretch of sentences expected to hold about RANK_ALL of
        them: ranking every match of "said" in a news day costs seconds and ranks nothing (its
        weight is the same everywhere), while the newest matches are what a reader looks for.
        Counting matches costs a walk of the term's postings, not a ranking."""
        if self.pg:
            return self._newest_matches_pg(terms)
        found = self.count_matching(terms)
        if found <= RANK_ALL:
            return "", []
        # min()/max() would scan the FTS5 table; a scan in rowid order stops at its first row
        lo = self.conn.execute("SELECT rowid FROM sentences_fts ORDER BY rowid LIMIT 1").fetchone()[0]
        hi = self.conn.execute("SELECT rowid FROM sentences_fts ORDER BY rowid DESC LIMIT 1").fetchone()[0]
        return " AND s.rowid > ?", [hi - (hi - lo + 1) * RANK_ALL // found]

    def _newest_matches_pg(self, terms: list[str]) -> tuple[str, list[object]]:
        """PostgreSQL's count of every match reads each matching row (0.1 s for 60,000 at 11k articles,
        ten times that at 100k), so the rate of matches per article is measured on the newest
        SAMPLE_ARTICLES articles instead (articles are numbered in the order stored; sentence ids
        are hashes there): a cost bounded whatever the database's size. The stretch is used only where
        it is a small part of the database."""
        lo, hi = self.conn.execute("SELECT min(number), max(number) FROM articles").fetchone()
        if lo is None:
            return "", []
        q, params = _pg_tsquery(terms)
        sample = min(SAMPLE_ARTICLES, hi - lo + 1)
        seen = self.conn.execute(f"SELECT count(*) FROM sentences s JOIN articles a ON a.id = s.article "
                                 f"WHERE a.number > ? AND s.tsv @@ {q}", (hi - sample, *params)).fetchone()[0]
        span = RANK_ALL * sample // max(seen, 1)
        # a stretch of more than a quarter of the database is read faster by one scan than article by
        # article, and ranking every match then costs little more
        if span * 4 > hi - lo + 1:
            return "", []
        return " AND a.number > ?", [hi - span]

    # ---- listings (the CLI's tables) ----------------------------------------------------
    def mark_stale(self, stories: Iterable[str]) -> None:
        """Stories whose resolution is behind their articles or overrides (written with the change
        that made them so: a crash before they are resolved again leaves them marked, not wrong)."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self.write():
            self.conn.executemany("INSERT INTO stale_stories VALUES (?,?) ON CONFLICT (story) DO NOTHING",
                                  [(sid, now) for sid in stories])

    def stale_stories(self) -> list[str]:
        """Stale stories, oldest first. Read from the stale list (usually empty), each story's number
        looked up: a join ordered by the number walks every story instead."""
        rows = self.conn.execute("SELECT story, (SELECT n FROM stories WHERE id = st.story) FROM stale_stories st")
        return [sid for sid, n in sorted((r for r in rows if r[1] is not None), key=lambda r: r[1])]

    def resolved_size(self, story: str) -> int | None:
        """How many articles the story's stored resolution was made from (None: never resolved)."""
        row = self.conn.execute("SELECT articles FROM story_resolutions WHERE story=?", (story,)).fetchone()
        return int(row[0]) if row else None

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
        # what this story called its entities last time: within one story a bare surname is enough to
        # keep an id when the entity comes to be known by a fuller name ("Reyes", then "Dan Reyes")
        before = {(name_key(str(name)).lower(), str(etype)): str(eid) for eid, name, etype in self.conn.execute(
            "SELECT entity, name, type FROM story_entities WHERE story=?", (res.story.id,)).fetchall()}
        for e in res.entities:
            keys = entity_keys(e)
            rid = None
            for k in keys:
                row = self.conn.execute("SELECT entity FROM registry_keys WHERE key=? AND type=?", (k, e.type)).fetchone()
                if row is not None and self._merged(row[0]) not in used:
                    rid = self._merged(row[0])
                    break
            for form in ([] if rid is not None else [e.name, *e.aliases]):
                old = before.get((name_key(form).lower(), e.type))
                if old is not None and self._merged(old) not in used:
                    rid = self._merged(old)
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

    def _merged(self, rid: str) -> str:
        """Where a registry entity lives now: a user's merge across stories points one id at another."""
        seen = {rid}
        while (row := self.conn.execute("SELECT merged_into FROM registry WHERE id=?", (rid,)).fetchone()) and row[0]:
            if row[0] in seen:  # a merge cycle (merged both ways): stop where it closes
                break
            rid = row[0]
            seen.add(rid)
        return rid

    def merge_registry(self, keep: str, gone: str) -> None:
        """Point one registry entity at another (a merge across stories); ``unmerge`` takes it back."""
        with self.write():
            self.conn.execute("UPDATE registry SET merged_into=? WHERE id=?", (keep, gone))

    def unmerge_registry(self, keep: str, gone: str) -> None:
        with self.write():
            self.conn.execute("UPDATE registry SET merged_into=NULL WHERE id=? AND merged_into=?", (gone, keep))

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
        where, params = _given(("r.story IN (SELECT story FROM story_entities WHERE entity=?)", entity),
                               ("(r.last IS NULL OR r.last >= ?)", since), ("(r.first IS NULL OR r.first <= ?)", until))
        return self.rows(
            "SELECT r.story AS id, r.title, r.first, r.last, r.articles, r.outlets, r.resolved_at, "
            "(SELECT 1 FROM stale_stories st WHERE st.story = r.story) IS NOT NULL AS stale "
            f"FROM story_resolutions r WHERE {' AND '.join(['1=1', *where])} "
            # DESC puts undated (NULL) stories last, and the (last, story) index serves it read
            # backwards: no sort of every story per page (10,000 stories: 27-78 ms -> 0.5-0.8 ms)
            "ORDER BY r.last DESC, r.story DESC LIMIT ? OFFSET ?",
            (*params, limit, offset))

    def story_count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM stories").fetchone()[0])

    def registry_entity(self, entity: str) -> dict[str, object] | None:
        """A registry entity (one merged into another reads as the one it was merged into)."""
        rows = self.rows("SELECT id, name, type, mentions, stories FROM registry WHERE id=?", (self._merged(entity),))
        return rows[0] if rows else None

    def find_registry(self, ref: str, follow: bool = True) -> str | None:
        """A registry id from an id, a name or a longer alias (any type; the most mentioned wins);
        ``follow``: where a merge across stories put it, else the id as registered."""
        if self.conn.execute("SELECT 1 FROM registry WHERE id=?", (ref,)).fetchone():
            return self._merged(ref) if follow else ref
        row = self.conn.execute(
            "SELECT k.entity FROM registry_keys k JOIN registry r ON r.id = k.entity WHERE k.key=? "
            "ORDER BY r.mentions DESC LIMIT 1", (name_key(ref).lower(),)).fetchone()
        if row is None:
            return None
        return self._merged(row[0]) if follow else row[0]

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
        # a day given as the end includes the entries of that day that carry a time
        where, params = _given(("story=?", story), ("date >= ?", since), ("date <= ?", until and until + "\uffff"))
        return [(r[0], from_nested(TimelineEntry, json.loads(r[1]))) for r in self.conn.execute(
            f"SELECT story, json FROM story_timeline WHERE {' AND '.join(['1=1', *where])} ORDER BY date, story, n "
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

    # ---- search and ask (task askstore): what they read, and nothing more ------------------
    # (sentence_count, count_matching and match_sentences are above, with full-text search, on both engines)
    def sentence_hits(self, sentences: Iterable[str]) -> dict[str, dict[str, object]]:
        """Sentences by id with what a hit shows: ``article``, ``n`` (its place in the article),
        ``start``, ``end``, ``text``, and the article's ``title``, ``source``, ``published``, ``number``."""
        ids = list(dict.fromkeys(sentences))
        out: dict[str, dict[str, object]] = {}
        for chunk, marks in _in_chunks(ids):
            for r in self.rows(
                    'SELECT sen.id AS sentence, sen.article, sen.n, sen.start, sen."end" AS "end", sen.text, articles.title, '
                    f"articles.source, articles.published, {self._number} AS number FROM sentences sen JOIN articles "
                    f"ON articles.id = sen.article WHERE sen.id IN ({marks})", tuple(chunk)):
                out[str(r["sentence"])] = r
        return out

    def entity_sentences(self, entity: str, *, source: str = "", date_from: str = "", date_to: str = "",
                         limit: int = 50, offset: int = 0) -> list[dict[str, object]]:
        """The sentences that mention a registry entity (by name, descriptor or pronoun), in order of
        publication, a page at a time; rows as ``sentence_hits`` gives them."""
        where, params = _given(("articles.source = ?", source),
                               ("substr(articles.published, 1, 10) >= ?", date_from),
                               ("substr(articles.published, 1, 10) <= ?", date_to))
        return self.rows(
            'SELECT DISTINCT sen.id AS sentence, sen.article, sen.n, sen.start, sen."end" AS "end", sen.text, '
            f"articles.title, articles.source, articles.published, {self._number} AS number, "
            "coalesce(articles.published, '') AS day FROM entity_mentions m JOIN articles ON articles.id = m.article "
            'JOIN sentences sen ON sen.article = m.article AND sen.start <= m.start AND m.start < sen."end" '
            f"WHERE {' AND '.join(['m.entity = ?', *where])} ORDER BY day, sen.article, sen.n LIMIT ? OFFSET ?",
            (entity, *params, limit, offset))

    def sources(self) -> list[str]:
        """The outlets of the stored articles, sorted."""
        return [r[0] for r in self.conn.execute(
            "SELECT DISTINCT source FROM articles WHERE source IS NOT NULL AND source != '' ORDER BY source")]

    def registry_like(self, fragments: Iterable[str], *, every: bool = False, limit: int = 200) -> list[dict[str, object]]:
        """Registry entities (with stories) one of whose keys (lower-case name or longer alias) holds
        any of the fragments, or with ``every``, all of them; most mentioned first. Rows: ``id``,
        ``name``, ``type``, ``key``. Fragments match as written (``%`` and ``_`` are not wildcards)."""
        frags = [x.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                 for x in dict.fromkeys(fragments) if x.strip()]
        if not frags:
            return []
        cond = (" AND " if every else " OR ").join(["k.key LIKE ? ESCAPE '\\'"] * len(frags))
        return self.rows(
            "SELECT r.id, r.name, r.type, k.key FROM registry_keys k JOIN registry r ON r.id = k.entity "
            f"WHERE r.stories > 0 AND ({cond}) ORDER BY r.mentions DESC, r.id, k.key LIMIT ?",
            (*[f"%{f}%" for f in frags], limit))

    def registry_keys_of(self, ids: Iterable[str]) -> dict[str, list[str]]:
        """The keys (lower-case name and longer aliases) of these registry entities."""
        out: dict[str, list[str]] = {}
        wanted = list(dict.fromkeys(ids))
        for chunk, marks in _in_chunks(wanted):
            for entity, key in self.conn.execute(
                    f"SELECT entity, key FROM registry_keys WHERE entity IN ({marks}) "
                    "ORDER BY entity, key", chunk):
                out.setdefault(entity, []).append(key)
        return out

    def article_entities(self, article: str) -> list[dict[str, object]]:
        """One article's resolved mentions with their registry entity's name and type: ``start``,
        ``end``, ``text``, ``kind``, ``entity``, ``name``, ``type``; in text order."""
        return self.rows(
            'SELECT m.start, m."end" AS "end", m.text, m.kind, m.entity, r.name, r.type FROM entity_mentions m '
            "JOIN registry r ON r.id = m.entity WHERE m.article = ? ORDER BY m.start, m.entity", (article,))

    def speakers_of(self, quotes: Iterable[str]) -> dict[str, str]:
        """Quote id -> the registry entity its story resolved as the speaker."""
        out: dict[str, str] = {}
        wanted = list(dict.fromkeys(quotes))
        for chunk, marks in _in_chunks(wanted):
            out.update((q, e) for q, e in self.conn.execute(
                f"SELECT quote, entity FROM quote_speakers WHERE quote IN ({marks})", chunk))
        return out

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
        for part, marks in _in_chunks(ids):
            for r in self.rows(f"SELECT id, title, source, published, {self._number} AS number FROM articles "
                               f"WHERE id IN ({marks})", tuple(part)):
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


IN_CHUNK = 500  # values per "IN (...)" list: well under SQLite's and PostgreSQL's parameter limits


def _in_chunks(items: list[str]) -> Iterator[tuple[list[str], str]]:
    """Values in chunks for an ``IN (...)`` list, each with its placeholders ("?,?,?")."""
    for i in range(0, len(items), IN_CHUNK):
        chunk = items[i : i + IN_CHUNK]
        yield chunk, ",".join("?" * len(chunk))


def _dump(record: object) -> str:
    return json.dumps(to_dict(record), ensure_ascii=False)


def _statements(script: str) -> list[str]:
    """A migration script split into statements (none of ours holds a ';' inside a literal)."""
    return [part.strip() for part in script.split(";") if part.strip()]


def fts_terms(text: str) -> list[str]:
    """Plain words, each a search term: user punctuation is never query syntax."""
    return [w for w in "".join(ch if ch.isalnum() else " " for ch in text).split() if w]


def fts_query(text: str) -> str:
    """Plain words to an FTS5 query: each word quoted, so user punctuation is never syntax."""
    return _fts5_query(fts_terms(text))


def _given(*filters: tuple[str, object]) -> tuple[list[str], list[object]]:
    """SQL conditions with one ``?`` each, and their values, for the filters given a value (an empty
    or None value means no filter)."""
    used = [(cond, value) for cond, value in filters if value]
    return [cond for cond, _ in used], [value for _, value in used]


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
