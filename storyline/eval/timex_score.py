"""TempEval-3 Task A scoring of time expressions (UzZaman et al. 2013).

Strict match: identical span. Relaxed match: overlapping spans (one-to-one, best overlap first).
Attribute scores (type, value) count a system TIMEX3 correct when it matches relaxed and its
attribute equals the gold one; precision is over all system TIMEX3s and recall over all gold ones,
so attribute F1 is relaxed F1 times attribute accuracy, as in the task's scorer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import TimeExpr
from .metrics import PRF, overlap
from .records import GoldTime


@dataclass
class TimexScore:
    strict: PRF = field(default_factory=PRF)
    relaxed: PRF = field(default_factory=PRF)
    type: PRF = field(default_factory=PRF)
    value: PRF = field(default_factory=PRF)
    errors: list[dict[str, str]] = field(default_factory=list)

    def add(self, doc: str, text: str, gold: list[GoldTime], pred: list[TimeExpr]) -> None:
        pairs = sorted(
            ((overlap((g.start, g.end), (p.start, p.end)), gi, pi) for gi, g in enumerate(gold) for pi, p in enumerate(pred)),
            reverse=True,
        )
        used_g: set[int] = set()
        used_p: set[int] = set()
        matched: list[tuple[GoldTime, TimeExpr]] = []
        for ov, gi, pi in pairs:
            if ov <= 0 or gi in used_g or pi in used_p:
                continue
            used_g.add(gi)
            used_p.add(pi)
            matched.append((gold[gi], pred[pi]))
        for prf in (self.strict, self.relaxed, self.type, self.value):
            prf.n_gold += len(gold)
            prf.n_pred += len(pred)
        for g, p in matched:
            self.relaxed.tp_p += 1
            self.relaxed.tp_r += 1
            if (g.start, g.end) == (p.start, p.end):
                self.strict.tp_p += 1
                self.strict.tp_r += 1
            if g.type == p.type:
                self.type.tp_p += 1
                self.type.tp_r += 1
            if g.value == (p.value or ""):
                self.value.tp_p += 1
                self.value.tp_r += 1
            else:
                self.errors.append({"doc": doc, "kind": "value", "text": g.text, "gold": g.value,
                                    "predicted": p.value or f"(none: {p.note})", "context": _ctx(text, g.start, g.end)})
        for gi, g in enumerate(gold):
            if gi not in used_g:
                self.errors.append({"doc": doc, "kind": "missed", "text": g.text, "gold": g.value, "predicted": "",
                                    "context": _ctx(text, g.start, g.end)})
        for pi, p in enumerate(pred):
            if pi not in used_p:
                self.errors.append({"doc": doc, "kind": "spurious", "text": p.text, "gold": "",
                                    "predicted": p.value or "", "context": _ctx(text, p.start, p.end)})

    def table(self) -> dict[str, dict[str, float]]:
        return {name: getattr(self, name).as_dict() for name in ("strict", "relaxed", "type", "value")}


def _ctx(text: str, start: int, end: int, width: int = 40) -> str:
    return " ".join((text[max(0, start - width) : start] + "[" + text[start:end] + "]" + text[end : end + width]).split())
