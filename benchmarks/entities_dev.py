"""Entity coreference on the tuning compartments, fast enough to iterate on.

Parses MEANTIME (all 120 documents) and the ECB+ train and dev topics once, keeps the spaCy parses
as DocBin files in a cache folder, then on every run re-extracts from the cached parses and scores
the entity rows of ``storyline eval`` (all entity mentions, named ones only, and the same-head-lemma
baseline) with resolution alone (no events or stories), so a change to the entity code is measured
in seconds.

    python benchmarks/entities_dev.py [--cache /tmp/entities-cache] [--corpus meantime ecb-dev ecb-train]

The ECB+ test topics are read only when asked for (``--corpus ecb-test``), to put a before/after
figure beside ``storyline eval ecbplus``; never tune on them.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from types import SimpleNamespace

from spacy.tokens import Doc, DocBin

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from storyline.eval.cat import read_cat, sentences_by_doc  # noqa: E402
from storyline.eval.entity_rows import entity_scores  # noqa: E402
from storyline.eval.records import GoldDoc  # noqa: E402
from storyline.eval.runner import ECB_TEST, _articles, _meantime_docs, data_dir  # noqa: E402
from storyline.extract import analyze_doc  # noqa: E402
from storyline.nlp import get_nlp  # noqa: E402
from storyline.resolve.entities import resolve_entities  # noqa: E402

# Cybulska & Vossen 2015 split (SOURCE.md)
ECB_DEV = ("2", "5", "12", "18", "21", "23", "34", "35")
ECB_TRAIN = ("1", "3", "4", "6", "7", "8", "9", "10", "11", "13", "14", "16", "19", "20", "22", "24", "25",
             "26", "27", "28", "29", "30", "31", "32", "33")
assert not set(ECB_DEV + ECB_TRAIN) & set(ECB_TEST)


def ecb_docs(data: Path, topics: tuple[str, ...]) -> list[GoldDoc]:
    root = data / "ecbplus"
    scored = sentences_by_doc(root / "ECBplus_coreference_sentences.csv")
    docs = []
    for t in topics:
        for f in sorted((root / "ECB+" / t).glob("*.xml")):
            doc = read_cat(f, t)
            doc.scored = scored.get(doc.id, set())
            docs.append(doc)
    return docs


def parsed(name: str, docs: list[GoldDoc], cache: Path) -> list[Doc]:
    nlp = get_nlp()
    path = cache / f"{name}.spacy"
    if path.exists():
        out = list(DocBin().from_disk(path).get_docs(nlp.vocab))
        if [d.text for d in out] == [g.text for g in docs]:
            return out
    out = list(nlp.pipe((g.text for g in docs), batch_size=32))
    cache.mkdir(parents=True, exist_ok=True)
    DocBin(store_user_data=False, docs=out).to_disk(path)
    return out


def run(name: str, docs: list[GoldDoc], cache: Path) -> dict:
    parses = parsed(name, docs, cache)
    t = time.perf_counter()
    analyses = [analyze_doc(a, p) for a, p in zip(_articles(docs), parses, strict=True)]
    t_extract = time.perf_counter() - t
    t = time.perf_counter()
    entities, _ = resolve_entities(analyses)
    t_resolve = time.perf_counter() - t
    d = SimpleNamespace(entities=entities, analyses=analyses)
    scores = entity_scores(docs, d, parses)
    return {"docs": len(docs), "extract_s": round(t_extract, 1), "resolve_s": round(t_resolve, 2), **scores}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", type=Path, default=Path("/tmp/entities-cache"))
    ap.add_argument("--corpus", nargs="+", default=["meantime", "ecb-dev", "ecb-train"])
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    data = data_dir()
    makers = {"meantime": lambda: _meantime_docs(data, None), "ecb-dev": lambda: ecb_docs(data, ECB_DEV),
              "ecb-train": lambda: ecb_docs(data, ECB_TRAIN),
              # for a before/after figure only, never for tuning
              "ecb-test": lambda: ecb_docs(data, ECB_TEST)}
    results = {}
    for name in args.corpus:
        r = run(name, makers[name](), args.cache)
        results[name] = r
        print(name, json.dumps({k: v for k, v in r.items() if k != "errors"}), flush=True)
    if args.out:
        args.out.write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
