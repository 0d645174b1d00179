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
from .entities import name_key

THRESHOLD = 0.3


def _length(profile: Counter[str]) -> float:
    return math.sqrt(sum(v * v for v in profile.values()))


@dataclass
class StoryState:
    id: str
    articles: list[str] = field(default_factory=list)
    profile: Counter[str] = field(default_factory=Counter)
    norm: float = field(init=False, default=0.0)  # length of the profile vector, kept with it

    def __post_init__(self) -> None:
        self.norm = _length(self.profile)

    def add(self, article: str, profile: Counter[str]) -> None:
        self.articles.append(article)
        self.profile.update(profile)
        self.norm = _length(self.profile)


def article_profile(an: ArticleAnalysis) -> Counter[str]:
    """Counts of the people and organisations an article names, by name key. It needs nothing but
    the article itself, so a story can be chosen for a new article without resolving the
    collection again; a lone surname counts for the full name it shortens in the same article."""
    full: dict[str, str] = {}
    prof: Counter[str] = Counter()
    for m in an.mentions:
        if m.kind != "name" or m.label not in {"PERSON", "ORG"}:
            continue
        key = name_key(m.text)
        if not key:
            continue
        words = key.split()
        if len(words) > 1:
            full.setdefault(words[-1], key)
        prof[full.get(key, key)] += 1
    return prof


class StoryIndex:
    """Stories with an inverted index from name key to story, so a new article is compared only
    with the stories that share a name with it (blocking), not with every story."""

    def __init__(self, stories: list[StoryState] | None = None) -> None:
        self.stories: list[StoryState] = []
        self.position: dict[str, int] = {}  # story id -> its place in ``stories``
        self._by_key: dict[str, set[int]] = {}
        for st in stories or []:
            self._register(st)

    def _register(self, st: StoryState) -> int:
        n = len(self.stories)
        self.stories.append(st)
        self.position[st.id] = n
        for k in st.profile:
            self._by_key.setdefault(k, set()).add(n)
        return n

    # a name in more stories than this (an outlet, a regulator) still counts in the cosine but does not
    # make every story a candidate: the block stays small as the collection grows
    MAX_POSTINGS = 50

    def assign(self, article: str, profile: Counter[str]) -> StoryState:
        na = _length(profile)
        best, score = None, 0.0
        postings = [self._by_key.get(k, set()) for k in profile]
        rare = [p for p in postings if len(p) <= self.MAX_POSTINGS] or [min(postings, key=len, default=set())]
        for n in sorted({i for p in rare for i in p}):
            st = self.stories[n]
            dot = sum(v * st.profile[k] for k, v in profile.items())
            sc = dot / (na * st.norm) if na and st.norm else 0.0
            if sc > score:
                best, score = n, sc
        if best is None or score < THRESHOLD:
            best = self._register(StoryState(id=f"s{len(self.stories)}"))
        st = self.stories[best]
        st.add(article, profile)
        for k in profile:
            self._by_key.setdefault(k, set()).add(best)
        return st


def cluster_stories(
    analyses: list[ArticleAnalysis], index: dict[tuple[str, int], str], entities: list[Entity],
    events: list[Event], existing: list[StoryState] | None = None,
) -> list[Story]:
    names = {name_key(alias): e.name for e in entities for alias in [e.name, *e.aliases]}
    stories = StoryIndex(existing)
    for an in sorted(analyses, key=lambda a: (a.article.published or "", a.article.id)):
        stories.assign(an.article.id, article_profile(an))
    events_of = events_by_article(events)
    return [story_record(s, names, events_of) for s in stories.stories]


def stored_story_records(
    states: list[StoryState], analyses: list[ArticleAnalysis], entities: list[Entity], events: list[Event],
) -> list[Story]:
    """The stories as the database holds them (ids and members assigned once, on ingest), limited to
    the articles at hand; articles no stored story holds yet are clustered after them."""
    names = {name_key(alias): e.name for e in entities for alias in [e.name, *e.aliases]}
    present = {an.article.id for an in analyses}
    kept: list[StoryState] = []
    placed: set[str] = set()
    for st in states:
        members = [a for a in st.articles if a in present]
        if members:
            kept.append(StoryState(st.id, members, Counter(st.profile)))
            placed.update(members)
    index = StoryIndex(kept)
    for an in sorted(analyses, key=lambda a: (a.article.published or "", a.article.id)):
        if an.article.id not in placed:
            index.assign(an.article.id, article_profile(an))
    events_of = events_by_article(events)
    return [story_record(s, names, events_of) for s in index.stories]


def story_record(s: StoryState, names: dict[str, str], events_of: dict[str, list[Event]]) -> Story:
    """A story's title is the summary of its most reported event, else its two most named actors."""
    central: Counter[str] = Counter()
    by_id: dict[str, Event] = {}
    for a in s.articles:
        for ev in events_of.get(a, []):
            central[ev.id] += 1
            by_id[ev.id] = ev
    top = [names[k] for k, _ in s.profile.most_common(2) if k in names]
    title = " and ".join(top) or "Untitled story"
    if central:
        title = by_id[central.most_common(1)[0][0]].summary or title
    return Story(id=s.id, title=title, articles=s.articles)


def events_by_article(events: list[Event]) -> dict[str, list[Event]]:
    out: dict[str, list[Event]] = {}
    for ev in events:
        for a in dict.fromkeys(ev.articles):
            out.setdefault(a, []).append(ev)
    return out
