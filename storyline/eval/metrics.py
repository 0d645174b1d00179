"""Precision, recall and F1, and span overlap, shared by every scorer."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class PRF:
    tp_p: int = 0  # predictions that match
    n_pred: int = 0
    tp_r: int = 0  # gold items that are matched
    n_gold: int = 0

    @property
    def precision(self) -> float:
        return self.tp_p / self.n_pred if self.n_pred else 0.0

    @property
    def recall(self) -> float:
        return self.tp_r / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
                "gold": self.n_gold, "predicted": self.n_pred}


def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def norm_name(s: str | None) -> str:
    s = " ".join((s or "").lower().replace("’", "'").split())
    return s[4:] if s.startswith("the ") else s
