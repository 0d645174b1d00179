"""Search for words from rare to everywhere, on SQLite or PostgreSQL (issue 13: every reader within 1 s on
a large database): the median seconds of `storyline.search.search` per word, with the newest-stretch
window (`Store.RANK_ALL`) and, side by side in the same process, without it (every match ranked: the
baseline it replaced).

    python benchmarks/search_words.py /tmp/bench14-db/db-100000.db --out benchmarks/results/search_sqlite.json
    python benchmarks/search_words.py "postgresql://postgres@/news1?host=/tmp/pgbench" --out benchmarks/results/search_pg.json
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import psutil
from results_file import save

import storyline.store as store_mod
from storyline.search import search
from storyline.store import Store, fts_terms

WORDS = ["said", "Smith", "Monday", "million", "Investigators", "Madison"]


def timed(store: Store, word: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        search(store, word, limit=20)
        times.append(time.perf_counter() - t)
    return round(statistics.median(times), 4)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("db")
    ap.add_argument("--words", nargs="+", default=WORDS)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    rows = {}
    with Store(args.db, readonly=True) as store:
        articles = store.count("articles")
        window = store_mod.RANK_ALL
        for word in args.words:
            matches = store.count_matching(fts_terms(word))
            store_mod.RANK_ALL = window
            windowed = timed(store, word, args.runs)
            store_mod.RANK_ALL = 10**12  # the baseline: every match ranked
            every = timed(store, word, args.runs)
            store_mod.RANK_ALL = window
            rows[word] = {"matching_sentences": matches, "median_s": windowed, "every_match_ranked_s": every}
            print(word, rows[word], flush=True)
    result = {"db": "postgresql" if store.pg else "sqlite", "articles": articles, "rank_all": window, "runs": args.runs,
              "words": rows, "load_average": [round(x, 1) for x in psutil.getloadavg()], "cpus": psutil.cpu_count()}
    save(args.out, result)


if __name__ == "__main__":
    main()
