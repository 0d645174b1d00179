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
