"""Publication dates: ISO dates and datetimes and the common written forms ("Feb 12, 2025").

Every relative date in an article is resolved against this value, so a date we cannot read is
reported, never guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")
_YEAR = re.compile(r"\b(\d{4})\b")


class DateError(ValueError):
    """A publication date that is missing a piece, or does not exist on the calendar."""


def parse_published(value: object) -> str:
    """Return an ISO date (``YYYY-MM-DD``) or datetime for ``value``; raise DateError otherwise."""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    if not text:
        raise DateError("empty publication date")
    if _ISO.match(text):
        try:
            if len(text) == 10:
                return dt.date.fromisoformat(text).isoformat()
            return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).isoformat()
        except ValueError as exc:
            raise DateError(f"impossible publication date {text!r} ({exc})") from None
    if not _YEAR.search(text):
        raise DateError(f"publication date {text!r} has no year")
    num = _NUMERIC.fullmatch(text)
    if num and len(numeric_readings(num["a"], num["b"], num["year"])) > 1:
        raise DateError(f"ambiguous publication date {text!r} (day and month could swap); write it as YYYY-MM-DD")
    # dateutil fills missing fields from `default`; two different defaults reveal whether the
    # day was really given, so "March 2024" is refused rather than read as March 1st. Imported
    # here: only dates that are not ISO need it, and the web server's start never does.
    from dateutil import parser as dateutil_parser

    try:
        a = dateutil_parser.parse(text, default=dt.datetime(2000, 1, 1))
        b = dateutil_parser.parse(text, default=dt.datetime(2001, 2, 2))
    except (ValueError, OverflowError) as exc:
        raise DateError(f"unreadable publication date {text!r} ({exc})") from None
    if a.day != b.day or a.month != b.month:
        raise DateError(f"publication date {text!r} lacks a day")
    if a.hour or a.minute or a.second or a.tzinfo:
        return a.isoformat()
    return a.date().isoformat()


def published_date(published: str | None) -> dt.date | None:
    """The calendar day of an ISO publication value (None when absent)."""
    if not published:
        return None
    return dt.date.fromisoformat(published[:10])


# ---- inference: a missing publication date read from the article's dateline or its URL ----------

_MONTHS = {m: i for i, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"),
     ("nov", "november"), ("dec", "december")], start=1) for m in names}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR4 = r"(?P<year>(?:19|20)\d{2})"
# "August 10, 2011", "Apr 2, 2009", "Sept. 11 2001"; "16 September 2013", "Monday 16 September, 2013"
_WRITTEN = [re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR4}\b", re.I),
            re.compile(rf"\b{_DAY}\s+{_MONTH},?\s+{_YEAR4}\b", re.I)]
# a Reuters/AP dateline without a year: "WASHINGTON, March 3 (Reuters) -"
_WIRE = re.compile(rf"^[A-Z][A-Za-z .'-]+,\s+{_MONTH}\s+{_DAY}\s*(?:\(|--|—|-)", re.M | re.I)
_ISO_IN_TEXT = re.compile(r"\b(?P<year>(?:19|20)\d{2})-(?P<month>\d{2})-(?P<day>\d{2})\b")
# "03-02-2009", "8/2/13": day and month can swap
_NUMERIC = re.compile(r"\b(?P<a>\d{1,2})[/.-](?P<b>\d{1,2})[/.-](?P<year>(?:19|20)?\d{2})\b")
_CUE = re.compile(r"\b(published|updated|posted|last modified|date)\b", re.I)
_URL_DATES = [
    re.compile(r"/(?P<year>(?:19|20)\d{2})/(?P<month>[01]?\d)/(?P<day>[0-3]?\d)(?:/|\.html?|$)"),
    re.compile(rf"/(?P<year>(?:19|20)\d{{2}})/{_MONTH}/(?P<day>[0-3]?\d)(?:/|\.html?|$)", re.I),
    re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})-(?P<month>[01]\d)-(?P<day>[0-3]\d)(?!\d)"),
    re.compile(r"(?<![\dA-Za-z])(?P<year>(?:19|20)\d{2})(?P<month>[01]\d)(?P<day>[0-3]\d)(?![\dA-Za-z])"),
]
_URL_YEAR = re.compile(r"/(?P<year>(?:19|20)\d{2})/")
_URL_MONTH = re.compile(rf"/(?P<year>(?:19|20)\d{{2}})/(?:(?P<num>[01]?\d)|{_MONTH})/", re.I)
HEAD_CHARS = 400  # a dateline sits above or at the start of the body


@dataclass(frozen=True)
class Inferred:
    value: str  # ISO date
    how: str  # what it was read from, for the reader: "dateline 'August 10, 2011'"


def _month(text: str) -> int:
    return int(text) if text.isdigit() else _MONTHS[text.lower().rstrip(".")]


def _date(year: str | int, month: str | int, day: str | int) -> dt.date | None:
    try:
        return dt.date(int(year), _month(str(month)), int(day))
    except (ValueError, KeyError):
        return None


def url_date(url: str) -> tuple[dt.date, str] | None:
    """The date a URL's path spells (``/2011/08/10/``, ``/2013/aug/02/``, ``-2009-07-13``)."""
    for pat in _URL_DATES:
        for m in pat.finditer(url):
            d = _date(m["year"], m["month"], m["day"])
            if d:
                return d, m.group(0).rstrip("/")
    return None


