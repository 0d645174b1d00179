"""Event fusion across articles, and the discrepancies between the outlets' facts.

Two event mentions are one real-world event when they have the same type, share an actor or a
target entity, and their times are compatible (equal, one more specific than the other, or
unstated). Blocking by (type, participant) keeps this linear in mentions; union-find joins the
pairs. Where fused mentions disagree on the amount or the date, a discrepancy is recorded with each
value, its articles, and a verdict: ``rounding`` (43 billion vs 43.1 billion), ``update`` (a later
article revises the figure and says so), or ``conflict``.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict

from ..model import (
    Amount,
    ArticleAnalysis,
    Discrepancy,
    DiscrepancyValue,
    Event,
    EventMention,
    Span,
)

UPDATE_WORDS = re.compile(r"\b(rais|revis|sweeten|increas|boost|lift|cut|lower|now|new|updated|amend)\w*", re.I)


def times_compatible(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return True
    return a.startswith(b) or b.startswith(a)


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        self.parent[self.find(i)] = self.find(j)


def _decimals(text: str) -> int:
    m = re.search(r"\d+(?:\.(\d+))?", text.replace(",", ""))
    return len(m.group(1)) if m and m.group(1) else 0


def is_rounding(a: Amount, b: Amount) -> bool:
    """True when one amount is the other rounded to its own written precision."""
    if a.value is None or b.value is None or a.unit != b.unit:
        return False
    if a.value == b.value:
        return True
    hi, lo = (a, b) if _decimals(a.text) >= _decimals(b.text) else (b, a)
    if hi.value is None or lo.value is None:
        return False
    scale = 10 ** math.floor(math.log10(abs(lo.value))) if lo.value else 1
    digits = len(re.sub(r"\D", "", lo.text.split(".")[0])) if lo.text else 1
    # compare in the unit the rounder wrote in ("43 billion" -> units of 1e9)
    unit = scale / 10 ** max(0, digits - 1)
    step = unit / 10 ** _decimals(lo.text)
    return abs(round(hi.value / step) * step - lo.value) < step * 0.5 and abs(hi.value - lo.value) / max(abs(hi.value), 1) < 0.05


def fuse_events(
    analyses: list[ArticleAnalysis], index: dict[tuple[str, int], str]
) -> tuple[list[Event], list[Discrepancy], dict[str, str]]:
    """Fuse event mentions; return events, discrepancies and a map event-mention id -> event id."""
    mentions: list[EventMention] = [e for an in analyses for e in an.events if not e.negated]
    published = {an.article.id: an.article.published or "" for an in analyses}
    amounts = {x.id: x for an in analyses for x in an.amounts}
    texts = {an.article.id: an.article.text for an in analyses}

    def ents(spans: list[Span]) -> list[str]:
        out = []
        for s in spans:
            eid = index.get((s.article, s.start))
            # "The Calder Port Authority": the name starts after the article
            if eid is None and s.text[:4].lower() == "the ":
                eid = index.get((s.article, s.start + 4))
            if eid and eid not in out:
                out.append(eid)
        return out

    actors = [ents(m.actors) for m in mentions]
    targets = [ents(m.targets) for m in mentions]
    uf = _UnionFind(len(mentions))
    # every cluster keeps the times of its members: a chain of mentions without times must not
    # join the first offer to the raised one a month later
    cluster_times: dict[int, set[str]] = {i: ({m.time} if m.time else set()) for i, m in enumerate(mentions)}

    def compatible(i: int, j: int) -> bool:
        a, b = cluster_times[uf.find(i)], cluster_times[uf.find(j)]
        return all(times_compatible(x, y) for x in a for y in b)

    def join(i: int, j: int) -> None:
        ri, rj = uf.find(i), uf.find(j)
        if ri != rj:
            uf.union(ri, rj)
            cluster_times[uf.find(ri)] = cluster_times[ri] | cluster_times[rj]
    blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, m in enumerate(mentions):
        for eid in set(actors[i]) | set(targets[i]):
            blocks[(m.type, eid)].append(i)
    for (_etype, _eid), members in blocks.items():
        for pos, i in enumerate(members):
            for j in members[pos + 1 : pos + 40]:  # a block is small; cap its pairs anyway
                same_roles = bool(set(actors[i]) & set(actors[j])) or bool(set(targets[i]) & set(targets[j]))
                crossed = bool(set(actors[i]) & set(targets[j])) and not set(actors[i]) & set(actors[j])
                if same_roles and not crossed and compatible(i, j):
                    join(i, j)
    clusters: dict[int, list[int]] = defaultdict(list)
    for i in range(len(mentions)):
        clusters[uf.find(i)].append(i)

    events: list[Event] = []
    discrepancies: list[Discrepancy] = []
    mention_to_event: dict[str, str] = {}
    ordered = sorted(clusters.values(), key=lambda c: min(published[mentions[i].article] for i in c))
    for n, members in enumerate(ordered):
        ms = [mentions[i] for i in members]
        eid = f"ev{n}"
        act: list[str] = []
        tgt: list[str] = []
        for i in members:
            act += [a for a in actors[i] if a not in act]
            tgt += [t for t in targets[i] if t not in tgt and t not in act]
        if not act and not tgt:
            continue
        amts = [amounts[m.amount] for m in ms if m.amount in amounts]
        times = [m.time for m in ms if m.time]
        ev = Event(
            id=eid, type=ms[0].type, cameo=ms[0].cameo, trigger=ms[0].trigger, actors=act, targets=tgt,
            amount=_majority_amount(amts, published), time=_consensus_time(times),
            mentions=[Span(m.article, m.start, m.end, texts[m.article][m.sentence_start : m.sentence_end].strip()) for m in ms],
            articles=sorted({m.article for m in ms}, key=lambda a: (published[a], a)),
            evidence=[f"{len(ms)} mention(s) of type {ms[0].type!r} sharing participants"] if len(ms) > 1 else [],
        )
        events.append(ev)
        for m in ms:
            mention_to_event[m.id] = eid
        d = _amount_discrepancy(ev, amts, published, texts, len(discrepancies))
        if d:
            discrepancies.append(d)
        d = _time_discrepancy(ev, ms, published, len(discrepancies))
        if d:
            discrepancies.append(d)
    return events, discrepancies, mention_to_event


def _majority_amount(amts: list[Amount], published: dict[str, str]) -> str | None:
    if not amts:
        return None
    # the most precise figure stands for the event; outlets round, they rarely add digits
    return max(amts, key=lambda a: (_decimals(a.text), -len(published.get(a.article, "")))).id


def _consensus_time(times: list[str]) -> str | None:
    if not times:
        return None
    return max(times, key=lambda t: (sum(1 for x in times if x.startswith(t) or t.startswith(x)), len(t)))


def _fmt(a: Amount) -> str:
    v = a.value or 0
    return f"{v:,.0f} {a.unit}" if a.unit else f"{v:,.0f}"


def _amount_discrepancy(
    ev: Event, amts: list[Amount], published: dict[str, str], texts: dict[str, str], n: int
) -> Discrepancy | None:
    money = [a for a in amts if a.value is not None and a.kind == "money"]
    values: dict[str, list[Amount]] = defaultdict(list)
    for a in money:
        values[_fmt(a)].append(a)
    if len(values) < 2:
        return None
    groups = list(values.values())
    reps = [g[0] for g in groups]
    if all(is_rounding(reps[0], r) for r in reps[1:]) and all(
        is_rounding(x, y) for x in reps for y in reps
    ):
        verdict = "rounding"
    else:
        by_date = sorted(groups, key=lambda g: max(published[a.article] for a in g))
        first_end = max(published[a.article] for a in by_date[0])
        later = [a for g in by_date[1:] for a in g]
        says_update = any(
            UPDATE_WORDS.search(texts[a.article][max(0, a.start - 80) : a.end + 40]) for a in later
        )
        verdict = "update" if all(published[a.article] > first_end for a in later) and says_update else "conflict"
    return Discrepancy(
        id=f"d{n}", event=ev.id, field="amount",
        values=[
            DiscrepancyValue(
                value=k, articles=sorted({a.article for a in g}),
                mentions=[Span(a.article, a.start, a.end, a.text) for a in g],
            )
            for k, g in values.items()
        ],
        verdict=verdict,
    )


def _time_discrepancy(ev: Event, ms: list[EventMention], published: dict[str, str], n: int) -> Discrepancy | None:
    days = defaultdict(list)
    for m in ms:
        if m.time and len(m.time) == 10:
            days[m.time].append(m)
    if len(days) < 2:
        return None
    return Discrepancy(
        id=f"d{n}", event=ev.id, field="time",
        values=[
            DiscrepancyValue(value=k, articles=sorted({m.article for m in g}),
                             mentions=[Span(m.article, m.start, m.end) for m in g])
            for k, g in days.items()
        ],
        verdict="conflict",
    )
