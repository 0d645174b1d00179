"""The cost of one more ingest batch of 64 articles on databases of different sizes (issue 13: flat
within 25% between 10k and 100k, resolution included; ingest memory flat).

Each database (a snapshot of the clone stream, benchmarks/clonedb.py) is copied, then the stream's next
articles are ingested into the copies through ``pipeline.add_analyses`` (store, story assignment,
re-resolution of the touched stories), one batch of 64 at a time, as a running ingest does. The
databases take turns batch by batch, in one process (the first one first on even batches, last on
odd ones), so the machine's load falls on both alike; the claim is the median of the per-batch
ratios large/small. CPU seconds of this process per batch (the machine is shared; wall time is
reported too), the part spent re-resolving stories, and resident memory before and after.

An ingest run's fixed cost (open and migrate, overrides, and the run's end: articles left outside a
story, stale stories) is timed on each copy with an empty ``pipeline.ingest``.

    python benchmarks/batch_cost.py /tmp/bench13-db/db-10000.db /tmp/bench13-db/db-100000.db \\
        --batches 12 --out benchmarks/results/batch_cost.json
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
from contextlib import ExitStack
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


def main() -> None:
    from storyline.pipeline import BATCH, add_analyses, ingest
    from storyline.store import Store

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dbs", type=Path, nargs="+", help="smallest first")
    ap.add_argument("--batches", type=int, default=12)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    cloner = Cloner(load_pool())
    clock = ResolveClock()
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(dir="/tmp") as tmp, ExitStack() as stack:
        stores, streams = [], []
        for i, db in enumerate(args.dbs):
            n = articles_in(db)
            copy = Path(tmp) / f"copy{i}.db"
            shutil.copy(db, copy)
            t, w = time.process_time(), time.perf_counter()
            ingest([], copy, items=[])
            rows.append({"db": str(db), "articles": n, "run_fixed_cpu_s": round(time.process_time() - t, 3),
                         "run_fixed_wall_s": round(time.perf_counter() - w, 3), "per_batch": []})
            stores.append(stack.enter_context(Store(copy)))
            streams.append(cloner.stream(n + args.batches * BATCH)[n:])
            rows[-1]["stories"] = stores[-1].story_total()
        rss_before = rss_mb()
        for k in range(args.batches):
            order = range(len(stores)) if k % 2 == 0 else reversed(range(len(stores)))
            for i in order:
                batch = analyses_of(cloner, streams[i][k * BATCH:(k + 1) * BATCH])
                t, w, r = time.process_time(), time.perf_counter(), clock.total
                touched = add_analyses(stores[i], batch)
                rows[i]["per_batch"].append({"cpu_s": round(time.process_time() - t, 4),
                                             "wall_s": round(time.perf_counter() - w, 4),
                                             "resolve_cpu_s": round(clock.total - r, 4), "touched": len(touched)})
        rss_after = rss_mb()
    for row in rows:
        per = row["per_batch"]
        row["median"] = {key: round(statistics.median(p[key] for p in per), 3) for key in per[0]}
        print(json.dumps({k: v for k, v in row.items() if k != "per_batch"}), flush=True)
    result: dict[str, Any] = {"batches": args.batches, "rows": rows, "rss_before_batches_mb": round(rss_before, 1),
                              "rss_after_batches_mb": round(rss_after, 1)}
    if len(rows) >= 2:
        a, b = rows[0]["per_batch"], rows[-1]["per_batch"]
        ratios = [y["cpu_s"] / x["cpu_s"] for x, y in zip(a, b, strict=True)]
        result["ratio_large_over_small"] = {
            "median_of_batch_ratios": round(statistics.median(ratios), 2),
            "of_medians": round(rows[-1]["median"]["cpu_s"] / rows[0]["median"]["cpu_s"], 2),
            "resolve_of_medians": round(rows[-1]["median"]["resolve_cpu_s"] / max(rows[0]["median"]["resolve_cpu_s"], 1e-6), 2),
            "run_fixed_cpu": round(rows[-1]["run_fixed_cpu_s"] / max(rows[0]["run_fixed_cpu_s"], 1e-6), 2)}
    print(json.dumps({k: v for k, v in result.items() if k != "rows"}))
    save(args.out, result)


if __name__ == "__main__":
    main()
