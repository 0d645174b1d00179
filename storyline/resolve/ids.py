"""Ids of a story's resolution made database-wide: story-prefixed record ids, registry entity ids."""

from __future__ import annotations

from ..model import StoryResolution


def prefix_ids(res: StoryResolution, prefix: str) -> StoryResolution:
    ev = {e.id: f"{prefix}-{e.id}" for e in res.events}
    for e in res.events:
        e.id = ev[e.id]
    for t in res.timeline:
        t.event = ev.get(t.event, t.event)
    for x in res.discrepancies:
        x.id = f"{prefix}-{x.id}"
        x.event = ev.get(x.event, x.event)
        x.story = x.story or prefix
    for g in res.quote_groups:
        g.id = f"{prefix}-{g.id}"
    return res


def rename_entities(res: StoryResolution, ids: dict[str, str]) -> StoryResolution:
    """The same resolution with its entity ids replaced (local ids to the registry's)."""
    for e in res.entities:
        e.id = ids.get(e.id, e.id)
        for c in e.candidates:
            c.other = ids.get(c.other, c.other)
    for ev in res.events:
        ev.actors = [ids.get(a, a) for a in ev.actors]
        ev.targets = [ids.get(a, a) for a in ev.targets]
    for g in res.quote_groups:
        g.speaker = ids.get(g.speaker, g.speaker) if g.speaker else g.speaker
    res.speakers = {q: ids.get(e, e) for q, e in res.speakers.items()}
    return res
