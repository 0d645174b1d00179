"""Time expressions normalized to TIMEX3 values against the article's publication date.

The rules follow HeidelTime (Strötgen & Gertz 2010/2013): find candidates, then normalize each by
its pattern, anchoring relative expressions at the document creation time (DCT) and choosing the
direction of underspecified ones ("in June", "on Monday") by the tense of the governing verb.
dateparser does not handle "earlier this month", "late February", "in June last year", and sends a
weekday equal to the publication day a week back, so it is only a last-resort helper here.

A value that cannot be resolved is kept with ``value=None`` and a ``note``: never a silent guess.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from ..model import TimeExpr
from .spans import doc_text

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], start=1)}
MONTHS.update({k[:3]: v for k, v in list(MONTHS.items())})
MONTHS["sept"] = 9
WEEKDAYS = {d: i for i, d in enumerate(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}
WEEKDAYS.update({k[:3]: v for k, v in list(WEEKDAYS.items())})
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
           "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
           "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
           "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
           "sixty": 60, "hundred": 100, "half": 0.5, "a half": 0.5, "a couple of": 2, "couple": 2}
UNITS = {"year": "Y", "month": "M", "week": "W", "day": "D", "hour": "H", "minute": "M",
         "second": "S", "decade": "DE", "century": "CE", "quarter": "Q", "weekend": "WE",
         "fortnight": "W", "night": "D", "morning": "D", "afternoon": "D", "millennium": "ML"}
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4,
            "last": 4, "final": 4}
SEASONS = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
PARTS = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "tonight": "NI",
         "overnight": "NI"}
MODS = {"early": "START", "mid": "MID", "middle": "MID", "late": "END", "end": "END",
        "beginning": "START", "start": "START"}
PRESENT = {"now", "currently", "at present", "present", "the present", "today's", "nowadays",
           "these days", "the moment", "at the moment", "right now", "current"}
PAST = {"recently", "the past", "previously", "once", "formerly", "lately", "earlier", "in the past",
        "recent", "former"}
FUTURE = {"the future", "soon", "future", "in the future", "shortly", "later", "eventually",
          "in the coming years", "the coming years"}
SETS = {"daily": "P1D", "weekly": "P1W", "monthly": "P1M", "annually": "P1Y", "yearly": "P1Y",
        "hourly": "PT1H", "quarterly": "P3M", "nightly": "P1D"}

_LEAD = re.compile(r"^(?:on|in|at|by|since|until|till|from|during|of|as of|before|after|"
                   r"through|throughout|within|over|around|about|for)\s+", re.I)
_NUMWORD = r"(?:\d+(?:\.\d+)?|" + "|".join(sorted(NUMBERS, key=len, reverse=True)) + r")"
_UNIT = r"(?:years?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?|centuries|century|quarters?|fortnights?|nights?)"


@dataclass
class Norm:
    type: str
    value: str | None
    mod: str | None = None
    note: str | None = None


def _num(word: str) -> float | None:
    word = word.lower().strip()
    if re.fullmatch(r"\d+(\.\d+)?", word):
        return float(word)
    return NUMBERS.get(word)


def _fmt_num(v: float) -> str:
    return str(int(v)) if v == int(v) else str(v)


def _duration(n: float | None, unit: str) -> str:
    # TimeML corpora write decades as years ("a decade" = P10Y); P1DE is legal but rarely used
    if unit.rstrip("s") == "decade" and n is not None:
        return f"P{_fmt_num(n * 10)}Y"
    u = unit.lower().rstrip("s") if unit.lower() != "centuries" else "century"
    code = UNITS.get(u, "D")
    count = "X" if n is None else _fmt_num(n)
    if u in {"hour", "minute", "second"}:
        return f"PT{count}{code}"
    return f"P{count}{code}"


def _week(d: dt.date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def _shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    idx = year * 12 + (month - 1) + delta
    return idx // 12, idx % 12 + 1


def _month_year(month: int, dct: dt.date, tense: str, day: int | None = None) -> int:
    """The year that makes "<month> [day]" most recent (past tense) or next (future tense)."""
    here = (dct.month, dct.day if day is not None else 0)
    there = (month, day or 0)
    if tense == "future":
        return dct.year if there >= here else dct.year + 1
    if tense == "present":
        # no tense to go by: the occurrence nearest the publication date
        return min((dct.year - 1, dct.year, dct.year + 1), key=lambda y: abs((y * 12 + month) - (dct.year * 12 + dct.month)))
    return dct.year if there <= here or (day is None and month == dct.month) else dct.year - 1


def normalize(text: str, dct: dt.date | None, tense: str = "past") -> Norm:
    """TIMEX3 type and value of one expression (see module docstring)."""
    raw = text.strip()
    t = raw.lower().replace("’", "'").strip(" .,;")
    t = re.sub(r"'s$", "", t)
    bare = t
    while True:
        stripped = _LEAD.sub("", t)
        if stripped == t:
            break
        t = stripped
    t = re.sub(r"\s+", " ", t)
    t = re.sub(r"^the ", "the ", t)
    t = t.replace("fiscal ", "")

    # ---- absolute -----------------------------------------------------------------------
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", t):
        return Norm("DATE", t)
    if m := re.fullmatch(r"(?:(?:\w+), )?(\w+)\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})", t):
        if m.group(1)[:4].rstrip(".") in MONTHS or m.group(1) in MONTHS:
            mon = MONTHS.get(m.group(1), MONTHS.get(m.group(1)[:3]))
            return _date(int(m.group(3)), mon, int(m.group(2)))
    if m := re.fullmatch(r"(?:(?:\w+), )?(?:the )?(\d{1,2})(?:st|nd|rd|th)? (?:of )?(\w+)\.?,? (\d{4})", t):
        if m.group(2) in MONTHS:
            return _date(int(m.group(3)), MONTHS[m.group(2)], int(m.group(1)))
    if m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", t):
        return _date(int(m.group(3)), int(m.group(1)), int(m.group(2)))
    if m := re.fullmatch(r"(?:(early|mid|late|the end of|the beginning of|the start of|the middle of)[- ])?(\w+)\.?,? (\d{4})", t):
        if m.group(2) in MONTHS:
            return Norm("DATE", f"{m.group(3)}-{MONTHS[m.group(2)]:02d}", _mod(m.group(1)))
        if m.group(2) in SEASONS:
            return Norm("DATE", f"{m.group(3)}-{SEASONS[m.group(2)]}", _mod(m.group(1)))
    if m := re.fullmatch(r"(?:the )?(?:(early|mid|late|the end of|the beginning of|the start of|the middle of|the first half of|the second half of)[- ]?)?(?:the year )?(?:fiscal |calendar |fy ?)?(\d{4})", t):
        mod = _mod(m.group(1))
        if m.group(1) and "half" in m.group(1):
            return Norm("DATE", f"{m.group(2)}-H{1 if 'first' in m.group(1) else 2}")
        return Norm("DATE", m.group(2), mod)
    if m := re.fullmatch(r"(?:the )?(\d{2,3})0'?s", t):
        return Norm("DATE", m.group(1) if len(m.group(1)) == 3 else "19" + m.group(1)[:1])
    if m := re.fullmatch(r"(?:the )?(\w+) quarter(?: of)?,? (\d{4})", t) or re.fullmatch(r"q([1-4]),? (\d{4})", t):
        q = ORDINALS.get(m.group(1), int(m.group(1)) if m.group(1).isdigit() else None)
        if q:
            return Norm("DATE", f"{m.group(2)}-Q{q}")
    if m := re.fullmatch(r"(\d{4})-(\d{2})", t):
        return Norm("DATE", t)

    # ---- expressions that need no anchor ---------------------------------------------------
    if t in PRESENT:
        return Norm("DATE", "PRESENT_REF")
    if t in PAST:
        return Norm("DATE", "PAST_REF")
    if t in FUTURE:
        return Norm("DATE", "FUTURE_REF")
    if t in SETS:
        return Norm("SET", SETS[t])
    if m := re.fullmatch(r"(?:the )?(\d{1,2})(?:st|nd|rd|th) century", t):
        return Norm("DATE", f"{int(m.group(1)) - 1:02d}")
    if m := re.fullmatch(r"(?:every|each|per|a|an) (\w+)", t):
        u = m.group(1).rstrip("s")
        if u in PARTS:
            return Norm("SET", "XXXX-XX-XXT" + PARTS[u])
        if u in UNITS and u not in {"weekend"}:
            return Norm("SET", _duration(1, u))
        if u in WEEKDAYS:
            return Norm("SET", "XXXX-WXX-" + str(WEEKDAYS[u] + 1))
    if m := re.fullmatch(rf"(?:the )?(?:(?:past|last|next|first|coming|previous|following|recent|final) )?(?:(nearly|almost|about|around|more than|over|some|up to|at least|just over|just under|roughly|less than) )?({_NUMWORD}|several|few|a few|many|some)[- ]({_UNIT})(?:[- ]long| old| older)?", t):
        n = _num(m.group(2)) if m.group(2) not in {"several", "few", "a few", "many", "some"} else None
        return Norm("DURATION", _duration(n, m.group(3)), _approx(m.group(1)))
    if m := re.fullmatch(rf"({_NUMWORD})[- ]({_UNIT})[- ]old", t):
        return Norm("DURATION", _duration(_num(m.group(1)), m.group(2)))
    if m := re.fullmatch(r"(?:the )?(?:past|last|next|coming|previous|recent)? ?(years|months|weeks|days|decades|hours)", t):
        return Norm("DURATION", _duration(None, m.group(1)))
    if m := re.fullmatch(r"(?:the )?(?:(?:past|last|previous) (year|month|week|decade|day)|(?:next|following|coming) (decade))", t):
        if t.startswith("the "):
            return Norm("DURATION", _duration(1, m.group(1) or m.group(2)))

    if dct is None:
        return Norm(_guess_type(t), None, note="no publication date to resolve against")
    # "may" alone is the modal verb; "in May" is the month
    return _relative(t, dct, tense, month_ok=bare != t)


def _approx(q: str | None) -> str | None:
    if not q:
        return None
    if q in {"more than", "over", "just over", "at least"}:
        return "MORE_THAN" if q != "at least" else "EQUAL_OR_MORE"
    if q in {"less than", "just under", "up to"}:
        return "LESS_THAN"
    return "APPROX"


def _mod(word: str | None) -> str | None:
    if not word:
        return None
    for k, v in MODS.items():
        if k in word:
            return v
    return None


def _date(y: int, mth: int | None, d: int) -> Norm:
    if mth is None:
        return Norm("DATE", None, note="unknown month")
    try:
        return Norm("DATE", dt.date(y, mth, d).isoformat())
    except ValueError:
        return Norm("DATE", None, note=f"impossible date {y}-{mth:02d}-{d:02d}")


def _guess_type(t: str) -> str:
    if re.search(r"\d(:\d\d)?\s*(a\.?m\.?|p\.?m\.?)|noon|midnight|morning|evening|night|afternoon", t):
        return "TIME"
    return "DATE"


def _relative(t: str, dct: dt.date, tense: str, month_ok: bool = False) -> Norm:
    y = dct.year
    if t in {"today", "this day", "the day", "tonight", "this morning", "this afternoon", "this evening"}:
        part = PARTS.get(t.split()[-1])
        return Norm("TIME" if part else "DATE", dct.isoformat() + (f"T{part}" if part else ""))
    if t == "yesterday":
        return Norm("DATE", (dct - dt.timedelta(days=1)).isoformat())
    if t == "tomorrow":
        return Norm("DATE", (dct + dt.timedelta(days=1)).isoformat())
    if m := re.fullmatch(r"(yesterday|tomorrow|last|this) (morning|afternoon|evening|night)", t):
        off = {"yesterday": -1, "tomorrow": 1, "last": -1, "this": 0}[m.group(1)]
        return Norm("TIME", f"{(dct + dt.timedelta(days=off)).isoformat()}T{PARTS[m.group(2)]}")
    # weekdays: "Monday", "last Monday", "next Friday", "Monday morning"
    if m := re.fullmatch(r"(?:(last|this|next|past|coming|early|late) )?(\w+?)\.?(?:'s)?(?: (morning|afternoon|evening|night))?", t):
        if m.group(2) in WEEKDAYS:
            wd = WEEKDAYS[m.group(2)]
            which = m.group(1)
            if which in {"next", "coming"} or (which is None and tense == "future") or (which == "this" and tense == "future"):
                delta = (wd - dct.weekday()) % 7
                if which == "next" and delta == 0:
                    delta = 7
            else:
                delta = -((dct.weekday() - wd) % 7)
                if which in {"last", "past"} and delta == 0:
                    delta = -7
            d = dct + dt.timedelta(days=delta)
            if m.group(3):
                return Norm("TIME", f"{d.isoformat()}T{PARTS[m.group(3)]}")
            return Norm("DATE", d.isoformat())
    if m := re.fullmatch(r"(last|next|this) (\w+)", t):
        if m.group(2) in MONTHS:
            mon = MONTHS[m.group(2)]
            if m.group(1) == "last":
                year = y if mon < dct.month else y - 1
            elif m.group(1) == "next":
                year = y if mon > dct.month else y + 1
            else:
                year = y
            return Norm("DATE", f"{year}-{mon:02d}")
    # "in June", "June 5", "late February", "in June last year", "June of next year"
    if m := re.fullmatch(r"(?:(early|mid|late|the end of|the beginning of|the start of|the middle of)[- ]?)?(\w+)\.?(?: (\d{1,2})(?:st|nd|rd|th)?)?(?:,? (?:of )?(last|this|next) year)?", t):
        mon_word = m.group(2)
        if mon_word in MONTHS and (mon_word != "may" or month_ok or m.group(3) or m.group(1) or m.group(4)):
            mon = MONTHS[mon_word]
            day = int(m.group(3)) if m.group(3) else None
            if m.group(4):
                year = y + {"last": -1, "this": 0, "next": 1}[m.group(4)]
            else:
                year = _month_year(mon, dct, tense, day)
            if day:
                return _date(year, mon, day)
            return Norm("DATE", f"{year}-{mon:02d}", _mod(m.group(1)))
    if m := re.fullmatch(r"(?:the )?(\d{1,2})(?:st|nd|rd|th)? (?:of )?(\w+)", t):
        if m.group(2) in MONTHS:
            mon = MONTHS[m.group(2)]
            return _date(_month_year(mon, dct, tense, int(m.group(1))), mon, int(m.group(1)))
    # this/last/next + unit, with earlier/later
    if m := re.fullmatch(r"(?:(earlier|later|early|late|mid|the end of|the beginning of|the start of|the middle of|the rest of|the remainder of)[- ]?)?(?:(this|last|next|the past|the coming|the previous|the following|the current|current|the same) )(year|month|week|quarter|weekend|decade|century|spring|summer|fall|autumn|winter|season)", t):
        mod = _mod(m.group(1)) if m.group(1) not in {"earlier", "later"} else None
        which = m.group(2).replace("the ", "")
        off = {"this": 0, "current": 0, "same": 0, "last": -1, "past": -1, "previous": -1,
               "next": 1, "coming": 1, "following": 1}[which]
        unit = m.group(3)
        if unit == "year":
            return Norm("DATE", str(y + off), mod)
        if unit == "month":
            yy, mm = _shift_month(y, dct.month, off)
            return Norm("DATE", f"{yy}-{mm:02d}", mod)
        if unit == "week":
            return Norm("DATE", _week(dct + dt.timedelta(weeks=off)), mod)
        if unit == "weekend":
            return Norm("DATE", _week(dct + dt.timedelta(weeks=off)) + "-WE")
        if unit == "quarter":
            q = (dct.month - 1) // 3 + off
            yy = y + q // 4
            return Norm("DATE", f"{yy}-Q{q % 4 + 1}", mod)
        if unit == "decade":
            return Norm("DATE", str(y // 10 + off)[:3], mod)
        if unit == "century":
            return Norm("DATE", str(y // 100 + off), mod)
        if unit in SEASONS:
            return Norm("DATE", f"{y + off}-{SEASONS[unit]}", mod)
    if m := re.fullmatch(rf"({_NUMWORD}|a few|several) (year|month|week|day|decade)s? (ago|earlier|before|later|from now|hence)", t):
        n = _num(m.group(1))
        sign = -1 if m.group(3) in {"ago", "earlier", "before"} else 1
        if n is None:
            return Norm("DATE", "PAST_REF" if sign < 0 else "FUTURE_REF")
        n = int(n)
        unit = m.group(2)
        if unit == "day":
            return Norm("DATE", (dct + dt.timedelta(days=sign * n)).isoformat())
        if unit == "week":
            return Norm("DATE", _week(dct + dt.timedelta(weeks=sign * n)))
        if unit == "month":
            yy, mm = _shift_month(y, dct.month, sign * n)
            return Norm("DATE", f"{yy}-{mm:02d}")
        if unit == "year":
            return Norm("DATE", str(y + sign * n))
        if unit == "decade":
            return Norm("DATE", str(y + sign * 10 * n)[:3])
    if m := re.fullmatch(r"(?:this|last|next|the) (spring|summer|fall|autumn|winter)", t):
        off = -1 if t.startswith("last") else (1 if t.startswith("next") else 0)
        return Norm("DATE", f"{y + off}-{SEASONS[m.group(1)]}")
    if m := re.fullmatch(r"(?:the )?(first|second|third|fourth|1st|2nd|3rd|4th|final) quarter of (last|this|next) year", t):
        return Norm("DATE", f"{y + {'last': -1, 'this': 0, 'next': 1}[m.group(2)]}-Q{ORDINALS[m.group(1)]}")
    if m := re.fullmatch(r"(?:the )?(first|second|third|fourth|1st|2nd|3rd|4th|final|last) quarter", t):
        q = ORDINALS[m.group(1)]
        yy = y if (q - 1) * 3 < dct.month or tense == "future" else y - 1
        return Norm("DATE", f"{yy}-Q{q}")
    if m := re.fullmatch(r"(?:(spring|summer|fall|autumn|winter))", t):
        return Norm("DATE", f"{y}-{SEASONS[m.group(1)]}")
    if m := re.fullmatch(r"(\d{1,2})(?::(\d{2}))? ?([ap])\.?m\.?(?: \w+)?", t):
        h = int(m.group(1)) % 12 + (12 if m.group(3) == "p" else 0)
        return Norm("TIME", f"{dct.isoformat()}T{h:02d}:{m.group(2) or '00'}")
    if m := re.fullmatch(r"(\d{1,2}):?(\d{2}) (utc|gmt)", t):
        return Norm("TIME", f"{dct.isoformat()}T{int(m.group(1)):02d}:{m.group(2)}Z")
    if t in {"noon", "midday"}:
        return Norm("TIME", f"{dct.isoformat()}T12:00")
    if t in {"the weekend", "this weekend", "weekend"}:
        return Norm("DATE", _week(dct) + "-WE")
    return Norm(_guess_type(t), None, note=f"cannot resolve {t!r}")


# ---- finding expressions in a parsed article -----------------------------------------------

_EXTRA = re.compile(
    r"\b(?:(?:last|next|this|on|early|late) )?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
    r"(?: (?:morning|afternoon|evening|night))?\b"
    r"|\b(?:earlier|later) this (?:year|month|week)\b"
    r"|\b(?:today|yesterday|tomorrow|tonight|currently|recently)\b"
    r"|\b(?:last|next|this) (?:year|month|week|quarter)\b"
    r"|\b(?:early|mid|late)-\d{4}\b"
    r"|\b(?:in|In|since|Since|by|By|until|from|From) (?:1[89]\d\d|20\d\d)\b(?!\s*(?:%|percent|shares|people|jobs|employees))"
    r"|\bnow\b(?! that)"
    r"|\b\d{1,2}:?\d\d (?:UTC|GMT)\b"
    r"|(?<=\b[Ii]n )the past\b(?![- ](?:\d|few|several|two|three|four|five|year|month|week|decade|day|quarter))"
    r"|\b(?:(?:last|next|this|early|late|mid-?) )?"
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
    r"(?: \d{1,2}(?:st|nd|rd|th)?)?(?:,? \d{4})?\b",
)
_FUTURE_AUX = {"will", "'ll", "shall", "wo"}


def tense_of(span: Span) -> str:
    """'future' when the governing verb is future (will, going to, plans to, next), 'past' when it is
    past, else 'present' (no direction: month names then take the nearest occurrence)."""
    before = doc_text(span.doc)[max(0, span.start_char - 7) : span.start_char].lower().split()
    if before and before[-1] in {"until", "till", "by"} and span.root.head.tag_ != "VBD":
        return "future"
    head = span.root.head
    for _ in range(4):
        if head.pos_ in {"VERB", "AUX"}:
            break
        if head.head is head:
            break
        head = head.head
    kids = {c.lower_ for c in head.children}
    if kids & _FUTURE_AUX or head.lower_ in _FUTURE_AUX:
        return "future"
    if head.tag_ in {"VBD", "VBN"} and not kids & {"to"}:
        return "past"
    # "hoped to reach an agreement in December", "plans to close in June"
    if "to" in kids and head.head.lemma_ in {"hope", "expect", "plan", "aim", "want", "intend", "seek",
                                              "schedule", "set", "due", "try", "promise", "vow"}:
        return "future"
    if head.lemma_ in {"plan", "schedule", "expect", "due", "set"} or "to" in kids and head.tag_ == "VBZ":
        return "future"
    if head.tag_ in {"VBZ", "VBP"} and head.lemma_ not in {"be", "have", "say"} and not any(
        c.dep_ == "aux" for c in head.children
    ):
        return "future" if span.root.lower_ in WEEKDAYS else "past"
    sent = span.sent.text.lower()
    if re.search(r"\b(will|is set to|is due to|are due to|plans to|is scheduled|are scheduled|is expected to)\b", sent):
        return "future"
    return "present"


def _trim_span(doc: Doc, start: int, end: int) -> tuple[int, int]:
    text = doc_text(doc)
    while True:
        m = _LEAD.match(text[start:end])
        if not m or m.end() >= end - start:
            break
        start += m.end()
    while end > start and text[end - 1] in " .,;:'’":
        end -= 1
    if text[start:end].lower().endswith(("'s", "’s")):
        end -= 2
    return start, end


NOT_TIME = re.compile(r"^(?:\d{1,3}|one|the \w+|some|a|an|\d+ (?:percent|per cent))$", re.I)
# ages are not times in TimeML ("the 22-year-old", "a man, 40 years old")
AGE = re.compile(r"[-\s]years?[-\s]old\b|-month-old\b", re.I)
YEAR_RANGE = re.compile(r"((?:1[89]|20)\d\d)\s*[-–]\s*(\d\d(?:\d\d)?)$")


def _candidates(doc: Doc) -> list[tuple[int, int]]:
    candidates: list[tuple[int, int]] = []
    for ent in doc.ents:
        if ent.label_ in {"DATE", "TIME"}:
            candidates.append(_trim_span(doc, ent.start_char, ent.end_char))
    for m in _EXTRA.finditer(doc_text(doc)):
        s, e = _trim_span(doc, m.start(), m.end())
        hits = [(cs, ce) for cs, ce in candidates if cs < e and s < ce]
        # a longer rule match ("Friday afternoon") replaces the shorter NER span it contains ("Friday")
        if hits and all(s <= cs and ce <= e for cs, ce in hits) and (s, e) not in hits:
            candidates = [c for c in candidates if c not in hits]
            hits = []
        if not hits:
            candidates.append((s, e))
    # "2009-2010" and "1957-58" are two years, as TimeML annotates them
    out: list[tuple[int, int]] = []
    for s, e in candidates:
        m = YEAR_RANGE.search(doc_text(doc)[s:e])
        if m and m.start() == 0:
            out += [(s, s + 4), (s + m.start(2), e)]
        else:
            out.append((s, e))
    return out


def extract_times(doc: Doc, article_id: str, published: dt.date | None, sent_of: dict[int, int]) -> list[TimeExpr]:
    candidates = _candidates(doc)
    out: list[TimeExpr] = []
    for start, end in sorted(set(candidates)):
        text = doc_text(doc)[start:end]
        if not text or AGE.search(doc_text(doc)[start : end + 5]):
            continue
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or not len(span):
            continue
        tense = tense_of(span)
        prev = doc_text(doc)[max(0, start - 6) : start]
        if re.fullmatch(r"\d\d(?:\d\d)?", text) and re.search(r"(?:1[89]|20)\d\d\s*[-–]\s*$", doc_text(doc)[max(0, start - 8) : start]):
            century = doc_text(doc)[max(0, start - 8) : start].strip(" -–")[-4:-2]
            norm = Norm("DATE", text if len(text) == 4 else century + text)
        elif NOT_TIME.match(text) or (text.lower() == "may" and (span[0].pos_ != "PROPN" or not prev.strip())):
            continue
        else:
            norm = normalize(text, published, tense)
        # spaCy sometimes swallows a noun before the time ("an interview last week"): retry on
        # shorter tails and keep the first that resolves
        words = text.split(" ")
        k = 1
        while norm.value is None and norm.note and norm.note.startswith("cannot resolve") and k < len(words):
            tail = " ".join(words[k:])
            trial = normalize(tail, published, tense)
            if trial.value is not None:
                start = end - len(tail)
                text, norm = tail, trial
            k += 1
        if norm.value is None and norm.note and norm.note.startswith("cannot resolve"):
            # spaCy tags ages, counts and vague phrases as DATE; keep only what looks temporal
            if not re.search(r"\d{4}|day|week|month|year|quarter|season|century|decade|" + "|".join(WEEKDAYS) + "|" + "|".join(k for k in MONTHS if len(k) > 3), text.lower()):
                continue
        out.append(
            TimeExpr(
                id=f"{article_id}:t{len(out)}", article=article_id, text=text, start=start, end=end,
                type=norm.type, value=norm.value, note=norm.note, mod=norm.mod,
                sentence=sent_of[span.start],
            )
        )
    return out
