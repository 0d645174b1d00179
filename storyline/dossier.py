"""Build a dossier from per-article analyses: the cross-article stage, in order."""

from __future__ import annotations

import dataclasses
import gc

from .model import (
    ArticleAnalysis,
    Dossier,
    Entity,
    Event,
    IngestProblem,
    Quote,
    Story,
    StoryResolution,
    WireGroup,
)
from .resolve.entities import name_key, resolve_entities
from .resolve.events import fuse_events
from .resolve.facts import link_events, resolve_facts
from .resolve.ids import prefix_ids
from .resolve.overrides import Override, apply_overrides
from .resolve.quote_groups import group_quotes
from .resolve.stories import StoryState, cluster_stories
from .resolve.timeline import build_timeline, sort_key
from .resolve.wire import wire_groups


def build_dossier(analyses: list[ArticleAnalysis], problems: list[IngestProblem] | None = None,
                  overrides: list[Override] | None = None,
                  stored_stories: list[StoryState] | None = None, scoped: bool = False) -> Dossier:
    """The cross-article stages in order, each taking the records of the ones before and returning
    new ones: entities (with the human overrides), speakers, events and their weights, timeline,
    stories, facts and discrepancies. The analyses given are not changed.

    ``stored_stories``: the stories a database assigned on ingest; their ids and members are kept,
    so a story has one id in every reader. Without them (one-shot analysis) stories are clustered.
    ``scoped``: the analyses are one story of a database (see ``apply_overrides``)."""
    analyses = sorted(analyses, key=lambda a: (a.article.published or "", a.article.id))
    entities, index = resolve_entities(analyses)
    # human decisions last, so the automatic pass never undoes them; what can no longer apply is
    # reported with the problems rather than dropped silently
    entities, index, skipped = apply_overrides(entities, index, analyses, overrides or [], scoped)
    problems = list(problems or []) + [IngestProblem("overrides", msg, severity="warning") for msg in skipped]
    analyses = with_speakers(analyses, resolve_speakers(analyses, entities, index))
    # discrepancies come from the fact layer, not from event fusion: a fused event may join two
    # different figures, and most figures readers compare (tolls, magnitudes) belong to no frame
    # events fuse within a story, never across the collection (stories first)
    stories = cluster_stories(analyses, stored_stories)
    events, _ = fuse_events(analyses, index, {a: s.id for s in stories for a in s.articles})
    wire = wire_groups(analyses)
    events = weigh_events(events, analyses, wire, entities)
    by_id = {e.id: e for e in entities}
    amounts = {x.id: x for an in analyses for x in an.amounts}
    published = {an.article.id: an.article.published or "" for an in analyses}
    timeline = build_timeline(events, by_id, amounts, published)
    discrepancies = link_events(resolve_facts(analyses, {s.id: s.articles for s in stories}), events)
    return Dossier(analyses, entities, events, discrepancies, timeline, stories, problems, wire,
                   group_quotes(analyses))


def resolve_speakers(analyses: list[ArticleAnalysis], entities: list[Entity],
                     index: dict[tuple[str, int], str]) -> dict[str, str]:
    """Quote id -> the entity that spoke it: the entity of the speaker's mention, else (a speaker the
    NER missed: "Park wrote") the one entity whose name or alias the speaker's words are."""
    by_name: dict[str, set[str]] = {}
    for e in entities:
        for alias in [e.name, *e.aliases]:
            by_name.setdefault(name_key(alias), set()).add(e.id)
    out: dict[str, str] = {}
    for an in analyses:
        for q in an.quotes:
            starts = (q.speaker_name_start,) if q.speaker_name_start is not None else (q.speaker_start,)
            hit = next((index[(q.article, s)] for s in starts if s is not None and (q.article, s) in index), None)
            if hit is None:
                owners = by_name.get(name_key(q.speaker_name or q.speaker_text or ""), set())
                hit = next(iter(owners)) if len(owners) == 1 else None
            if hit is not None:
                out[q.id] = hit
    return out


def with_speakers(analyses: list[ArticleAnalysis], speakers: dict[str, str]) -> list[ArticleAnalysis]:
    """The analyses with their quotes' resolved speakers (new records; the given ones are untouched)."""
    return [dataclasses.replace(an, quotes=[dataclasses.replace(q, speaker=speakers.get(q.id)) for q in an.quotes])
            for an in analyses]


