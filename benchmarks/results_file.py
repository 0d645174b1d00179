"""Where a benchmark's result goes: one JSON file under benchmarks/results/ (report.py reads them)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def save(out: Path | None, result: Any) -> None:
    """Write ``result`` as indented JSON to ``out``, making its folder; nothing when ``out`` is None."""
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
