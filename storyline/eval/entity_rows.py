"""Entity rows of ``storyline eval``: cross-document entity coreference on predicted mentions, for all
entity mentions and for named ones, each beside a same-head-lemma baseline.

Named mentions: MEANTIME marks them (``syntactic_type="NAM"``); ECB+ does not, so there a gold mention
counts as named when its last word (possessive trimmed) is capitalized and is not simply the first
word of its sentence, or when the parser calls that word a proper noun. On the predicted side the
named row keeps storyline's ``name`` mentions (no descriptors, no pronouns).

The baseline takes exactly the mentions storyline predicted and groups them across all documents by
the lemma of their head word (the syntactic root of the span), the classic lemma baseline of the
cross-document coreference literature. Both rows share mention detection, so the difference between
them is the resolution alone.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from spacy.tokens import Doc

from .crossdoc import Predicted, predicted_entities, score_crossdoc
from .records import GoldDoc, GoldMention, Row

PRONOUNS = {"he", "she", "it", "they", "him", "her", "them", "his", "its", "their", "we", "i", "you", "us"}


def _last_word(text: str) -> str:
    words = text.replace("’", "'").split()
    if not words:
        return ""
    w = words[-1]
    return w[:-2] if w.endswith("'s") else w.rstrip("'")


def is_named(doc: GoldDoc, m: GoldMention, parsed: Doc | None = None) -> bool:
    if m.syntactic:
        return m.syntactic == "NAM"
    text = doc.text[m.start : m.end]
    last = _last_word(text)
    if not last[:1].isupper() or last.lower() in PRONOUNS:
        return False
    line_start = doc.text.rfind("\n", 0, m.start) + 1
    first_of_sentence = len(text.split()) == 1 and not doc.text[line_start : m.start].strip()
    if not first_of_sentence:
        return True
    if parsed is None:
        return False
    span = parsed.char_span(m.start, m.end, alignment_mode="expand")
    return span is not None and span.root.pos_ == "PROPN"


def _head_lemma(parsed: Doc | None, p: Predicted, text: str) -> str:
    span = parsed.char_span(p.start, p.end, alignment_mode="expand") if parsed is not None else None
    if span is None or not len(span):
        return _last_word(text[p.start : p.end]).lower()
    return span.root.lemma_.lower()


def lemma_baseline(docs: list[GoldDoc], predicted: dict[str, list[Predicted]],
                   parses: dict[str, Doc]) -> dict[str, list[Predicted]]:
    """The same predicted mentions, grouped across documents by their head word's lemma."""
    text = {d.id: d.text for d in docs}
    return {doc: [replace(p, cluster="lemma:" + _head_lemma(parses.get(doc), p, text[doc])) for p in preds]
            for doc, preds in predicted.items() if doc in text}


def entity_scores(docs: list[GoldDoc], d: Any, parsed: list[Doc] | None = None) -> dict[str, Any]:
    """Scores for all entity mentions and for named ones, storyline and baseline. ``d`` needs
    ``entities`` and ``analyses`` (a Dossier does); ``parsed`` are the spaCy parses of ``docs``."""
    parses = {doc.id: p for doc, p in zip(docs, parsed, strict=True)} if parsed is not None else {}
    if not parses:
        from ..nlp import get_nlp

        parses = {doc.id: p for doc, p in zip(docs, get_nlp().pipe(x.text for x in docs), strict=True)}
    pred = predicted_entities(d)
    names = {(m.article, m.start, m.end) for an in d.analyses for m in an.mentions if m.kind == "name"}
    pred_named = {doc: [p for p in ps if (p.doc, p.start, p.end) in names] for doc, ps in pred.items()}
    named_docs = [replace(doc, entities=[m for m in doc.entities if is_named(doc, m, parses.get(doc.id))])
                  for doc in docs]
    return {
        "all": score_crossdoc(docs, pred, "entities"),
        "all_baseline": score_crossdoc(docs, lemma_baseline(docs, pred, parses), "entities"),
        "named": score_crossdoc(named_docs, pred_named, "entities"),
        "named_baseline": score_crossdoc(named_docs, lemma_baseline(named_docs, pred_named, parses), "entities"),
    }


def entity_rows(s: dict[str, Any], best: str = "") -> list[Row]:
    task = "entity coreference (cross-doc, predicted mentions)"
    named = "named-entity coreference (cross-doc, predicted mentions)"
    rows = [Row(task, m, s["all"][k]["f1"], best if k == "conll" else "") for k, m in _METRICS]
    rows.append(Row(task, "CoNLL F1, baseline: same head lemma", s["all_baseline"]["conll"]["f1"]))
    rows += [Row(named, m, s["named"][k]["f1"]) for k, m in _METRICS]
    rows.append(Row(named, "CoNLL F1, baseline: same head lemma", s["named_baseline"]["conll"]["f1"]))
    return rows


_METRICS = (("mentions", "mention F1"), ("muc", "MUC F1"), ("b3", "B³ F1"), ("ceafe", "CEAF-e F1"),
            ("conll", "CoNLL F1"))
