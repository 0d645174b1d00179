"""SIGKILL in the middle of a large ingest leaves a consistent database, and the same command run
again adds only what is missing."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from storyline.synth import write_jsonl

BIN = Path(sys.executable).parent / "storyline"
N = 400


def _count(db: Path, table: str = "articles") -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as con:
            return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_sigkill_mid_ingest_then_resume(tmp_path):
    src = write_jsonl(tmp_path / "big.jsonl", N)
    db = tmp_path / "s.db"
    cmd = [str(BIN), "ingest", str(src), "--db", str(db), "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 240
    while _count(db) < 64 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.2)
    assert proc.poll() is None, "ingest finished before it could be killed; raise N"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    done = _count(db)
    assert 0 < done < N
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # every stored article has its analysis and sentences: batches are all or nothing
        assert con.execute("SELECT count(*) FROM analyses").fetchone()[0] == done
        orphans = con.execute("SELECT count(*) FROM articles WHERE id NOT IN (SELECT article FROM sentences)").fetchone()[0]
        assert orphans == 0

    again = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert _count(db) == N
    assert _count(db, "analyses") == N
    # the re-run resolved what was due; `resolve` finishes the large stories waiting to grow by a
    # tenth: then every story is resolved from all of its members and the kill left nothing behind
    finish = subprocess.run([str(BIN), "resolve", "--db", str(db), "--quiet"], capture_output=True, text=True, timeout=600)
    assert finish.returncode == 0, finish.stderr
    assert _count(db, "stale_stories") == 0
    with sqlite3.connect(db) as con:
        behind = con.execute("SELECT count(*) FROM story_resolutions r WHERE r.articles != "
                             "(SELECT count(*) FROM story_articles sa WHERE sa.story = r.story)").fetchone()[0]
        unresolved = con.execute("SELECT count(*) FROM stories WHERE id NOT IN (SELECT story FROM story_resolutions)").fetchone()[0]
    assert behind == 0 and unresolved == 0


def test_sigkill_during_re_resolution_then_resume(tmp_path):
    src = write_jsonl(tmp_path / "mid.jsonl", 240)
    db = tmp_path / "s.db"
    done = subprocess.run([str(BIN), "ingest", str(src), "--db", str(db), "--quiet"], capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(db) as con:  # every story behind, as after an upgrade or a crash
        stories = con.execute("SELECT count(*) FROM stories").fetchone()[0]
        con.execute("INSERT OR IGNORE INTO stale_stories SELECT id, '' FROM stories")
        con.execute("DELETE FROM story_resolutions")
    assert stories >= 4
    # one story per transaction (the CLI stores 16 at a time), so the kill lands between two of them
    script = f"from storyline import pipeline; pipeline.RESOLVE_CHUNK = 1; pipeline.resolve_pending({str(db)!r})"
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 240
    while _count(db, "story_resolutions") == 0 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, "resolve finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        resolved = con.execute("SELECT count(*) FROM story_resolutions").fetchone()[0]
        stale = con.execute("SELECT count(*) FROM stale_stories").fetchone()[0]
    assert 0 < resolved < stories and resolved + stale == stories  # each story either resolved or still marked

    again = subprocess.run([str(BIN), "resolve", "--db", str(db), "--quiet"], capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert _count(db, "stale_stories") == 0 and _count(db, "story_resolutions") == stories
