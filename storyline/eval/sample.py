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
from .metrics import PRF, norm_name, overlap


def _locate(text: str, needle: str) -> tuple[int, int] | None:
    i = text.find(needle)
    return (i, i + len(needle)) if i >= 0 else None


def score_sample(d: Dossier, gold_path: str | Path) -> dict[str, dict[str, float]]:
    gold = json.loads(Path(gold_path).read_text(encoding="utf-8"))
    by_file = {Path(a.article.path).name: a for a in d.analyses}
    entities = {e.id: e for e in d.entities}
    results: dict[str, dict[str, float]] = {}

    quotes, speakers = PRF(), PRF()
    matched_preds: set[str] = set()
    for g in gold["quotes"]:
        an = by_file[g["file"]]
        span = _locate(an.article.text, g["text"])
        assert span, f"gold quote not in {g['file']}: {g['text']!r}"
        quotes.n_gold += 1
        speakers.n_gold += 1
        best, best_ov = None, 0
        for q in an.quotes:
            ov = overlap(span, (q.start, q.end))
            if ov * 2 >= span[1] - span[0] and ov > best_ov:
                best, best_ov = q, ov
        if best is None:
            continue
        quotes.tp_r += 1
        matched_preds.add(best.id)
        names = {norm_name(best.speaker_text), norm_name(best.speaker_name)}
        if best.speaker in entities:
            e = entities[best.speaker]
            names |= {norm_name(n) for n in [e.name, *e.aliases]}
        if norm_name(g["speaker"]) in names:
            speakers.tp_r += 1
    files = {g["file"] for g in gold["quotes"]}
    for f in files:
        an = by_file[f]
        spans = [_locate(an.article.text, g["text"]) for g in gold["quotes"] if g["file"] == f]
        for q in an.quotes:
            quotes.n_pred += 1
            if any(s and overlap(s, (q.start, q.end)) * 2 >= s[1] - s[0] for s in spans):
                quotes.tp_p += 1
    speakers.n_pred, speakers.tp_p = quotes.tp_r, speakers.tp_r
    results["quotes"] = quotes.as_dict()
    results["quote_speakers"] = {"accuracy": round(speakers.recall, 4), "gold": speakers.n_gold}

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
