"""Full-text search over the stored sentences, filtered by entity (id, name or alias), outlet and
publication date range. Every hit says where it comes from: article title, outlet, day and a
citation to the sentence."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from .model import Dossier, Entity
from .render.cite import Citer
from .resolve.overrides import find_entity
from .store import Store, fts_terms

MAX_HITS = 50


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


def suggest_entities(d: Dossier, text: str, limit: int = 5) -> list[str]:
    """Entity names close to ``text`` (typos, partial names), best first."""
    names = {}
    for e in d.entities:
        for x in [e.name, *e.aliases]:
            names.setdefault(x, e.name)
    found = process.extract(text, list(names), scorer=fuzz.WRatio, limit=limit * 3, score_cutoff=60)
    return list(dict.fromkeys(names[m[0]] for m in found))[:limit]


def entity_named(d: Dossier, ref: str) -> Entity:
    """The entity with this id, name or alias; SearchError with the nearest names otherwise."""
    e = find_entity(d.entities, ref.strip())
    if e is not None:
        return e
    key = " ".join(ref.split()).casefold()
    for e in d.entities:
        if key in {x.casefold() for x in [e.name, *e.aliases]}:
            return e
    close = suggest_entities(d, ref)
    hint = f"; did you mean {', '.join(repr(x) for x in close)}?" if close else ""
    raise SearchError(f"no entity named {ref!r}{hint}")


def source_named(d: Dossier, ref: str) -> str:
    sources = sorted({a.article.source for a in d.analyses if a.article.source})
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


def search(store: Store, d: Dossier, query: str, entity: str = "", source: str = "", date_from: str = "",
           date_to: str = "", limit: int = MAX_HITS) -> list[Hit]:
    """Sentences matching ``query`` (best first: BM25 on SQLite, ts_rank on PostgreSQL). With ``entity``, only sentences that mention
    it (by name, descriptor or pronoun); with an empty query, every such sentence in date order."""
    lo, hi = day(date_from, "from"), day(date_to, "to")
    ent = entity_named(d, entity) if entity.strip() else None
    outlet = source_named(d, source) if source.strip() else ""
    arts = {an.article.id: an for an in d.analyses}
    cite = Citer(d)
    where: set[tuple[str, int]] | None = None
    if ent is not None:
        where = {(m.article, cite.sentence(m.article, m.start)) for m in ent.mentions}

    def keep(article: str) -> bool:
        an = arts.get(article)
        if an is None or (outlet and an.article.source != outlet):
            return False
        published = (an.article.published or "")[:10]
        return not ((lo and (not published or published < lo)) or (hi and (not published or published > hi)))

    def hit(article: str, n: int, score: float, snippet: str) -> Hit:
        an = arts[article]
        s = an.sentences[n]
        a = an.article
        return Hit(article, n, s.start, s.end, a.text[s.start : s.end], cite(article, s.start), round(score, 4),
                   a.title, a.source, (a.published or "")[:10], snippet)

    out: list[Hit] = []
    if not any(ch.isalnum() for ch in query):
        if where is None:
            return []
        for article, n in sorted(where, key=lambda x: ((arts[x[0]].article.published or "") if x[0] in arts else "", x)):
            if keep(article) and n < len(arts[article].sentences):
                out.append(hit(article, n, 0.0, ""))
        return out[:limit]
    rows = store.match_sentences(fts_terms(query), max(limit * 4, 200), source=outlet, date_from=lo, date_to=hi,
                                 articles=None if where is None else {a for a, _ in where}, snippet=24)
    for r in rows:
        article = str(r["article"])
        n = int(str(r["sentence"]).rsplit(":s", 1)[1])
        if not keep(article) or n >= len(arts[article].sentences):
            continue
        if where is not None and (article, n) not in where:
            continue
        out.append(hit(article, n, float(r["score"]), str(r["snippet"])))
        if len(out) >= limit:
            break
    return out
