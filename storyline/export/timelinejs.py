"""The story timeline as TimelineJS JSON (Knight Lab's format, which newsrooms publish timelines
with): one slide per timeline entry, its date from the TIMEX3 value at the precision the articles
give, its text the cited sentences with title, outlet and day of each article."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from markupsafe import escape

from ..model import Dossier, Event, TimelineEntry
from .common import Index

_DAY = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_SEASON = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
SENTENCES_PER_SLIDE = 3


def tl_date(value: str) -> dict[str, object] | None:
    """A TIMEX3 calendar value as a TimelineJS date ({"year", "month", "day"}, coarser when the
    value is), or None for what has no place on an axis (durations, PRESENT_REF, XXXX-...)."""
    v = value.strip()
    m = _DAY.match(v[:10])
    if m:
        out: dict[str, object] = {"year": int(m[1])}
        if m[2]:
            out["month"] = int(m[2])
        if m[3]:
            out["day"] = int(m[3])
        if "month" in out and not 1 <= int(m[2]) <= 12:
            return None
        return out
    m = _WEEK.match(v)
    if m:
        try:
            monday = dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)
        except ValueError:
            return None
        return {"year": monday.year, "month": monday.month, "day": monday.day,
                "display_date": f"week {int(m[2])}, {m[1]}"}
    m = _QUARTER.match(v)
    if m:
        return {"year": int(m[1]), "month": 3 * int(m[2]) - 2, "display_date": f"Q{m[2]} {m[1]}"}
    if len(v) == 7 and v[:4].isdigit() and v[5:] in _SEASON:
        return {"year": int(v[:4]), "month": _SEASON[v[5:]]}
    return None


def _slide(t: TimelineEntry, ev: Event | None, d: Dossier, ix: Index, names: dict[str, str],
           meta: dict[str, tuple[str, str, str]]) -> dict[str, object] | None:
    start = tl_date(t.date)
    if start is None:
        return None
    display = start.pop("display_date", None)
    parts = []
    for m in (ev.mentions if ev else [])[:SENTENCES_PER_SLIDE]:
        s = ix.sentence_at(m.article, m.start)
        if s is None:
            continue
        title, source, day = meta.get(m.article, ("", "", ""))
        cite = ", ".join(x for x in (source, day, f"“{title}”" if title else "") if x)
        parts.append(f"<p>{escape(ix.text[m.article][s.start:s.end].strip())} <cite>({escape(cite)})</cite></p>")
    more = len(set(t.articles))
    parts.append(f"<p><small>{more} article{'s' if more != 1 else ''}; storyline {escape(t.event)}</small></p>")
    # one lane per leading actor: parallel threads of a story sit on separate rows
    lane = names.get(ev.actors[0], "") if ev and ev.actors else ""
    slide: dict[str, object] = {
        "start_date": start,
        "text": {"headline": str(escape(t.summary)), "text": "".join(parts)},
        "group": "Background" if t.background else (lane or (ev.type.title() if ev else "Events")),
        "unique_id": f"{t.event}-{t.date}".replace(":", "-"),
    }
    if display:
        slide["display_date"] = display
    if t.background:
        slide["background"] = {"color": "#eeeeee"}
    return slide


def to_timelinejs(d: Dossier, title: str | None = None) -> dict[str, object]:
    ix = Index.of(d)
    events = {e.id: e for e in d.events}
    names = {e.id: e.name for e in d.entities}
    meta = {an.article.id: (an.article.title, an.article.source, ix.day.get(an.article.id, "")) for an in d.analyses}
    slides = []
    seen: set[str] = set()
    for t in d.timeline:
        s = _slide(t, events.get(t.event), d, ix, names, meta)
        if s is None:
            continue
        uid, k = str(s["unique_id"]), 1
        while uid in seen:  # TimelineJS refuses duplicate ids
            k += 1
            uid = f"{s['unique_id']}-{k}"
        seen.add(uid)
        s["unique_id"] = uid
        slides.append(s)
    if title is None:
        title = d.stories[0].title if len(d.stories) == 1 else "Timeline"
    n = len(d.analyses)
    return {"title": {"text": {"headline": str(escape(title)),
                               "text": f"<p>{len(slides)} dated events from {n} article{'s' if n != 1 else ''}</p>"}},
            "events": slides}


def write_timelinejs(d: Dossier, path: Path) -> None:
    path.write_text(json.dumps(to_timelinejs(d), ensure_ascii=False, indent=1), encoding="utf-8")
