"""Exports to the tools people already use: GraphML (Gephi, Cytoscape), FollowTheMoney entities
(Aleph), JSON-LD with schema.org types, and CSV tables. Every exported record keeps its provenance:
the article id and character offsets it came from."""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import networkx as nx

from .model import Dossier

FORMATS = ("graphml", "ftm", "jsonld", "csv")


def _prov(article: str, start: int, end: int) -> str:
    return f"{article}:{start}-{end}"


def _amounts(d: Dossier) -> dict:
    return {a.id: a for a in d.amounts}


def to_graph(d: Dossier) -> nx.MultiDiGraph:
    """Entities and events as nodes, actor -> event -> target as edges, provenance as attributes."""
    g = nx.MultiDiGraph()
    amounts = _amounts(d)
    for e in d.entities:
        g.add_node(e.id, kind="entity", label=e.name, type=e.type, aliases="; ".join(e.aliases),
                   descriptors="; ".join(e.descriptors), mentions=len(e.mentions),
                   provenance=" ".join(_prov(m.article, m.start, m.end) for m in e.mentions[:50]))
    for ev in d.events:
        amt = amounts.get(ev.amount or "")
        g.add_node(ev.id, kind="event", label=ev.summary or ev.type, type=ev.type, cameo=ev.cameo,
                   date=ev.time or "", amount=amt.value if amt and amt.value is not None else 0.0,
                   currency=(amt.unit or "") if amt else "", articles=" ".join(ev.articles),
                   provenance=" ".join(_prov(m.article, m.start, m.end) for m in ev.mentions))
        for a in ev.actors:
            g.add_edge(a, ev.id, role="actor", articles=" ".join(ev.articles))
        for t in ev.targets:
            g.add_edge(ev.id, t, role="target", articles=" ".join(ev.articles))
    return g


def write_graphml(d: Dossier, path: Path) -> None:
    nx.write_graphml(to_graph(d), path)


def _fid(*parts: str) -> str:
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:24]


def ftm_entities(d: Dossier) -> Iterator[dict]:
    """FollowTheMoney entities, built and validated with the followthemoney model."""
    from followthemoney import model

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
        ent.add("notes", "storyline provenance: " + " ".join(_prov(m.article, m.start, m.end) for m in e.mentions[:50]))
        ids[e.id] = ent.id
        yield ent.to_dict()
    amounts = _amounts(d)
    for ev in d.events:
        proof = [articles[a] for a in dict.fromkeys(ev.articles) if a in articles]
        amt = amounts.get(ev.amount or "")
        note = "storyline provenance: " + " ".join(_prov(m.article, m.start, m.end) for m in ev.mentions)
        if amt and amt.kind == "money" and amt.value is not None and ev.type in {"offer", "acquire", "invest", "pay"}:
            pay = model.make_entity("Payment")
            pay.id = _fid("payment", ev.id)
            pay.add("amount", amt.value)
            pay.add("currency", amt.unit)
            pay.add("date", ev.time if ev.time and ev.time[:1].isdigit() else None)
            pay.add("purpose", ev.summary or ev.type)
            for a in ev.actors[:1]:
                if a in ids:
                    pay.add("payer", ids[a])
            for t in ev.targets[:1]:
                if t in ids:
                    pay.add("beneficiary", ids[t])
            pay.add("description", note + f" amount {_prov(amt.article, amt.start, amt.end)}")
            if pay.has("payer") and pay.has("beneficiary"):
                yield pay.to_dict()
        ent = model.make_entity("Event")
        ent.id = _fid("event", ev.id)
        ent.add("name", ev.summary or ev.type)
        ent.add("date", ev.time if ev.time and ev.time[:1].isdigit() else None)
        ent.add("summary", f"{ev.type} (CAMEO {ev.cameo})")
        for x in ev.actors + ev.targets:
            if x in ids:
                ent.add("involved", ids[x])
        for p in proof:
            ent.add("proof", p)
        ent.add("notes", note)
        yield ent.to_dict()


