"""What the pages show, computed from a dossier: pure functions, no HTTP here."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from markupsafe import Markup, escape

from ..model import ArticleAnalysis, Dossier, Entity, Event


@dataclass
class Mark:
    start: int
    end: int
    cls: str
    href: str = ""
    title: str = ""


def highlight(an: ArticleAnalysis, entity_at: dict[tuple[str, int], str]) -> Markup:
    """The article text, escaped, with entities, quotes, amounts and dates wrapped in spans, and
    an anchor at every sentence. Marks that would cross another are left out, never mangled."""
    text = an.article.text
    marks: list[Mark] = [Mark(q.start, q.end, "quote", title=f"quote: {q.speaker_name or q.speaker_text or 'unattributed'}")
                         for q in an.quotes]
    for m in an.mentions:
        eid = entity_at.get((m.article, m.start))
        if eid:
            marks.append(Mark(m.start, m.end, f"entity {m.kind}", f"/entity/{eid}", m.label))
    marks += [Mark(a.start, a.end, "amount", title=f"{a.value} {a.unit or ''}") for a in an.amounts]
    marks += [Mark(t.start, t.end, "time", title=t.value or (t.note or "")) for t in an.times]
    marks.sort(key=lambda m: (m.start, -m.end))
    kept: list[Mark] = []
    stack: list[Mark] = []
    for m in marks:
        while stack and stack[-1].end <= m.start:
            stack.pop()
        if stack and m.end > stack[-1].end:
            continue  # crosses its parent
        if any(k.start == m.start and k.end == m.end for k in stack):
            continue
        kept.append(m)
        stack.append(m)
    # (offset, kind, tie, html): at one offset, closings come first (inner before outer), then the
    # sentence anchor, then openings (outer before inner)
    events: list[tuple[int, int, int, str]] = []
    for n, s in enumerate(an.sentences):
        events.append((s.start, 1, 0, f'<a id="s{n}" class="sent"></a>'))
    for m in kept:
        attrs = f' class="{m.cls}" title="{escape(m.title)}"'
        tag = "a" if m.href else "span"
        href = f' href="{escape(m.href)}"' if m.href else ""
        events.append((m.start, 2, -m.end, f"<{tag}{href}{attrs}>"))
        events.append((m.end, 0, -m.start, f"</{tag}>"))
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    out: list[str] = []
    pos = 0
    for off, _, _, html in events:
        if off > pos:
            out.append(str(escape(text[pos:off])))
            pos = off
        out.append(html)
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))


def entity_index(d: Dossier) -> dict[tuple[str, int], str]:
    return {(m.article, m.start): e.id for e in d.entities for m in e.mentions}


def cooccurring(d: Dossier, e: Entity, top: int = 12) -> list[tuple[Entity, int]]:
    arts = {m.article for m in e.mentions}
    counts: Counter[str] = Counter()
    for other in d.entities:
        if other.id != e.id:
            shared = arts & {m.article for m in other.mentions}
            if shared:
                counts[other.id] = len(shared)
    by_id = {x.id: x for x in d.entities}
    return [(by_id[k], n) for k, n in counts.most_common(top)]


def events_of(d: Dossier, e: Entity) -> list[Event]:
    return [ev for ev in d.events if e.id in ev.actors or e.id in ev.targets]


def _date(value: str) -> dt.date | None:
    try:
        parts = value.split("-")
        if len(parts) == 1 and value.isdigit():
            return dt.date(int(value), 7, 1)
        if len(parts) == 2:
            return dt.date(int(parts[0]), int(parts[1]), 15)
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def timeline_positions(entries: list) -> list[tuple[object, float]]:  # type: ignore[type-arg]
    """Each dated entry with its position in percent along the story's own span of days."""
    dated = [(t, _date(t.date)) for t in entries if not t.background]
    days = [x for _, x in dated if x]
    if not days:
        return []
    lo, hi = min(days), max(days)
    span = max(1, (hi - lo).days)
    return [(t, 100 * (x - lo).days / span) for t, x in dated if x]


def graph_svg(d: Dossier, width: int = 900, height: int = 600, limit: int = 30) -> dict:
    """Positions for the who-acts-on-whom graph: entities and the events that link them."""
    import networkx as nx

    g = nx.DiGraph()
    keep = {e.id for e in sorted(d.entities, key=lambda e: -len(e.mentions))[:limit]}
    names = {e.id: e.name for e in d.entities}
    for ev in d.events:
        people = [a for a in ev.actors if a in keep] + [t for t in ev.targets if t in keep]
        if not people:
            continue
        g.add_node(ev.id, kind="event", label=ev.type)
        for a in ev.actors:
            if a in keep:
                g.add_node(a, kind="entity", label=names[a])
                g.add_edge(a, ev.id)
        for t in ev.targets:
            if t in keep:
                g.add_node(t, kind="entity", label=names[t])
                g.add_edge(ev.id, t)
    if not g:
        return {"nodes": [], "edges": [], "width": width, "height": height}
    # Kamada-Kawai spreads a small dense graph more evenly than a spring layout
    pos = nx.kamada_kawai_layout(g.to_undirected())
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]

    def sc(v: float, lo: float, hi: float, size: int) -> float:
        return 60 + (v - lo) / ((hi - lo) or 1) * (size - 120)

    nodes = [{"id": n, "kind": g.nodes[n]["kind"], "label": g.nodes[n]["label"],
              "x": sc(pos[n][0], min(xs), max(xs), width), "y": sc(pos[n][1], min(ys), max(ys), height)} for n in g]
    at = {n["id"]: n for n in nodes}
    edges = [{"x1": at[a]["x"], "y1": at[a]["y"], "x2": at[b]["x"], "y2": at[b]["y"]} for a, b in g.edges]
    return {"nodes": nodes, "edges": edges, "width": width, "height": height}
