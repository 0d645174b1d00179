"""Quotes grouped by who said them: one rule for the Markdown and HTML dossiers and the web UI."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from ..model import Dossier, Quote


def speaker_label(q: Quote, names: dict[str, str]) -> str:
    return names.get(q.speaker or "") or q.speaker_name or q.speaker_text or "Unattributed"


def quotes_by_speaker(d: Dossier, articles: Iterable[str] | None = None) -> list[tuple[str, list[Quote]]]:
    """Speakers with their quotes, the most quoted first. Only speech: beliefs, intentions and findings
    a source is credited with (``kind == "attribution"``) stay in the JSON and on the article pages,
    since a reader scanning "who said what" takes every line here as words someone said."""
    keep = set(articles) if articles is not None else None
    names = {e.id: e.name for e in d.entities}
    groups: dict[str, list[Quote]] = defaultdict(list)
    for q in d.quotes:
        if q.kind != "speech" or (keep is not None and q.article not in keep):
            continue
        groups[speaker_label(q, names)].append(q)
    return sorted(groups.items(), key=lambda kv: -len(kv[1]))
