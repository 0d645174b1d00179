"""facts-ecbplus-dev scored per half, so a rule developed on one half is measured on the other.

The 18 stories are split by ECB+ topic (both sub-events of a topic fall in one half):
A = topics 20, 41, 8, 3, 44; B = topics 37, 38, 18, 12, 36. The facts3 pass developed on A and
held B out (docs/notes/facts.md); the next pass should swap them.

    PYTHONPATH=. python scripts/facts_halves.py [--cache DIR] [--errors A|B]

spaCy parses are cached as a DocBin under --cache (default /tmp/storyline-facts-halves), so a
rerun after a rule change costs only the extraction (seconds).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
from pathlib import Path

from spacy.tokens import DocBin

from storyline.eval.facts import FactGold, articles_of, read_fact_gold, score_discrepancies
from storyline.extract import analyze_doc
from storyline.nlp import get_nlp
from storyline.resolve.facts import resolve_facts

HALF_A = {"20", "41", "8", "3", "44"}


def half_of(story_id: str) -> str:
    return "A" if story_id[1:].split("-")[0] in HALF_A else "B"


def subset(g: FactGold, which: str) -> FactGold:
    h = copy.copy(g)
    h.stories = {s: m for s, m in g.stories.items() if which == "all" or half_of(s) == which}
    h.facts = [f for f in g.facts if f["story"] in h.stories]
    h.not_same = [n for n in g.not_same if n["story"] in h.stories]
    h.statements = {}
    for f in h.facts:
        for s in f["statements"]:
            h.statements.setdefault(s["doc"], []).append((s["start"], s["end"], f["id"]))
    return h


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.environ.get("STORYLINE_DATA", "../shared/data"))
    ap.add_argument("--cache", default="/tmp/storyline-facts-halves")
    ap.add_argument("--errors", choices=["A", "B"], help="print the errors of this half")
    args = ap.parse_args()
    g = read_fact_gold(Path(args.data) / "facts-ecbplus-dev")
    arts = articles_of(g)
    nlp = get_nlp()
    cache = Path(args.cache) / "docs.spacy"
    if cache.exists():
        docs = list(DocBin().from_bytes(cache.read_bytes()).get_docs(nlp.vocab))
    else:
        docs = list(nlp.pipe(a.text for a in arts))
        cache.parent.mkdir(parents=True, exist_ok=True)
        db = DocBin()
        for d in docs:
            db.add(d)
        cache.write_bytes(db.to_bytes())
    analyses = [analyze_doc(a, d) for a, d in zip(arts, docs, strict=True)]
    for which in ("A", "B", "all"):
        h = subset(g, which)
        predicted = resolve_facts(analyses, h.stories)
        s = score_discrepancies(h, predicted)
        p = s["discrepancies"]
        print(f"{which:3} predictions {len(predicted):3}  P {p['precision']:.3f}  R {p['recall']:.3f}  "
              f"F1 {p['f1']:.3f}  verdicts {s['verdict_accuracy']:.3f}  look-alikes {s['lookalike_rate']:.3f}")
        if which == args.errors:
            for e in s["errors"]:
                print("   ", json.dumps(e)[:300])


if __name__ == "__main__":
    main()
