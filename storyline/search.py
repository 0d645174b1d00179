"""Full-text search over the stored sentences, filtered by entity (id, name or alias), outlet and
publication date range. Every hit says where it comes from: article title, outlet, day and a
citation to the sentence."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

from .render.cite import citation
from .store import Store, fts_terms

MAX_HITS = 50
SUGGEST_POOL = 200  # registry entities a misspelt name is compared with


class SearchError(ValueError):
    """A filter that names nothing in the collection; the message says what would."""


@dataclass
class Hit:
    article: str
    sentence: int  # index in the article
    start: int
    end: int
    text: str
    citation: str
    score: float
    title: str = ""
    source: str = ""
    published: str = ""  # the day the article came out (YYYY-MM-DD), "" when unknown
    snippet: str = ""  # the sentence with the matched words between MARK_OPEN and MARK_CLOSE


def suggest_entities(store: Store, text: str, limit: int = 5) -> list[str]:
    """Entity names close to ``text`` (typos, partial names), best first: a fuzzy match over the
    registry entities that share a word beginning with it, and the most mentioned ones."""
    words = ["".join(ch for ch in w if ch.isalnum()) for w in text.casefold().split()]
    rows = store.registry_like([w[:3] for w in words if len(w) >= 2], limit=SUGGEST_POOL)
    rows += store.entity_list(limit=SUGGEST_POOL)
    names: dict[str, str] = {}
    for r in rows:
        for x in (r["name"], r.get("key")):
            if x:
                names.setdefault(str(x), str(r["name"]))
    found = process.extract(text, list(names), scorer=fuzz.WRatio, processor=utils.default_process,
                            limit=limit * 3, score_cutoff=60)
    return list(dict.fromkeys(names[m[0]] for m in found))[:limit]


def entity_named(store: Store, ref: str) -> str:
    """The registry id of the entity with this id, name or longer alias; SearchError with the
    nearest names otherwise."""
    found = store.find_registry(ref.strip())
    if found is not None:
        return found
    # a bare surname or word ("Reyes") names the one entity whose name or longer alias holds it;
    # the registry keeps no one-word aliases (too weak to carry identity across stories)
    words = ref.casefold().split()
    if len(words) == 1:
        owners = {str(r["id"]) for r in store.registry_like(words, limit=SUGGEST_POOL)
                  if words[0] in str(r["key"]).split()}
        if len(owners) == 1:
            return owners.pop()
    close = suggest_entities(store, ref)
    hint = f"; did you mean {', '.join(repr(x) for x in close)}?" if close else ""
    raise SearchError(f"no entity named {ref!r}{hint}")


def source_named(store: Store, ref: str) -> str:
    sources = store.sources()
    for s in sources:
        if s.casefold() == ref.strip().casefold():
            return s
    close = [m[0] for m in process.extract(ref, sources, scorer=fuzz.WRatio, limit=3, score_cutoff=60)]
    hint = f"; did you mean {', '.join(repr(x) for x in close)}?" if close else ""
    raise SearchError(f"no outlet named {ref!r}{hint}")


def day(value: str | None, name: str) -> str:
    """An ISO day from a filter; empty means no bound."""
    if not value:
        return ""
    try:
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise SearchError(f"{name}: {value!r} is not a date (YYYY-MM-DD)") from None


def search(store: Store, query: str, entity: str = "", source: str = "", date_from: str = "",
           date_to: str = "", limit: int = MAX_HITS) -> list[Hit]:
    """Sentences matching ``query`` (BM25, best first; a query matching more than ``store.RANK_ALL``
    sentences, with no filter, ranks the newest stored stretch holding about that many). With ``entity``, only sentences that mention
    it (by name, descriptor or pronoun); with an empty query, every such sentence in date order.
    Reads the matching sentences and their articles' metadata, nothing resolved."""
    lo, hi = day(date_from, "from"), day(date_to, "to")
    eid = entity_named(store, entity) if entity.strip() else ""
    outlet = source_named(store, source) if source.strip() else ""
    if not any(ch.isalnum() for ch in query):
        if not eid:
            return []
        return [_hit(r, 0.0, "") for r in store.entity_sentences(eid, source=outlet, date_from=lo, date_to=hi,
                                                                  limit=limit)]
    rows = store.match_sentences(fts_terms(query), limit, source=outlet, date_from=lo, date_to=hi, entity=eid,
                                 snippet=24)
    meta = store.sentence_hits(str(r["sentence"]) for r in rows)
    return [_hit(meta[str(r["sentence"])], float(r["score"]), str(r["snippet"]))  # type: ignore[arg-type]
            for r in rows if str(r["sentence"]) in meta]


def _hit(r: dict[str, object], score: float, snippet: str) -> Hit:
    n, start = int(r["n"]), int(r["start"])  # type: ignore[call-overload]
    return Hit(str(r["article"]), n, start, int(r["end"]), str(r["text"]),  # type: ignore[call-overload]
               citation(r["number"], n), round(score, 4), str(r["title"] or ""), str(r["source"] or ""),
               str(r["published"] or "")[:10], snippet)
