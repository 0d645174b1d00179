"""Seconds from `storyline serve` starting to its first page answered (issue 13: within 1 s on
100,000 articles), measured from outside, as a user meets it: the process is started, the client
asks for `/` until it answers. Each run is a fresh process; the median and every run are reported.

    python benchmarks/serve_start.py /tmp/bench14-db/db-100000.db --runs 5 --out benchmarks/results/serve_start.json

``--feed N`` measures the same while an ingest runs into the database (issue 13: "also while an
ingest is running"): ``clonedb.py feed`` stores the stream's articles from N on, 64 at a time, and
the runs start once its first batch has been committed. That writes into DB: give it a copy.
"""

from __future__ import annotations

import argparse
import json
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from threading import Thread

import httpx
import psutil
from results_file import save


def first_page(db: Path) -> float:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    t0 = time.perf_counter()
    proc = subprocess.Popen([str(Path(sys.executable).parent / "storyline"), "serve", "--db", str(db), "--port",
                             str(port), "--read-only"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/", timeout=60)
                r.raise_for_status()
                return time.perf_counter() - t0
            except httpx.TransportError:
                time.sleep(0.02)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def start_feed(db: Path, start: int) -> subprocess.Popen[str]:
    """An ingest into ``db``, returned once its first batch is committed."""
    proc = subprocess.Popen([sys.executable, str(Path(__file__).parent / "clonedb.py"), "feed", "--db", str(db),
                             "--start", str(start), "--count", "20000"], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith('{"fed"'):
            Thread(target=proc.stdout.read, daemon=True).start()  # keep draining its progress lines
            return proc
    raise SystemExit(f"the feed stopped before its first batch (exit {proc.wait()})")


def count_articles(db: Path) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as c:
        return int(c.execute("SELECT count(*) FROM articles").fetchone()[0])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("db", type=Path)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--feed", type=int, metavar="N", help="ingest the clone stream from article N on meanwhile")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    feeder = start_feed(args.db, args.feed) if args.feed is not None else None
    before = count_articles(args.db)
    try:
        runs = [round(first_page(args.db), 3) for _ in range(args.runs)]
    finally:
        if feeder is not None:
            feeder.terminate()
            feeder.wait(timeout=60)
    result = {"db": str(args.db), "first_page_after_start_s": {"median": statistics.median(runs), "runs": runs},
              "articles": before, "articles_stored_during_runs": count_articles(args.db) - before,
              "load_average": [round(x, 1) for x in psutil.getloadavg()], "cpus": psutil.cpu_count()}
    print(json.dumps(result))
    save(args.out, result)


if __name__ == "__main__":
    main()
