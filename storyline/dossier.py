"""Build a dossier from per-article analyses: the cross-article stage, in order."""

from __future__ import annotations

from .model import ArticleAnalysis, Dossier, IngestProblem
from .resolve.entities import resolve_entities
from .resolve.events import fuse_events
from .resolve.stories import cluster_stories
from .resolve.timeline import build_timeline


def build_dossier(analyses: list[ArticleAnalysis], problems: list[IngestProblem] | None = None) -> Dossier:
    analyses = sorted(analyses, key=lambda a: (a.article.published or "", a.article.id))
    entities, index = resolve_entities(analyses)
    for an in analyses:
        for q in an.quotes:
            q.speaker = None
            for start in (q.speaker_name_start, q.speaker_start):
                if start is not None and (q.article, start) in index:
                    q.speaker = index[(q.article, start)]
                    break
    events, discrepancies, _ = fuse_events(analyses, index)
    by_id = {e.id: e for e in entities}
    amounts = {x.id: x for an in analyses for x in an.amounts}
    published = {an.article.id: an.article.published or "" for an in analyses}
    timeline = build_timeline(events, by_id, amounts, published)
    stories = cluster_stories(analyses, index, entities, events)
    return Dossier(analyses, entities, events, discrepancies, timeline, stories, problems or [])
