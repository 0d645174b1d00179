"""Facts across articles: the same measure of the same thing for the same period, and where the
outlets' values disagree.

Facts of one story are grouped by kind, measure ("people|kill") and period; inside a group, values
are joined by closeness (single link, never across two values of one sentence: "quakes of 7.6 and
7.4" are two quakes), so a group holds one real-world figure and not, say, a school's toll and the
war's. A group whose values all agree, a qualifier allowing the others ("more than 40" with 42), is
consistent and not reported. Otherwise it is a discrepancy with a verdict, decided in the order of
the annotation guide (../shared/data/GUIDE-facts-across-outlets.md):

- ``rounding``: the values differ only in precision (612 vs 600, $13.9 billion vs nearly $14 billion);
- ``update``: a later article gives a newer figure (every earlier value published before the later
  one, or the later one says the figure rose) for a figure that changes over time (a toll), or the
  text marks one figure as the first, since revised ("originally had rated the quake as 4.4");
- ``conflict``: two values in the outlets' own voice, or from the same source, disagree;
- ``claim``: otherwise, a differing value is only a quoted party's claim.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable

from ..lexicon import ORG_ROLES, PERSON_ROLES, SUBUNITS
from ..model import ArticleAnalysis, Discrepancy, DiscrepancyValue, Event, Fact, Span

# figures that change as a story unfolds; a population or a magnitude does not
GROWING = {"kill", "injure", "destroy", "damage", "arrest", "evacuate", "displace", "rescue", "miss"}
_UPDATE_WORDS = re.compile(r"\b(rose|risen|rises|rising|climbed|climbs|increased|jumped|new toll|updated|"
                           r"revised|latest|now stands|has grown|so far)\b", re.I)
# the text says a figure grew (no dates needed): "the toll rose to 10", "bringing to 10 the number ..."
_ROSE = re.compile(r"\b(rose|risen|rises|climbed|climbs|increased|jumped|new toll|revised|now stands|"
                   r"(?:bringing|brought|brings|pushing|pushed|raising|raised) (?:\S+ ){0,6}?to)\b", re.I)
# the text marks a figure as superseded: "originally reported that two ... died", "a preliminary
# magnitude of 4.4", "initially put the toll at"
_EARLIER = re.compile(r"\b(originally|initially|at first|preliminary|earlier reported|previously reported)\b", re.I)
# measures too vague to join on: a bare verb of being with no counted noun
_VAGUE_PREDICATES = {"be", "publish", "post", "update", "write", "say", "report", "lose", "have", "include"}
# kinds of things two sentences must both count to be told as one list (one haul)
_LIST_ITEMS = 3
# a list's verb: what counted things (not people) are, whatever the verb ("the damage included 8 bridges");
# "be" stays vague ("one thing", "the nine voting")
_LISTING = {"include"}
_VAGUE = {"|", "|be", "|have", "|include", "|say", "|tell", "|make", "|take", "|give", "|get", "|do"}


def _num(f: Fact) -> float | None:
    return f.value if isinstance(f.value, (int, float)) else None


def _sig(text: str) -> tuple[int, int]:
    """(significant digits, decimals) of the number as written: "600" -> (1, 0), "13.9" -> (3, 1)."""
    m = re.search(r"\d[\d,]*(?:\.\d+)?", text)
    if not m:
        return (0, 0)
    digits = m.group(0).replace(",", "")
    whole, _, dec = digits.partition(".")
    if dec:
        return (len(whole.lstrip("0")) + len(dec), len(dec))
    return (len(whole.rstrip("0")) or 1, 0)


def compatible(a: Fact, b: Fact) -> bool:
    """The two statements can both be true: equal values, or a qualifier allows the other."""
    if a.value == b.value:
        return True
    x, y = _num(a), _num(b)
    if x is None or y is None:
        return False
    if a.unit != b.unit and not (a.unit and b.unit):
        return False
    for p, q, v in ((a, b, y), (b, a, x)):
        bound = _num(p)
        assert bound is not None
        if p.qualifier == "more_than" and v > bound:
            return True
        if p.qualifier == "at_least" and v >= bound:
            return True
        if p.qualifier in {"up_to", "at_most"} and v <= bound:
            return True
        if p.qualifier == "less_than" and v < bound:
            return True
        if p.qualifier == "range" and p.value_max is not None and bound <= v <= p.value_max:
            return True
        if p.qualifier == "about" and q.qualifier == "about" and abs(v - bound) <= 0.02 * max(bound, v):
            return True
    # the same amount in two units ("10 km" and "6 miles") agrees up to the conversion's rounding
    return bool(a.unit == "km" and _unit_word(a) != _unit_word(b) and abs(x - y) <= 0.04 * max(x, y))


def _unit_word(f: Fact) -> str:
    words = re.findall(r"[a-z]+", f.text.lower())
    return words[-1] if words else ""


def is_rounding(a: Fact, b: Fact) -> bool:
    """One value is the other rounded to its own written precision (612 -> 600, 13.9 -> 14)."""
    if a.kind == "date":
        return _clock_rounding(str(a.value), str(b.value))
    x, y = _num(a), _num(b)
    if x is None or y is None or x == y or x <= 0 or y <= 0:
        return x is not None and x == y
    if abs(x - y) / max(x, y) > 0.08:
        return False
    if a.kind == "count" and max(x, y) < 100 and "about" not in {a.qualifier, b.qualifier}:
        return False  # small counts are exact: 19 wives are not 20 rounded
    if a.unit == "km" and _unit_word(a) != _unit_word(b):
        return abs(x - y) / max(x, y) <= 0.08  # a conversion between units rounds
    lo, hi = (a, b) if _sig(a.text)[0] <= _sig(b.text)[0] else (b, a)
    lv, hv = _num(lo), _num(hi)
    assert lv is not None and hv is not None
    if "about" in {lo.qualifier, hi.qualifier} and abs(lv - hv) / max(lv, hv) <= 0.05:
        return True
    sig = max(1, _sig(lo.text)[0])
    step = 10 ** (math.floor(math.log10(lv)) - sig + 1)
    return abs(round(hv / step) * step - lv) < step * 0.01


# what happened to counted things that are not people matters less than what they are: outlets say
# "seven AK-47s were seized", "the haul included seven AK-47s", "boats closed in", "boats attacked"
_THING_PREDICATES = {"destroy", "damage"}


# counted groups of actors ("three Republican senators", "two states") are defined by who is in them;
# two such counts meet only when the same thing happens to them
_GROUPS = PERSON_ROLES | ORG_ROLES | {"state", "country", "nation", "city", "province", "senator", "lawmaker",
                                      "member", "juror", "candidate", "voter", "republican", "democrat", "county",
                                      "cousin", "son", "daughter", "brother", "sister", "relative", "child",
                                      "colleague", "co", "friend", "militant", "gunman", "staff", "school"}


def _key(f: Fact) -> str:
    if f.kind == "count" and f.noun and f.noun != "people" and f.predicate not in _THING_PREDICATES \
            and f.noun not in _GROUPS:
        return f"{f.noun}|"
    if f.kind == "duration":
        # "lasted", "was felt for", "shook for": how long, not the verb; but a verb that names an
        # activity is its noun: "deliberated for 40 hours" = "40 hours of deliberation"
        noun = f.noun or (f"{f.predicate[:-1]}ion" if f.predicate.endswith("ate") else "")
        return f"{noun}|"
    return f.measure


def _seconds(value: str) -> float | None:
    m = re.fullmatch(r"PT?(\d+(?:\.\d+)?)(Y|M|W|D|H|S|DE)", value)
    if not m:
        return None
    n, u = float(m.group(1)), m.group(2)
    if value.startswith("PT"):
        return n * {"H": 3600, "M": 60, "S": 1}.get(u, 1)
    return n * {"Y": 365 * 86400, "M": 30 * 86400, "W": 7 * 86400, "D": 86400, "DE": 3650 * 86400}.get(u, 1)


def _minutes_apart(a: str, b: str) -> float:
    """Minutes between two clock times ("XXXX-XX-XXT09:27"); unknown when either has no clock."""
    ma, mb = re.search(r"T(\d\d):(\d\d)", a), re.search(r"T(\d\d):(\d\d)", b)
    if not ma or not mb:
        return math.inf
    d = abs(int(ma.group(1)) * 60 + int(ma.group(2)) - int(mb.group(1)) * 60 - int(mb.group(2)))
    return min(d, 24 * 60 - d)


def _clock_rounding(a: str, b: str) -> bool:
    """9:27 and "about 9:30": clock times a few minutes apart, one of them on a round quarter."""
    ma, mb = re.search(r"T(\d\d):(\d\d)", a), re.search(r"T(\d\d):(\d\d)", b)
    if not ma or not mb or a[-1:] != b[-1:] and not (a[-1:].isdigit() and b[-1:].isdigit()):
        return False
    ta, tb = int(ma.group(1)) * 60 + int(ma.group(2)), int(mb.group(1)) * 60 + int(mb.group(2))
    return ta == tb or abs(ta - tb) <= 7 and (ta % 15 == 0 or tb % 15 == 0)


def _close_at(a: Fact, b: Fact, x: float | None, y: float | None) -> bool:
    """Near enough to be outlets' versions of one figure rather than two different figures, given
    the facts' numbers (``_num``, worked out once per fact by ``_groups``).

    A bound ("at least 3") is compatible with any larger value but is not near it: closeness is
    on the numbers alone, so a bound cannot chain a toll of 10 to one of 612."""
    if a.value == b.value:
        return True
    if a.kind == "duration":
        x, y = _seconds(str(a.value)), _seconds(str(b.value))
        return x is not None and y is not None and min(x, y) > 0 and max(x, y) / min(x, y) <= 4
    if x is None or y is None:
        if a.kind == "date":
            # two dates of one event differ by days, not years; clock times only in one zone
            va, vb = str(a.value), str(b.value)
            if "T" in va or "T" in vb:
                same_zone = va[-1:] == vb[-1:] or (va[-1:].isdigit() and vb[-1:].isdigit())
                if not same_zone:
                    # the same clock reading as GMT in one report and local time in another: one of
                    # them got the zone wrong (two happenings at the very minute in two zones are rare)
                    return _minutes_apart(va, vb) == 0
                return _minutes_apart(va, vb) <= 90  # 7:48 and 4:43: two quakes
            if len(va) == len(vb) == 4 and va.isdigit() and vb.isdigit():
                return abs(int(va) - int(vb)) <= 1  # outlets disagree on a year by one, not by ten
            return va[:4] == vb[:4] and len(va) == len(vb)
        return False
    if a.kind == "quantity" and a.unit == "magnitude":
        return abs(x - y) <= 0.25
    if a.kind == "quantity" and a.unit == "km" and min(x, y) > 0:
        # outlets' versions of one distance differ by a rounding or a conversion (20 vs 26 miles,
        # 1,150 vs 1,500 km); 75 and 135 km are two epicentres' distances
        return max(x, y) / min(x, y) <= 1.4
    if a.kind == "money":
        # a price or a revenue moves in steps (a raised bid is a new figure); outlets round it
        return is_rounding(a, b)
    lo, hi = sorted((x, y))
    if lo == 0:
        return a.kind == "count" and a.predicate in {"kill", "injure"} and hi <= 50
    if a.kind == "count" and hi <= 30:
        return hi / lo <= 3.4
    if a.kind == "count" and a.predicate in CROWD:
        return hi / lo <= 3.0  # a crowd's size is estimated, and police and organizers differ 2-3x
    return hi / lo <= 1.85


# what a crowd does: its size is an estimate that differs with who counts
CROWD = {"march", "protest", "rally", "demonstrate", "gather", "attend", "parade"}


def _groups(facts: list[Fact], now: int | None = None, magnitude: dict[tuple[str, int], float] | None = None,
            published: dict[str, str] | None = None, superseded: set[str] | None = None,
            lists: dict[tuple[str, int], frozenset[str]] | None = None) -> list[list[Fact]]:
    """Clusters of close values, never joining two values of one sentence.

    ``now``: the year the story is told in; a value its clause pins to an earlier year (the 2002
    quake's toll in a 2009 story) is background and never joins a value with no year.
    ``magnitude``: the one magnitude a sentence names ((article, sentence) -> value); a toll told with
    a 5.2 quake and one told with a 5.6 quake are two quakes' tolls.
    ``lists``: the kinds of things each sentence counts ((article, sentence) -> nouns).

    Two clusters join when no member of the one is ``_apart`` from a member of the other. Each
    ordered pair of facts is judged at most once: a cluster found apart from another stays apart
    from it as both grow (the bad pair stays in them), and closeness is worked out once per pair."""
    mags = magnitude or {}
    listed = lists or {}
    main = _main_magnitude({(f.article, f.sentence): mags[(f.article, f.sentence)]
                            for f in facts if (f.article, f.sentence) in mags})
    pub = published or {}
    old = superseded or set()
    facts = sorted(facts, key=lambda f: (_num(f) if _num(f) is not None else 0, str(f.value)))
    n = len(facts)
    num = [_num(f) for f in facts]
    mag = [mags.get((f.article, f.sentence)) for f in facts]
    items = [listed.get((f.article, f.sentence), frozenset()) for f in facts]

    def linked(i: int, j: int) -> bool:
        """Close values, or two sentences listing the same three or more kinds of things ("six AK-47
        rifles, 12 magazines and about 300 rounds" / "14 AK-47 rifles, 31 magazines and 923 rounds"):
        one haul, however far apart their numbers are."""
        a, b = facts[i], facts[j]
        return _close_at(a, b, num[i], num[j]) or a.article != b.article and a.noun in items[i] and len(items[i] & items[j]) >= _LIST_ITEMS

    # link[i * n + j]: ``linked(i, j)``, worked out once for each ordered pair that needs it
    link: list[bool | None] = [None] * (n * n)
    for i in range(n):
        for j in range(i + 1, n):
            link[i * n + j] = linked(i, j)

    def bad(i: int, j: int) -> bool:
        near = link[i * n + j]
        if near is None:
            near = link[i * n + j] = linked(i, j)
        return _apart(facts[i], facts[j], num[i], num[j], mag[i], mag[j], near, now, main, pub, old)

    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    # apart[r]: clusters holding a fact some member of r is apart from (members of r first: the
    # pair test need not be symmetric); into[r]: the clusters whose apart holds r
    apart: dict[int, set[int]] = defaultdict(set)
    into: dict[int, set[int]] = defaultdict(set)

    def blocked(ri: int, rj: int) -> bool:
        if rj in apart[ri]:
            return True
        if any(bad(i, j) for i in members[ri] for j in members[rj]):
            apart[ri].add(rj)
            into[rj].add(ri)
            return True
        return False

    pairs = [(i, j) for i in range(n) for j in range(i + 1, n) if link[i * n + j]]
    # the nearest values join first, so a far value cannot chain two figures together early
    # (on a tie, the pair with the better-attested value first: a "no casualties" as far from 7 as
    # from 12 joins the figure more reports give)
    support: dict[object, int] = defaultdict(int)
    for f in facts:
        support[f.value] += 1
    # what _gap compares: the numbers, or seconds where the first is a duration
    secs = [_seconds(str(f.value)) for f in facts] if any(f.kind == "duration" for f in facts) else num

    def distance(i: int, j: int) -> float:
        if facts[i].kind == "duration":
            return _gap(facts[i], facts[j], secs[i], secs[j])
        return _gap(facts[i], facts[j], num[i], num[j])

    pairs.sort(key=lambda p: (distance(*p), -support[facts[p[0]].value] - support[facts[p[1]].value]))
    for i, j in pairs:
        ri, rj = find(i), find(j)
        if ri == rj or blocked(ri, rj):
            continue
        parent[rj] = ri
        members[ri] += members.pop(rj)
        # rj's members are ri's now: what rj was apart from (or from it), ri is
        for x in apart.pop(rj, ()):
            into[x].discard(rj)
            if x != ri:
                apart[ri].add(x)
                into[x].add(ri)
        for x in into.pop(rj, ()):
            apart[x].discard(rj)
            if x != ri:
                apart[x].add(ri)
                into[ri].add(x)
    return [[facts[i] for i in m] for m in members.values()]


def _apart(a: Fact, b: Fact, x: float | None, y: float | None, ma: float | None, mb: float | None, near: bool,
           now: int | None, main: float | None, pub: dict[str, str], old: set[str]) -> bool:
    """Whether two facts of a block cannot be versions of one figure (``_groups`` keeps them in
    different groups). ``x``/``y``: their numbers (``_num``); ``ma``/``mb``: the magnitude their
    sentences name; ``near``: their values are close or their sentences list one haul."""
    if a.agent and b.agent and a.agent != b.agent and not _same_cause(a.agent, b.agent) \
            and (_cause(a.agent) and _cause(b.agent) or _key(a) != f"{a.noun}|"):
        return True  # a quake's toll and a tsunami's; the first quake and another
    if a.period and b.period and a.period != b.period:
        return True  # the 2004 toll and this year's; a value with no year may be either
    if now is not None and bool(a.period) != bool(b.period) \
            and int(str(a.period or b.period)[:4]) < now:
        return True  # ... unless the year is past: then the other is this story's figure
    if a.unit != "magnitude" and ma is not None and mb is not None and abs(ma - mb) > 0.3:
        return True  # outlets differ on one quake's magnitude by 0.1-0.2, not 0.4
    if a.unit != "magnitude" and main is not None and (ma is None) != (mb is None) \
            and abs((ma if mb is None else mb) - main) > 0.3:  # type: ignore[operator]
        # a sentence naming another quake's magnitude ("a 6.4-magnitude earthquake
        # jolted Maluku, but caused no casualties") tells that quake's figure, not the
        # story's, which most sentences tell without naming the magnitude again
        return True
    if a.place != b.place and (a.place and b.place or _part(a.place) or _part(b.place)):
        # the toll in one province and across the region; one district's and the whole toll
        return True
    if _bound_at(a, b, x, y, pub) or _bound_at(b, a, y, x, pub):
        return True  # "more than 50" is not a version of 43
    if not near:
        return True  # every two values of a group are versions of one figure, not a chain
    # an article does not contradict itself: its two figures for one measure are
    # two things ("quakes of 7.6 and 7.4", this toll and an old disaster's)
    return a.article == b.article and not compatible(a, b) and not _two_parties(a, b) \
        and a.id not in old and b.id not in old


def _bound_against(a: Fact, b: Fact, published: dict[str, str]) -> bool:
    """A bound ("more than 50") that an exact figure ("43") falls outside of: the bound counts a
    larger or another total (the school's and the housing strikes' dead together), not a version of
    the exact figure. Outlets' versions of one figure agree with each other's bounds, except where
    the exact figure was published earlier and the toll has grown since (three dead, then "at least
    10")."""
    return _bound_at(a, b, _num(a), _num(b), published)


def _bound_at(a: Fact, b: Fact, x: float | None, y: float | None, published: dict[str, str]) -> bool:
    """``_bound_against`` given the facts' numbers (``_num``)."""
    if x is None or y is None or b.qualifier not in {None, "about"}:
        return False
    # outlets round a toll by a few percent ("at least 43" beside 40); a bound 10% or more above
    # the exact figure counts something larger
    slack = 0.1 * y
    if a.qualifier == "more_than" and y + slack < x:
        da, db = published.get(a.article, ""), published.get(b.article, "")
        return not (da and db and db < da)
    if a.qualifier in {"less_than", "at_most", "up_to"}:
        return y - slack > x
    return False


def _two_parties(a: Fact, b: Fact) -> bool:
    """Two figures one article attributes to two different parties ("no casualties, aid workers
    said" and "12 killed, the commissioner said"): the article reports a dispute, it does not
    contradict itself."""
    if "outlet" in {a.asserted_by, b.asserted_by} or not a.asserted_by or not b.asserted_by:
        return False
    return not (_who(a.asserted_by) & _who(b.asserted_by))


def _part(place: str) -> bool:
    return place.rsplit(" ", 1)[-1] in SUBUNITS


# what kills, hurts or destroys: two figures with two such causes named are two happenings. For
# counted things, other subjects ("the navy", "commandos", "personnel" seized seven rifles) are who
# acted, and outlets name the same actor in different ways; for people, who did it is which side
CAUSES = {"quake", "aftershock", "tsunami", "attack", "airstrike", "shooter", "shooting", "bomber", "landslide",
          "flood", "storm", "fire", "blaze", "hurricane", "cyclone", "typhoon", "avalanche", "mudslide", "crash",
          "eruption", "wave"}


def _cause(agent: str) -> bool:
    return agent.partition("#")[0] in CAUSES


def _same_cause(a: str, b: str) -> bool:
    """"quake" and "quake#1" may be one quake; "quake#1" and "quake#+" are two."""
    name_a, _, order_a = a.partition("#")
    name_b, _, order_b = b.partition("#")
    return name_a == name_b and (not order_a or not order_b)


def _gap(a: Fact, b: Fact, x: float | None, y: float | None) -> float:
    """How far apart two facts' values are, given the numbers compared (``_num``, or seconds for
    durations: nearest first holds for them too), as a share of the larger."""
    if x is None or y is None:
        return 0.0 if a.value == b.value else 1.0
    return abs(x - y) / max(abs(x), abs(y), 1e-9)


def _label(f: Fact) -> str:
    v = _num(f)
    if v is None:
        value = str(f.value)
    elif f.unit == "km":
        return f.text  # as written ("about 35 miles"), not its conversion
    elif f.unit and f.unit not in {"km", "magnitude", "%"}:
        value = f"{v:,.0f} {f.unit}" if v >= 100 else f"{v:g} {f.unit}"
    else:
        value = f"{v:,g}" + (f" {f.unit}" if f.unit == "km" else "%" if f.unit == "%" else "")
    if f.qualifier and f.qualifier != "range":
        value = f"{f.qualifier.replace('_', ' ')} {value}"
    elif f.qualifier == "range" and f.value_max is not None:
        value = f"{value} to {f.value_max:,g}"
    return value


def _verdict(values: dict[str, list[Fact]], published: dict[str, str], texts: dict[str, str],
             superseded: set[str] | None = None, affiliation: dict[str, set[str]] | None = None) -> str:
    reps = [g[0] for g in values.values()]
    if all(is_rounding(a, b) for i, a in enumerate(reps) for b in reps[i + 1:]):
        return "rounding"
    first = reps[0]
    old = superseded or set()
    marked = [any(f.id in old for f in g) for g in values.values()]
    if any(marked) and not all(marked):
        return "update"  # the text says one figure was the first, since revised
    if first.predicate in GROWING and first.kind == "count" and first.noun in {"people", "", "village", "house", "home", "building"}:
        dated = [f for g in values.values() for f in g if published.get(f.article)]
        nums = {k: _num(g[0]) for k, g in values.items()}
        if not dated and all(v is not None for v in nums.values()) and len(nums) == 2:
            # no dates to order by: the text itself may say the higher figure is the newer one
            # ("bringing to 10 the number of Israelis killed", "the toll rose to 10")
            hi_k = max(nums, key=lambda k: nums[k] or 0)
            lo_k = min(nums, key=lambda k: nums[k] or 0)
            if (nums[lo_k] or 0) > 0 and any(_ROSE.search(_sentence(texts[f.article], f.start)) for f in values[hi_k]) \
                    and not any(_ROSE.search(_sentence(texts[f.article], f.start)) for f in values[lo_k]):
                return "update"
        if dated and all(v is not None for v in nums.values()):
            lo_k = min(nums, key=lambda k: nums[k] or 0)
            hi_k = max(nums, key=lambda k: nums[k] or 0)
            lo_dates = [published[f.article] for f in values[lo_k] if published.get(f.article)]
            hi_dates = [published[f.article] for f in values[hi_k] if published.get(f.article)]
            if lo_dates and hi_dates and (nums[lo_k] or 0) > 0 and (
                    max(lo_dates) < min(hi_dates)
                    or _median(lo_dates) < _median(hi_dates)
                    or (min(lo_dates) < max(hi_dates) and any(
                        _UPDATE_WORDS.search(_sentence(texts[f.article], f.start)) for f in values[hi_k]))):
                # the low figure comes first and the high one later: a toll that rose
                return "update"
    outlet = [g[0] for g in values.values() if any(_reports(f.asserted_by) for f in g)]
    if any(not compatible(a, b) for i, a in enumerate(outlet) for b in outlet[i + 1:]):
        return "conflict"  # two figures in the outlets' own voice
    org = affiliation or {}
    speakers = [set().union(*(_who(f.asserted_by) | org.get(f.asserted_by, set()) for f in g
                              if not _reports(f.asserted_by))) for g in values.values()]
    if any(speakers[i] & speakers[j] for i in range(len(speakers)) for j in range(i + 1, len(speakers))):
        return "conflict"  # one source gave both figures (or two officials of one agency)
    # a figure only one quoted party gives, against the outlet's own or another party's: a claim;
    # when every figure has the outlet or several parties behind it, the reports themselves conflict
    if all(len(s) > 1 or any(_reports(f.asserted_by) for f in g) for s, g in zip(_parties(values), values.values(), strict=True)):
        return "conflict"
    return "claim"


# who relays a figure rather than claims it: news media ("state television", "IRNA reported", "the
# ISNA news agency"), unnamed officials giving the official toll ("officials said", "Iranian
# authorities") and hospitals counting the dead. Their figures are reports, like the outlet's own; a
# named person or a party to the story (a spokesman, a minister, an activist group) makes a claim.
_MEDIA = {"media", "television", "tv", "radio", "agency", "newspaper", "paper", "press", "news", "report",
          "reports", "broadcaster", "channel", "wire", "irna", "isna", "afp", "ap", "reuters", "xinhua", "bbc"}
_RECORD = {"hospital", "hospitals", "doctors", "doctor", "medics", "medical", "morgue", "coroner"}
_UNNAMED = {"officials", "authorities", "official", "sources", "source"}


def _reports(who: str) -> bool:
    """The figure is reported, not claimed: by the outlet, a news medium or unnamed officials."""
    if who == "outlet":
        return True
    words = re.findall(r"[\w'.-]+", who)
    if not words:
        return False
    head = words[-1].lower().strip(".")
    if head in _MEDIA or any(w.lower() in {"media", "television", "agency", "news"} for w in words):
        return True
    if any(w.lower() in _RECORD for w in words):
        return True  # hospitals and doctors count the dead and hurt: a toll's source of record
    # "officials", "Iranian officials", "local authorities": no name, no party behind them
    return head in _UNNAMED and len(words) <= 3 and not any(w[:1].isupper() and w.lower() not in {"the", "local", "state"}
                                                           and not _demonym(w) for w in words)


def _demonym(word: str) -> bool:
    return bool(re.fullmatch(r"[A-Z][a-z]+(?:an|ian|ese|ish|i)", word))


def _parties(values: dict[str, list[Fact]]) -> list[set[str]]:
    """The distinct quoted parties behind each value (one speaker named two ways counts once)."""
    out = []
    for g in values.values():
        keys: list[set[str]] = []
        for f in g:
            if _reports(f.asserted_by):
                continue
            k = _who(f.asserted_by)
            if not any(k & seen for seen in keys):
                keys.append(k)
        out.append({min(k) for k in keys if k})
    return out


# an organization as a title names it: "the UN Relief and Works Agency", "UNRWA", "the United Nations"
_ORG_HEADS = r"(?:Agency|Organi[sz]ation|Ministry|Office|Survey|Council|Department|Service|Navy|Army|Committee|" \
             r"Commission|Programme|Program|Fund|Union|Institute|Authority|Police|Project|Bureau|Nations)"
_ORG = rf"(?:(?:[A-Z][\w.]*\s+(?:(?:and|of|for)\s+)?)+{_ORG_HEADS}|[A-Z]{{2,6}}|U\.N\.)"
# the roles a title gives an organization's people
_ROLE = r"(?:spokes(?:man|woman|person)|director|head|chief|official|officer|commissioner|minister|secretary|" \
        r"chairman|chairwoman|president|representative|ambassador|coordinator|commander|PRO)"
_NOT_ORGS = {"US", "UK", "GMT", "UTC", "AM", "PM", "EDT", "EST", "PST", "TV", "AP", "AFP", "UPI", "CNN", "BBC", "MR", "DR"}


def _org_key(org: str) -> str:
    """"UN Relief and Works Agency" -> unrwa, "UNRWA" -> unrwa, "the United Nations" -> un."""
    words = [w for w in org.split() if w not in {"and", "of", "for", "the"}]
    if words == ["United", "Nations"]:
        return "un"
    return "".join(w.replace(".", "") if w.isupper() or "." in w else w[0] for w in words).lower()


def _affiliations(speakers: set[str], texts: list[str]) -> dict[str, set[str]]:
    """The organizations each named speaker's title ties them to, anywhere in the story ("UNRWA
    spokesman Christopher Gunness", "John Ging, UNRWA's director of operations", "Christopher
    Gunness of the UN Relief and Works Agency"): two officials of one agency are one source, so
    their differing figures conflict rather than claim. Organizations merely mentioned near a
    name are not its affiliation."""
    out: dict[str, set[str]] = {}
    # what the texts tie to a name depends on its last word only: worked out once per surname
    by_surname: dict[str, set[str]] = {}
    for who in speakers:
        words = re.findall(r"[A-Z][\w'-]+", who)
        if not words or who.isupper() or len(words) < 2 and who != words[0]:
            continue  # a title without a name ("the Navy spokesman") is read as it is
        keys = by_surname.get(words[-1])
        if keys is None:
            keys = by_surname[words[-1]] = _surname_orgs(words[-1], texts)
        if keys:
            out[who] = set(keys)
    return out


def _surname_orgs(word: str, texts: list[str]) -> set[str]:
    """The organizations a title ties to the name ending in ``word``, in any of the texts."""
    surname = re.escape(word)
    before = re.compile(rf"(?:the\s+)?({_ORG})(?:'s)?\s+(?:[\w-]+\s+){{0,3}}?{_ROLE}s?\s+(?:(?:Mr|Ms|Dr)\.?\s+)?(?:[A-Z][\w.'-]*\s+)*$")
    after = re.compile(rf"^(?:,\s+(?:the\s+)?(?:(?:[\w'-]+\s+){{0,4}}?{_ROLE}\b[^,;.]{{0,40}}?\b(?:of|for|at|with)\s+(?:the\s+)?({_ORG})"
                       rf"|({_ORG})(?:'s)?\s+(?:[\w-]+\s+){{0,2}}?{_ROLE})"
                       rf"|\s+(?:of|from)\s+(?:the\s+)?({_ORG}))")
    keys: set[str] = set()
    for text in texts:
        if word not in text:
            continue  # the pattern below matches the word as written, nothing else: a quick no
        for m in re.finditer(rf"\b{surname}\b", text):
            head = re.match(r"(?:[A-Z][\w'-]*\s+)*", text[max(0, m.start() - 40) : m.start()][::-1])
            lo = m.start() - (len(head.group(0)) if head else 0)
            pre = text[max(0, lo - 90) : lo]
            pre = pre[max(pre.rfind(". "), pre.rfind("\n")) + 1 :]  # the title is in the name's sentence
            for mm in [before.search(pre), after.match(text[m.end() : m.end() + 120])]:
                for org in (mm.groups() if mm else ()):
                    if org and org not in _NOT_ORGS:
                        keys.add(_org_key(org))
    return keys


def _median(dates: list[str]) -> str:
    return sorted(dates)[len(dates) // 2]


def _who(name: str) -> set[str]:
    """Keys a speaker is known by: its last word and the initials of its capitalized words
    ("Qeshm Governor Mehdi Irannejad" -> irannejad; "the U.S. Geological Survey" -> survey, usgs)."""
    words = re.findall(r"[\w'.-]+", name)
    if not words:
        return set()
    keys = {words[-1].lower().strip(".")}
    caps = [w for w in words if w[:1].isupper()]
    initials = "".join(w.replace(".", "") if "." in w or w.isupper() else w[0] for w in caps).lower()
    if len(initials) >= 2:
        keys.add(initials)
    if len(words) == 1 and words[0].isupper():
        keys.add(words[0].lower())
    return keys


def _sentence(text: str, pos: int) -> str:
    lo = max(text.rfind("\n", 0, pos), text.rfind(". ", 0, pos)) + 1
    hi = text.find("\n", pos)
    return text[lo : hi if hi >= 0 else len(text)]


def discrepancies_of(facts: Iterable[Fact], published: dict[str, str], texts: dict[str, str],
                     first_id: int = 0, about: str = "") -> list[Discrepancy]:
    """The discrepancies among the facts of one story."""
    facts = list(facts)
    blocks: dict[tuple[str, str, str], list[Fact]] = defaultdict(list)
    for f in facts:
        if f.negated or f.value is None or f.measure in _VAGUE or f.kind == "age":
            continue
        if f.predicate in _VAGUE_PREDICATES and not (f.noun and f.predicate == "have") \
                and not (f.kind == "count" and _key(f) == f"{f.noun}|" and f.predicate in _LISTING):
            continue  # ... but "the haul included seven AK-47s" says what the things are, as any verb would
        if f.kind == "duration" and not (f.noun or f.predicate):
            continue  # "two days after ...": an offset from some moment, not how long a thing lasted
        if f.unit == "km" and not f.predicate:
            continue  # a distance from nowhere named
        if f.kind == "money" and not f.predicate or f.kind == "percent" and not f.predicate or f.kind == "count" and not (f.predicate or f.noun not in {"", "people"}):
            continue  # "20 people" with no verb says what it counts, not what happened to them  # ages are compared only as ages of one named person, not as counts
        unit = f.unit if f.kind in {"money", "quantity"} else ""
        blocks[(f.kind, _key(f), unit or "")].append(f)
    out: list[Discrepancy] = []
    now = _story_year([f for m in blocks.values() for f in m], published, texts)
    magnitude = _sentence_magnitudes(facts)
    # an article may give a figure and the one it replaced ("rated 4.2 ... originally had rated it 4.4")
    superseded = {f.id for f in facts if _superseded(texts.get(f.article, ""), f)}
    items: dict[tuple[str, int], set[str]] = defaultdict(set)
    for m in blocks.values():
        for f in m:
            if f.kind == "count" and _key(f) == f"{f.noun}|":
                items[(f.article, f.sentence)].add(f.noun)
    lists = {k: frozenset(v) for k, v in items.items()}
    affiliation = _affiliations({f.asserted_by for f in facts if not _reports(f.asserted_by)},
                                [texts.get(a, "") for a in dict.fromkeys(f.article for f in facts)])
    for (kind, measure, _unit), members in blocks.items():
        if len({f.article for f in members}) < 2:
            continue
        for group in _groups(members, now, magnitude, published, superseded, lists):
            if len({f.article for f in group}) < 2:
                continue
            if all(compatible(a, b) for i, a in enumerate(group) for b in group[i + 1:]):
                continue  # consistent: not a discrepancy
            values: dict[str, list[Fact]] = defaultdict(list)
            for f in sorted(group, key=lambda f: (published.get(f.article, ""), f.article, f.start)):
                values[_label(f)].append(f)
            # differing values must come from different articles, not just one article's two figures
            arts = [{f.article for f in g} for g in values.values()]
            if all(a == arts[0] for a in arts) and len(arts[0]) == 1:
                continue
            out.append(Discrepancy(
                id=f"d{first_id + len(out)}", event="", story=about, field="time" if kind == "date" else "amount",
                values=[DiscrepancyValue(
                    value=k, articles=sorted({f.article for f in g}),
                    mentions=[Span(f.article, f.start, f.end, f.text) for f in g],
                    asserted_by=list(dict.fromkeys(f.asserted_by for f in g))) for k, g in values.items()],
                verdict=_verdict(values, published, texts, superseded, affiliation), measure=measure, kind=kind,
                about=_describe(kind, measure), facts=[f.id for f in group]))
    return out


def _main_magnitude(mags: dict[tuple[str, int], float]) -> float | None:
    """The magnitude that most articles name beside a measure's figures: the quake those figures
    are about. None when no magnitude is named by two articles and by more articles than any other."""
    arts: dict[float, set[str]] = defaultdict(set)
    for (article, _), v in mags.items():
        arts[v].add(article)
    ranked = sorted(arts, key=lambda v: -len(arts[v]))
    if not ranked or len(arts[ranked[0]]) < 2 or len(ranked) > 1 and len(arts[ranked[1]]) >= len(arts[ranked[0]]):
        return None
    return ranked[0]


def _superseded(text: str, f: Fact) -> bool:
    """The sentence marks the figure as the first one, before the value: "originally had rated the
    quake as 4.4" (not the revised 4.2 earlier in that sentence)."""
    lo = max(text.rfind("\n", 0, f.start), text.rfind(". ", 0, f.start)) + 1
    return bool(_EARLIER.search(text[lo : f.start]))


def _sentence_magnitudes(facts: list[Fact]) -> dict[tuple[str, int], float]:
    """The magnitude each sentence names, where it names exactly one."""
    seen: dict[tuple[str, int], set[float]] = defaultdict(set)
    for f in facts:
        v = _num(f)
        if f.unit == "magnitude" and v is not None:
            seen[(f.article, f.sentence)].add(v)
    return {k: next(iter(v)) for k, v in seen.items() if len(v) == 1}


_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")


def _story_year(facts: list[Fact], published: dict[str, str], texts: dict[str, str]) -> int | None:
    """The year a story is told in: its latest publication year, else the latest year its texts name."""
    arts = {f.article for f in facts}
    years = [int(published[a][:4]) for a in arts if published.get(a, "")[:4].isdigit()]
    if not years:
        years = [int(y) for a in arts for y in _YEAR.findall(texts.get(a, ""))]
    return max(years) if years else None


def _describe(kind: str, measure: str) -> str:
    """A plain name for what the values measure: "people killed", "the price", "the magnitude"."""
    noun, _, pred = measure.partition("|")
    words = {"kill": "killed", "injure": "injured", "destroy": "destroyed", "damage": "damaged",
             "arrest": "arrested", "seize": "seized", "population": "living there", "evacuate": "displaced"}
    if kind == "money":
        return f"the {pred}" if pred else "the amount"
    if kind == "percent":
        return f"the share of {pred}" if pred else "the percentage"
    if kind == "quantity":
        if noun == "distance":
            return f"the distance from {pred}" if pred else "the distance"
        return f"the {noun}" if noun else "the quantity"
    if kind == "date":
        what = "time" if noun == "time" else "date"
        return f"the {what} ({pred})" if pred and pred != "happen" else f"the {what} it happened"
    if kind == "duration":
        return f"how long ({noun})" if noun else f"how long ({pred})" if pred else "how long"
    return " ".join(x for x in (noun or "things", words.get(pred, pred)) if x)


def resolve_facts(analyses: list[ArticleAnalysis], stories: dict[str, list[str]] | None = None) -> list[Discrepancy]:
    """Discrepancies of every story (``stories``: story id -> article ids; one story if None)."""
    published = {an.article.id: (an.article.published or "")[:10] for an in analyses}
    texts = {an.article.id: an.article.text for an in analyses}
    by_article = {an.article.id: an.facts for an in analyses}
    groups = stories if stories is not None else {"": list(by_article)}
    out: list[Discrepancy] = []
    for sid, members in groups.items():
        facts = [f for a in members for f in by_article.get(a, [])]
        out += discrepancies_of(facts, published, texts, len(out), sid)
    return out


def link_events(discrepancies: list[Discrepancy], events: list[Event]) -> list[Discrepancy]:
    """Tie each discrepancy to the fused event told in the same sentence as most of its values."""
    by_article: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for ev in events:
        for m in ev.mentions:
            by_article[m.article].append((m.start, m.start + 1, ev.id))
    for d in discrepancies:
        votes: dict[str, int] = defaultdict(int)
        for v in d.values:
            for m in v.mentions:
                for start, _, eid in by_article.get(m.article, []):
                    if abs(start - m.start) < 200:
                        votes[eid] += 1
        if votes:
            d.event = max(votes, key=lambda k: votes[k])
    return discrepancies
