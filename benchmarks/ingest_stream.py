"""Streaming ingest of a 10,000-article JSONL file: ``storyline ingest`` runs as a subprocess while its
resident memory is sampled together with the number of committed articles: memory must stay flat as
the count grows (bounded batches). What one more batch costs on a large database is
``batch_cost.py``'s to measure (an earlier second part here timed re-resolving ten touched stories
against resolving the whole database, which no reader does since resolutions are stored).

    python benchmarks/ingest_stream.py --articles 10000 --out benchmarks/results/ingest.json
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psutil

from storyline.synth import write_jsonl

BIN = Path(sys.executable).parent / "storyline"


def _count(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as con:
            return con.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.Error:
        return 0


def stream(src: Path, db: Path) -> dict:
    proc = subprocess.Popen([str(BIN), "ingest", str(src), "--db", str(db), "--quiet"])
    ps = psutil.Process(proc.pid)
    samples: list[tuple[int, float]] = []
    t0 = time.perf_counter()
    while proc.poll() is None:
        try:
            rss = ps.memory_info().rss / 2**20
        except psutil.NoSuchProcess:
            break
        samples.append((_count(db), rss))
        time.sleep(1.0)
    seconds = time.perf_counter() - t0
    assert proc.returncode == 0
    n = _count(db)
    def peak(lo: float, hi: float) -> float:
        return max((r for c, r in samples if lo * n <= c <= hi * n), default=0.0)
    return {"articles": n, "file_mib": src.stat().st_size / 2**20, "seconds": seconds,
            "peak_rss_mib_first_10pct": peak(0, 0.1), "peak_rss_mib_40_60pct": peak(0.4, 0.6),
            "peak_rss_mib_last_10pct": peak(0.9, 1.0), "samples": samples}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=10000)
    ap.add_argument("--dir", default="benchmarks/results/work")
    ap.add_argument("--out", default="benchmarks/results/ingest.json")
    args = ap.parse_args()
    tmp = Path(args.dir)
    tmp.mkdir(parents=True, exist_ok=True)
    src = write_jsonl(tmp / "big.jsonl", args.articles)
    db = tmp / "big.db"
    for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        p.unlink(missing_ok=True)
    out = {"stream": stream(src, db)}
    print(json.dumps({k: {kk: vv for kk, vv in v.items() if kk != "samples"} for k, v in out.items()}, indent=1))
    Path(args.out).write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
