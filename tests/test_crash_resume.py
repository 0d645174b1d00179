"""SIGKILL in the middle of an ingest, or of a re-resolution, leaves a consistent database, and the
same command run again completes the work (on SQLite and PostgreSQL; the large ingest with real
spaCy on SQLite only, as it costs half a minute)."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from storyline import pipeline
from storyline.model import ArticleAnalysis
from storyline.sqldb import is_url
from storyline.store import Store
from storyline.synth import write_jsonl

from .writers import added, writer

BIN = Path(sys.executable).parent / "storyline"
N = 400


def _count(db: str | Path, table: str = "articles") -> int:
    """Rows in ``table``, read on a connection of its own (0 while the database or table is not there)."""
    try:
        if is_url(db):
            import psycopg

            with psycopg.connect(str(db), connect_timeout=5) as con:
                return int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as con:
            return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    except Exception:  # noqa: BLE001 - not created yet, or locked for a moment: try again
        return 0


def _one(db: str | Path, sql: str) -> int:
    with Store(db, readonly=True) as s:
        return int(next(iter(s.rows(sql)[0].values())))


def _consistent(db: str | Path, articles: int) -> None:
    """Batches are all or nothing: every stored article has its analysis and sentences."""
    if not is_url(db):
        with sqlite3.connect(db) as con:
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert _one(db, "SELECT count(*) FROM analyses") == articles
    assert _one(db, "SELECT count(*) FROM articles WHERE id NOT IN (SELECT article FROM sentences)") == 0


def _complete(db: str | Path) -> None:
    """Nothing stale, every story resolved from all of its members."""
    assert _count(db, "stale_stories") == 0
    assert _one(db, "SELECT count(*) FROM story_resolutions r WHERE r.articles != "
                    "(SELECT count(*) FROM story_articles sa WHERE sa.story = r.story)") == 0
    assert _one(db, "SELECT count(*) FROM stories WHERE id NOT IN (SELECT story FROM story_resolutions)") == 0
    assert _one(db, "SELECT count(*) FROM articles WHERE id NOT IN (SELECT article FROM story_articles)") == 0


def _kill_when(proc: subprocess.Popen, ready, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.time() + 240
    while not ready() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, f"{what} finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


def test_sigkill_mid_ingest_then_resume(tmp_path):
    src = write_jsonl(tmp_path / "big.jsonl", N)
    db = tmp_path / "s.db"
    cmd = [str(BIN), "ingest", str(src), "--db", str(db), "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _kill_when(proc, lambda: _count(db) >= 64, "ingest (raise N)")

    done = _count(db)
    assert 0 < done < N
    _consistent(db, done)

    again = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert _count(db) == N
    assert _count(db, "analyses") == N
    # the re-run alone completed the work: its catch_up resolved every story it and the killed run left
    _complete(db)
    # and `resolve` finds nothing left to do
    finish = subprocess.run([str(BIN), "resolve", "--db", str(db), "--quiet"], capture_output=True, text=True, timeout=600)
    assert finish.returncode == 0, finish.stderr
    _complete(db)


def test_sigkill_mid_ingest_of_extracted_articles_then_resume(db_url):
    """The same on both engines, cheaply: articles analysed without spaCy (tests/writers.py)."""
    n = 300
    proc = writer(db_url, n, pause=0.4)
    _kill_when(proc, lambda: _count(db_url) >= pipeline.BATCH, "ingest")
    done = _count(db_url)
    assert 0 < done < n and done % pipeline.BATCH == 0  # whole batches only
    _consistent(db_url, done)

    again = writer(db_url, n, pause=0)
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    assert added(out) == (n - done, 0), out  # only what was missing
    assert _count(db_url) == n
    _consistent(db_url, n)
    _complete(db_url)


@pytest.fixture(scope="module")
def analysed(tmp_path_factory) -> list[ArticleAnalysis]:
    """120 synthetic articles (12 stories) analysed by spaCy once, for the database of each engine."""
    tmp = tmp_path_factory.mktemp("analysed")
    pipeline.ingest([write_jsonl(tmp / "mid.jsonl", 120)], tmp / "a.db")
    with Store(tmp / "a.db", readonly=True) as store:
        return store.analyses_of(sorted(store.known_ids(), key=lambda a: store.number_of(a) or 0))


def test_sigkill_during_re_resolution_then_resume(analysed, db_url):
    db = db_url
    with Store(db) as store:  # stored as ingest batches do, then every story behind, as after an upgrade or a crash
        for i in range(0, len(analysed), pipeline.BATCH):
            pipeline.add_analyses(store, analysed[i : i + pipeline.BATCH])
        pipeline.catch_up(store)
        stories = store.story_count()
        store.mark_stale(store.story_ids())
        with store.write():
            store.conn.execute("DELETE FROM story_resolutions")
    assert stories >= 4
    # one story per transaction (the CLI stores 16 at a time), each resolution made a tenth of a
    # second slower, so the kill lands between two of them
    script = (f"import time; from storyline import pipeline; pipeline.RESOLVE_CHUNK = 1; r = pipeline.resolve_story; "
              f"pipeline.resolve_story = lambda *a, **k: (time.sleep(0.1), r(*a, **k))[1]; "
              f"pipeline.resolve_pending({str(db)!r})")
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _kill_when(proc, lambda: _count(db, "story_resolutions") > 0, "resolve")
    if not is_url(db):
        with sqlite3.connect(db) as con:
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    resolved, stale = _count(db, "story_resolutions"), _count(db, "stale_stories")
    assert 0 < resolved < stories and resolved + stale == stories  # each story either resolved or still marked

    again = subprocess.run([str(BIN), "resolve", "--db", str(db), "--quiet"], capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert _count(db, "story_resolutions") == stories
    _complete(db)

