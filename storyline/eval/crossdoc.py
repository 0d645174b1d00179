"""Cross-document coreference of entities and events, scored on predicted mentions.

storyline finds its own mentions, so each predicted mention is first aligned to at most one gold
mention of the same document: the spans must overlap and the last word of the shorter span must lie
inside the longer one (a head-match approximation, since the corpora give no heads), best overlap
first, one to one. An aligned prediction takes its gold mention's key; an unaligned one keeps a key
of its own, so it costs precision as the reference scorer charges a spurious mention. Only the
annotated sentences are scored (``GoldDoc.scored``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

from spacy.tokens import Doc as SpacyDoc

from ..model import ArticleAnalysis, Dossier, EventMention
from .coref import conll
from .metrics import PRF, overlap
from .records import GoldDoc, GoldMention, in_scored


@dataclass
class Predicted:
    doc: str
    start: int
    end: int
    cluster: str


def _last_word_start(text: str, start: int, end: int) -> int:
    cut = text.rfind(" ", start, end)
    return cut + 1 if cut >= 0 else start


def _aligns(text: str, g: GoldMention, p: Predicted) -> int:
    ov = overlap((g.start, g.end), (p.start, p.end))
    if ov <= 0:
        return 0
    short, long_ = ((g.start, g.end), (p.start, p.end)) if g.end - g.start <= p.end - p.start else ((p.start, p.end), (g.start, g.end))
    head = _last_word_start(text, *short)
    return ov if long_[0] <= head < long_[1] else 0


def align(doc: GoldDoc, gold: list[GoldMention], pred: list[Predicted]) -> dict[int, int]:
    """Predicted index -> gold index."""
    pairs = sorted(((_aligns(doc.text, g, p), gi, pi) for gi, g in enumerate(gold) for pi, p in enumerate(pred)),
                   reverse=True)
    used_g: set[int] = set()
    out: dict[int, int] = {}
    for score, gi, pi in pairs:
        if score <= 0 or gi in used_g or pi in out:
            continue
        used_g.add(gi)
        out[pi] = gi
    return out


def score_crossdoc(docs: list[GoldDoc], predicted: dict[str, list[Predicted]], layer: str) -> dict:
    key: dict[str, set] = defaultdict(set)
    response: dict[str, set] = defaultdict(set)
    detect = PRF()
    for doc in docs:
        gold = [m for m in getattr(doc, layer) if in_scored(doc, m.start)]
        pred = [p for p in predicted.get(doc.id, []) if in_scored(doc, p.start)]
        for g in gold:
            key[g.cluster].add((doc.id, g.mid))
        links = align(doc, gold, pred)
        for pi, p in enumerate(pred):
            gi = links.get(pi)
            mention = (doc.id, gold[gi].mid) if gi is not None else (doc.id, f"p{p.start}-{p.end}")
            response[p.cluster].add(mention)
        detect.n_gold += len(gold)
        detect.n_pred += len(pred)
        detect.tp_p += len(links)
        detect.tp_r += len(links)
    scores = conll(key.values(), response.values())
    return {"mentions": detect.as_dict(), **{k: {m: round(v, 4) for m, v in d.items()} for k, d in scores.items()},
            "gold_clusters": len(key), "predicted_clusters": len(response)}


def predicted_entities(d: Dossier) -> dict[str, list[Predicted]]:
    """Every mention storyline found, with its entity (a singleton when it resolved to none)."""
    out: dict[str, list[Predicted]] = defaultdict(list)
    seen: set[tuple[str, int, int]] = set()
    for e in d.entities:
        for m in e.mentions:
            seen.add((m.article, m.start, m.end))
            out[m.article].append(Predicted(m.article, m.start, m.end, e.id))
    for an in d.analyses:
        for m in an.mentions:
            if (m.article, m.start, m.end) not in seen:
                out[m.article].append(Predicted(m.article, m.start, m.end, f"{m.article}:{m.start}"))
    return out


def predicted_events(d: Dossier) -> dict[str, list[Predicted]]:
    out: dict[str, list[Predicted]] = defaultdict(list)
    for ev in d.events:
        for m in ev.mentions:
            out[m.article].append(Predicted(m.article, m.start, m.end, ev.id))
    return out


def parse_docs(docs: list[GoldDoc]) -> list[SpacyDoc]:
    from ..nlp import get_nlp

    return list(get_nlp().pipe(x.text for x in docs))


def gold_mention_events(docs: list[GoldDoc], d: Dossier, parsed: list[SpacyDoc] | None = None) -> dict[str, list[Predicted]]:
    """A BASELINE, not storyline's fusion: given the annotated event mentions, group them within one
    story (storyline's own document clustering) by the trigger's lemma. Same-lemma grouping is the
    usual lower bound of the ECB+ literature."""
    story_of = {a: s.id for s in d.stories for a in s.articles}
    out: dict[str, list[Predicted]] = defaultdict(list)
    for doc, sp in zip(docs, parsed or parse_docs(docs), strict=True):
        for m in doc.events:
            span = sp.char_span(m.start, m.end, alignment_mode="expand")
            lemma = (span.root.lemma_ if span is not None and len(span) else doc.text[m.start : m.end]).lower()
            out[doc.id].append(Predicted(doc.id, m.start, m.end, f"{story_of.get(doc.id, doc.id)}|{lemma}"))
    return out


def gold_mention_fusion(docs: list[GoldDoc], d: Dossier, parsed: list[SpacyDoc] | None = None) -> dict[str, list[Predicted]]:
    """storyline's own event fusion over the annotated event mentions: each gold mention becomes a
    frame (its head word as trigger, participants from the parse and storyline's entity mentions,
    its own time), typed by the taxonomy where the trigger is in it and by its lemma elsewhere, and
    ``fuse_events`` joins them with storyline's resolved entities. A mention fusion leaves alone
    (no participant, or none shared) is a singleton."""
    from ..extract.events import TRIGGERS, frame
    from ..extract.spans import sentence_index
    from ..resolve.events import fuse_events

    by_id = {an.article.id: an for an in d.analyses}
    index = {(m.article, m.start): e.id for e in d.entities for m in e.mentions}
    analyses: list[ArticleAnalysis] = []
    gold_of: dict[str, tuple[str, int, int]] = {}
    for doc, sp in zip(docs, parsed or parse_docs(docs), strict=True):
        an = by_id[doc.id]
        sent_of = sentence_index(sp)
        frames: list[EventMention] = []
        for n, m in enumerate(doc.events):
            span = sp.char_span(m.start, m.end, alignment_mode="expand")
            if span is None or not len(span):
                continue
            tok = span.root
            lemma = tok.lemma_.lower()
            etype, cameo = TRIGGERS.get(lemma, (lemma, ""))
            eid = f"{doc.id}:g{n}"
            frames.append(frame(tok, eid, doc.id, an.mentions, an.amounts, an.times, an.quotes, sent_of, etype, cameo))
            gold_of[eid] = (doc.id, m.start, m.end)
        analyses.append(replace(an, events=frames))
    # fusion runs per story, as in use: storyline's own story clustering, as the baseline above
    _, cluster_of = fuse_events(analyses, index, {a: s.id for s in d.stories for a in s.articles})
    out: dict[str, list[Predicted]] = defaultdict(list)
    for eid, (doc_id, start, end) in gold_of.items():
        out[doc_id].append(Predicted(doc_id, start, end, cluster_of.get(eid, eid)))
    return out
