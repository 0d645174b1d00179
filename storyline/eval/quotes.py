"""Quote attribution scoring, the rule of quotes-meantime-dev (see its SOURCE.md).

A prediction matches a gold quote of the same article when it covers at least half of the gold
quote's characters (whitespace runs count as one). Recall: gold quotes matched; precision:
predictions that match some gold quote; speaker accuracy (over all gold quotes): the best-overlapping
match names the speaker, through its resolved entity's name or aliases or the speaker as written.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from ..model import Article, ArticleAnalysis, Entity, Quote
from .metrics import PRF, norm_name
from .records import GoldQuote, read_docs_jsonl


def _chars(text: str, a: int, b: int) -> int:
    return len(" ".join(text[a:b].split())) if b > a else 0


def _cover(text: str, gold: GoldQuote, q: Quote) -> int:
    return _chars(text, max(gold.start, q.start), min(gold.end, q.end))


def _names(q: Quote, entities: dict[str, Entity]) -> set[str]:
    names = {norm_name(q.speaker_text), norm_name(q.speaker_name)}
    if q.speaker in entities:
        e = entities[q.speaker]
        names |= {norm_name(n) for n in [e.name, *e.aliases]}
    return names - {""}


def score_quotes(golds: list[GoldQuote], analyses: list[ArticleAnalysis], entities: list[Entity],
                 kinds: tuple[str, ...] | None = None) -> dict:
    """``kinds`` keeps only quotes of those kinds (quotes-meantime-dev annotates speech, not beliefs
    or intentions, so its eval scores ``("speech",)``)."""
    if kinds is not None:
        analyses = [replace(an, quotes=[q for q in an.quotes if q.kind in kinds]) for an in analyses]
    by_doc = {an.article.id: an for an in analyses}
    ents = {e.id: e for e in entities}
    quotes, speakers = PRF(), PRF()
    kinds = {"direct": PRF(), "indirect": PRF()}
    errors: list[dict[str, str]] = []
    for g in golds:
        an = by_doc[g.doc]
        text = an.article.text
        need = _chars(text, g.start, g.end)
        kind = kinds["direct" if g.direct else "indirect"]
        for prf in (quotes, speakers, kind):
            prf.n_gold += 1
        best, best_cov = None, 0
        for q in an.quotes:
            cov = _cover(text, g, q)
            if cov * 2 >= need and cov > best_cov:
                best, best_cov = q, cov
        if best is None:
            errors.append({"doc": g.doc, "kind": "missed", "gold": text[g.start : g.end][:160], "speaker": g.speaker})
            continue
        quotes.tp_r += 1
        kind.tp_r += 1
        gold_names = {norm_name(n) for n in [g.speaker, *g.speaker_aliases]}
        if _names(best, ents) & gold_names:
            speakers.tp_r += 1
        else:
            errors.append({"doc": g.doc, "kind": "speaker", "gold": text[g.start : g.end][:160], "speaker": g.speaker,
                           "predicted": best.speaker_text or "(none)"})
    gold_docs = {g.doc for g in golds}
    for doc in gold_docs:
        an = by_doc[doc]
        mine = [g for g in golds if g.doc == doc]
        for q in an.quotes:
            quotes.n_pred += 1
            if any(_cover(an.article.text, g, q) * 2 >= _chars(an.article.text, g.start, g.end) for g in mine):
                quotes.tp_p += 1
            else:
                errors.append({"doc": doc, "kind": "spurious", "predicted": q.text[:160], "speaker": q.speaker_text or ""})
    acc = speakers.recall
    return {
        "quotes": quotes.as_dict(),
        "direct_recall": round(kinds["direct"].recall, 4),
        "indirect_recall": round(kinds["indirect"].recall, 4),
        "speaker_accuracy": round(acc, 4),
        "overall": round((quotes.recall + quotes.precision + acc) / 3, 4),
        "errors": errors,
    }


def read_quote_corpus(folder: str | Path) -> tuple[list[Article], list[GoldQuote]]:
    """quotes-meantime-dev: ``docs.jsonl`` articles and ``gold.json`` quotes."""
    folder = Path(folder)
    articles = read_docs_jsonl(folder)
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    golds = [GoldQuote(q["doc"], q["start"], q["end"], q["speaker"], list(q.get("speaker_aliases", [])),
                       bool(q.get("direct", True))) for q in gold["quotes"]]
    return articles, golds
