"""Discrepancies scored against a ``facts-*`` gold set (../shared/data/GUIDE-facts-across-outlets.md).

A predicted discrepancy (two or more differing values tied to one fact) matches a gold fact when its
values' mentions overlap statements of that fact in at least two documents. It is right when that
fact's values differ (verdict other than consistent); it is wrong when it overlaps statements of two
different facts or both sides of a look-alike (``not_same``) pair. Recall: gold facts with differing
values that some right prediction matches. Verdict accuracy: right predictions whose verdict equals
the gold verdict.

The stories are the gold set's: the guide defines a fact inside one story, and story clustering is
scored on its own (``storyline eval stories``), so its errors are not counted twice here.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..model import Article, ArticleAnalysis, Discrepancy
from .metrics import PRF, overlap
from .records import Report, Row


@dataclass
class FactGold:
    docs: list[dict]
    stories: dict[str, list[str]]  # story id -> doc ids
    facts: list[dict]
    not_same: list[dict]
    statements: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict)  # doc -> spans


def read_fact_gold(root: Path, limit: int | None = None) -> FactGold:
    docs = [json.loads(line) for line in (root / "docs.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    gold = json.loads((root / "gold.json").read_text(encoding="utf-8"))
    stories = {s["id"]: list(s["docs"]) for s in gold["stories"]}
    if limit:
        # whole stories, so that facts keep their statements in several documents
        keep: dict[str, list[str]] = {}
        for sid, members in stories.items():
            if sum(len(m) for m in keep.values()) + len(members) > limit and keep:
                continue
            keep[sid] = members
        stories = keep
    ids = {d for m in stories.values() for d in m}
    g = FactGold([d for d in docs if d["id"] in ids], stories,
                 [f for f in gold["facts"] if f["story"] in stories],
                 [n for n in gold["not_same"] if n["story"] in stories])
    for f in g.facts:
        for s in f["statements"]:
            g.statements.setdefault(s["doc"], []).append((s["start"], s["end"], f["id"]))
    return g


def articles_of(g: FactGold) -> list[Article]:
    return [Article(id=d["id"], text=d["text"], title=d.get("title", ""), source=d.get("source", ""),
                    published=d.get("published") or None) for d in g.docs]


def score_discrepancies(g: FactGold, predicted: list[Discrepancy]) -> dict:
    facts = {f["id"]: f for f in g.facts}
    sides: dict[tuple[str, int, int], list[str]] = defaultdict(list)
    for n in g.not_same:
        for side in ("a", "b"):
            s = n[side]
            sides[(s["doc"], s["start"], s["end"])].append(f"{n['id']}:{side}")
    differing = {fid for fid, f in facts.items() if f["verdict"] != "consistent"}
    prf = PRF(n_gold=len(differing), n_pred=len(predicted))
    found: set[str] = set()
    verdict_ok = 0
    lookalike = 0
    errors: list[dict] = []
    confusion: Counter[tuple[str, str]] = Counter()
    for d in predicted:
        hit: dict[str, set[str]] = defaultdict(set)
        ns_hit: set[str] = set()
        for v in d.values:
            for m in v.mentions:
                for s, e, fid in g.statements.get(m.article, []):
                    if overlap((s, e), (m.start, m.end)):
                        hit[fid].add(m.article)
                for (doc, s, e), names in sides.items():
                    if doc == m.article and overlap((s, e), (m.start, m.end)):
                        ns_hit.update(names)
        pairs = {n.split(":")[0] for n in ns_hit}
        joined_lookalike = any(f"{p}:a" in ns_hit and f"{p}:b" in ns_hit for p in pairs)
        lookalike += joined_lookalike
        summary = {"measure": d.measure, "verdict": d.verdict,
                   "values": [(v.value, [m.article for m in v.mentions]) for v in d.values]}
        matched = [fid for fid, docs in hit.items() if len(docs) >= 2]
        if joined_lookalike:
            errors.append({"kind": "joins a look-alike pair", **summary})
        elif len(hit) > 1:
            errors.append({"kind": "joins two gold facts", "facts": sorted(hit), **summary})
        elif not matched:
            errors.append({"kind": "no gold fact (unannotated or one document)", "facts": sorted(hit), **summary})
        elif matched[0] not in differing:
            errors.append({"kind": "gold fact is consistent", "facts": matched, **summary})
        else:
            fid = matched[0]
            prf.tp_p += 1
            found.add(fid)
            confusion[(facts[fid]["verdict"], d.verdict)] += 1
            if d.verdict == facts[fid]["verdict"]:
                verdict_ok += 1
            else:
                errors.append({"kind": f"verdict {d.verdict} for gold {facts[fid]['verdict']}", "facts": [fid], **summary})
    prf.tp_r = len(found)
    for fid in sorted(differing - found):
        f = facts[fid]
        errors.append({"kind": f"missed {f['kind']}", "facts": [fid], "about": f.get("about", ""), "verdict": f["verdict"]})
    return {
        "discrepancies": prf.as_dict(),
        "verdict_accuracy": round(verdict_ok / prf.tp_p, 4) if prf.tp_p else 0.0,
        "lookalike_rate": round(lookalike / len(predicted), 4) if predicted else 0.0,
        "verdicts": {f"{g_}->{p}": n for (g_, p), n in sorted(confusion.items())},
        "errors": errors,
    }


def predict(g: FactGold, analyses: list[ArticleAnalysis]) -> list[Discrepancy]:
    from ..resolve.facts import resolve_facts

    return resolve_facts(analyses, g.stories)


def eval_facts(data: Path, limit: int | None = None) -> Report:
    """``storyline eval facts``: facts-ecbplus-dev, every story (``limit``: whole stories up to that
    many documents)."""
    import time

    from ..extract import analyze_articles

    t0 = time.perf_counter()
    root = data / "facts-ecbplus-dev"
    if not root.exists():
        from .runner import CorpusMissing

        raise CorpusMissing(f"{root} not found (set --data or STORYLINE_DATA)")
    g = read_fact_gold(root, limit)
    analyses = analyze_articles(articles_of(g))
    s = score_discrepancies(g, predict(g, analyses))
    errors = s.pop("errors")
    p = s["discrepancies"]
    task = "discrepancies (gold stories; rules tuned on this set)"
    rows = [Row(task, "precision", p["precision"]), Row(task, "recall", p["recall"]),
            Row(task, "F1", p["f1"], "no published system; target 0.70"),
            Row(task, "verdict accuracy", s["verdict_accuracy"], "target 0.80"),
            Row(task, "look-alike pairs joined (share of predictions)", s["lookalike_rate"], "target ≤ 5"),
            Row("facts", "statements found (value span overlaps)", _statement_recall(g, analyses))]
    return Report("facts-ecbplus-dev", len(g.docs), time.perf_counter() - t0, rows, s, errors)


def _statement_recall(g: FactGold, analyses: list[ArticleAnalysis]) -> float:
    found = total = 0
    facts = {an.article.id: an.facts for an in analyses}
    for doc, spans in g.statements.items():
        for s, e, _ in spans:
            total += 1
            found += any(overlap((s, e), (f.start, f.end)) for f in facts.get(doc, []))
    return round(found / total, 4) if total else 0.0
