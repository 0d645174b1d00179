"""Scores extraction on the bundled sample corpus against its hand-made gold (samples/gold.json).

Quotes match when the prediction covers at least half of the gold quote's characters (the rule of
quotes-meantime-dev); the speaker is right when the resolved entity's name or alias, or the
speaker as written, equals the gold speaker. Amounts match on overlapping span, value and unit;
times on overlapping span and TIMEX3 value.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..model import Dossier
from .metrics import PRF, overlap
from .quotes import score_quotes
from .records import GoldQuote


def _locate(text: str, needle: str) -> tuple[int, int] | None:
    i = text.find(needle)
    return (i, i + len(needle)) if i >= 0 else None


def score_sample(d: Dossier, gold_path: str | Path) -> dict[str, dict[str, float]]:
    gold = json.loads(Path(gold_path).read_text(encoding="utf-8"))
    by_file = {Path(a.article.path).name: a for a in d.analyses}
    results: dict[str, dict[str, float]] = {}

    # the quote rule is the public corpus's, so one scorer serves both
    golds = []
    for g in gold["quotes"]:
        an = by_file[g["file"]]
        span = _locate(an.article.text, g["text"])
        assert span, f"gold quote not in {g['file']}: {g['text']!r}"
        golds.append(GoldQuote(an.article.id, span[0], span[1], g["speaker"], direct=g.get("direct", True)))
    q = score_quotes(golds, d.analyses, d.entities, kinds=("speech",))  # the sample gold annotates speech
    results["quotes"] = q["quotes"]
    results["quote_speakers"] = {"accuracy": q["speaker_accuracy"], "gold": len(golds)}

    for kind, key in (("amounts", "amounts"), ("times", "times")):
        prf = PRF()
        for f, an in by_file.items():
            golds = [g for g in gold[key] if g["file"] == f]
            preds = an.amounts if kind == "amounts" else an.times
            if kind == "amounts":
                preds = [p for p in preds if p.kind in {"money", "percent"}]
            used: set[int] = set()
            text = an.article.text
            gspans = []
            pos = 0
            for g in golds:
                i = text.find(g["text"], pos if any(x["text"] == g["text"] for x in golds[: golds.index(g)]) else 0)
                gspans.append((i, i + len(g["text"])))
                pos = i + 1
            prf.n_gold += len(golds)
            prf.n_pred += len(preds)

            def ok(g: dict, p: object, kind: str = kind) -> bool:  # type: ignore[type-arg]
                if kind == "amounts":
                    return p.unit == g["unit"] and p.value is not None and abs(p.value - g["value"]) <= 1e-6 * max(1, g["value"])  # type: ignore[attr-defined]
                return p.value == g["value"]  # type: ignore[attr-defined]

            for g, gs in zip(golds, gspans, strict=True):
                for n, p in enumerate(preds):
                    if n not in used and overlap(gs, (p.start, p.end)) and ok(g, p):  # type: ignore[attr-defined]
                        used.add(n)
                        prf.tp_r += 1
                        break
            prf.tp_p += len(used)
        results[kind] = prf.as_dict()
    return results
