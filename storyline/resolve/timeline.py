"""The timeline: fused events ordered by their resolved date, TIMEX3 granularity kept.

An event with no stated time is placed at the first publication that reports it, and its entry
says so (``time_source`` "published", and "(date of first report)" after its line), since the date
of the news is then the only date the text supports. Each line is the event's news line, built
from the text ("GM files for bankruptcy protection"); only where the parse gives none does a line
fall back to the event's participants and type. An
event dated well before the coverage begins ("founded the company in 2009") is background.
"""

from __future__ import annotations

from ..model import Amount, Entity, Event, TimelineEntry

VERBS = {
    "statement": "announced", "appeal": "appealed to", "offer": "offered for", "meet": "met",
    "agree": "agreed with", "acquire": "moved to acquire", "invest": "invested in", "hire": "hired",
    "yield": "gave way to", "investigate": "investigated", "demand": "demanded of",
    "criticize": "criticized", "sue": "sued", "reject": "rejected", "threaten": "threatened",
    "protest": "protested against", "coerce": "acted against", "found": "founded",
    "publish": "published",
}


def sort_key(value: str) -> tuple[str, int]:
    """TIMEX3 values sort by their prefix; a coarser value sorts before the days inside it."""
    return (value, len(value))


REPORTED = " (date of first report)"


def summarize(ev: Event, entities: dict[str, Entity], amounts: dict[str, Amount]) -> str:
    if ev.summary:
        amount = amounts.get(ev.amount or "")
        # a line that names a figure already has one; a second would read as a contradiction
        if amount and not any(c.isdigit() for c in ev.summary):
            return f"{ev.summary}: {amount.text}"
        return ev.summary
    who = " and ".join(entities[a].name for a in ev.actors if a in entities) or "Someone"
    whom = " and ".join(entities[t].name for t in ev.targets if t in entities)
    verb = VERBS.get(ev.type, ev.type)
    if who == "Someone":
        text = f"{ev.type.capitalize()} ({ev.trigger}) involving {whom}"
    else:
        text = f"{who} {verb} {whom}".strip() if whom else f"{who}: {ev.type} ({ev.trigger})"
    if ev.amount and ev.amount in amounts:
        text += f": {amounts[ev.amount].text}"
    return text


def build_timeline(
    events: list[Event], entities: dict[str, Entity], amounts: dict[str, Amount], published: dict[str, str]
) -> list[TimelineEntry]:
    firsts = [p[:10] for p in published.values() if p]
    coverage_start = min(firsts) if firsts else None
    out: list[TimelineEntry] = []
    for ev in events:
        ev.summary = summarize(ev, entities, amounts)
        date = ev.time
        summary = ev.summary
        source = "text"
        if not date or not date[:1].isdigit():
            reported = sorted(published[a][:10] for a in ev.articles if published.get(a))
            if not reported:
                continue
            date = reported[0]
            summary += REPORTED
            source = "published"
        # a year or month before the first article's year ("founded in 2009")
        background = bool(coverage_start and len(date) <= 7 and date[:4] < coverage_start[:4])
        out.append(TimelineEntry(date=date, event=ev.id, summary=summary, articles=ev.articles, background=background,
                                 time_source=source))
    out.sort(key=lambda t: (sort_key(t.date), t.event))
    return out
