"""The per-article stage gives the same dossier whatever runs it: this process, two local worker
processes, or a real two-worker Dask LocalCluster."""

import json
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storyline.engine import Engine, ExtractionError, split_units
from storyline.model import Article, EngineStats
from storyline.pipeline import analyze
from storyline.readers import read_articles
from storyline.store import Store

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


# --- streaming: pieces balanced by text length, bounded look-ahead, results per batch in order ---


def _sample_articles() -> list[Article]:
    return [a for a in read_articles([SAMPLES]) if isinstance(a, Article)]


@given(st.lists(st.integers(0, 500), max_size=40), st.integers(1, 800), st.integers(1, 6))
def test_split_units_keeps_order_and_bounds(lengths, chars, most):
    batch = [Article(id=f"a{i}", title="", source="", url="", published=None, text="x" * n)
             for i, n in enumerate(lengths)]
    units = split_units(batch, chars, most)
    assert [a for u in units for a in u] == batch
    for u in units:
        assert 1 <= len(u) <= most
        assert len(u) == 1 or sum(len(a.text) for a in u) <= chars
    # a piece is cut only when the next article would not fit
    for u, nxt in zip(units, units[1:], strict=False):
        assert len(u) == most or sum(len(a.text) for a in u) + len(nxt[0].text) > chars


@pytest.fixture(scope="module")
def two_workers() -> Iterator[Engine]:
    # small pieces (about one sample article) so every batch is cut and spread over both workers
    with Engine("local", 2, ahead=1, unit_chars=3000) as eng:
        # both workers started and loaded before a test counts on them: on a loaded machine one
        # worker can finish a whole small stream while the other still loads its model
        for _ in range(20):
            list(eng.map([_sample_articles()[:2]]))
            if len({u.worker for u in eng.stats.units}) == 2:
                break
        eng.stats = EngineStats()
        yield eng


def test_stream_gives_each_batch_in_input_order(two_workers):
    arts = _sample_articles()
    sizes = [1, 4, 2, 3]
    batches = []
    for n in sizes:
        batches.append(arts[:n])
        arts = arts[n:]
    expected = [[json.dumps(an.to_json(), sort_keys=True) for an in b]
                for b in Engine("local", 1).map(batches)]
    got = [[json.dumps(an.to_json(), sort_keys=True) for an in b]
           for b in two_workers.map(iter(batches))]
    assert got == expected
    units = two_workers.stats.units
    assert sum(u.articles for u in units) == sum(sizes)
    assert len({u.worker for u in units}) == 2  # both workers had pieces


def test_stream_reads_input_lazily(two_workers):
    art = _sample_articles()[0]
    pulled = 0

    def batches() -> Iterator[list[Article]]:
        nonlocal pulled
        for _ in range(30):
            pulled += 1
            yield [art]

    stream = two_workers.map(batches())
    first = next(stream)
    assert first[0].article.id == art.id
    # ahead=1 piece per worker: two pieces submitted and unfinished at most, plus the batch handed out
    # and pieces that finished meanwhile; never the whole input
    assert pulled <= 8
    stream.close()  # the consumer stops: what was queued is cancelled, the engine stays usable
    assert [len(b) for b in two_workers.map([[art], [art]])] == [1, 1]


def test_a_failing_piece_reaches_the_consumer(two_workers):
    good = _sample_articles()[0]
    # spaCy refuses it in the worker (srsly's ExtraData); the consumer learns which article it was
    bad = Article(id="bad", text=b"not a text", path="odd.jsonl:3")  # type: ignore[arg-type]
    with pytest.raises(ExtractionError, match="odd.jsonl:3"):
        list(two_workers.map([[good], [good, bad], [good]]))
    assert [len(b) for b in two_workers.map([[good]])] == [1]  # and nothing is left stuck


def _stored(db) -> tuple[list, list]:
    with Store(db, readonly=True) as store:
        arts = [tuple(r) for r in store.rows("SELECT id, number FROM articles ORDER BY id")]
        stories = [tuple(r) for r in store.rows("SELECT article, story FROM story_articles ORDER BY article")]
    return arts, stories


def test_ingest_with_two_workers_stores_what_one_stores(tmp_path, two_workers):
    from storyline.pipeline import ingest

    ingest([SAMPLES], tmp_path / "one.db", batch_size=3)
    ingest([SAMPLES], tmp_path / "two.db", batch_size=3, engine=two_workers)
    one = _stored(tmp_path / "one.db")
    assert one[0] and one[1]
    assert _stored(tmp_path / "two.db") == one
