"""The facts scorer's rule on a tiny hand-made gold, and a floor on a quick subset of
facts-ecbplus-dev (skipped, with the reason, without the data)."""

import pytest

from storyline.eval.facts import FactGold, score_discrepancies
from storyline.eval.runner import CorpusMissing, run
from storyline.model import Discrepancy, DiscrepancyValue, Span


def _gold() -> FactGold:
    st = lambda doc, s, e, v: {"doc": doc, "start": s, "end": e, "text": "x", "value": v}  # noqa: E731
    facts = [
        {"id": "F1", "story": "s", "kind": "count", "verdict": "conflict", "statements": [st("a", 0, 2, 5), st("b", 0, 2, 2)]},
        {"id": "F2", "story": "s", "kind": "count", "verdict": "consistent", "statements": [st("a", 10, 12, 7), st("b", 10, 12, 7)]},
        {"id": "F3", "story": "s", "kind": "count", "verdict": "claim", "statements": [st("a", 20, 22, 3), st("c", 20, 22, 4)]},
    ]
    not_same = [{"id": "N1", "story": "s", "a": {"doc": "c", "start": 30, "end": 32}, "b": {"doc": "a", "start": 20, "end": 22}}]
    g = FactGold([], {"s": ["a", "b", "c"]}, facts, not_same)
    for f in facts:
        for s in f["statements"]:
            g.statements.setdefault(s["doc"], []).append((s["start"], s["end"], f["id"]))
    return g


def _pred(verdict: str, *spans: tuple[str, int, int]) -> Discrepancy:
    return Discrepancy("d", "", "amount", [DiscrepancyValue(str(i), [a], [Span(a, s, e)]) for i, (a, s, e) in enumerate(spans)], verdict)


def test_scoring_rule():
    g = _gold()
    s = score_discrepancies(g, [
        _pred("conflict", ("a", 0, 2), ("b", 0, 2)),  # right fact, right verdict
        _pred("conflict", ("a", 10, 12), ("b", 10, 12)),  # a consistent fact: wrong
        _pred("claim", ("a", 20, 22), ("c", 30, 32)),  # joins a look-alike pair: wrong
        _pred("claim", ("a", 0, 2), ("c", 20, 22)),  # two facts: wrong
    ])
    assert s["discrepancies"]["precision"] == 0.25
    assert s["discrepancies"]["recall"] == 0.5  # F1 found, F3 not
    assert s["verdict_accuracy"] == 1.0
    assert s["lookalike_rate"] == 0.25


# today on this subset (27 documents, 4 stories): P 0.83, R 0.95, F1 0.89, verdicts 0.95, look-alikes 0.00,
# statements 0.964
FLOORS = {"F1": 0.86, "recall": 0.92, "verdict accuracy": 0.90, "statements found (value span overlaps)": 0.95}


def test_facts_ecbplus_dev_subset_stays_above_floors():
    try:
        [report] = run("facts", None, 30)
    except CorpusMissing as exc:
        pytest.skip(f"gold corpus absent: {exc}")
    scores = {r.metric: r.score for r in report.rows}
    for metric, floor in FLOORS.items():
        assert scores[metric] >= floor, f"facts {metric}: {scores[metric]:.3f} < floor {floor}"
    assert scores["look-alike pairs joined (share of predictions)"] <= 0.05
