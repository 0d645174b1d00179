"""Coreference scores: MUC, B³, CEAF-e and the CoNLL average, as in the reference scorer.

There is no maintained pure-Python package of the reference scorer on PyPI (the CoNLL scorer is Perl;
``coval`` is not packaged), so the definitions are written here from Pradhan et al. (2014),
"Scoring Coreference Partitions of Predicted Mentions", and tested on that paper's worked example.
Clusters are sets of hashable mention keys; key and response may contain different mentions
(predicted mentions), which every metric here handles as the reference scorer does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable

import numpy as np
from scipy.optimize import linear_sum_assignment

Cluster = frozenset[Hashable]


def _f(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _prf(p: float, r: float) -> dict[str, float]:
    return {"precision": p, "recall": r, "f1": _f(p, r)}


def _clusters(groups: Iterable[Iterable[Hashable]]) -> list[Cluster]:
    return [frozenset(g) for g in groups if g]


def _owner(clusters: list[Cluster]) -> dict[Hashable, int]:
    return {m: i for i, c in enumerate(clusters) for m in c}


def _muc_side(key: list[Cluster], response: list[Cluster]) -> float:
    owner = _owner(response)
    num = den = 0
    for k in key:
        # a mention the response misses is a partition of its own
        parts = {owner.get(m, ("missing", m)) for m in k}
        num += len(k) - len(parts)
        den += len(k) - 1
    return num / den if den else 0.0


def muc(key: list[Cluster], response: list[Cluster]) -> dict[str, float]:
    return _prf(_muc_side(response, key), _muc_side(key, response))


def _b3_side(key: list[Cluster], response: list[Cluster]) -> float:
    owner = _owner(response)
    total = sum(len(k) for k in key)
    score = 0.0
    for k in key:
        counts: dict[int, int] = defaultdict(int)
        for m in k:
            if m in owner:
                counts[owner[m]] += 1
        score += sum(c * c for c in counts.values()) / len(k)
    return score / total if total else 0.0


def b_cubed(key: list[Cluster], response: list[Cluster]) -> dict[str, float]:
    return _prf(_b3_side(response, key), _b3_side(key, response))


def ceaf_e(key: list[Cluster], response: list[Cluster]) -> dict[str, float]:
    if not key or not response:
        return _prf(0.0, 0.0)
    owner = _owner(response)
    sim = np.zeros((len(key), len(response)))
    for i, k in enumerate(key):
        counts: dict[int, int] = defaultdict(int)
        for m in k:
            if m in owner:
                counts[owner[m]] += 1
        for j, c in counts.items():
            sim[i, j] = 2 * c / (len(k) + len(response[j]))
    rows, cols = linear_sum_assignment(sim, maximize=True)
    total = float(sim[rows, cols].sum())
    return _prf(total / len(response), total / len(key))


def conll(key_groups: Iterable[Iterable[Hashable]], response_groups: Iterable[Iterable[Hashable]]) -> dict[str, dict[str, float]]:
    """All three metrics and their CoNLL average (mean of the F1s)."""
    key, response = _clusters(key_groups), _clusters(response_groups)
    out = {"muc": muc(key, response), "b3": b_cubed(key, response), "ceafe": ceaf_e(key, response)}
    out["conll"] = {"f1": sum(v["f1"] for v in out.values()) / 3}
    return out
