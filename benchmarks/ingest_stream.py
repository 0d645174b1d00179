"""Streaming ingest and incremental resolution on a 10,000-article JSONL file.

1. ``storyline ingest`` runs as a subprocess while its resident memory is sampled together with the
   number of committed articles: memory must stay flat as the count grows (bounded batches).
2. Ten articles that continue existing stories are then added, and only the stories they touch are
   resolved again; this is timed against resolving the whole database from scratch.

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

from storyline.pipeline import dossier_from_db, ingest, story_dossier
from storyline.synth import synthetic_articles, write_jsonl

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


def incremental(db: Path, n: int, tmp: Path) -> dict:
    # ten follow-ups to existing stories: known articles with a new closing paragraph
    picks = {i * (n // 10) + 3 for i in range(10)}
    extra = tmp / "followups.jsonl"
    with open(extra, "w", encoding="utf-8") as fh:
        for i, rec in enumerate(synthetic_articles(n)):
            if i in picks:
                rec = dict(rec, id=rec["id"] + "-update",
                           text=rec["text"] + "\n\nThe companies did not comment further on Friday, people close to the talks said.")
                fh.write(json.dumps(rec) + "\n")
    t = time.perf_counter()
    result = ingest([extra], db)
    ingest_s = time.perf_counter() - t
    t = time.perf_counter()
    for story in result.touched:
        story_dossier(db, story)
    inc = time.perf_counter() - t
    t = time.perf_counter()
    dossier_from_db(db)
    full = time.perf_counter() - t
    return {"added": result.added, "stories_touched": len(result.touched),
            "ingest_10_s": ingest_s, "reresolve_touched_s": inc,
            "full_resolution_s": full, "speedup": full / inc}


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
    out["incremental"] = incremental(db, args.articles, tmp)
    print(json.dumps({k: {kk: vv for kk, vv in v.items() if kk != "samples"} for k, v in out.items()}, indent=1))
    Path(args.out).write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
