"""What the pages show: pure functions of stored records (the graph reads a few bounded rows), no HTTP here."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup, escape

from ..model import ArticleAnalysis, Event, TimelineEntry
from ..store import Store


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


def date_span(value: str) -> tuple[dt.date, dt.date] | None:
    """The days a TIMEX3 date covers, as [first, after last): "2025-10" is October, "2025-W46" a week."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", value):
            d = dt.date.fromisoformat(value[:10])
            return d, d + dt.timedelta(days=1)
        if m := re.fullmatch(r"(\d{4})-W(\d{2})", value):
            d = dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)
            return d, d + dt.timedelta(days=7)
        if m := re.fullmatch(r"(\d{4})-(\d{2})", value):
            y, mo = int(m[1]), int(m[2])
            return dt.date(y, mo, 1), dt.date(y + mo // 12, mo % 12 + 1, 1)
        if m := re.fullmatch(r"(\d{4})-Q([1-4])", value):
            y, q = int(m[1]), int(m[2])
            return dt.date(y, 3 * q - 2, 1), dt.date(y + q // 4, (3 * q) % 12 + 1, 1)
        if re.fullmatch(r"\d{4}", value):
            return dt.date(int(value), 1, 1), dt.date(int(value) + 1, 1, 1)
    except ValueError:
        return None
    return None


@dataclass
class TimelineItem:
    entry: TimelineEntry
    left: float  # percent of the axis
    width: float  # percent; 0 for a single day
    row: int  # stacked row inside its lane, so labels never overlap
    href: str  # the sentence that reports it
    cite: str
    when: str  # the date as a reader says it
    box: float = 0.0  # where its label box starts, percent of the axis (before the date near the end)
    box_width: float = 0.0
    dot: float = 0.0  # where the date sits inside the box, percent of the box

    @property
    def flipped(self) -> bool:
        """Its label runs leftwards from the date: too near the end of the axis to run right."""
        return self.dot > 0


@dataclass
class TimelineLane:
    name: str
    items: list[TimelineItem]
    rows: int


@dataclass
class TimelineLayout:
    lanes: list[TimelineLane]
    ticks: list[tuple[float, str]]
    background: list[TimelineItem]  # dated long before the coverage: listed apart, not on the axis
    unplaced: list[TimelineItem]  # dates the axis cannot place ("PRESENT_REF")
    first: str = ""
    last: str = ""


LABEL_WIDTH = 17.0  # percent of the axis an item's label needs before the next one in its row


def _say(value: str) -> str:
    span = date_span(value)
    if span is None:
        return value
    lo, hi = span
    if (hi - lo).days == 1:
        return f"{lo:%b} {lo.day}, {lo.year}"
    if (hi - lo).days == 7:
        return f"week of {lo:%b} {lo.day}, {lo.year}"
    if (hi - lo).days <= 31:
        return f"{lo:%B %Y}"
    if (hi - lo).days <= 92:
        return f"Q{(lo.month + 2) // 3} {lo.year}"
    return str(lo.year)


def _ticks(lo: dt.date, hi: dt.date) -> list[tuple[dt.date, str]]:
    span = (hi - lo).days
    if span <= 40:
        step = max(1, span // 8)
        days = [lo + dt.timedelta(days=i) for i in range(0, span + 1, step)]
        return [(d, f"{d:%b} {d.day}") for d in days]
    if span <= 800:
        out = []
        d = dt.date(lo.year, lo.month, 1)
        while d <= hi:
            if d >= lo:
                out.append((d, f"{d:%b %Y}" if d.month == 1 or not out else f"{d:%b}"))
            if span <= 120:
                mid = d.replace(day=15)
                if lo <= mid <= hi:
                    out.append((mid, f"{mid:%b} 15"))
            d = dt.date(d.year + d.month // 12, d.month % 12 + 1, 1)
        return out
    step = max(1, (hi.year - lo.year) // 8)
    return [(dt.date(y, 1, 1), str(y)) for y in range(lo.year + 1, hi.year + 1, step)]


def timeline_layout(entries: list[TimelineEntry], events: dict[str, Event], names: dict[str, str],
                    link: Callable[[str, int | None], dict[str, str]], lanes_by: str = "actor",
                    max_lanes: int = 6) -> TimelineLayout:
    """Place a story's timeline entries on a real date axis: one lane per main actor (or event type),
    rows inside a lane so labels never overlap, background events apart, each linked to its citation."""
    def item(t: TimelineEntry) -> TimelineItem:
        ev = events.get(t.event)
        m = ev.mentions[0] if ev and ev.mentions else None
        cited = link(m.article, m.start) if m else link(t.articles[0], None) if t.articles else {"href": "#", "text": ""}
        return TimelineItem(t, 0.0, 0.0, 0, cited["href"], cited["text"], _say(t.date))

    background = [item(t) for t in entries if t.background]
    spans = {id(t): date_span(t.date) for t in entries if not t.background}
    placed = [t for t in entries if not t.background and spans[id(t)]]
    unplaced = [item(t) for t in entries if not t.background and not spans[id(t)]]
    if not placed:
        return TimelineLayout([], [], background, unplaced)
    # a year-long entry would squash a story told in days: the axis follows the finer dates
    fine = [spans[id(t)] for t in placed if (spans[id(t)][1] - spans[id(t)][0]).days <= 92] or [spans[id(t)] for t in placed]  # type: ignore[index]
    lo = min(s[0] for s in fine if s)
    hi = max(s[1] for s in fine if s)
    pad = max(1, (hi - lo).days // 20)
    lo, hi = lo - dt.timedelta(days=pad), hi + dt.timedelta(days=pad)
    total = (hi - lo).days

    def pct(d: dt.date) -> float:
        return min(100.0, max(0.0, 100 * (d - lo).days / total))

    def lane_of(t: TimelineEntry) -> str:
        ev = events.get(t.event)
        if ev is None:
            return "Other events"
        if lanes_by == "type":
            return ev.type.capitalize()
        who = ev.actors or ev.targets
        return names.get(who[0], "Other events") if who else "Other events"

    counts = Counter(lane_of(t) for t in placed)
    top = [k for k, _ in counts.most_common() if k != "Other events"][: max_lanes - 1]
    groups: dict[str, list[TimelineItem]] = {k: [] for k in top}
    for t in placed:
        first, after = spans[id(t)]  # type: ignore[misc]
        it = item(t)
        it.left = pct(first)
        it.width = pct(after) - it.left if (after - first).days > 1 else 0.0
        groups.setdefault(lane_of(t) if lane_of(t) in top else "Other events", []).append(it)
    lanes = []
    for name, items in groups.items():
        if not items:
            continue
        items.sort(key=lambda i: (i.left, i.entry.event))
        ends: list[float] = []
        for it in items:
            it.box_width = max(it.width, LABEL_WIDTH)
            it.box = min(it.left, 100.0 - it.box_width)
            it.dot = 100 * (it.left - it.box) / it.box_width
            right = it.box + it.box_width
            for r, end in enumerate(ends):
                if end <= it.box:
                    it.row, ends[r] = r, right
                    break
            else:
                it.row = len(ends)
                ends.append(right)
        lanes.append(TimelineLane(name, items, len(ends)))
    ticks = [(pct(d), label) for d, label in _ticks(lo, hi)]
    firsts = sorted(spans[id(t)][0] for t in placed)  # type: ignore[index]
    return TimelineLayout(lanes, ticks, background, unplaced, firsts[0].isoformat(), firsts[-1].isoformat())


def graph_svg(store: Store, width: int = 900, height: int = 600, limit: int = 30, per_entity: int = 300,
              edges_per_node: int = 4) -> dict:
    """Positions for the graph of who appears with whom: the ``limit`` most mentioned registry
    entities, linked by the stories they share (counted over each one's ``per_entity`` most
    mentioning stories, so the cost is bounded however large the database)."""
    import networkx as nx  # on the first graph request, not at server start

    top = store.top_entities(limit)
    stories = store.entity_stories([str(e["id"]) for e in top], per_entity=per_entity)
    g = nx.Graph()
    for e in top:
        g.add_node(str(e["id"]), label=str(e["name"]), type=str(e["type"]), mentions=int(e["mentions"]))  # type: ignore[call-overload]
    pairs = []
    ids = list(stories)
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            n = len(stories[a] & stories[b])
            if n:
                pairs.append((n, a, b))
    # each entity keeps its strongest links only: a graph of everything linked to everything says nothing
    kept: Counter[str] = Counter()
    for n, a, b in sorted(pairs, key=lambda p: (-p[0], p[1], p[2])):
        if kept[a] < edges_per_node or kept[b] < edges_per_node:
            g.add_edge(a, b, shared=n)
            kept[a] += 1
            kept[b] += 1
    g.remove_nodes_from([n for n in list(g) if g.degree(n) == 0])
    if not g:
        return {"nodes": [], "edges": [], "width": width, "height": height}
    # a seeded spring layout: the same picture for the same rows, in milliseconds for 30 nodes
    # (Kamada-Kawai took seconds here)
    pos = nx.spring_layout(g, seed=1, iterations=100)
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]

    def sc(v: float, lo: float, hi: float, size: int, after: int = 60) -> float:
        return 60 + (v - lo) / ((hi - lo) or 1) * (size - 60 - after)

    # room on the right for the labels, which run rightwards from their circles
    nodes = [{"id": n, "kind": "entity", "label": g.nodes[n]["label"], "type": g.nodes[n]["type"],
              "x": sc(pos[n][0], min(xs), max(xs), width, 230), "y": sc(pos[n][1], min(ys), max(ys), height)} for n in g]
    at = {n["id"]: n for n in nodes}
    edges = [{"x1": at[a]["x"], "y1": at[a]["y"], "x2": at[b]["x"], "y2": at[b]["y"], "shared": g.edges[a, b]["shared"],
              "a": at[a]["label"], "b": at[b]["label"]} for a, b in g.edges]
    return {"nodes": nodes, "edges": edges, "width": width, "height": height}
