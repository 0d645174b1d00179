"""`storyline dossier --story SID` on a small and a large database, for the same stories (issue 13:
the cost of that story, not of the database).

The databases are snapshots of one clone stream (benchmarks/clonedb.py), so a story of the small one
keeps its id in the large one; only stories whose members are the same in both are timed. Each run is
the real CLI in a fresh process (start-up included, as a user meets it), JSON output to a file;
wall seconds, CPU seconds of the child, and its peak RSS; median of ``--repeat`` runs.

    python benchmarks/dossier_story.py --small /tmp/bench13-db/db-1000.db --large /tmp/bench13-db/db-100000.db \\
        --out benchmarks/results/dossier_story.json
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from results_file import save

ROOT = Path(__file__).resolve().parents[1]


def members(db: Path, story: str) -> list[str]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    out = sorted(r[0] for r in con.execute("SELECT article FROM story_articles WHERE story=?", (story,)))
    con.close()
    return out


def common_stories(small: Path, large: Path, k: int) -> list[str]:
    """Up to k stories with the same members in both databases, largest first."""
    con = sqlite3.connect(f"file:{small}?mode=ro", uri=True)
    ids = [r[0] for r in con.execute("SELECT story FROM story_articles GROUP BY story ORDER BY count(*) DESC, story")]
    con.close()
    out = []
    for sid in ids:
        if members(small, sid) == members(large, sid):
            out.append(sid)
        if len(out) >= k:
            break
    return out


def run_once(db: Path, story: str) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "storyline.cli", "dossier", "--db", str(db), "--story", story,
                        "--format", "json", "-o", out.name], check=True, env=env, cwd=ROOT,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        size = Path(out.name).stat().st_size
    return {"wall_s": wall, "cpu_s": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
            "maxrss_mb": after.ru_maxrss / 1024, "bytes": size}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--small", type=Path, required=True)
    ap.add_argument("--large", type=Path, required=True)
    ap.add_argument("--stories", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    stories = common_stories(args.small, args.large, args.stories)
    rows = []
    for sid in stories:
        row: dict[str, object] = {"story": sid, "articles": len(members(args.small, sid))}
        for name, db in (("small", args.small), ("large", args.large)):
            runs = [run_once(db, sid) for _ in range(args.repeat)]
            row[name] = {k: round(statistics.median(r[k] for r in runs), 3) for k in runs[0]}
        small, large = row["small"], row["large"]
        assert isinstance(small, dict) and isinstance(large, dict)
        row["wall_ratio"] = round(large["wall_s"] / small["wall_s"], 2)
        row["cpu_ratio"] = round(large["cpu_s"] / small["cpu_s"], 2)
        rows.append(row)
        print(json.dumps(row), flush=True)
    result = {"small_db": str(args.small), "large_db": str(args.large), "repeat": args.repeat, "rows": rows,
              "median_cpu_ratio": round(statistics.median(r["cpu_ratio"] for r in rows), 2) if rows else None}
    print(json.dumps({k: v for k, v in result.items() if k != "rows"}))
    save(args.out, result)


if __name__ == "__main__":
    main()
