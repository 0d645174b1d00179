"""Rebuild storyline/extract/data/attribution_cues.json from PolNeAR's train compartment.

For every verb of the train articles and every content candidate it has (see
``storyline.extract.cues.content_candidates``), count whether the candidate and a gold attribution
cover at least half of each other. Run on CPU in a few minutes:

    python scripts/mine_cues.py [--data ../shared/data] [--docbin parsed-train.spacy]

Only train is read; dev stays for measuring.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

from spacy.tokens import DocBin

from storyline.eval.polnear import read_polnear
from storyline.eval.runner import data_dir
from storyline.extract.cues import CUE_TABLE, content_candidates, cue_key
from storyline.nlp import get_nlp


def mutual(span: tuple[int, int], frags: list[tuple[int, int]]) -> bool:
    need = sum(b - a for a, b in frags)
    cov = sum(max(0, min(b, span[1]) - max(a, span[0])) for a, b in frags)
    return need > 0 and cov >= 0.5 * need and cov >= 0.5 * (span[1] - span[0])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=None)
    ap.add_argument("--docbin", nargs="*", default=None,
                    help="train docs already parsed by storyline.nlp (DocBins, in article order; may cover a prefix)")
    ap.add_argument("--out", default=str(CUE_TABLE))
    args = ap.parse_args()
    articles, golds = read_polnear(data_dir(args.data) / "polnear" / "train")
    nlp = get_nlp()
    if args.docbin:
        docs = [d for f in args.docbin for d in DocBin().from_disk(f).get_docs(nlp.vocab)]
        articles = articles[: len(docs)]
    else:
        docs = list(nlp.pipe((a.text for a in articles), batch_size=32))
    by_doc = defaultdict(list)
    for g in golds:
        by_doc[g.doc].append(g.fragments)
    counts: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for a, doc in zip(articles, docs, strict=True):
        gold = by_doc[a.id]
        for tok in doc:
            key = cue_key(tok)
            if key is None:
                continue
            for kind, (first, last) in content_candidates(tok).items():
                span = (first.idx, last.idx + len(last.text))
                c = counts[key][kind]
                c[1] += 1
                c[0] += any(mutual(span, f) for f in gold)
    # keep what can ever pass: seen 3 times and right at least once in three
    cues = {lemma: {k: v for k, v in sorted(kinds.items()) if v[1] >= 3 and v[0] * 3 >= v[1]}
            for lemma, kinds in sorted(counts.items())}
    cues = {k: v for k, v in cues.items() if v}
    source = f"PolNeAR train ({len(articles)} articles)"
    Path(args.out).write_text(json.dumps({"source": source, "cues": cues}, indent=0,
                                         sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {args.out}: {len(cues)} lemmas")


if __name__ == "__main__":
    main()
