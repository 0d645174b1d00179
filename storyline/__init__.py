"""storyline: turn a pile of news articles into a cited story dossier."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .dossier import build_dossier
    from .model import Dossier
    from .pipeline import analyze, dossier_from_db, ingest

__all__ = ["Dossier", "analyze", "build_dossier", "dossier_from_db", "ingest"]
__version__ = "0.1.0"

# The public names are loaded on first use (PEP 562), not on `import storyline`: every submodule
# import runs this file first, and `storyline serve` or the readers should not pay for the whole
# resolution stack (dossier, pipeline) that they never call.
_HOME = {"build_dossier": ".dossier", "Dossier": ".model", "analyze": ".pipeline",
         "dossier_from_db": ".pipeline", "ingest": ".pipeline"}


def __getattr__(name: str) -> Any:
    if name in _HOME:
        return getattr(import_module(_HOME[name], __name__), name)
    raise AttributeError(f"module 'storyline' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOME])
