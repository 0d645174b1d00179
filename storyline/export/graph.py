"""The dossier as a GraphML network for Gephi, Cytoscape, networkx or igraph.

Nodes are entities and events. Edges, each with a unique id, a ``kind``, a ``weight`` (how many
sentences, quotes or events support it; for role edges, the event's mentions) and ``first``/``last``,
the publication days of the earliest and latest article that supports it:
  - ``actor`` entity -> event and ``target`` event -> entity (the event's roles),
  - ``acts-on`` actor -> target entity: roles in one event,
  - ``co-mention`` between two entities named in one sentence (stored once, lower id first),
  - ``quoted-about`` speaker -> entity named inside a quote of that speaker.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

import networkx as nx

from ..model import Dossier
from .common import Index, prov

PROVENANCE_CAP = 20  # spans kept per edge: enough to check one, small enough for Gephi


@dataclass
class _Support:
    weight: int = 0
    days: list[str] = field(default_factory=list)
    articles: dict[str, None] = field(default_factory=dict)
    spans: list[str] = field(default_factory=list)

    def add(self, articles: list[str], days: list[str], span: str) -> None:
        self.weight += 1
        self.days += [x for x in days if x]
        self.articles.update(dict.fromkeys(articles))
        if len(self.spans) < PROVENANCE_CAP:
            self.spans.append(span)

    def attrs(self, kind: str) -> dict[str, object]:
        return {"kind": kind, "weight": self.weight, "first": min(self.days, default=""),
                "last": max(self.days, default=""), "articles": " ".join(self.articles),
                "provenance": " ".join(self.spans)}


def entity_pairs(d: Dossier, ix: Index) -> dict[tuple[str, str, str], _Support]:
    """(kind, source, target) -> the sentences, quotes or events that link two entities."""
    links: dict[tuple[str, str, str], _Support] = defaultdict(_Support)
    # co-mention: entity ids per (article, sentence)
    in_sentence: dict[tuple[str, int], dict[str, None]] = defaultdict(dict)
    positions: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for e in d.entities:
        for m in e.mentions:
            s = ix.sentence_at(m.article, m.start)
            if s is not None:
                in_sentence[(m.article, s.start)].setdefault(e.id, None)
            positions[m.article].append((m.start, m.end, e.id))
    for (article, start), ids in in_sentence.items():
        s = ix.sentence_at(article, start)
        assert s is not None
        for a, b in combinations(sorted(ids), 2):
            links[("co-mention", a, b)].add([article], [ix.day.get(article, "")], prov(article, s.start, s.end))
    # quoted-about: the speaker and each other entity named inside the quote
    for q in d.quotes:
        if not q.speaker:
            continue
        named = {eid for st, en, eid in positions.get(q.article, []) if q.start <= st and en <= q.end}
        for eid in sorted(named - {q.speaker}):
            links[("quoted-about", q.speaker, eid)].add([q.article], [ix.day.get(q.article, "")],
                                                        prov(q.article, q.start, q.end))
    # acts-on: actor and target of one event
    for ev in d.events:
        first = ev.mentions[0] if ev.mentions else None
        if first is None:
            continue
        days = [ix.day.get(a, "") for a in ev.articles]
        for a in dict.fromkeys(ev.actors):
            for t in dict.fromkeys(ev.targets):
                if a != t:
                    links[("acts-on", a, t)].add(ev.articles, days, prov(first.article, first.start, first.end))
    return links


def to_graph(d: Dossier) -> nx.MultiDiGraph:
    """Entities and events as nodes; every edge keyed by a unique id (GraphML writes it as id)."""
    ix = Index.of(d)
    g = nx.MultiDiGraph()
    amounts = {a.id: a for a in d.amounts}
    for e in d.entities:
        days = [ix.day.get(m.article, "") for m in e.mentions]
        days = [x for x in days if x]
        g.add_node(e.id, kind="entity", label=e.name, type=e.type, aliases="; ".join(e.aliases),
                   descriptors="; ".join(e.descriptors), mentions=len(e.mentions),
                   first=min(days, default=""), last=max(days, default=""),
                   stories=" ".join(dict.fromkeys(ix.story_of[m.article] for m in e.mentions if m.article in ix.story_of)),
                   provenance=" ".join(prov(m.article, m.start, m.end) for m in e.mentions[:50]))
    n = 0

    def edge(u: str, v: str, **attrs: object) -> None:
        nonlocal n
        if u in g and v in g:
            g.add_edge(u, v, key=f"x{n}", **attrs)
            n += 1

    for ev in d.events:
        amt = amounts.get(ev.amount or "")
        days = sorted({ix.day.get(a, "") for a in ev.articles} - {""})
        g.add_node(ev.id, kind="event", label=ev.summary or ev.type, type=ev.type, cameo=ev.cameo,
                   date=ev.time or "", amount=amt.value if amt and amt.value is not None else 0.0,
                   currency=(amt.unit or "") if amt else "", articles=" ".join(ev.articles),
                   mentions=len(ev.mentions), first=days[0] if days else "", last=days[-1] if days else "",
                   stories=" ".join(dict.fromkeys(ix.story_of[a] for a in ev.articles if a in ix.story_of)),
                   provenance=" ".join(prov(m.article, m.start, m.end) for m in ev.mentions))
        common = {"weight": len(ev.mentions), "first": days[0] if days else "", "last": days[-1] if days else "",
                  "articles": " ".join(dict.fromkeys(ev.articles)),
                  "provenance": " ".join(prov(m.article, m.start, m.end) for m in ev.mentions[:PROVENANCE_CAP])}
        for a in dict.fromkeys(ev.actors):
            edge(a, ev.id, kind="actor", **common)
        for t in dict.fromkeys(ev.targets):
            edge(ev.id, t, kind="target", **common)
    for (kind, a, b), sup in sorted(entity_pairs(d, ix).items()):
        edge(a, b, **sup.attrs(kind))
    return g


def write_graphml(d: Dossier, path: Path) -> None:
    nx.write_graphml(to_graph(d), path)
