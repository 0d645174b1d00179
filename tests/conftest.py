from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples" / "corpus"
GOLD = ROOT / "samples" / "gold.json"


@pytest.fixture(scope="session")
def sample_dossier():
    from storyline import analyze

    return analyze([SAMPLES])
