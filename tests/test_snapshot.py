"""Read snapshots: a reader inside ``Store.snapshot()`` sees one state of the database while another
connection writes (SQLite's WAL snapshot, PostgreSQL's REPEATABLE READ), and the whole-database
streams (`dossier --format json`, exports) read under one, so an ingest running beside them cannot
make their output mix two states."""

import io
import json

import pytest

from storyline import pipeline
from storyline.export.stream import export_db
from storyline.render.stream import write_dossier_json
from storyline.store import Store, StoreError
from storyline.synth import stored_analyses

PER_STORY = 10
FIRST = 25  # stories 0 and 1 full, story 2 half: the second batch grows story 2 and adds more


def _build(db: str) -> None:
    with Store(db) as store:
        pipeline.add_analyses(store, list(stored_analyses(FIRST, per_story=PER_STORY)))


def _grow(db: str) -> None:
    with Store(db) as store:
        pipeline.add_analyses(store, list(stored_analyses(20, per_story=PER_STORY, start=FIRST)))


def _state(store: Store) -> tuple[int, list[str], int]:
    return store.count("articles"), sorted(store.story_ids()), len(store.story_articles(store.story_ids()[-1]))


def test_snapshot_keeps_reading_the_state_it_began_with(db_url):
    _build(db_url)
    with Store(db_url, readonly=True) as reader:
        with reader.snapshot():
            before = _state(reader)
            assert before[0] == FIRST
            _grow(db_url)  # a second connection commits while the snapshot is open
            assert _state(reader) == before
            with reader.snapshot():  # nested: joins the open snapshot, and leaving it ends nothing
                assert _state(reader) == before
            assert _state(reader) == before
            with Store(db_url, readonly=True) as fresh:
                assert fresh.count("articles") == FIRST + 20
                assert len(fresh.story_ids()) > len(before[1])
        assert reader.count("articles") == FIRST + 20  # the snapshot ended with its block


def test_snapshot_ends_on_an_exception_and_refuses_writes(db_url):
    _build(db_url)
    with Store(db_url) as store:
        with pytest.raises(KeyError), store.snapshot():
            assert store.count("articles") == FIRST
            _grow(db_url)
            assert store.count("articles") == FIRST
            raise KeyError("a reader failing half-way")
        assert store.count("articles") == FIRST + 20
        with store.snapshot():  # a new transaction can begin: the failed block ended its own
            with pytest.raises(StoreError, match="inside a read snapshot"):
                store.add_override("merge", "a", "b")
            assert store.count("articles") == FIRST + 20
        # a snapshot inside a write joins the write's transaction (and sees its rows)
        with store.write():
            oid = store.add_override("merge", "a", "b")
            with store.snapshot():
                assert [o.id for o in store.override_records()] == [oid]
        assert [o.id for o in store.override_records()] == [oid]


def _growing_view(db: str, views: list):  # type: ignore[no-untyped-def]
    """pipeline.stored_story, with an ingest batch committed by another connection before the first
    story is read."""
    def view_of(store: Store, sid: str):  # type: ignore[no-untyped-def]
        if not views:
            _grow(db)
        v = pipeline.stored_story(store, sid)
        views.append(v)
        return v
    return view_of


def test_dossier_json_stream_reads_one_state(db_url):
    _build(db_url)
    views: list = []
    out = io.StringIO()
    with Store(db_url, readonly=True) as store:
        write_dossier_json(store, out, _growing_view(db_url, views))
    d = json.loads(out.getvalue())
    articles = [a["id"] for a in d["articles"]]
    members = [m for s in d["stories"] for m in s["articles"]]
    assert len(articles) == FIRST
    assert sorted(members) == sorted(articles)  # every listed article in one story, none from later
    cited = {m["article"] for e in d["entities"] for m in e["mentions"]}
    assert cited <= set(articles)


def test_export_stream_reads_one_state(db_url, tmp_path):
    _build(db_url)
    views: list = []
    with Store(db_url, readonly=True) as store:
        export_db(store, "timelinejs", tmp_path / "t.json", _growing_view(db_url, views))
    assert sum(len(v.analyses) for v in views) == FIRST
    title = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))["title"]["text"]["text"]
    assert f"from {FIRST} articles" in title
