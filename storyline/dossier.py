"""Build a dossier from per-article analyses: the cross-article stage, in order."""

from __future__ import annotations

from .model import ArticleAnalysis, Dossier, IngestProblem
from .resolve.entities import name_key, resolve_entities
from .resolve.events import fuse_events
from .resolve.overrides import Override, apply_overrides
from .resolve.stories import cluster_stories
from .resolve.timeline import build_timeline


def build_dossier(analyses: list[ArticleAnalysis], problems: list[IngestProblem] | None = None,
                  overrides: list[Override] | None = None) -> Dossier:
    analyses = sorted(analyses, key=lambda a: (a.article.published or "", a.article.id))
    entities, index = resolve_entities(analyses)
    # human decisions last, so the automatic pass never undoes them; what can no longer apply is
    # reported with the problems rather than dropped silently
    skipped = apply_overrides(entities, index, analyses, overrides or [])
    problems = list(problems or []) + [IngestProblem("overrides", msg, severity="warning") for msg in skipped]
    # a speaker the NER missed ("Park wrote") still resolves when its words name one entity
    by_name: dict[str, set[str]] = {}
    for e in entities:
        for alias in [e.name, *e.aliases]:
            by_name.setdefault(name_key(alias), set()).add(e.id)
    for an in analyses:
        for q in an.quotes:
            q.speaker = None
            starts = (q.speaker_name_start,) if q.speaker_name_start is not None else (q.speaker_start,)
            for start in starts:
                if start is not None and (q.article, start) in index:
                    q.speaker = index[(q.article, start)]
                    break
            if q.speaker is None:
                owners = by_name.get(name_key(q.speaker_name or q.speaker_text or ""), set())
                if len(owners) == 1:
                    q.speaker = next(iter(owners))
    events, discrepancies, _ = fuse_events(analyses, index)
    by_id = {e.id: e for e in entities}
    amounts = {x.id: x for an in analyses for x in an.amounts}
    published = {an.article.id: an.article.published or "" for an in analyses}
    timeline = build_timeline(events, by_id, amounts, published)
    stories = cluster_stories(analyses, index, entities, events)
    return Dossier(analyses, entities, events, discrepancies, timeline, stories, problems or [])
