"""Wire copy: the same agency story republished by several outlets with small edits.

Each article is shingled into word 5-grams and hashed into a MinHash signature; an LSH index
(datasketch) proposes candidate pairs without comparing all pairs, and each candidate is confirmed on
the exact Jaccard similarity of the shingle sets. (A story whose signatures are not at hand signs
only the articles that can be copies, found by comparing their shingle sets: the same groups.)
Copies stay in the dossier as sources, but count once when weighing how many independent reports
back a fact.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from types import ModuleType
from typing import TYPE_CHECKING

from ..model import ArticleAnalysis, WireGroup
from .kept import Kept

if TYPE_CHECKING:
    import numpy as np
    from datasketch import MinHash


def _datasketch() -> ModuleType:
    """datasketch imported when first used: it pulls scipy (seconds), and the web server, which never
    looks for wire copies, must not pay for it at start."""
    import datasketch

    return datasketch

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
    lsh = _datasketch().MinHashLSH(threshold=threshold, num_perm=num_perm)
    return lsh.b, lsh.r


@lru_cache(maxsize=1)
def _proto() -> MinHash:
    """The permutations every signature shares, generated once (read only)."""
    return _datasketch().MinHash(num_perm=128, seed=1)


SIGNATURES = 8192  # articles whose signatures are kept between calls (about 1.2 kB each)
_signatures: Kept[bytes, tuple[int, np.ndarray]] = Kept(SIGNATURES)
_seen: Kept[bytes, bool] = Kept(4 * SIGNATURES)  # texts wire_groups was given


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def signature(text: str, key: bytes | None = None) -> tuple[int, MinHash]:
    """The number of shingles of a text and its MinHash. An ingest re-resolves a story from all of
    its articles whenever it gains one, so the same article is signed again and again; the last
    ``SIGNATURES`` texts' signatures are kept, by a digest of the text (the id could outlive an edit)."""
    key = key or _digest(text)
    proto = _proto()
    hit = _signatures.get(key)
    if hit is None:
        sh = shingles(text)
        mh = _datasketch().MinHash(num_perm=128, seed=1, permutations=proto.permutations, scheme=proto.scheme)
        mh.update_batch([s.encode("utf-8") for s in sh])
        hit = (len(sh), mh.hashvalues.copy())
        _signatures.put(key, hit)
    return hit[0], _datasketch().MinHash(seed=1, hashvalues=hit[1], permutations=proto.permutations,
                                         scheme=proto.scheme)


# CPU of the two ways to find the articles that can be copies (microseconds, measured on news text):
# signing a text costs about 0.5 per character; shingling it 0.15, and comparing two shingle sets
# about 1 + characters / 400
SIGN_US, SHINGLE_US = 0.5, 0.15


def _partnered(sets: dict[str, set[str]], threshold: float) -> set[str]:
    """The articles whose shingles overlap another's at ``threshold`` Jaccard or more: the only ones
    that can be in a wire group. Sorted by size, a set is compared only with sets it can reach
    (the Jaccard of two sets is at most the smaller's size over the larger's)."""
    items = sorted(((aid, sh) for aid, sh in sets.items() if len(sh) >= 8), key=lambda x: len(x[1]))
    out: set[str] = set()
    for n, (a, sa) in enumerate(items):
        for b, sb in items[n + 1 :]:
            if len(sa) / len(sb) < threshold:
                break
            k = len(sa & sb)
            if k / (len(sa) + len(sb) - k) >= threshold:
                out.update((a, b))
    return out


def wire_groups(analyses: list[ArticleAnalysis], threshold: float = THRESHOLD) -> list[WireGroup]:
    """Wire groups: an article joins the group of the earliest article that LSH proposes and whose
    shingles it shares at ``threshold`` Jaccard or more (the most similar, if several)."""
    ordered = sorted(analyses, key=lambda a: (a.article.published or "", a.article.id))
    texts = {an.article.id: an.article.text for an in ordered}
    keys = {aid: _digest(text) for aid, text in texts.items()}
    sets: dict[str, set[str]] = {}  # shingles, made only where needed
    # Only an article with a partner at the threshold can be in a group, and what LSH proposes
    # for one article does not depend on the others indexed: signing just the articles with a
    # partner gives the groups signing all of them gives. Finding them by comparing shingle sets
    # is quadratic, but cheaper than signing every text of a story whose signatures are not kept.
    # A story seen before in this process is likely to be resolved again (an ingest re-resolves a
    # story on every batch that adds to it): its articles are signed, once, and their signatures kept.
    chars = sum(len(t) for t in texts.values())
    cold = sum(len(texts[a]) for a, k in keys.items() if k not in _signatures)
    pairs = len(texts) * (len(texts) - 1) / 2
    again = any(k in _seen for k in keys.values())
    for k in keys.values():
        _seen.put(k, True)
    if not again and cold * SIGN_US > chars * SHINGLE_US + pairs * (1 + chars / max(1, len(texts)) / 400):
        sets = {aid: shingles(text) for aid, text in texts.items()}
        keep = _partnered(sets, threshold)
        ordered = [an for an in ordered if an.article.id in keep]

    def shingled(aid: str) -> set[str]:
        if aid not in sets:
            sets[aid] = shingles(texts[aid])
        return sets[aid]

    lsh = _datasketch().MinHashLSH(threshold=threshold, num_perm=128, params=_bands(threshold, 128))
    sigs: dict[str, MinHash] = {}
    position: dict[str, int] = {}
    parent: dict[str, str] = {}
    best: dict[str, float] = {}
    for an in ordered:
        aid = an.article.id
        n, mh = signature(an.article.text, keys[aid])
        if n < 8:  # too short to call a copy
            continue
        # the earlier article first on a tie (LSH returns a set, in no fixed order)
        for other in sorted(lsh.query(mh), key=position.__getitem__):
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
        position[aid] = len(position)
        lsh.insert(aid, mh)
    groups: dict[str, list[str]] = {}
    for copy, root in parent.items():
        groups.setdefault(root, []).append(copy)
    return [WireGroup(root, copies, round(min(best[c] for c in copies), 3)) for root, copies in groups.items()]
