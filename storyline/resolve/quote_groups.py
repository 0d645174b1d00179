"""The same quote reported by several outlets, with small wording differences, becomes one group
with all its sources. Quotes are blocked by speaker (and by their first content word when the speaker
is unknown), then compared with RapidFuzz; a group whose wordings differ beyond punctuation and case
is flagged, since a reader should see that the outlets do not quote the same words."""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz

from ..model import ArticleAnalysis, QuoteGroup

SAME = 88.0  # RapidFuzz ratio (0-100) from which two quotes are the same words, reported twice
_NORM = re.compile(r"[^\w%$€£ ]+")


@lru_cache(maxsize=1 << 15)
def _norm(text: str) -> str:
    # cached: a story re-resolved on every batch that adds to it normalises the same quotes again
    return " ".join(_NORM.sub(" ", text.lower().replace("’", "'")).split())


@lru_cache(maxsize=1 << 15)
def _blocking_words(norm: str) -> tuple[int, tuple[str, ...]]:
    """How many words a normalised quote has, and its three longest (the blocking keys)."""
    words = norm.split()
    return len(words), tuple(sorted(set(words), key=lambda w: (-len(w), w))[:3])


def group_quotes(analyses: list[ArticleAnalysis]) -> list[QuoteGroup]:
    ordered = sorted(((an.article.published or "", an.article.id, q) for an in analyses for q in an.quotes),
                     key=lambda x: (x[0], x[1], x[2].start))
    groups: list[list] = []
    # blocking: a repeated quote keeps its speaker and at least one of its three longest words, so a
    # new quote is compared only with groups that share both, never with every quote so far
    index: dict[tuple[str, str], list[int]] = {}
    for _, _, q in ordered:
        norm = _norm(q.text)
        count, longest = _blocking_words(norm)
        if count < 4:  # "constructive": too short to tell a repeat from a coincidence
            continue
        speaker = q.speaker or "?"
        keys = [(speaker, w) for w in longest]
        placed = False
        for n in dict.fromkeys(i for k in keys for i in index.get(k, [])):
            first = groups[n][0]
            if first.article != q.article and fuzz.ratio(norm, _norm(first.text), score_cutoff=SAME) >= SAME:
                groups[n].append(q)
                placed = True
                break
        if not placed:
            groups.append([q])
            for k in keys:
                index.setdefault(k, []).append(len(groups) - 1)
    out = []
    for grp in groups:
        if len({q.article for q in grp}) < 2:
            continue
        first = grp[0]
        sims = [fuzz.ratio(_norm(first.text), _norm(q.text)) for q in grp[1:]]
        out.append(QuoteGroup(id=f"qg{len(out)}", quotes=[q.id for q in grp], speaker=first.speaker,
                              text=first.text, articles=list(dict.fromkeys(q.article for q in grp)),
                              wording_differs=min(sims) < 100.0, similarity=round(min(sims), 1)))
    return out
