"""The cost of one more ingest batch of 64 articles on databases of different sizes (issue 13: flat
within 25% between 10k and 100k, resolution included; ingest memory flat).

Each database (a snapshot of the clone stream, benchmarks/clonedb.py) is copied, then the stream's next
articles are ingested into the copy through ``pipeline.add_analyses`` (store, story assignment,
re-resolution of the touched stories), one batch of 64 at a time, as a running ingest does (one
the story index read from the database's tables under each batch's write lock).
CPU seconds of this process (the machine is shared; wall time is reported too) per batch, median;
resident memory after start-up and after the batches. The batches run twice: first with datasketch's
LSH parameters cached (see clonedb.cache_lsh_params), then as main runs them (recomputed per story).

    python benchmarks/batch_cost.py /tmp/bench13-db/db-10000.db /tmp/bench13-db/db-100000.db \\
        --out benchmarks/results/batch_cost.json
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from clonedb import Cloner, ResolveClock, analyses_of, load_pool, rss_mb  # noqa: E402
from results_file import save  # noqa: E402


def articles_in(db: Path) -> int:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    n = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    con.close()
    return int(n)


def measure(db: Path, cloner: Cloner, batches: int, clock: ResolveClock) -> dict[str, Any]:
    from datasketch import lsh

    from storyline.pipeline import BATCH, add_analyses, ingest
    from storyline.store import Store

    n = articles_in(db)
    rows = cloner.stream(n + 2 * batches * BATCH)[n:]
    plain = lsh._optimal_param
    cached = __import__("functools").cache(plain)
    out: dict[str, Any] = {"db": str(db), "articles": n, "rss_before_mb": round(rss_mb(), 1)}
    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        copy = Path(tmp) / "copy.db"
        shutil.copy(db, copy)
        # an ingest run's fixed cost, nothing to read: open and migrate, the overrides, and the run's
        # end (stories left unassigned, stale stories caught up)
        t, w = time.process_time(), time.perf_counter()
        ingest([], copy, items=[])
        out["run_fixed_cpu_s"] = round(time.process_time() - t, 3)
        out["run_fixed_wall_s"] = round(time.perf_counter() - w, 3)
        with Store(copy) as store:
            out["stories"] = store.story_total()
            out["rss_after_startup_mb"] = round(rss_mb(), 1)
            for label, fn in (("lsh_params_cached", cached), ("as_on_main", plain)):
                lsh._optimal_param = fn
                per = []
                for k in range(batches):
                    part = rows[(len(per) + (batches if label == "as_on_main" else 0)) * BATCH:][:BATCH]
                    batch = analyses_of(cloner, part)
                    t, w, r = time.process_time(), time.perf_counter(), clock.total
                    touched = add_analyses(store, batch)
                    per.append({"cpu_s": time.process_time() - t, "wall_s": time.perf_counter() - w,
                                "resolve_cpu_s": clock.total - r, "touched": len(touched)})
                    del k
                out[label] = {key: round(statistics.median(p[key] for p in per), 3) for key in per[0]}
                out[label]["batches"] = len(per)
            lsh._optimal_param = plain
            out["rss_after_batches_mb"] = round(rss_mb(), 1)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dbs", type=Path, nargs="+", help="smallest first")
    ap.add_argument("--batches", type=int, default=4)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    cloner = Cloner(load_pool())
    clock = ResolveClock()
    rows = []
    for db in args.dbs:
        row = measure(db, cloner, args.batches, clock)
        rows.append(row)
        print(json.dumps(row), flush=True)
    result: dict[str, Any] = {"rows": rows}
    if len(rows) >= 2:
        a, b = rows[0], rows[-1]
        result["ratio_large_over_small"] = {
            label: {"cpu": round(b[label]["cpu_s"] / a[label]["cpu_s"], 2),
                    "resolve_cpu": round(b[label]["resolve_cpu_s"] / a[label]["resolve_cpu_s"], 2)
                    if a[label]["resolve_cpu_s"] else None}
            for label in ("lsh_params_cached", "as_on_main")}
        result["run_fixed_cpu_ratio"] = round(b["run_fixed_cpu_s"] / max(a["run_fixed_cpu_s"], 1e-6), 2)
        result["rss_after_startup_ratio"] = round(b["rss_after_startup_mb"] / a["rss_after_startup_mb"], 2)
    print(json.dumps({k: v for k, v in result.items() if k != "rows"}))
    save(args.out, result)


if __name__ == "__main__":
    main()