def weigh_events(events: list[Event], analyses: list[ArticleAnalysis],
                 wire: list[WireGroup], entities: list[Entity]) -> list[Event]:
    """Who backs each event: how many outlets, how many independent reports once wire copies count
    once, and whether the outlet asserts it or only quotes someone who does. (Facts carry who
    asserts them from extraction, and their discrepancies their verdicts.)"""
    canonical = {c: g.canonical for g in wire for c in g.copies}
    source = {an.article.id: an.article.source or an.article.id for an in analyses}
    names = {e.id: e.name for e in entities}
    quotes = {q.id: q for an in analyses for q in an.quotes}
    by_article: dict[str, list[Quote]] = {}
    for q in quotes.values():
        by_article.setdefault(q.article, []).append(q)
    frames = {(m.article, m.start): m for an in analyses for m in an.events}

    def speaker(q: Quote) -> str:
        return names.get(q.speaker or "") or q.speaker_name or q.speaker_text or "an unnamed source"

    def asserted(article: str, start: int) -> str:
        for q in by_article.get(article, []):
            if q.start <= start < q.end:
                return speaker(q)
        return "outlet"

    out = []
    for ev in events:
        ev = dataclasses.replace(ev)
        out.append(ev)
        arts = list(dict.fromkeys(ev.articles))
        ev.outlets = len({source[a] for a in arts})
        ev.independent = len({source[canonical.get(a, a)] for a in arts})
        who = []
        for m in ev.mentions:
            frame = frames.get((m.article, m.start))
            by = speaker(quotes[frame.reported_by]) if frame and frame.reported_by in quotes else asserted(m.article, m.start)
            if by not in who:
                who.append(by)
        ev.asserted_by = who
    return out


def resolve_story(analyses: list[ArticleAnalysis], state: StoryState,
                  overrides: list[Override] | None = None) -> StoryResolution:
    """One stored story's resolution from its own articles: what an ingest batch re-runs for each
    story it touched. Event, discrepancy and quote-group ids are prefixed with the story's id, so
    they are unique across the database; entity ids are local until the store registers them."""
    # The cyclic collector's passes, triggered by the many records made here, cost 5-10% of a
    # story (measured with gc.callbacks) and find little: the one cycle is the LSH index's (about
    # a hundred objects a story), collected by the first pass after.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _resolve_story(analyses, state, overrides)
    finally:
        if enabled:
            gc.enable()


def _resolve_story(analyses: list[ArticleAnalysis], state: StoryState,
                   overrides: list[Override] | None) -> StoryResolution:
    d = build_dossier(analyses, overrides=overrides, stored_stories=[state], scoped=True)
    story = next((s for s in d.stories if s.id == state.id), None) or Story(state.id, "Untitled story", [])
    days = sorted((an.article.published or "")[:10] for an in d.analyses if an.article.published)
    res = StoryResolution(
        story=story, first=days[0] if days else None, last=days[-1] if days else None,
        outlets=len({an.article.source for an in d.analyses if an.article.source}),
        entities=d.entities, events=d.events, discrepancies=d.discrepancies, timeline=d.timeline,
        wire=d.wire, quote_groups=d.quote_groups,
        speakers={q.id: q.speaker for q in d.quotes if q.speaker},
        problems=[p for p in d.problems if p.path == "overrides"],
    )
    return prefix_ids(res, state.id)


def story_view(analyses: list[ArticleAnalysis], res: StoryResolution) -> Dossier:
    """A stored story as a dossier, without resolving anything: its articles and its stored records."""
    analyses = with_speakers(sorted(analyses, key=lambda a: (a.article.published or "", a.article.id)), res.speakers)
    return Dossier(analyses, res.entities, res.events, res.discrepancies, res.timeline, [res.story],
                   list(res.problems), res.wire, res.quote_groups)


def combine(views: list[Dossier], problems: list[IngestProblem] | None = None) -> Dossier:
    """Stored stories side by side as one dossier; an entity found in several stories (one registry
    id) becomes one entity with every story's mentions."""
    out = Dossier([], problems=list(problems or []))
    entities: dict[str, Entity] = {}
    for v in views:
        out.analyses.extend(v.analyses)
        for e in v.entities:
            have = entities.get(e.id)
            if have is None:
                entities[e.id] = Entity(e.id, e.name, e.type, list(e.aliases), list(e.descriptors),
                                        list(e.mentions), list(e.evidence), list(e.candidates))
                continue
            have.aliases.extend(a for a in e.aliases if a not in have.aliases and a != have.name)
            have.descriptors.extend(x for x in e.descriptors if x not in have.descriptors)
            have.mentions.extend(e.mentions)
            have.evidence.extend(x for x in e.evidence if x not in have.evidence)
        out.events.extend(v.events)
        out.discrepancies.extend(v.discrepancies)
        out.timeline.extend(v.timeline)
        out.stories.extend(v.stories)
        out.problems.extend(p for p in v.problems if p not in out.problems)
        out.wire.extend(v.wire)
        out.quote_groups.extend(v.quote_groups)
    out.analyses.sort(key=lambda a: (a.article.published or "", a.article.id))
    out.entities = sorted(entities.values(), key=lambda e: (-len(e.mentions), e.name))
    out.timeline.sort(key=lambda t: (sort_key(t.date), t.event))
    return out
