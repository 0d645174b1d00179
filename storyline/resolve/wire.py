"""Wire copy: the same agency story republished by several outlets with small edits.

Each article is shingled into word 5-grams and hashed into a MinHash signature; an LSH index
(datasketch) proposes candidate pairs without comparing all pairs, and each candidate is confirmed on
the exact Jaccard similarity of the shingle sets. Copies stay in the dossier as sources, but count
once when weighing how many independent reports back a fact.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from functools import lru_cache

import numpy as np
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


@lru_cache(maxsize=1)
def _proto() -> MinHash:
    """The permutations every signature shares, generated once (read only)."""
    return MinHash(num_perm=128, seed=1)


SIGNATURES = 8192  # articles whose signatures are kept between calls (about 1.2 kB each)
_signatures: OrderedDict[bytes, tuple[int, np.ndarray]] = OrderedDict()
_lock = threading.Lock()  # the web app resolves in threads


def signature(text: str) -> tuple[int, MinHash]:
    """The number of shingles of a text and its MinHash. An ingest re-resolves a story from all of
    its articles whenever it gains one, so the same article is signed again and again; the last
    ``SIGNATURES`` texts' signatures are kept, by a digest of the text (the id could outlive an edit)."""
    key = hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()
    proto = _proto()
    with _lock:
        hit = _signatures.get(key)
        if hit is not None:
            _signatures.move_to_end(key)
    if hit is None:
        sh = shingles(text)
        mh = MinHash(num_perm=128, seed=1, permutations=proto.permutations, scheme=proto.scheme)
        mh.update_batch([s.encode("utf-8") for s in sh])
        hit = (len(sh), mh.hashvalues.copy())
        with _lock:
            _signatures[key] = hit
            if len(_signatures) > SIGNATURES:
                _signatures.popitem(last=False)
    return hit[0], MinHash(seed=1, hashvalues=hit[1], permutations=proto.permutations, scheme=proto.scheme)


def wire_groups(analyses: list[ArticleAnalysis], threshold: float = THRESHOLD) -> list[WireGroup]:
    ordered = sorted(analyses, key=lambda a: (a.article.published or "", a.article.id))
    lsh = MinHashLSH(threshold=threshold, num_perm=128, params=_bands(threshold, 128))
    texts = {an.article.id: an.article.text for an in ordered}
    sets: dict[str, set[str]] = {}  # shingles, made only for the likely copies the signatures point to

    def shingled(aid: str) -> set[str]:
        if aid not in sets:
            sets[aid] = shingles(texts[aid])
        return sets[aid]

    sigs: dict[str, MinHash] = {}
    parent: dict[str, str] = {}
    best: dict[str, float] = {}
    for an in ordered:
        aid = an.article.id
        n, mh = signature(an.article.text)
        if n < 8:  # too short to call a copy
            continue
        for other in lsh.query(mh):
            # the signature's estimate first: exact set algebra only for likely copies
            if mh.jaccard(sigs[other]) < threshold - 0.15:
                continue
            sh, them = shingled(aid), shingled(other)
            sim = len(sh & them) / len(sh | them)
            if sim >= threshold:
                root = parent.get(other, other)
                if aid not in parent or sim > best[aid]:
                    parent[aid], best[aid] = root, sim
        sigs[aid] = mh
        lsh.insert(aid, mh)
    groups: dict[str, list[str]] = {}
    for copy, root in parent.items():
        groups.setdefault(root, []).append(copy)
    return [WireGroup(root, copies, round(min(best[c] for c in copies), 3)) for root, copies in groups.items()]
