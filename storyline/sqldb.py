"""The two database engines behind the store: SQLite (a file, the default, stdlib only) and
PostgreSQL (a ``postgresql://`` URL, through psycopg 3).

Both connections offer what store.py uses: ``execute(sql, params)`` / ``executemany`` with ``?``
placeholders, cursors with fetchone/fetchall/iteration, rows readable by index and by column name.
What cannot be one SQL text for both lives here, each in one place: the write lock (``BEGIN
IMMEDIATE`` vs a transaction-scoped advisory lock, so writers queue the same way), the read
snapshot (a deferred ``BEGIN`` on the WAL vs ``REPEATABLE READ READ ONLY``), the schema
version (PRAGMA user_version vs a row of ``storyline_meta``) and the change counter (PRAGMA
data_version vs a row bumped inside every write transaction).
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

URL_SCHEMES = ("postgresql://", "postgres://")
# one number for every storyline writer of a PostgreSQL database (pg_advisory_xact_lock's key)
WRITE_LOCK_KEY = 0x5701_7E11

def database_errors() -> tuple[type[Exception], ...]:
    """The errors a database call can raise: sqlite3's, and psycopg's once it is loaded. psycopg is
    imported by the first PostgreSQL connection, not here: a SQLite user (and `storyline serve`'s
    start) does not pay for it, and no psycopg error can arise before it is loaded."""
    pg = sys.modules.get("psycopg")
    return (sqlite3.Error, pg.Error) if pg is not None else (sqlite3.Error,)


def is_url(db: str | Path) -> bool:
    """Whether ``db`` names a PostgreSQL database rather than a SQLite file."""
    return isinstance(db, str) and db.startswith(URL_SCHEMES)


def redact(db: str | Path) -> str:
    """``db`` for messages: a URL loses its password."""
    if not is_url(db):
        return str(db)
    parts = urlsplit(str(db))
    if parts.password is None:
        return str(db)
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


class Connection:
    """What both engines offer the store."""

    dialect: str

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        raise NotImplementedError

    def executemany(self, sql: str, seq: Iterable[Sequence[Any]]) -> Any:
        raise NotImplementedError

    def begin_write(self) -> None:
        """Start a write transaction, waiting for any other writer's to end."""
        raise NotImplementedError

    def begin_read(self) -> None:
        """Start a read-only transaction whose every SELECT sees the database as it is now."""
        raise NotImplementedError

    def commit(self) -> None:
        self.execute("COMMIT")

    def rollback(self) -> None:
        self.execute("ROLLBACK")

    def user_version(self) -> int:
        raise NotImplementedError

    def set_user_version(self, n: int) -> None:
        raise NotImplementedError

    def data_version(self) -> int:
        """Changes when another connection commits a write (never for this connection's own)."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class SQLiteConnection(Connection):
    dialect = "sqlite"

    def __init__(self, path: Path, readonly: bool, timeout: float) -> None:
        if readonly:
            self.raw = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True, check_same_thread=False,
                                       timeout=timeout, isolation_level=None)
        else:
            self.raw = sqlite3.connect(path, check_same_thread=False, timeout=timeout, isolation_level=None)
            self.raw.execute("PRAGMA journal_mode=WAL")
            self.raw.execute("PRAGMA synchronous=NORMAL")
        self.raw.row_factory = sqlite3.Row
        self.raw.execute("PRAGMA foreign_keys=ON")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        return self.raw.execute(sql, params)

    def executemany(self, sql: str, seq: Iterable[Sequence[Any]]) -> sqlite3.Cursor:
        return self.raw.executemany(sql, seq)

    def begin_write(self) -> None:
        self.raw.execute("BEGIN IMMEDIATE")

    def begin_read(self) -> None:
        # a deferred BEGIN takes its WAL snapshot at the first read, so read once now: the snapshot
        # is the database as it was when the caller asked, not when its first query happens to run
        self.raw.execute("BEGIN")
        try:
            self.raw.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except BaseException:
            self.raw.execute("ROLLBACK")
            raise

    def user_version(self) -> int:
        return int(self.raw.execute("PRAGMA user_version").fetchone()[0])

    def set_user_version(self, n: int) -> None:
        self.raw.execute(f"PRAGMA user_version={int(n)}")

    def data_version(self) -> int:
        return int(self.raw.execute("PRAGMA data_version").fetchone()[0])

    def close(self) -> None:
        self.raw.close()


class Row(tuple):  # type: ignore[type-arg]
    """A result row readable by index, by column name, and as ``dict(row)`` (like sqlite3.Row)."""

    _names: tuple[str, ...] = ()

    def __getitem__(self, key: Any) -> Any:  # type: ignore[override]
        if isinstance(key, str):
            try:
                return tuple.__getitem__(self, self._names.index(key))
            except ValueError:
                raise IndexError(f"no column {key!r}") from None
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._names)


@lru_cache(maxsize=256)
def _row_class(names: tuple[str, ...]) -> type[Row]:
    return type("Row", (Row,), {"_names": names, "__slots__": ()})


def _row_factory(cursor: Any) -> Any:
    return _row_class(tuple(d.name for d in cursor.description or ()))


@lru_cache(maxsize=512)
def to_pyformat(sql: str) -> str:
    """``?`` placeholders to psycopg's ``%s``, except inside quoted strings and identifiers; every
    literal ``%`` doubled (psycopg reads placeholders inside quotes too)."""
    out: list[str] = []
    quote: str | None = None
    for ch in sql:
        if quote:
            out.append("%%" if ch == "%" else ch)
            if ch == quote:
                quote = None
        elif ch in ("'", '"'):
            quote = ch
            out.append(ch)
        elif ch == "?":
            out.append("%s")
        elif ch == "%":
            out.append("%%")
        else:
            out.append(ch)
    return "".join(out)


class PostgresConnection(Connection):
    dialect = "postgresql"

    def __init__(self, url: str, readonly: bool, timeout: float) -> None:
        try:
            import psycopg
        except ImportError as exc:  # pragma: no cover - a dependency; kept optional for a bare SQLite use
            raise RuntimeError("PostgreSQL needs psycopg: pip install 'psycopg[binary]'") from exc
        self.raw = psycopg.connect(url, autocommit=True, row_factory=_row_factory)
        # a writer waits for another writer's lock this long, like SQLite's busy timeout
        self.raw.execute(f"SET lock_timeout = '{int(timeout * 1000)}ms'")
        if readonly:
            self.raw.execute("SET default_transaction_read_only = on")
        self.readonly = readonly
        self._own_commits = 0  # write transactions of this connection: data_version leaves them out
        self._pending = 0
        self._meta_made = False
        if not readonly:
            # the table the lock and the counters live in; made under the lock, so two first
            # writers cannot both create it
            self.raw.execute("BEGIN")
            self.raw.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))
            self.raw.execute("CREATE TABLE IF NOT EXISTS storyline_meta(key TEXT PRIMARY KEY, value BIGINT NOT NULL)")
            self.raw.execute("COMMIT")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        if not params:  # psycopg reads no placeholders then: the text goes as written
            return self.raw.execute(sql)
        return self.raw.execute(to_pyformat(sql), tuple(params))

    def executemany(self, sql: str, seq: Iterable[Sequence[Any]]) -> Any:
        cur = self.raw.cursor()
        rows = [tuple(p) for p in seq]
        if rows:
            cur.executemany(to_pyformat(sql), rows)
        return cur

    def has_meta(self) -> bool:
        return self.raw.execute("SELECT to_regclass('storyline_meta') IS NOT NULL").fetchone()[0]

    def begin_write(self) -> None:
        self.raw.execute("BEGIN")
        try:
            self.raw.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))
            # the change counter moves inside the transaction, so it moves exactly when a write commits
            self.raw.execute("INSERT INTO storyline_meta VALUES ('data_version', 1) "
                             "ON CONFLICT (key) DO UPDATE SET value = storyline_meta.value + 1")
        except BaseException:
            self.raw.execute("ROLLBACK")
            raise
        self._pending = 1

    def begin_read(self) -> None:
        self.raw.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:  # the snapshot is taken by the first statement, not by BEGIN
            self.raw.execute("SELECT 1").fetchone()
        except BaseException:
            self.raw.execute("ROLLBACK")
            raise

    def commit(self) -> None:
        try:
            self.raw.execute("COMMIT")
            self._own_commits += self._pending
        finally:  # a failed COMMIT ends the transaction too
            self._pending = 0

    def rollback(self) -> None:
        self.raw.execute("ROLLBACK")
        self._pending = 0

    def _meta(self, key: str) -> int:
        if not self._meta_made:  # a reader may open a database no writer has made yet
            self._meta_made = self.has_meta()
            if not self._meta_made:
                return 0
        row = self.raw.execute("SELECT value FROM storyline_meta WHERE key=%s", (key,)).fetchone()
        return int(row[0]) if row else 0

    def user_version(self) -> int:
        return self._meta("schema_version")

    def set_user_version(self, n: int) -> None:
        self.raw.execute("INSERT INTO storyline_meta VALUES ('schema_version', %s) "
                         "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (int(n),))

    def changes(self) -> int:
        """Write transactions committed so far by every connection (this one included)."""
        return self._meta("data_version")

    def data_version(self) -> int:
        return self.changes() - self._own_commits - self._pending

    def close(self) -> None:
        self.raw.close()


def connect(db: str | Path, readonly: bool = False, timeout: float = 120.0) -> Connection:
    if is_url(db):
        return PostgresConnection(str(db), readonly, timeout)
    return SQLiteConnection(Path(db), readonly, timeout)
