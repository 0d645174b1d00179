"""SemEval-2015 Task 4 (TimeLine) gold, scored with a simplified measure of storyline's own.

The official scorer (temporal awareness over timeline graphs) is not distributed with the data and
is not on PyPI, so the figures here are NOT comparable with the task's published F1. What is measured:
for each target entity, the gold timeline entries (document, sentence, event word, date) against
storyline's event mentions in which that entity is an actor or target, matched on document,
sentence and trigger word; then, over matched entries, how often storyline's date equals the gold
date (``XXXX-XX-XX`` gold means undated, matched by an event without a date).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..model import Dossier
from .metrics import PRF, norm_name


@dataclass
class GoldEntry:
    entity: str
    doc: str
    sentence: int
    word: str
    date: str


def read_timelines(folder: str | Path) -> list[GoldEntry]:
    out: list[GoldEntry] = []
    for f in sorted(Path(folder).glob("*.txt")):
        lines = f.read_text(encoding="utf-8").splitlines()
        if not lines:
            continue
        entity = lines[0].strip()
        for line in lines[1:]:
            cols = line.split("\t")
            if len(cols) < 3:
                continue
            for ref in cols[2:]:
                doc, sent, word = ref.split("-", 2)
                out.append(GoldEntry(entity, doc, int(sent), word.lower(), cols[1]))
    return out


def score_timelines(gold: list[GoldEntry], d: Dossier, doc_of_article: dict[str, str]) -> dict:
    texts = {an.article.id: an.article.text for an in d.analyses}
    mentions = {(an.article.id, m.start): m for an in d.analyses for m in an.events}
    entries = PRF()
    dated = PRF()
    shown = PRF()  # the date the timeline shows: the text's, else the first report's
    on_timeline = {t.event: t.date for t in d.timeline}
    for target in sorted({g.entity for g in gold}):
        key = norm_name(target)
        ids = {e.id for e in d.entities if any(norm_name(n) == key for n in [e.name, *e.aliases])}
        mine: dict[tuple[str, int, str], str] = {}
        mine_shown: dict[tuple[str, int, str], str] = {}
        for ev in d.events:
            if not ids & set(ev.actors + ev.targets):
                continue
            for sp in ev.mentions:
                m = mentions.get((sp.article, sp.start))
                if m is None:
                    continue
                word = texts[sp.article][sp.start : sp.end].lower()
                mine[(doc_of_article[sp.article], m.sentence, word)] = ev.time or "XXXX-XX-XX"
                mine_shown[(doc_of_article[sp.article], m.sentence, word)] = on_timeline.get(ev.id, "XXXX-XX-XX")
        golds = {(g.doc, g.sentence, g.word): g.date for g in gold if g.entity == target}
        entries.n_gold += len(golds)
        entries.n_pred += len(mine)
        hits = golds.keys() & mine.keys()
        entries.tp_p += len(hits)
        entries.tp_r += len(hits)
        dated.n_gold += len(hits)
        dated.tp_r += sum(1 for k in hits if mine[k][: len(golds[k])] == golds[k])
        shown.n_gold += len(hits)
        shown.tp_r += sum(1 for k in hits if mine_shown[k][: len(golds[k])] == golds[k])
    return {"entries": entries.as_dict(), "date_accuracy_on_matched": round(dated.recall, 4),
            "timeline_date_accuracy_on_matched": round(shown.recall, 4),
            "matched": dated.n_gold, "note": "simplified measure, not the official temporal-awareness scorer"}
