"""Seconds from `storyline serve` starting to its first page answered (issue 13: within 1 s on
100,000 articles), measured from outside, as a user meets it: the process is started, the client
asks for `/` until it answers. Each run is a fresh process; the median and every run are reported.

    python benchmarks/serve_start.py /tmp/bench14-db/db-100000.db --runs 5 --out benchmarks/results/serve_start.json
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("db", type=Path)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    runs = [round(first_page(args.db), 3) for _ in range(args.runs)]
    result = {"db": str(args.db), "first_page_after_start_s": {"median": statistics.median(runs), "runs": runs},
              "load_average": [round(x, 1) for x in psutil.getloadavg()], "cpus": psutil.cpu_count()}
    print(json.dumps(result))
    save(args.out, result)


if __name__ == "__main__":
    main()
