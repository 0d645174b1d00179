"""Event fusion across articles (the discrepancies between outlets come from resolve/facts.py).

Within one story, two event mentions are one real-world event when they are named by the same word
(or its nominal/verbal form: "death" / "die", "shooting" / "shoot") or share a participant in the
same role within one type, and nothing says they are different happenings. The evidence that
splits (positive evidence, never a want of agreement, which reports naming no participant cannot
give): times that do not overlap; named actors on both sides that are disjoint; named targets on
both sides that are disjoint; crossed roles (A sued B, B sued A); places that differ; for the types
one actor repeats with different objects (founding, buying, announcing) a target named on one side
only; for the symmetric types (meet, agree) participants of which neither side's includes the
other's. A cluster keeps its members: a time conflict with any member blocks a join, as does a
participant or place conflict with half of the member pairs or more (a parse's wrong "he" must not
split a story's event, a chain must not join two dated happenings). An article's own repeats are
joined before other articles', so its dated mention dates its undated ones. Union-find joins.
Where fused mentions disagree on the amount or the date, the fact layer records the discrepancy.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

from ..model import (
    Amount,
    ArticleAnalysis,
    Event,
    EventMention,
    Span,
)

UPDATE_WORDS = re.compile(r"\b(rais|revis|sweeten|increas|boost|lift|cut|lower|now|new|updated|amend)\w*", re.I)


_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_HALF = re.compile(r"^(\d{4})-H([12])$")
_SEASON = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 14)}  # winter runs into the next year
_YEAR = re.compile(r"^(\d{4})(?:-(SP|SU|FA|WI))?$")
_DECADE = re.compile(r"^(\d{3})X$")


def _month_span(year: int, first: int, last: int) -> tuple[dt.date, dt.date]:
    y2, m2 = year + (last - 1) // 12, (last - 1) % 12 + 1
    end = dt.date(y2 + (m2 == 12), m2 % 12 + 1, 1) - dt.timedelta(days=1)
    return dt.date(year, first, 1), end


def time_interval(value: str | None) -> tuple[dt.date, dt.date] | None:
    """The days a TIMEX3 date value covers ("2023-W46" -> Monday to Sunday); None when it is not a
    calendar date (PRESENT_REF, P3Y) or cannot be read."""
    if not value:
        return None
    try:
        if m := _DAY.match(value):
            day = dt.date(int(m[1]), int(m[2]), int(m[3]))
            return day, day
        if m := _MONTH.match(value):
            return _month_span(int(m[1]), int(m[2]), int(m[2]))
        if m := _WEEK.match(value):
            monday = dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)
            return monday, monday + dt.timedelta(days=6)
        if m := _QUARTER.match(value):
            q = int(m[2])
            return _month_span(int(m[1]), 3 * q - 2, 3 * q)
        if m := _HALF.match(value):
            h = int(m[2])
            return _month_span(int(m[1]), 6 * h - 5, 6 * h)
        if m := _YEAR.match(value):
            first, last = _SEASON.get(m[2] or "", (1, 12))
            return _month_span(int(m[1]), first, last)
        if m := _DECADE.match(value):
            return dt.date(int(m[1]) * 10, 1, 1), dt.date(int(m[1]) * 10 + 9, 12, 31)
    except ValueError:
        return None
    return None


def times_compatible(a: str | None, b: str | None) -> bool:
    """Whether two event times can be the same time: unstated, or overlapping intervals."""
    if not a or not b:
        return True
    ia, ib = time_interval(a), time_interval(b)
    if ia is None or ib is None:
        return a.startswith(b) or b.startswith(a)
    return ia[0] <= ib[1] and ib[0] <= ia[1]


SYMMETRIC = {"meet", "agree"}
# a company announces or releases many things: only what was announced tells two reports apart
NEEDS_TARGET = {"statement", "publish"}
# one actor does these again and again with different objects (founds Apple, then NeXT; buys one
# firm, then another): a report that leaves the object unsaid cannot be told apart by its actor
REPEATED_BY_ACTOR = NEEDS_TARGET | {"found", "acquire", "invest", "hire"}


def roles_compatible(etype: str, actors_a: set[str], targets_a: set[str],
                     actors_b: set[str], targets_b: set[str]) -> bool:
    """Whether two frames can tell one event, judged on positive evidence only: "Jobs founded
    Apple" and "Jobs founded NeXT" cannot (both name a target, and the targets are disjoint), nor
    "A sued B" and "B sued A" (crossed roles), nor two attacks whose named attackers differ. A role
    left unsaid on one side contradicts nothing ("Vexa was sued"), except for the types one actor
    repeats with different objects, where "Jobs founded" with no company named could be either
    founding."""
    if etype in SYMMETRIC:
        pa, pb = actors_a | targets_a, actors_b | targets_b
        return not (pa and pb) or pa <= pb or pb <= pa
    if etype in NEEDS_TARGET and not targets_a & targets_b:
        return False
    if targets_a and targets_b and not targets_a & targets_b:
        return False
    if etype in REPEATED_BY_ACTOR and bool(targets_a) != bool(targets_b):
        return False
    if actors_a and actors_b and not actors_a & actors_b:
        return False
    crossed = (actors_a & targets_b) - actors_b | (targets_a & actors_b) - targets_b
    return not crossed


def places_compatible(a: str | None, b: str | None) -> bool:
    """Whether two event places can be one place: unstated, or one name inside the other
    ("Paris" and "Paris, France")."""
    if not a or not b:
        return True
    a, b = a.lower().removeprefix("the "), b.lower().removeprefix("the ")
    return a in b or b in a


def shares_role(actors_a: set[str], targets_a: set[str], actors_b: set[str], targets_b: set[str]) -> bool:
    return bool(actors_a & actors_b or targets_a & targets_b)


# joining two clusters needs fewer than 1 in ROLE_TOLERANCE member pairs whose participants or place conflict
ROLE_TOLERANCE = 2
TWO_PASS = 2
VOTERS = 25  # members of a cluster whose participants are compared
MAX_CANDIDATES = 200  # clusters of one word in one story a mention is compared with


# one happening named by different words: the killing and the deaths it caused, an arrest and a
# detention; kept to pairs a reader would never tell apart as two events
DERIVED: dict[str, str] = {
    "death": "die", "dead": "die", "kill": "die", "killing": "die", "fatal": "die",
    "detain": "arrest", "detention": "arrest", "detained": "arrest",
    "shooting": "shoot", "gunfire": "shoot", "bombing": "bomb", "blast": "explode", "explosion": "explode",
    "crash": "crash", "collision": "crash", "nomination": "nominate", "nominee": "nominate",
    "earthquake": "quake", "sentence": "sentence", "conviction": "convict", "acquisition": "acquire",
    "purchase": "buy", "resignation": "resign", "appointment": "appoint", "investigation": "investigate",
}
_SUFFIXES = (("ing", ("", "e")), ("ation", ("e", "")), ("ion", ("e", "")), ("ment", ("",)), ("al", ("",)), ("s", ("",)))


def trigger_keys(lemmas: set[str]) -> dict[str, str]:
    """The word each event is named by, its nominal and verbal forms as one: "death" and "die",
    and among the words of one story, "shooting" and "shoot", "nomination" and "nominate" (a
    noun's stem counts only when the story also uses the verb)."""
    out: dict[str, str] = {}
    for w in lemmas:
        key = DERIVED.get(w)
        if key is None:
            for suffix, endings in _SUFFIXES:
                stem = w[: -len(suffix)]
                if w.endswith(suffix) and len(stem) >= 3:
                    cands = [stem + e for e in endings]
                    if len(stem) > 3 and stem[-1] == stem[-2]:
                        cands.append(stem[:-1])  # running -> run
                    key = next((c for c in cands if c in lemmas), None)
                    if key:
                        break
        out[w] = DERIVED.get(key or w, key or w)
    return out


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


def fuse_events(
    analyses: list[ArticleAnalysis], index: dict[tuple[str, int], str],
    groups: dict[str, str] | None = None,
) -> tuple[list[Event], dict[str, str]]:
    """Fuse event mentions; return events and a map event-mention id -> event id. (Discrepancies
    between the outlets' figures come from the fact layer, resolve/facts.py.)

    ``groups`` maps an article to its story: mentions that share no participant are fused only
    within one story (by the same trigger word). Without it the analyses are taken as one story,
    as when a database resolves one story at a time."""
    mentions: list[EventMention] = [e for an in analyses for e in an.events if not e.negated]
    group = [groups.get(m.article, m.article) if groups is not None else "" for m in mentions]
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
    aset = [set(x) for x in actors]
    tset = [set(x) for x in targets]
    uf = _UnionFind(len(mentions))
    # every cluster keeps its members: a chain of mentions without times (or without targets) must
    # not join the first offer to the raised one a month later, or one founding to another
    members_of: dict[int, list[int]] = {i: [i] for i in range(len(mentions))}

    # the entities each mention's sentence names: "rejected the takeover offer from Orbital" leaves
    # the offer's target unsaid, but a sentence that names Vexa says whose takeover it was
    named: dict[tuple[str, int], set[str]] = defaultdict(set)
    for an in analyses:
        bounds = sorted({(m.sentence_start, m.sentence_end) for m in an.events})
        for em in an.mentions:
            eid = index.get((em.article, em.start))
            for lo, hi in bounds:
                if eid and lo <= em.start < hi:
                    named[(em.article, lo)].add(eid)
    context = [named.get((m.article, m.sentence_start), set()) for m in mentions]

    def roles_ok(i: int, j: int) -> bool:
        ti, tj = tset[i], tset[j]
        if not ti and tj & context[i]:
            ti = tj & context[i]
        elif not tj and ti & context[j]:
            tj = ti & context[j]
        return roles_compatible(mentions[i].type, aset[i], ti, aset[j], tj) and places_compatible(
            mentions[i].place, mentions[j].place)

    def compatible(i: int, j: int) -> bool:
        """No member's time contradicts another's, and most member pairs' participants and places
        agree: a date is read reliably, while a participant may be a parser's slip ("he" resolved
        wrongly) and a place is any "in Paris" of the sentence, not always the event's."""
        ri, rj = uf.find(i), uf.find(j)
        if ri == rj:
            return False
        times_i = {mentions[x].time for x in members_of[ri]}
        times_j = {mentions[y].time for y in members_of[rj]}
        if not all(times_compatible(a, b) for a in times_i for b in times_j):
            return False
        # a big cluster's first members vote for it: the cost stays bounded in a long stream
        pairs = [(x, y) for x in members_of[ri][:VOTERS] for y in members_of[rj][:VOTERS]]
        return sum(not roles_ok(x, y) for x, y in pairs) * ROLE_TOLERANCE < len(pairs)

    def join(i: int, j: int) -> None:
        ri, rj = uf.find(i), uf.find(j)
        uf.union(ri, rj)
        members_of[uf.find(ri)] = members_of.pop(ri) + members_of.pop(rj)

    blocks: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for i, m in enumerate(mentions):
        # participants in the order the mention names them: the blocks' order decides which joins
        # come first, and a set's order follows the hash seed
        for eid in dict.fromkeys([*actors[i], *targets[i]]):
            blocks[(group[i], m.type, eid)].append(i)
    for members in blocks.values():
        for pos, i in enumerate(members):
            for j in members[pos + 1 : pos + 40]:  # a block is small; cap its pairs anyway
                if shares_role(aset[i], tset[i], aset[j], tset[j]) and compatible(i, j):
                    join(i, j)
    # the same word for the same kind of happening within one story ("the shooting ... the
    # shooting", "Mahdi was arrested" in two outlets) tells one event unless the participants, the
    # place or the time say otherwise: split on positive evidence of a different happening, not
    # for want of agreement, which reports that name no participant can never give
    words: dict[str, set[str]] = defaultdict(set)
    for i, m in enumerate(mentions):
        words[group[i]].add(m.trigger)
    keys = {g: trigger_keys(ws) for g, ws in words.items()}
    same_word: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, m in enumerate(mentions):
        same_word[(group[i], keys[group[i]][m.trigger])].append(i)

    def join_first_compatible(members: list[int]) -> None:
        roots: list[int] = []
        for i in members:
            for r in roots[-MAX_CANDIDATES:]:
                if compatible(i, r):
                    join(i, r)
                    break
            else:
                roots.append(i)
            roots = list(dict.fromkeys(uf.find(r) for r in roots))

    # within one article first: its undated "the quake" takes the date its dated mention gives,
    # so that date can then keep it from another article's quake of another year
    for members in same_word.values():
        by_article: dict[str, list[int]] = defaultdict(list)
        for i in members:
            by_article[mentions[i].article].append(i)
        for own in by_article.values():
            join_first_compatible(own)
    for members in same_word.values():
        join_first_compatible(members)
    clusters: dict[int, list[int]] = defaultdict(list)
    for i in range(len(mentions)):
        clusters[uf.find(i)].append(i)

    events: list[Event] = []
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
        amts = [amounts[m.amount] for m in ms if m.amount in amounts]
        times = [m.time for m in ms if m.time]
        ev = Event(
            id=eid, type=ms[0].type, cameo=ms[0].cameo, trigger=ms[0].trigger, actors=act, targets=tgt,
            amount=_majority_amount(amts, published), time=_consensus_time(times),
            time_source="text" if times else "published", summary=best_headline(ms, published),
            mentions=[Span(m.article, m.start, m.end, texts[m.article][m.sentence_start : m.sentence_end].strip()) for m in ms],
            articles=sorted({m.article for m in ms}, key=lambda a: (published[a], a)),
            evidence=[f"{len(ms)} mentions of type {ms[0].type!r} sharing participants in their roles or "
                      "their trigger word, with no contradicting participant, place or time"] if len(ms) > 1 else [],
        )
        events.append(ev)
        for m in ms:
            mention_to_event[m.id] = eid
    return events, mention_to_event


def best_headline(ms: list[EventMention], published: dict[str, str]) -> str:
    """The news line of the mention that tells the event best: an outlet's own words before a
    quoted speaker's, a line of headline length, the earliest report."""
    lines = [m for m in ms if m.headline]
    if not lines:
        return ""
    best = min(lines, key=lambda m: (m.reported_by is not None, abs(len(m.headline.split()) - 7) // 3,
                                     published.get(m.article, ""), m.start))
    return best.headline


def _majority_amount(amts: list[Amount], published: dict[str, str]) -> str | None:
    if not amts:
        return None
    # the most precise figure stands for the event; outlets round, they rarely add digits
    return max(amts, key=lambda a: (_decimals(a.text), -len(published.get(a.article, "")))).id


def _consensus_time(times: list[str]) -> str | None:
    if not times:
        return None
    return max(times, key=lambda t: (sum(1 for x in times if x.startswith(t) or t.startswith(x)), len(t)))
