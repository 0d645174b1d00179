"""Stories: articles about the same developing story, grouped online.

Single-pass clustering in publication order (the classic topic-detection-and-tracking approach,
Allan et al. 1998): an article joins the story whose entity profile it overlaps most, if the
overlap passes a threshold, else it starts a new story. Adding articles later runs the same step
from the existing stories, so nothing already assigned moves.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from ..model import ArticleAnalysis, Entity, Event, Story

THRESHOLD = 0.3


@dataclass
class StoryState:
    id: str
    articles: list[str] = field(default_factory=list)
    profile: Counter[str] = field(default_factory=Counter)


def article_profile(an: ArticleAnalysis, index: dict[tuple[str, int], str], etypes: dict[str, str]) -> Counter[str]:
    prof: Counter[str] = Counter()
    for m in an.mentions:
        eid = index.get((m.article, m.start))
        if eid and etypes.get(eid) in {"PERSON", "ORG"}:
            prof[eid] += 1
    return prof


def similarity(a: Counter[str], b: Counter[str]) -> float:
    """Cosine over entity mention counts."""
    dot = sum(a[k] * b[k] for k in set(a) & set(b))
    na = math.sqrt(sum(v * v for v in a.values()))
    nb = math.sqrt(sum(v * v for v in b.values()))
    return dot / (na * nb) if na and nb else 0.0


def assign(stories: list[StoryState], article: str, profile: Counter[str]) -> StoryState:
    best, score = None, 0.0
    for s in stories:
        sc = similarity(profile, s.profile)
        if sc > score:
            best, score = s, sc
    if best is None or score < THRESHOLD:
        best = StoryState(id=f"s{len(stories)}")
        stories.append(best)
    best.articles.append(article)
    best.profile.update(profile)
    return best


def cluster_stories(
    analyses: list[ArticleAnalysis], index: dict[tuple[str, int], str], entities: list[Entity],
    events: list[Event], existing: list[StoryState] | None = None,
) -> list[Story]:
    etypes = {e.id: e.type for e in entities}
    names = {e.id: e.name for e in entities}
    stories = list(existing or [])
    for an in sorted(analyses, key=lambda a: (a.article.published or "", a.article.id)):
        assign(stories, an.article.id, article_profile(an, index, etypes))
    out = []
    for s in stories:
        arts = set(s.articles)
        central = Counter()
        for ev in events:
            if arts & set(ev.articles):
                central[ev.id] = len(arts & set(ev.articles))
        top = [names[k] for k, _ in s.profile.most_common(2) if k in names]
        title = " and ".join(top) or "Untitled story"
        if central:
            ev = next(e for e in events if e.id == central.most_common(1)[0][0])
            title = ev.summary or title
        out.append(Story(id=s.id, title=title, articles=s.articles))
    return out
