"""Search and ask as the web UI calls them: ``search(store, query, entity, source, date_from, date_to)``
and ``answer(store, question)``, reading the store (issue 13).

storyline/search.py and storyline/ask.py are being moved to those signatures on another branch
(askstore). Until it lands they still take a Dossier; this module then hands them a small one built
from stored rows around the question (the articles of the best full-text matches, and an entity's
mentioned articles), bounded by ``WINDOW``, never the whole collection. Once both take a store,
the two ``_window`` paths go and this module is two plain calls.
"""

from __future__ import annotations

import inspect
import json
from typing import Any

from rapidfuzz import fuzz, process

from .. import ask as ask_mod
from .. import search as search_mod
from ..model import Dossier, Entity, EntityMention, from_nested
from ..search import SearchError
from ..store import Store, fts_query

WINDOW = 200  # sentences of full-text matches (and entity mentions) whose articles a window holds


def _takes_dossier(fn: Any) -> bool:
    return "d" in inspect.signature(fn).parameters


def search(store: Store, query: str, entity: str = "", source: str = "", date_from: str = "",
           date_to: str = "") -> list[Any]:
    if not _takes_dossier(search_mod.search):
        return search_mod.search(store, query, entity, source, date_from, date_to)  # type: ignore[call-arg, arg-type]
    search_mod.day(date_from, "from")
    search_mod.day(date_to, "to")
    ent = None
    if entity.strip():
        ent = store.find_registry(entity.strip())
        if ent is None:
            names = [str(r["name"]) for r in store.top_entities(500)]
            close = [m[0] for m in process.extract(entity.strip(), names, scorer=fuzz.WRatio, limit=5, score_cutoff=60)]
            hint = f"; did you mean {', '.join(repr(x) for x in close)}?" if close else ""
            raise SearchError(f"no entity named {entity.strip()!r}{hint}")
    if source.strip():
        row = store.conn.execute("SELECT source FROM articles WHERE source = ? COLLATE NOCASE LIMIT 1",
                                 (source.strip(),)).fetchone()
        if row is None:
            raise SearchError(f"no outlet named {source.strip()!r}")
    arts: list[str] = []
    if any(ch.isalnum() for ch in query):
        arts += [str(r["article"]) for r in store.search(query, limit=WINDOW)]
    if ent is not None:
        arts += [m.article for m in store.entity_mentions(ent, limit=WINDOW)]
    d = _window(store, arts, [ent] if ent else [])
    if source.strip() and not any(an.article.source.casefold() == source.strip().casefold() for an in d.analyses):
        return []  # the outlet exists, but none of its articles is among the matches
    return search_mod.search(store, d, query, ent or "", source, date_from, date_to)


def answer(store: Store, question: str) -> Any:
    if not _takes_dossier(ask_mod.answer):
        return ask_mod.answer(store, question)  # type: ignore[call-arg, arg-type]
    words = ask_mod.content_words(question)
    rows = store.rows("SELECT article FROM sentences_fts WHERE sentences_fts MATCH ? ORDER BY bm25(sentences_fts) "
                      "LIMIT ?", (fts_query(" ".join(words)), WINDOW)) if words else []
    return ask_mod.answer(store, _window(store, [str(r["article"]) for r in rows], []), question)


def _window(store: Store, articles: list[str], entities: list[str]) -> Dossier:
    """The given articles with the registry entities named in them (mentions inside these articles
    only; names and aliases from those entities' records in the articles' stories)."""
    arts = list(dict.fromkeys(articles))
    analyses = store.analyses_of(arts)
    if not arts:
        return Dossier(analyses)
    marks = ",".join("?" * len(arts))
    mentions: dict[str, list[EntityMention]] = {e: [] for e in entities}
    for r in store.conn.execute(f'SELECT entity, article, start, "end", text, kind FROM entity_mentions '
                                f"WHERE article IN ({marks}) ORDER BY article, start", tuple(arts)):
        mentions.setdefault(r[0], []).append(EntityMention(r[1], r[2], r[3], r[4], r[5]))
    stories = {s for a in arts if (s := store.story_of(a))}
    out: list[Entity] = []
    for eid, ms in mentions.items():
        reg = store.registry_entity(eid)
        if reg is None:
            continue
        e = Entity(eid, str(reg["name"]), str(reg["type"]), mentions=ms)
        for sid in stories:
            row = store.conn.execute("SELECT json FROM story_entities WHERE story=? AND entity=?", (sid, eid)).fetchone()
            if row is not None:
                rec = from_nested(Entity, json.loads(row[0]))
                e.aliases += [a for a in rec.aliases if a not in e.aliases and a != e.name]
        out.append(e)
    return Dossier(analyses, out)
