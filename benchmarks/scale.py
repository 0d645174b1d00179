"""Scaling curve of the whole pipeline: time and peak memory per stage on synthetic collections.

Each size runs in a fresh process (so peak memory is that size's own), stages in order:
extraction (spaCy parse + storyline's extractors) and resolution (entities, events, timeline,
stories). Resolution must stay a small fraction of extraction.

    python benchmarks/scale.py --sizes 100 1000 10000 --out benchmarks/results/scale.json
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil


class PeakRSS:
    """Samples this process's resident memory in a thread; ``peak`` in MiB."""

    def __init__(self) -> None:
        self.peak = 0.0
        self._stop = threading.Event()
        self._proc = psutil.Process()

    def __enter__(self) -> PeakRSS:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._proc.memory_info().rss / 2**20)
            time.sleep(0.05)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._proc.memory_info().rss / 2**20)


def one_size(n: int) -> dict:
    from storyline.dossier import build_dossier
    from storyline.extract import analyze_articles
    from storyline.model import Article
    from storyline.nlp import get_nlp
    from storyline.synth import synthetic_articles

    get_nlp()
    arts = [Article(id=r["id"], text=r["text"], title=r["title"], source=r["source"], published=r["published"])
            for r in synthetic_articles(n)]
    out: dict = {"articles": n, "words": sum(len(a.text.split()) for a in arts)}
    with PeakRSS() as mem:
        t = time.perf_counter()
        analyses = []
        for i in range(0, n, 64):
            analyses += analyze_articles(arts[i : i + 64])
        out["extract_s"] = time.perf_counter() - t
    out["extract_peak_mib"] = mem.peak
    out["mentions"] = sum(len(a.mentions) for a in analyses)
    with PeakRSS() as mem:
        t = time.perf_counter()
        d = build_dossier(analyses)
        out["resolve_s"] = time.perf_counter() - t
    out["resolve_peak_mib"] = mem.peak
    out["entities"], out["events"], out["stories"] = len(d.entities), len(d.events), len(d.stories)
    out["resolve_share"] = out["resolve_s"] / (out["resolve_s"] + out["extract_s"])
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    ap.add_argument("--out", default="benchmarks/results/scale.json")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one_size(args.one)))
        return
    rows = []
    for n in args.sizes:
        res = subprocess.run([sys.executable, __file__, "--one", str(n)], capture_output=True, text=True, check=True)
        row = json.loads(res.stdout.strip().splitlines()[-1])
        print(json.dumps(row), flush=True)
        rows.append(row)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
