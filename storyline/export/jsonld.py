"""JSON-LD with schema.org types, for RDF tools and search engines."""

from __future__ import annotations

import json
from pathlib import Path

from ..model import Dossier
from .common import prov as _prov


def _amounts(d: Dossier) -> dict:
    return {a.id: a for a in d.amounts}


STORYLINE_NS = "https://storyline.invalid/ns#"


def to_jsonld(d: Dossier) -> dict:
    ctx = {"@vocab": "https://schema.org/", "sl": STORYLINE_NS,
           "provenance": {"@id": "sl:provenance"}, "storylineType": {"@id": "sl:type"},
           "citationNumber": {"@id": "sl:citationNumber"}}
    graph: list[dict] = []
    story_of = {}
    for s in d.stories:  # a story is a series of articles, under the id `storyline stories` shows
        graph.append({"@id": f"urn:storyline:story:{s.id}", "@type": "CreativeWorkSeries", "name": s.title,
                      "storylineType": "story", "hasPart": [{"@id": f"urn:storyline:article:{a}"} for a in s.articles]})
        story_of.update({a: s.id for a in s.articles})
    for an in d.analyses:
        a = an.article
        graph.append({"@id": f"urn:storyline:article:{a.id}", "@type": "NewsArticle", "headline": a.title,
                      "datePublished": (a.published or "")[:10] or None, "url": a.url or None,
                      "publisher": {"@type": "Organization", "name": a.source} if a.source else None,
                      # [citationNumber:sentence] cites it in the CLI, the dossier and the web UI
                      "citationNumber": a.number,
                      "isPartOf": {"@id": f"urn:storyline:story:{story_of[a.id]}"} if a.id in story_of else None})
    types = {"PERSON": "Person", "ORG": "Organization", "GPE": "Place", "LOC": "Place", "FAC": "Place"}
    for e in d.entities:
        graph.append({"@id": f"urn:storyline:{e.id}", "@type": types.get(e.type, "Thing"), "name": e.name,
                      "alternateName": e.aliases, "description": "; ".join(e.descriptors[:5]) or None,
                      "provenance": [_prov(m.article, m.start, m.end) for m in e.mentions]})
    amounts = _amounts(d)
    for ev in d.events:
        amt = amounts.get(ev.amount or "")
        node = {"@id": f"urn:storyline:event:{ev.id}", "@type": "Event", "name": ev.summary or ev.type,
                "storylineType": ev.type, "startDate": ev.time if ev.time and ev.time[:1].isdigit() else None,
                "organizer": [{"@id": f"urn:storyline:{x}"} for x in ev.actors],
                "about": [{"@id": f"urn:storyline:{x}"} for x in ev.targets],
                "subjectOf": [{"@id": f"urn:storyline:article:{x}"} for x in dict.fromkeys(ev.articles)],
                "provenance": [_prov(m.article, m.start, m.end) for m in ev.mentions]}
        if amt and amt.value is not None:
            node["offers"] = {"@type": "MonetaryAmount", "value": amt.value, "currency": amt.unit}
        graph.append(node)
    for q in d.quotes:
        graph.append({"@id": f"urn:storyline:quote:{q.id}", "@type": "Quotation", "text": q.text,
                      "spokenByCharacter": {"@id": f"urn:storyline:{q.speaker}"} if q.speaker else None,
                      "isPartOf": {"@id": f"urn:storyline:article:{q.article}"},
                      "provenance": _prov(q.article, q.start, q.end)})
    clean = [{k: v for k, v in n.items() if v not in (None, [], "")} for n in graph]
    return {"@context": ctx, "@graph": clean}


def write_jsonld(d: Dossier, path: Path) -> None:
    path.write_text(json.dumps(to_jsonld(d), ensure_ascii=False, indent=1), encoding="utf-8")
