"""FollowTheMoney entities for Aleph: articles, people and organizations, and the events whose
fusion is confident. followthemoney is the optional extra ``storyline[aleph]`` (it builds pyicu
against ICU), imported only when this export runs."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..model import Amount, Dossier, Event, EventMention, Span
from .common import prov

MISSING = ("the ftm export needs the optional extra: pip install 'storyline[aleph]' "
           "(followthemoney; its pyicu dependency builds with libicu-dev, pkg-config and g++)")

# Money changes hands in these; an offer, a lawsuit or a founding is not a payment even when an
# amount sits in its sentence ("sued over the $43.1 billion bid").
PAYMENT_TYPES = {"acquire", "invest", "pay"}
# Two reports of one amount that differ by less than this are one figure rounded ($43bn, $43.1bn).
ROUNDING = 0.05


class ExportUnavailable(RuntimeError):
    """An export whose optional dependency is not installed."""


def load_model() -> Any:
    try:
        from followthemoney import model
    except ImportError as exc:
        raise ExportUnavailable(MISSING) from exc
    return model


@dataclass
class Confidence:
    ok: bool
    reason: str


def confidence(ev: Event, frames: list[EventMention], amounts: dict[str, Amount],
               who: Callable[[Span], str | None] | None = None) -> Confidence:
    """Whether an event fused from several mentions may go to Aleph, where an analyst takes it as fact.

    Confident means: no mention of it is negated; the amounts its mentions carry agree up to
    rounding (two different figures mean either two events fused into one or an updated figure:
    in both cases no single Payment is true); and either
      - at least two independent reports (wire copies count once) name one same participant in
        their own frame (so the fusion rests on corroborated participants, not on one report and a
        passing "the bid" in another), or
      - a single frame names exactly one actor and one target (and, for a payment, the amount).
    ``who`` maps a frame's actor or target span to its entity id (span text when None).
    """
    if not frames:
        return Confidence(False, "no mention frames")
    if any(f.negated for f in frames):
        return Confidence(False, "a mention is negated")
    values = [amounts[f.amount].value for f in frames if f.amount in amounts and amounts[f.amount].value]
    values = [v for v in values if v]
    if values and max(values) > min(values) * (1 + ROUNDING):
        return Confidence(False, f"mentions disagree on the amount ({min(values):,.0f} vs {max(values):,.0f})")
    if not ev.actors and not ev.targets:
        return Confidence(False, "no participant")
    named: dict[str, set[str]] = {}
    for f in frames:
        for sp in f.actors + f.targets:
            key = (who(sp) if who else None) or sp.text.casefold()
            named.setdefault(key, set()).add(f.article)
    shared = [k for k, arts in named.items() if len(arts) >= 2]
    if ev.independent >= 2 and shared:
        return Confidence(True, f"{ev.independent} independent reports name the same participant, amounts agree")
    single = [f for f in frames if len(f.actors) == 1 and len(f.targets) == 1]
    if single and len(ev.actors) == 1 and len(ev.targets) == 1 and (ev.type not in PAYMENT_TYPES or values):
        return Confidence(True, "one unambiguous frame with actor, target" + (" and amount" if values else ""))
    if ev.independent >= 2:
        return Confidence(False, "no participant named by two reports")
    return Confidence(False, "a single report without one clear actor, target" +
                      (" and amount" if ev.type in PAYMENT_TYPES else ""))


def _fid(*parts: str) -> str:
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:24]


def _frames(d: Dossier) -> dict[tuple[str, int], EventMention]:
    return {(em.article, em.start): em for an in d.analyses for em in an.events}


def _day(time: str | None) -> str | None:
    return time if time and time[:4].isdigit() else None


def ftm_entities(d: Dossier, skipped: list[tuple[str, str]] | None = None) -> Iterator[dict]:
    """FollowTheMoney entities, built and validated with the followthemoney model. Events that are
    not confident are left out; ``skipped`` collects (event id, reason) for them."""
    model = load_model()
    articles = {}
    for an in d.analyses:
        a = an.article
        doc = model.make_entity("Article")
        doc.id = _fid("article", a.id)
        doc.add("title", a.title or a.id)
        doc.add("publishedAt", (a.published or "")[:10] or None)
        doc.add("publisher", a.source or None)
        doc.add("sourceUrl", a.url or None)
        doc.add("bodyText", a.text)
        doc.add("fileName", a.path or a.id)
        articles[a.id] = doc.id
        yield doc.to_dict()
    schema_of = {"PERSON": "Person", "ORG": "Organization", "NORP": "Organization", "GPE": "LegalEntity"}
    ids = {}
    for e in d.entities:
        if e.type not in schema_of:
            continue
        ent = model.make_entity(schema_of[e.type])
        ent.id = _fid("entity", e.id)
        ent.add("name", e.name)
        for x in e.aliases:
            ent.add("alias", x)
        if e.descriptors:
            ent.add("description", "; ".join(e.descriptors[:5]))
        ent.add("notes", "storyline provenance: " + " ".join(prov(m.article, m.start, m.end) for m in e.mentions[:50]))
        ids[e.id] = ent.id
        yield ent.to_dict()
    amounts = {a.id: a for a in d.amounts}
    frames = _frames(d)
    entity_at = {(m.article, m.start): e.id for e in d.entities for m in e.mentions}

    def who(sp: Span) -> str | None:
        return entity_at.get((sp.article, sp.start))

    for ev in d.events:
        evf = [frames[(m.article, m.start)] for m in ev.mentions if (m.article, m.start) in frames]
        conf = confidence(ev, evf, amounts, who)
        if not conf.ok:
            if skipped is not None:
                skipped.append((ev.id, conf.reason))
            continue
        proof = [articles[a] for a in dict.fromkeys(ev.articles) if a in articles]
        amt = amounts.get(ev.amount or "")
        note = (f"storyline {ev.id}, confident: {conf.reason}; provenance: "
                + " ".join(prov(m.article, m.start, m.end) for m in ev.mentions))
        if amt and amt.kind == "money" and amt.value is not None and ev.type in PAYMENT_TYPES:
            pay = model.make_entity("Payment")
            pay.id = _fid("payment", ev.id)
            pay.add("amount", amt.value)
            pay.add("currency", amt.unit)
            pay.add("date", _day(ev.time))
            pay.add("purpose", ev.summary or ev.type)
            for a in ev.actors[:1]:
                if a in ids:
                    pay.add("payer", ids[a])
            for t in ev.targets[:1]:
                if t in ids:
                    pay.add("beneficiary", ids[t])
            pay.add("description", note + f"; amount {prov(amt.article, amt.start, amt.end)}")
            for p in proof:
                pay.add("proof", p)
            if pay.has("payer") and pay.has("beneficiary"):
                yield pay.to_dict()
        ent = model.make_entity("Event")
        ent.id = _fid("event", ev.id)
        ent.add("name", ev.summary or ev.type)
        ent.add("date", _day(ev.time))
        ent.add("summary", f"{ev.type} (CAMEO {ev.cameo})")
        for x in ev.actors + ev.targets:
            if x in ids:
                ent.add("involved", ids[x])
        for p in proof:
            ent.add("proof", p)
        ent.add("notes", note)
        yield ent.to_dict()


def write_ftm(d: Dossier, path: Path) -> None:
    load_model()  # fail before the file is created
    with open(path, "w", encoding="utf-8") as fh:
        for rec in ftm_entities(d):
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
