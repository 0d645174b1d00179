"""Speed-up of ``storyline ingest`` from one to two worker processes, measured side by side
(alternating runs, best of each), and the same on a two-worker Dask LocalCluster.

    python benchmarks/workers.py --articles 400 --rounds 2 --out benchmarks/results/workers.json
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from storyline.synth import write_jsonl

BIN = Path(sys.executable).parent / "storyline"


def run(src: Path, db: Path, extra: list[str]) -> float:
    for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        p.unlink(missing_ok=True)
    t = time.perf_counter()
    subprocess.run([str(BIN), "ingest", str(src), "--db", str(db), "--quiet", *extra], check=True)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=400)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--out", default="benchmarks/results/workers.json")
    args = ap.parse_args()
    tmp = Path("benchmarks/results/work")
    tmp.mkdir(parents=True, exist_ok=True)
    src = write_jsonl(tmp / "workers.jsonl", args.articles)
    configs = {"1 worker": ["--workers", "1"], "2 workers": ["--workers", "2"],
               "dask, 2 workers": ["--engine", "dask", "--workers", "2"]}
    times: dict[str, list[float]] = {k: [] for k in configs}
    for _ in range(args.rounds):
        for name, extra in configs.items():
            times[name].append(run(src, tmp / "workers.db", extra))
    best = {k: min(v) for k, v in times.items()}
    out = {"articles": args.articles, "best_s": best,
           "speedup_2_workers": best["1 worker"] / best["2 workers"],
           "speedup_dask_2_workers": best["1 worker"] / best["dask, 2 workers"]}
    print(json.dumps(out, indent=1))
    Path(args.out).write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
