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


HEADER = [
    "# Evaluation against public gold corpora",
    "",
    "Scores are percentages. Regenerate with `make eval` (every corpus), or `storyline eval CORPUS --write-docs",
    "docs/EVAL.md` (that corpus's section only; the others are kept). \"Best published\" comes from each corpus's",
    "SOURCE.md in ../shared/data; figures marked unverified there are recalled from the papers, not checked.",
    "",
]


def section(r: Report, command: str) -> str:
    """One corpus's part of the page, saying when and by what command it was measured."""
    lines = [f"## {r.corpus}", "",
             f"{r.docs} documents, {r.seconds:.0f} s; measured {dt.date.today().isoformat()} by `{command}` "
             f"(Python {platform.python_version()}, 2 cores).", "",
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
    return "\n".join(lines)


def _sections(generated: str) -> dict[str, str]:
    """The corpus sections of a page written before, by heading, in page order."""
    out: dict[str, str] = {}
    for part in ("\n" + generated).split("\n## ")[1:]:
        name = part.split("\n", 1)[0].strip()
        out[name] = "## " + part.rstrip() + "\n"
    return out


def to_markdown(reports: list[Report], command: str, keep: str = "", old: str = "") -> str:
    """The page: corpora measured now replace their sections, corpora not measured now keep theirs."""
    sections = _sections(old)
    for r in reports:
        sections[r.corpus] = section(r, command)
    return "\n".join([*HEADER, *sections.values(), MARKER, keep.strip(), ""])


def write_docs(reports: list[Report], path: str | Path, command: str) -> None:
    path = Path(path)
    keep, generated = "", ""
    if path.exists():
        old = path.read_text(encoding="utf-8")
        if MARKER in old:
            generated, keep = old.split(MARKER, 1)
    path.write_text(to_markdown(reports, command, keep, generated), encoding="utf-8")
