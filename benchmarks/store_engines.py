"""The store's own costs on SQLite and PostgreSQL: synthetic articles analysed once, then written,
assigned to stories, read and searched on each engine.

    python benchmarks/store_engines.py --articles 1000 [--pg postgresql://...]

Without --pg a throwaway PostgreSQL cluster is started (tests/pg.py; needs Debian's postgresql).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from storyline import pipeline
from storyline.extract import analyze_articles
from storyline.model import Article, ArticleAnalysis
from storyline.readers import read_articles
from storyline.store import Store
from storyline.synth import write_jsonl

QUERIES = ["Orbital offer", "lawsuit filed", "chief executive said", "shares fell", "regulators", "deal",
           "billion", "court ruling", "investors", "announced"]


def measure(db: str, analyses: list[ArticleAnalysis], batch: int = 50) -> dict[str, float]:
    out: dict[str, float] = {}
    with Store(db) as s:
        t = time.perf_counter()
        for i in range(0, len(analyses), batch):
            s.add(analyses[i : i + batch])
        out["write (Store.add)"] = time.perf_counter() - t
        t = time.perf_counter()
        for i in range(0, len(analyses), batch):
            pipeline._assign(s, analyses[i : i + batch])
        out["story assignment"] = time.perf_counter() - t
    with Store(db, readonly=True) as s:
        t = time.perf_counter()
        list(s.analyses())
        out["read every analysis"] = time.perf_counter() - t
        t = time.perf_counter()
        for _ in range(5):
            for q in QUERIES:
                s.search(q, 20)
        out["search, 50 queries with snippets"] = time.perf_counter() - t
        t = time.perf_counter()
        for _ in range(5):
            for q in QUERIES:
                s.count_matching(q.split())
        out["count_matching, 50"] = time.perf_counter() - t
        first = s.story_states()[0].id
    t = time.perf_counter()
    pipeline.story_dossier(db, first)
    out["story dossier (first story)"] = time.perf_counter() - t
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--pg", help="an empty PostgreSQL database (default: a throwaway cluster)")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="storyline-engines-")))
        src = write_jsonl(tmp / "in.jsonl", args.articles)
        analyses = analyze_articles([a for a in read_articles([src]) if isinstance(a, Article)])
        url = args.pg
        if url is None:
            sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
            from tests.pg import cluster

            url = stack.enter_context(cluster()).database("bench")
        results = {"sqlite": measure(str(tmp / "bench.db"), analyses), "postgresql": measure(url, analyses)}
    print(f"| step ({args.articles} articles) | SQLite | PostgreSQL |\n|---|---|---|")
    for step in results["sqlite"]:
        print(f"| {step} | {results['sqlite'][step]:.2f} s | {results['postgresql'][step]:.2f} s |")
    if args.out:
        args.out.write_text(json.dumps({"articles": args.articles, **results}, indent=1) + "\n")


if __name__ == "__main__":
    main()
