"""storyline: turn a pile of news articles into a cited story dossier."""

from .dossier import build_dossier
from .model import Dossier
from .pipeline import analyze, dossier_from_db, ingest

__all__ = ["Dossier", "analyze", "build_dossier", "dossier_from_db", "ingest"]
__version__ = "0.1.0"
