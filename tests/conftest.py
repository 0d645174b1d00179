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


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory) -> Path:
    """The sample corpus ingested once into a SQLite file (read it, do not write to it)."""
    from storyline import ingest

    db = tmp_path_factory.mktemp("sample-db") / "samples.db"
    ingest([SAMPLES], db)
    return db
