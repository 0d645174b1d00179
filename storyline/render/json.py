"""The dossier JSON contract of DESIGN.md."""

from __future__ import annotations

import json

from ..model import Dossier


def render_json(d: Dossier) -> str:
    return json.dumps(d.to_json(), ensure_ascii=False, indent=2)