def numeric_readings(a: str, b: str, year: str) -> set[dt.date]:
    """Both calendar readings (month first, day first) of a numeric date."""
    y = int(year)
    if len(year) == 2:  # the POSIX strptime pivot: 69-99 are 1900s, 00-68 are 2000s
        y += 1900 if y >= 69 else 2000
    return {d for d in (_date(y, a, b), _date(y, b, a)) if d}


def _dateline(line: str, m: re.Match[str]) -> bool:
    """A date that dates the article, not one the story talks about: on a short line of its own,
    after a cue ("Published:", "Updated"), or as the first thing on its line."""
    before = line[: m.start()]
    return len(line) <= 80 or bool(_CUE.search(before)) or not before.strip(" \t|-—,")


def infer_published(text: str, url: str = "") -> Inferred | None:
    """A publication date read from the article itself, or None. Looks at the head of the text (a
    dateline: "August 10, 2011--Updated 0947", "Published: 2009-03-02", "WASHINGTON, March 3
    (Reuters) -" with the year from the URL) and then at the URL (``/2011/08/10/``). A numeric
    date whose day and month could swap ("03-02-2009") is used only when the URL settles it."""
    from_url = url_date(url) if url else None
    months = {(int(m["year"]), _month(m["num"] or m["month"])) for m in _URL_MONTH.finditer(url)}
    head = text[:HEAD_CHARS]
    for line in head.split("\n"):
        for pat in (*_WRITTEN, _ISO_IN_TEXT):
            for m in pat.finditer(line):
                d = _date(m["year"], m["month"], m["day"])
                if d and _dateline(line, m):
                    return Inferred(d.isoformat(), f"dateline {m.group(0)!r}")
        for m in _NUMERIC.finditer(line):
            readings = numeric_readings(m["a"], m["b"], m["year"])
            if len(readings) == 1 and _dateline(line, m):
                return Inferred(next(iter(readings)).isoformat(), f"dateline {m.group(0)!r}")
            settled = [d for d in readings if (d.year, d.month) in months]
            if len(settled) == 1:
                return Inferred(settled[0].isoformat(), f"dateline {m.group(0)!r} read as the URL dates it")
    if from_url:
        return Inferred(from_url[0].isoformat(), f"URL {from_url[1]!r}")
    year = _URL_YEAR.search(url) if url else None
    m = _WIRE.search(head)
    if m and year:
        d = _date(year["year"], m["month"], m["day"])
        if d:
            return Inferred(d.isoformat(), f"dateline {m.group(0).strip(' (-—')!r} with the year of the URL")
    return None


def ambiguous_dates(text: str) -> list[str]:
    """Numeric dates in the head of a text whose day and month could swap ("03-02-2009")."""
    return [m.group(0) for line in text[:HEAD_CHARS].split("\n") for m in _NUMERIC.finditer(line)
            if len(numeric_readings(m["a"], m["b"], m["year"])) > 1]

