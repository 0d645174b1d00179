"""Publication dates: ISO dates and datetimes and the common written forms ("Feb 12, 2025").

Every relative date in an article is resolved against this value, so a date we cannot read is
reported, never guessed.
"""

from __future__ import annotations

import datetime as dt
import re

from dateutil import parser as dateutil_parser

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
    # dateutil fills missing fields from `default`; two different defaults reveal whether the
    # day was really given, so "March 2024" is refused rather than read as March 1st.
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
