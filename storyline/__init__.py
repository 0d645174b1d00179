"""storyline: turn a pile of news articles into a cited story dossier."""

from __future__ import annotations

import importlib
from typing import Any

# Loaded on first use: `storyline serve` and the readers must not pay for importing spaCy, which
# only extraction needs.
_LAZY = {"Dossier": "model", "analyze": "pipeline", "build_dossier": "dossier", "dossier_from_db": "pipeline",
         "ingest": "pipeline"}

__all__ = ["Dossier", "analyze", "build_dossier", "dossier_from_db", "ingest"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
