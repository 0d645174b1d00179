"""Exports to the tools people already use: GraphML (Gephi, Cytoscape, networkx, igraph),
FollowTheMoney entities (Aleph; optional extra ``storyline[aleph]``), JSON-LD with schema.org types,
CSV tables and TimelineJS. Every exported record keeps its provenance: the article id and character
offsets it came from."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..model import Dossier
from .ftm import ExportUnavailable, ftm_entities, write_ftm
from .graph import to_graph, write_graphml
from .jsonld import to_jsonld, write_jsonld
from .tables import csv_tables, write_csv
from .timelinejs import to_timelinejs, write_timelinejs

WRITERS: dict[str, Callable[[Dossier, Path], None]] = {
    "graphml": write_graphml, "ftm": write_ftm, "jsonld": write_jsonld, "csv": write_csv,
    "timelinejs": write_timelinejs,
}
FORMATS = tuple(WRITERS)

__all__ = ["FORMATS", "ExportUnavailable", "csv_tables", "export", "ftm_entities", "to_graph", "to_jsonld",
           "to_timelinejs"]


def export(d: Dossier, fmt: str, path: str | Path) -> Path:
    """Write the dossier in ``fmt`` to ``path`` (a folder for csv). Raises ValueError for an
    unknown format and ExportUnavailable when the format's optional extra is not installed."""
    path = Path(path)
    if fmt not in WRITERS:
        raise ValueError(f"unknown export format {fmt!r}; choose from {', '.join(FORMATS)}")
    WRITERS[fmt](d, path)
    return path
