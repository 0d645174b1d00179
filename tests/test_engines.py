"""The per-article stage gives the same dossier whatever runs it: this process, two local worker
processes, or a real two-worker Dask LocalCluster."""

import json

import pytest

from storyline.engine import Engine
from storyline.pipeline import analyze

from .conftest import SAMPLES


def _dossier_json(engine: Engine) -> str:
    with engine:
        d = analyze([SAMPLES], engine=engine)
    return json.dumps(d.to_json(), sort_keys=True)


@pytest.fixture(scope="module")
def reference() -> str:
    return _dossier_json(Engine("local", 1))


def test_local_processes_match(reference):
    assert _dossier_json(Engine("local", 2)) == reference


def test_dask_local_cluster_matches(reference):
    assert _dossier_json(Engine("dask", 2)) == reference


def test_dask_existing_scheduler_matches(reference):
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40) as cluster:
        assert _dossier_json(Engine("dask", 1, scheduler=cluster.scheduler_address)) == reference


def test_unknown_engine_is_refused():
    with pytest.raises(ValueError, match="unknown engine"):
        Engine("spark")
