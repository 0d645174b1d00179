"""The story summary (who, what, when, how much) built from the resolved graph, with citations."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..model import Dossier, Entity, Story
from .cite import Citer


@dataclass
class StorySummary:
    story: Story
    who: list[tuple[Entity, str]] = field(default_factory=list)  # entity, citation
    what: list[tuple[str, str]] = field(default_factory=list)  # summary, citations
    when: str = ""
    how_much: list[tuple[str, str]] = field(default_factory=list)
    outlets: int = 0


def summarize_stories(d: Dossier, cite: Citer) -> list[StorySummary]:
    amounts = {x.id: x for x in d.amounts}
    out = []
    for story in d.stories:
        arts = set(story.articles)
        counts: Counter[str] = Counter()
        first: dict[str, tuple[str, int]] = {}
        for e in d.entities:
            for m in e.mentions:
                if m.article in arts and e.type in {"PERSON", "ORG"}:
                    counts[e.id] += 1
                    first.setdefault(e.id, (m.article, m.start))
        by_id = {e.id: e for e in d.entities}
        s = StorySummary(story)
        s.who = [(by_id[k], cite(*first[k])) for k, _ in counts.most_common(5)]
        evs = [ev for ev in d.events if arts & set(ev.articles)]
        evs.sort(key=lambda ev: -len(ev.articles))
        for ev in evs[:5]:
            s.what.append((ev.summary, " ".join(cite(m.article, m.start) for m in ev.mentions[:4])))
            if ev.amount and ev.amount in amounts:
                a = amounts[ev.amount]
                s.how_much.append((a.text, cite(a.article, a.start)))
        dates = sorted(
            (a.article.published or "")[:10] for a in d.analyses if a.article.id in arts and a.article.published
        )
        s.when = f"{dates[0]} to {dates[-1]}" if dates else "undated"
        s.outlets = len({a.article.source for a in d.analyses if a.article.id in arts and a.article.source})
        out.append(s)
    return out
