"""The dossier JSON (and Markdown) of a whole database, written as it is read: one story at a time,
so memory stays that of the largest story however large the database. The JSON object has the
names and order of ``Dossier.to_json`` (DESIGN.md's contract); entities come from the registry, one
record per registry id with the mentions of every story it appears in. Both read under one read
snapshot, so an ingest committing meanwhile shows in none of the output or in all of it."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from typing import IO, Any

from ..dossier import combine
from ..model import SCHEMA, Dossier, to_dict
from ..store import Store
from .markdown import render_markdown

SECTIONS = ("quotes", "amounts", "times", "events", "facts", "discrepancies", "timeline", "stories",
            "wire_copies", "quote_groups")


def _per_story(view: Dossier) -> dict[str, list[Any]]:
    return {
        "quotes": view.quotes, "amounts": view.amounts, "times": view.times, "events": view.events,
        "facts": view.facts, "discrepancies": view.discrepancies, "timeline": view.timeline,
        "stories": view.stories, "wire_copies": view.wire, "quote_groups": view.quote_groups,
    }


def write_dossier_json(store: Store, out: IO[str], view_of: Callable[[Store, str], Dossier],
                       progress: Callable[[int], None] | None = None) -> None:
    """Stream the whole database's dossier to ``out``. ``view_of(store, story)`` reads one stored story
    (pipeline.stored_story). Per-story sections are spooled to temporary files in a single pass over
    the stories, then copied in contract order."""
    # one read snapshot: an ingest committing meanwhile must not add articles or stories to part of
    # the output (the stories read before it, the articles and entities after)
    with store.snapshot():
        spools = {name: tempfile.TemporaryFile("w+", encoding="utf-8") for name in SECTIONS}
        counts = dict.fromkeys(SECTIONS, 0)
        try:
            for sid in store.story_ids():
                for name, items in _per_story(view_of(store, sid)).items():
                    for item in items:
                        spools[name].write(("," if counts[name] else "") + json.dumps(to_dict(item), ensure_ascii=False))
                        counts[name] += 1
                if progress:
                    progress(1)
            out.write('{"schema": ' + json.dumps(SCHEMA) + ', "articles": [')
            for n, an in enumerate(store.analyses()):
                art = Dossier([an]).to_json()["articles"][0]
                out.write(("," if n else "") + json.dumps(art, ensure_ascii=False))
            out.write('], "entities": [')
            for n, (_, records) in enumerate(store.registry_stream()):
                merged = combine([Dossier([], entities=records[:1])] + [Dossier([], entities=[r]) for r in records[1:]])
                out.write(("," if n else "") + json.dumps(to_dict(merged.entities[0]), ensure_ascii=False))
            out.write("]")
            for name in SECTIONS:
                out.write(f', "{name}": [')
                spool = spools[name]
                spool.seek(0)
                while chunk := spool.read(1 << 16):
                    out.write(chunk)
                out.write("]")
            out.write("}\n")
        finally:
            for spool in spools.values():
                spool.close()



def write_dossier_markdown(store: Store, out: IO[str], view_of: Callable[[Store, str], Dossier],
                           progress: Callable[[int], None] | None = None) -> None:
    """Stream the whole database's Markdown dossier to ``out``: each stored story's own dossier in
    turn, under one header (memory stays that of one story). Citations are the stored article
    numbers, so they are the same as in `dossier --story`, the web UI and the JSON."""
    with store.snapshot():
        ids = store.story_ids()
        articles = store.count("articles")
        out.write(f"# Story dossier\n\n{articles} article{'s' if articles != 1 else ''} in {len(ids)} "
                  f"stor{'y' if len(ids) == 1 else 'ies'}, each below with its own entities, quotes, timeline "
                  "and sources. Citations read [article:sentence]; an article has one number throughout.\n\n")
        for sid in ids:
            out.write(render_markdown(view_of(store, sid), title=f"Story {sid}", level=2) + "\n")
            if progress:
                progress(1)
