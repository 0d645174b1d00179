"""Wire copy: the same agency story republished by several outlets with small edits.

Each article is shingled into word 5-grams and hashed into a MinHash signature; an LSH index
(datasketch) proposes candidate pairs without comparing all pairs, and each candidate is confirmed on
the exact Jaccard similarity of the shingle sets. Copies stay in the dossier as sources, but count
once when weighing how many independent reports back a fact.
"""

from __future__ import annotations

import re
from functools import lru_cache

from datasketch import MinHash, MinHashLSH

from ..model import ArticleAnalysis, WireGroup

THRESHOLD = 0.7  # Jaccard of word 5-grams: a copy with a few edits stays above it (0.8+ on the planted test set)
_WORD = re.compile(r"\w+")


def shingles(text: str, k: int = 5) -> set[str]:
    words = _WORD.findall(text.lower())
    return {" ".join(words[i : i + k]) for i in range(max(1, len(words) - k + 1))}


@lru_cache(maxsize=8)
def _bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """The LSH band layout for a threshold, worked out once: datasketch finds it by numerical
    integration in every MinHashLSH() (20 ms of CPU), and an ingest builds one per story it re-resolves,
    a third of the main process's CPU on 300 PolNeAR articles."""
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return lsh.b, lsh.r


def wire_groups(analyses: list[ArticleAnalysis], threshold: float = THRESHOLD) -> list[WireGroup]:
    ordered = sorted(analyses, key=lambda a: (a.article.published or "", a.article.id))
    lsh = MinHashLSH(threshold=threshold, num_perm=128, params=_bands(threshold, 128))
    proto = MinHash(num_perm=128, seed=1)  # permutations generated once, shared by every signature
    sets: dict[str, set[str]] = {}
    sigs: dict[str, MinHash] = {}
    parent: dict[str, str] = {}
    best: dict[str, float] = {}
    for an in ordered:
        aid = an.article.id
        sh = shingles(an.article.text)
        if len(sh) < 8:  # too short to call a copy
            continue
        mh = MinHash(num_perm=128, seed=1, permutations=proto.permutations, scheme=proto.scheme)
        mh.update_batch([s.encode("utf-8") for s in sh])
        for other in lsh.query(mh):
            # the signature's estimate first: exact set algebra only for likely copies
            if mh.jaccard(sigs[other]) < threshold - 0.15:
                continue
            sim = len(sh & sets[other]) / len(sh | sets[other])
            if sim >= threshold:
                root = parent.get(other, other)
                if aid not in parent or sim > best[aid]:
                    parent[aid], best[aid] = root, sim
        sets[aid] = sh
        sigs[aid] = mh
        lsh.insert(aid, mh)
    groups: dict[str, list[str]] = {}
    for copy, root in parent.items():
        groups.setdefault(root, []).append(copy)
    return [WireGroup(root, copies, round(min(best[c] for c in copies), 3)) for root, copies in groups.items()]
