"""Extraction throughput against bare spaCy ``nlp.pipe`` on the same texts, side by side.

The machine is shared and noisy, so the figure that matters is the ratio, measured by alternating
the two runs several times in one process and taking the best time of each.

    python benchmarks/run.py [--articles 200] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from storyline.extract import analyze_doc
from storyline.model import Article
from storyline.nlp import get_nlp
from storyline.readers import read_articles

ROOT = Path(__file__).resolve().parent.parent


def corpus(n: int) -> list[Article]:
    base = [a for a in read_articles([ROOT / "samples" / "corpus"]) if isinstance(a, Article)]
    out = []
    for i in range(n):
        a = base[i % len(base)]
        # distinct texts: a numbered paragraph keeps spaCy from seeing identical documents
        text = a.text + f"\n\nUpdate {i}: the story was revised at {i % 12 + 1} p.m. on Friday."
        out.append(Article(id=f"b{i}", text=text, published=a.published, source=a.source, title=a.title))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--out", default="benchmarks/results/extract.json")
    args = ap.parse_args()
    arts = corpus(args.articles)
    nlp = get_nlp()
    words = sum(len(a.text.split()) for a in arts)
    list(nlp.pipe(a.text for a in arts[:20]))  # warm up
    bare, full = [], []
    for _ in range(args.rounds):
        t = time.perf_counter()
        list(nlp.pipe((a.text for a in arts), batch_size=32))
        bare.append(time.perf_counter() - t)
        t = time.perf_counter()
        for a, d in zip(arts, nlp.pipe((a.text for a in arts), batch_size=32), strict=True):
            analyze_doc(a, d)
        full.append(time.perf_counter() - t)
    b, f = min(bare), min(full)
    print(f"articles={len(arts)} words={words}")
    print(f"bare nlp.pipe: {b:.2f}s ({words / b:,.0f} words/s)")
    print(f"storyline extraction: {f:.2f}s ({words / f:,.0f} words/s)")
    print(f"throughput ratio storyline/spaCy = {b / f:.2f}")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps({"articles": len(arts), "words": words, "bare_s": b, "storyline_s": f,
                                          "ratio": b / f}, indent=1))


if __name__ == "__main__":
    main()
