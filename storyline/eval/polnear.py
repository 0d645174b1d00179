"""PolNeAR attribution scoring (political news, 7 US outlets), the rule of its SOURCE.md.

A predicted quote matches a gold attribution of the same article when it covers at least
``threshold`` (0.5, and the lenient 0.3 of the Gender Gap Tracker) of the gold content's characters
(the content's fragments; whitespace runs count as one). Recall over gold attributions, precision over
predicted quotes. "Direct" on both sides means the content holds a quotation mark (for predictions:
a quote storyline calls direct, or whose text holds a mark), so a mixed quote is direct on both sides.
Speaker accuracy is over matched gold attributions whose speaker is a name: the best-covering
prediction is right when its speaker entity's name or aliases, its resolved name or its speaker text
contain the gold ``speaker_key``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..model import Article, ArticleAnalysis, Entity, Quote
from .metrics import PRF
from .records import read_docs_jsonl

MARKS = "\"“”«»„"


@dataclass
class GoldAttribution:
    doc: str
    start: int
    end: int
    fragments: list[tuple[int, int]]
    direct: bool
    speaker: str | None
    speaker_kind: str  # name | pronoun | generic | none
    speaker_key: str | None
    cue: str | None = None


@dataclass
class Predicted:
    """A quote reduced to what the scorer reads; baselines produce these too."""

    start: int
    end: int
    direct: bool
    names: set[str] = field(default_factory=set)


def read_polnear(folder: str | Path) -> tuple[list[Article], list[GoldAttribution]]:
    folder = Path(folder)
    articles = read_docs_jsonl(folder)
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    golds = [GoldAttribution(q["doc"], q["start"], q["end"], [tuple(f) for f in q.get("fragments") or [(q["start"], q["end"])]],
                             bool(q["direct"]), q.get("speaker"), q.get("speaker_kind") or "none",
                             q.get("speaker_key"), q.get("cue")) for q in gold["quotes"]]
    return articles, golds


def _chars(text: str, a: int, b: int) -> int:
    return len(" ".join(text[a:b].split())) if b > a else 0


def _need(text: str, g: GoldAttribution) -> int:
    return sum(_chars(text, a, b) for a, b in g.fragments)


def _cover(text: str, g: GoldAttribution, p: Predicted) -> int:
    return sum(_chars(text, max(a, p.start), min(b, p.end)) for a, b in g.fragments)


def predicted_from_quotes(quotes: list[Quote], text: str, entities: dict[str, Entity] | None = None) -> list[Predicted]:
    out = []
    for q in quotes:
        names = {n.lower() for n in (q.speaker_text, q.speaker_name) if n}
        if entities and q.speaker in entities:
            e = entities[q.speaker]
            names |= {n.lower() for n in [e.name, *e.aliases]}
        # the marks sit just outside a direct quote's content
        direct = q.direct or any(m in text[q.start : q.end] for m in MARKS)
        out.append(Predicted(q.start, q.end, direct, names))
    return out


def score_polnear(golds: list[GoldAttribution], texts: dict[str, str], preds: dict[str, list[Predicted]],
                  threshold: float = 0.5) -> dict:
    """Quote P/R/F1 (all, direct, indirect), named-speaker accuracy, and the errors."""
    prfs = {k: PRF() for k in ("all", "direct", "indirect")}
    speakers = PRF()
    pronoun_matched = 0
    errors: list[dict] = []
    by_doc: dict[str, list[GoldAttribution]] = {}
    for g in golds:
        by_doc.setdefault(g.doc, []).append(g)
    for doc, gs in by_doc.items():
        text = texts[doc]
        ps = preds.get(doc, [])
        for g in gs:
            need = _need(text, g)
            kind = prfs["direct" if g.direct else "indirect"]
            prfs["all"].n_gold += 1
            kind.n_gold += 1
            best, best_cov = None, 0
            for p in ps:
                cov = _cover(text, g, p)
                if need and cov >= threshold * need and cov > best_cov:
                    best, best_cov = p, cov
            if best is None:
                errors.append({"doc": doc, "kind": "missed", "direct": g.direct, "gold": text[g.start : g.end][:200],
                               "speaker": g.speaker, "cue": g.cue})
                continue
            prfs["all"].tp_r += 1
            kind.tp_r += 1
            if g.speaker_kind == "pronoun":
                pronoun_matched += 1
            if g.speaker_kind == "name" and g.speaker_key:
                speakers.n_gold += 1
                if any(g.speaker_key.lower() in n for n in best.names):
                    speakers.tp_r += 1
                else:
                    errors.append({"doc": doc, "kind": "speaker", "gold": text[g.start : g.end][:200],
                                   "speaker": g.speaker, "key": g.speaker_key,
                                   "predicted": sorted(best.names) or "(none)"})
        for p in ps:
            hit = any(_cover(text, g, p) >= threshold * _need(text, g) and _need(text, g) for g in gs)
            for k in ("all", "direct" if p.direct else "indirect"):
                prfs[k].n_pred += 1
                prfs[k].tp_p += hit
            if not hit:
                errors.append({"doc": doc, "kind": "spurious", "direct": p.direct, "predicted": text[p.start : p.end][:200]})
    return {
        "quotes": prfs["all"].as_dict(),
        "direct": prfs["direct"].as_dict(),
        "indirect": prfs["indirect"].as_dict(),
        "speaker_accuracy": round(speakers.recall, 4),
        "named_speakers_matched": speakers.n_gold,
        "pronoun_speakers_matched": pronoun_matched,
        "errors": errors,
    }


def storyline_predictions(analyses: list[ArticleAnalysis], entities: list[Entity]) -> dict[str, list[Predicted]]:
    ents = {e.id: e for e in entities}
    return {an.article.id: predicted_from_quotes(an.quotes, an.article.text, ents) for an in analyses}


def textacy_predictions(articles: list[Article], docs: list) -> dict[str, list[Predicted]] | None:  # type: ignore[type-arg]
    """textacy's ``direct_quotations`` as a baseline, None when textacy is not installed."""
    try:
        from textacy.extract.triples import direct_quotations
    except ImportError:
        return None
    out: dict[str, list[Predicted]] = {}
    for a, doc in zip(articles, docs, strict=True):
        preds = []
        try:
            found = list(direct_quotations(doc))
        except Exception:  # textacy raises on odd quotation-mark layouts; a baseline gets no second chance
            found = []
        for dq in found:
            content = dq.content
            names = {" ".join(t.text for t in dq.speaker).lower()}
            preds.append(Predicted(content.start_char, content.end_char, True, names))
        out[a.id] = preds
    return out


def rows_for(label: str, s: dict, row: Callable, best: str = "") -> list:  # type: ignore[type-arg]
    return [row(label, "quote F1", s["quotes"]["f1"], best), row(label, "quote precision", s["quotes"]["precision"]),
            row(label, "quote recall", s["quotes"]["recall"]), row(label, "direct-quote F1", s["direct"]["f1"]),
            row(label, "indirect F1", s["indirect"]["f1"]),
            row(label, "named-speaker accuracy", s["speaker_accuracy"])]
