"""Resolution growth on the realistic collection, 2k -> 4k -> 8k articles, as ingest resolves now
(issue 13, item 5: time grows at most 1.2x faster than the article count; resolution under 25% of
extraction time).

Resolution is no longer one pass over the collection: each ingest batch re-resolves the stories it
touched (``pipeline.resolve_stories``). So the resolution time of N articles is the CPU spent in
``resolve_stories`` while the first N articles of the stream were ingested batch by batch through
``pipeline.add_analyses``, plus the catch-up that ends the run: read from the build log of
benchmarks/clonedb.py (``resolve_cpu_s`` per batch, summed, and the snapshot's deferred resolution).
Build the log with ``clonedb.py build --sizes 2000 4000 8000``: a stream of the realistic collection
itself (generation 0, stories spread evenly over 300 days, so the 2k prefix is already a steady stream). Extraction time per article = the pool's extraction CPU (clonedb.py pool, parses
cached) plus spaCy's parse of a sample of the same articles, measured here.

    python benchmarks/resolve_growth13.py --out benchmarks/results/resolve_growth13.json
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from clonedb import CACHE, POOL_N, pool_path  # noqa: E402
from results_file import save  # noqa: E402


def parse_seconds_per_article(sample: int) -> float:
    from storyline.nlp import get_nlp

    texts = [json.loads(line)["text"] for _, line in zip(range(sample), (CACHE / f"realistic-{POOL_N}.jsonl").open(),
                                                          strict=False)]
    nlp = get_nlp()
    list(nlp.pipe(texts[:20]))  # warm up
    t = time.process_time()
    list(nlp.pipe(texts, batch_size=64))
    return (time.process_time() - t) / len(texts)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--log", type=Path, default=ROOT / "benchmarks" / "results" / "clonedb_build.jsonl")
    ap.add_argument("--sizes", type=int, nargs="+", default=[2000, 4000, 8000])
    ap.add_argument("--sample", type=int, default=300)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    lines = [json.loads(line) for line in args.log.open()]
    batches = [x for x in lines if x.get("mode") == "add_analyses"]
    snapshots = {x["snapshot"]: x for x in lines if "snapshot" in x}
    rows = []
    for n in args.sizes:
        # a run of n articles: its batches, then the catch-up its end does (resolved at the snapshot)
        snap = snapshots.get(str(n))
        if snap is None:
            raise SystemExit(f"{args.log}: no snapshot of {n} articles (build with --sizes ... {n} ...)")
        upto = [b for b in batches if b["articles"] <= snap["articles"]]
        if not upto or upto[-1]["articles"] != snap["articles"]:
            raise SystemExit(f"{args.log}: the log does not reach {n} articles batch by batch")
        per_batch = sum(b["resolve_cpu_s"] for b in upto)
        rows.append({"articles": snap["articles"],
                     "resolve_cpu_s": round(per_batch + snap["deferred_resolution_cpu_s"], 1),
                     "of_which_at_run_end_s": snap["deferred_resolution_cpu_s"],
                     "ingest_cpu_s": round(sum(b["cpu_s"] for b in upto) + snap["deferred_resolution_cpu_s"], 1)})
    extract = float((CACHE / f"{pool_path().stem}.extract-seconds").read_text()) / POOL_N
    parse = parse_seconds_per_article(args.sample)
    per_article = extract + parse
    for r in rows:
        r["extraction_cpu_s"] = round(per_article * r["articles"], 1)
        r["resolution_share_of_extraction"] = round(r["resolve_cpu_s"] / r["extraction_cpu_s"], 2)
    a, b = rows[0], rows[-1]
    size_ratio = b["articles"] / a["articles"]
    time_ratio = b["resolve_cpu_s"] / a["resolve_cpu_s"]
    result = {"log": str(args.log), "rows": rows,
              "extraction_per_article_s": {"extract": round(extract, 4), "parse": round(parse, 4)},
              "first_to_last": {"size_ratio": round(size_ratio, 2), "time_ratio": round(time_ratio, 2),
                                "over_linear": round(time_ratio / size_ratio, 2),
                                "exponent": round(math.log(time_ratio) / math.log(size_ratio), 2)}}
    print(json.dumps(result, indent=1))
    save(args.out, result)


if __name__ == "__main__":
    main()
