"""The same quote reported by several outlets, with small wording differences, becomes one group
with all its sources. Quotes are blocked by speaker (and by their first content word when the speaker
is unknown), then compared with RapidFuzz; a group whose wordings differ beyond punctuation and case
is flagged, since a reader should see that the outlets do not quote the same words."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from ..model import ArticleAnalysis, QuoteGroup

SAME = 88.0  # RapidFuzz ratio (0-100) from which two quotes are the same words, reported twice
_NORM = re.compile(r"[^\w%$€£ ]+")


def _norm(text: str) -> str:
    return " ".join(_NORM.sub(" ", text.lower().replace("’", "'")).split())


def group_quotes(analyses: list[ArticleAnalysis]) -> list[QuoteGroup]:
    ordered = sorted(((an.article.published or "", an.article.id, q) for an in analyses for q in an.quotes),
                     key=lambda x: (x[0], x[1], x[2].start))
    blocks: dict[str, list[list]] = {}
    for _, _, q in ordered:
        norm = _norm(q.text)
        if len(norm.split()) < 4:  # "constructive": too short to tell a repeat from a coincidence
            continue
        key = q.speaker or "?"
        placed = False
        for grp in blocks.setdefault(key, []):
            first = grp[0]
            score = fuzz.ratio(norm, _norm(first.text))
            if first.article != q.article and score >= SAME:
                grp.append(q)
                placed = True
                break
        if not placed:
            blocks[key].append([q])
    out = []
    for grps in blocks.values():
        for grp in grps:
            if len({q.article for q in grp}) < 2:
                continue
            first = grp[0]
            sims = [fuzz.ratio(_norm(first.text), _norm(q.text)) for q in grp[1:]]
            out.append(QuoteGroup(id=f"qg{len(out)}", quotes=[q.id for q in grp], speaker=first.speaker,
                                  text=first.text, articles=list(dict.fromkeys(q.article for q in grp)),
                                  wording_differs=min(sims) < 100.0, similarity=round(min(sims), 1)))
    return out