def write_ftm(d: Dossier, path: Path) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for rec in ftm_entities(d):
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")


STORYLINE_NS = "https://storyline.invalid/ns#"


def to_jsonld(d: Dossier) -> dict:
    ctx = {"@vocab": "https://schema.org/", "sl": STORYLINE_NS,
           "provenance": {"@id": "sl:provenance"}, "storylineType": {"@id": "sl:type"}}
    graph: list[dict] = []
    for an in d.analyses:
        a = an.article
        graph.append({"@id": f"urn:storyline:article:{a.id}", "@type": "NewsArticle", "headline": a.title,
                      "datePublished": (a.published or "")[:10] or None, "url": a.url or None,
                      "publisher": {"@type": "Organization", "name": a.source} if a.source else None})
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


def csv_tables(d: Dossier) -> dict[str, tuple[list[str], list[list[object]]]]:
    amounts = _amounts(d)
    return {
        "articles": (["id", "title", "source", "published", "url", "path"],
                     [[a.article.id, a.article.title, a.article.source, a.article.published, a.article.url, a.article.path]
                      for a in d.analyses]),
        "entities": (["id", "name", "type", "aliases", "descriptors", "mentions"],
                     [[e.id, e.name, e.type, "; ".join(e.aliases), "; ".join(e.descriptors), len(e.mentions)] for e in d.entities]),
        "mentions": (["entity", "article", "start", "end", "text", "kind"],
                     [[e.id, m.article, m.start, m.end, m.text, m.kind] for e in d.entities for m in e.mentions]),
        "quotes": (["id", "article", "start", "end", "text", "speaker", "speaker_text", "cue", "direct"],
                   [[q.id, q.article, q.start, q.end, q.text, q.speaker, q.speaker_text, q.cue, q.direct] for q in d.quotes]),
        "amounts": (["id", "article", "start", "end", "text", "value", "value_max", "unit", "qualifier", "kind"],
                    [[a.id, a.article, a.start, a.end, a.text, a.value, a.value_max, a.unit, a.qualifier, a.kind] for a in d.amounts]),
        "times": (["id", "article", "start", "end", "text", "type", "value", "mod", "note"],
                  [[t.id, t.article, t.start, t.end, t.text, t.type, t.value, t.mod, t.note] for t in d.times]),
        "events": (["id", "type", "cameo", "summary", "date", "actors", "targets", "amount", "currency", "mentions"],
                   [[ev.id, ev.type, ev.cameo, ev.summary, ev.time, "; ".join(ev.actors), "; ".join(ev.targets),
                     amounts[ev.amount].value if ev.amount in amounts else None,
                     amounts[ev.amount].unit if ev.amount in amounts else None,
                     " ".join(_prov(m.article, m.start, m.end) for m in ev.mentions)] for ev in d.events]),
        "discrepancies": (["id", "event", "field", "verdict", "value", "articles", "measure"],
                          [[x.id, x.event, x.field, x.verdict, v.value, "; ".join(v.articles), x.measure]
                           for x in d.discrepancies for v in x.values]),
        "timeline": (["date", "event", "summary", "background", "articles"],
                     [[t.date, t.event, t.summary, t.background, "; ".join(t.articles)] for t in d.timeline]),
    }


def write_csv(d: Dossier, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, (header, rows) in csv_tables(d).items():
        with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(header)
            w.writerows(rows)


def export(d: Dossier, fmt: str, path: str | Path) -> Path:
    """Write the dossier in ``fmt`` to ``path`` (a folder for csv)."""
    path = Path(path)
    writers = {"graphml": write_graphml, "ftm": write_ftm, "jsonld": write_jsonld, "csv": write_csv}
    if fmt not in writers:
        raise ValueError(f"unknown export format {fmt!r}; choose from {', '.join(FORMATS)}")
    writers[fmt](d, path)
    return path
