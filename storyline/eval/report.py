"""Evaluation reports as a table for the terminal, JSON, or the docs/EVAL.md page."""

from __future__ import annotations

import datetime as dt
import json
import platform
from dataclasses import asdict
from pathlib import Path

from .records import Report

TUNED = " †"
TUNED_NOTE = "† measured on data the rules were tuned on: an optimistic figure, not a held-out one."
MARKER = "<!-- hand-written analysis below this line is kept when the page is regenerated -->"


def to_json(reports: list[Report]) -> str:
    return json.dumps([asdict(r) | {"errors": r.errors[:50]} for r in reports], indent=2, ensure_ascii=False)


def _pct(x: float) -> str:
    return f"{100 * x:.1f}"


def to_markdown(reports: list[Report], command: str, keep: str = "") -> str:
    today = dt.date.today().isoformat()
    lines = [
        "# Evaluation against public gold corpora",
        "",
        f"Produced by `{command}` on {today} (Python {platform.python_version()}, 2 cores). Scores are percentages.",
        "Regenerate with `make eval`. \"Best published\" comes from each corpus's SOURCE.md in ../shared/data;",
        "figures marked unverified there are recalled from the papers, not checked.",
        "",
    ]
    for r in reports:
        lines += [f"## {r.corpus}", "", f"{r.docs} documents, {r.seconds:.0f} s.", "",
                  "| task | metric | storyline | best published |", "|---|---|---:|---|"]
        lines += [f"| {row.task} | {row.metric} | {_pct(row.score)}{TUNED if row.tuned_on else ''} | {row.best} |"
                  for row in r.rows]
        lines.append("")
        if any(row.tuned_on for row in r.rows):
            lines += [TUNED_NOTE, ""]
        if r.errors:
            kinds: dict[str, int] = {}
            for e in r.errors:
                kinds[e["kind"]] = kinds.get(e["kind"], 0) + 1
            lines.append("Errors by kind: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())) + ".")
            lines.append("")
    lines += [MARKER, keep.strip(), ""]
    return "\n".join(lines)


def write_docs(reports: list[Report], path: str | Path, command: str) -> None:
    path = Path(path)
    keep = ""
    if path.exists():
        old = path.read_text(encoding="utf-8")
        if MARKER in old:
            keep = old.split(MARKER, 1)[1]
    path.write_text(to_markdown(reports, command, keep), encoding="utf-8")
