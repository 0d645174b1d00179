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


# ---- PostgreSQL: a throwaway cluster for the session (tests/pg.py), one fresh database per test ----
def pytest_report_header(config) -> str:  # type: ignore[no-untyped-def]
    from .pg import pg_bindir

    where = pg_bindir()
    if where is None:
        return ("postgresql: no server binaries (initdb, pg_ctl) found; the PostgreSQL tests are skipped "
                "(`make test` installs Debian's postgresql)")
    return f"postgresql: throwaway cluster from {where}"


@pytest.fixture(scope="session")
def pg_cluster():
    from .pg import cluster, pg_bindir

    if pg_bindir() is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) not found: install Debian's postgresql")
    with cluster() as c:
        yield c


@pytest.fixture
def pg_url(pg_cluster) -> str:
    """A new, empty PostgreSQL database."""
    return pg_cluster.database()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    """A new, empty database on each engine: a SQLite file, then a PostgreSQL URL."""
    if request.param == "sqlite":
        return str(tmp_path / "s.db")
    return request.getfixturevalue("pg_url")
