"""The resolved state lives in the database: each ingest batch re-resolves the stories it touched and
stores their rows; readers show those rows without resolving; ids are the database's."""

import json
import sqlite3

from storyline import pipeline
from storyline.dossier import resolve_story
from storyline.model import Article
from storyline.store import Store

from .conftest import ROOT, SAMPLES


def _rowids(db) -> dict[str, int]:
    with sqlite3.connect(db) as con:
        return dict(con.execute("SELECT story, rowid FROM story_resolutions").fetchall())


def test_stored_story_equals_a_fresh_resolution_and_nothing_is_stale(tmp_path, db_url):
    db = db_url
    pipeline.ingest([SAMPLES], db)
    with Store(db, readonly=True) as store:
        assert store.stale_stories() == []
        (sid,) = store.story_ids()
        state = store.story_state(sid)
        fresh = resolve_story(store.analyses_of(state.articles), state, [])
        stored = store.story_resolution(sid)
        view = pipeline.stored_story(store, sid)
    assert stored is not None and stored.story.articles == state.articles
    assert [e.name for e in stored.entities] == [e.name for e in fresh.entities]
    assert [len(e.mentions) for e in stored.entities] == [len(e.mentions) for e in fresh.entities]
    assert [(ev.id, ev.summary) for ev in stored.events] == [(ev.id, ev.summary) for ev in fresh.events]
    assert [t.date for t in stored.timeline] == [t.date for t in fresh.timeline]
    assert len(stored.discrepancies) == len(fresh.discrepancies) > 0
    assert not view.problems  # read from rows: no "resolved in memory" warning
    # quote speakers come back as registry ids of entities the story holds
    ids = {e.id for e in view.entities}
    spoken = [q.speaker for q in view.quotes if q.speaker]
    assert spoken and set(spoken) <= ids


def test_a_batch_re_resolves_only_the_stories_it_touched(tmp_path):
    db = tmp_path / "s.db"
    first = pipeline.ingest([SAMPLES], db)
    before = _rowids(db)
    second = pipeline.ingest([ROOT / "samples" / "second-story"], db)
    after = _rowids(db)
    assert after[first.touched[0]] == before[first.touched[0]]  # the takeover story's rows were not rewritten
    assert set(after) == {first.touched[0], second.touched[0]}


def test_one_registry_id_for_a_person_in_two_stories(tmp_path, db_url):
    db = _two_stories(tmp_path, db_url, board_member="Maria Gonzalez")  # the same name in both stories
    with Store(db, readonly=True) as store:
        stories = store.story_ids()
        assert len(stories) == 2
        owners = [{e.id for e in store.story_resolution(s).entities if e.name == "Maria Gonzalez"} for s in stories]
        assert owners[0] == owners[1] == {"e-maria-gonzalez"}
        assert store.registry_entity("e-maria-gonzalez")["stories"] == 2
        assert store.find_registry("maria gonzalez") == "e-maria-gonzalez"
        assert {r["id"] for r in store.story_list(entity="e-maria-gonzalez")} == set(stories)
    # the streamed JSON dossier has her once, with the mentions of both stories
    d = pipeline.dossier_from_db(db)
    (maria,) = [e for e in d.entities if e.id == "e-maria-gonzalez"]
    assert len({m.article for m in maria.mentions}) == 4


def test_an_override_re_resolves_the_stories_it_names(tmp_path, db_url):
    db = db_url
    pipeline.ingest([SAMPLES], db)
    with Store(db, readonly=True) as store:
        (sid,) = store.story_ids()
        names = {e.name: e.id for e in store.story_resolution(sid).entities}
    assert "Dan Reyes" in names and "Lina Park" in names
    pipeline.add_override(db, "not-same", names["Dan Reyes"], "Reyes")  # kept apart: a split in effect
    pipeline.add_override(db, "merge", names["Dan Reyes"], names["Lina Park"])
    with Store(db, readonly=True) as store:
        assert store.stale_stories() == []
        stored = store.story_resolution(sid)
    merged = [e for e in stored.entities if e.id == names["Dan Reyes"]]
    assert merged and "Lina Park" in {merged[0].name, *merged[0].aliases}
    assert names["Lina Park"] not in {e.id for e in stored.entities}
    # undone: the two are two again, in the stored rows
    for o in reversed(pipeline.override_records(db)):
        if o.kind == "merge":
            pipeline.undo_override(db, o.id)
    with Store(db, readonly=True) as store:
        assert {"Dan Reyes", "Lina Park"} <= {e.name for e in store.story_resolution(sid).entities}


def test_stale_stories_are_resolved_again(tmp_path, db_url):
    """What a crash between storing articles and storing their story's resolution leaves behind:
    the story marked stale with its old rows; readers say so, and the next run resolves it."""
    db = db_url
    pipeline.ingest([SAMPLES], db)
    with Store(db) as store:
        (sid,) = store.story_ids()
        store.mark_stale([sid])
        with store.write():
            store.conn.execute("DELETE FROM story_resolutions WHERE story=?", (sid,))
    view = pipeline.story_dossier(db, sid)  # readable meanwhile, with a warning
    assert view.entities and any("not yet resolved" in p.message for p in view.problems)
    assert pipeline.resolve_pending(db) == []
    with Store(db, readonly=True) as store:
        assert store.stale_stories() == [] and store.story_resolution(sid) is not None


def _two_stories(tmp_path, db_url=None, board_member="M. T. Gonzalez"):
    """Two stories a year and a half apart: a bridge's engineer Maria Gonzalez, then a school board
    member named ``board_member``."""
    rows = [
        {"id": "a1", "title": "Harbor bridge closes for repairs", "source": "Coast Daily", "published": "2024-03-01",
         "text": "The harbor bridge closed on Friday for repairs. City engineer Maria Gonzalez said the steel "
                 "cables had corroded. Gonzalez said repairs would take six weeks."},
        {"id": "a2", "title": "Bridge repairs begin", "source": "Bay Herald", "published": "2024-03-02",
         "text": "Repairs on the harbor bridge began on Saturday. Maria Gonzalez, the city engineer, said the "
                 "corroded cables would be replaced first."},
        {"id": "b1", "title": "School board approves new budget", "source": "Bay Herald", "published": "2025-09-10",
         "text": f"The school board approved a budget of $40 million on Tuesday. Board member {board_member} "
                 "voted against the plan, saying teachers deserved more."},
        {"id": "b2", "title": "Teachers protest school budget", "source": "Coast Daily", "published": "2025-09-12",
         "text": f"Teachers protested the school budget outside the board offices. {board_member} said the "
                 "board had ignored the teachers' union."},
    ]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    db = db_url or tmp_path / "s.db"
    pipeline.ingest([src], db)
    return db


def test_a_merge_across_stories_gives_one_registry_id_and_undo_splits_it(tmp_path, db_url):
    db = _two_stories(tmp_path, db_url)
    with Store(db, readonly=True) as store:
        a, b = store.find_registry("Maria Gonzalez"), store.find_registry("M. T. Gonzalez")
        assert a and b and a != b
        assert len(store.story_list(entity=a)) == len(store.story_list(entity=b)) == 1
    oid = pipeline.add_override(db, "merge", a, b)
    with Store(db, readonly=True) as store:
        assert store.find_registry("M. T. Gonzalez") == a
        assert len(store.story_list(entity=a)) == 2 and store.story_list(entity=b) == []
        assert store.registry_entity(b)["id"] == a  # an old link to the merged-away id still lands
        assert pipeline.override_problems(store) == []
    pipeline.undo_override(db, oid)
    with Store(db, readonly=True) as store:
        assert store.find_registry("M. T. Gonzalez") == b
        assert len(store.story_list(entity=a)) == 1 and len(store.story_list(entity=b)) == 1


def test_an_override_naming_nothing_is_reported_once_not_per_story(tmp_path, db_url):
    db = _two_stories(tmp_path, db_url)
    pipeline.add_override(db, "merge", "Maria Gonzalez", "Nobody Atall")
    with Store(db, readonly=True) as store:
        problems = pipeline.override_problems(store)
        stored = [p for sid in store.story_ids() for p in store.story_resolution(sid).problems]
    assert len(problems) == 1 and "Nobody Atall" in problems[0]
    assert stored == []


def test_a_story_is_re_resolved_when_it_has_grown_by_half():
    from storyline.pipeline import GROWTH, due

    assert due(1, None) and due(40, None)  # never resolved: now
    assert due(2, 1) and due(3, 2)  # the first articles of a story: every batch
    big = 400
    assert not due(big + 1, big)
    assert not due(big + int(GROWTH * big) - 1, big)
    assert due(big + int(GROWTH * big), big)
    # amortized: growing a story one article at a time to 400 articles re-resolves it a bounded
    # number of times, so its total cost stays within a constant factor of its final size
    size, resolved, work = 2, 1, 1
    while size < big:
        if due(size, resolved):
            work += size
            resolved = size
        size += 1
    assert work < 4 * size


def test_an_ingest_run_leaves_every_story_resolved(tmp_path):
    """Within a run a story waits until it is due (its shown resolution covers at least two thirds
    of its articles); when the run ends nothing is stale."""
    arts = [Article(id=f"c{i}", title="Bridge closed", published=f"2024-02-{i + 1:02d}", source=f"Outlet {i}",
                    text=f"The Dover bridge was closed on day {i} after a crack was found, engineer Ana Ruiz said. "
                         "Ruiz said repairs would take weeks.") for i in range(8)]
    folder = tmp_path / "in"
    folder.mkdir()
    for a in arts:
        (folder / f"{a.id}.txt").write_text(f"---\ntitle: {a.title}\npublished: {a.published}\nsource: {a.source}\n---\n{a.text}")
    db = tmp_path / "run.db"
    pipeline.ingest([folder], db, batch_size=1)
    with Store(db, readonly=True) as store:
        assert store.stale_stories() == []
        (sid,) = store.story_ids()
        assert store.resolved_size(sid) == 8  # 6 when batch 6 resolved it; 7 and 8 were not due


def test_an_entity_keeps_its_id_when_its_story_learns_its_full_name(tmp_path, db_url):
    """A story re-resolved after more articles may know "Reyes" as "Dan Reyes": the entity keeps the
    id its page and links use; in another story a bare surname carries no identity."""
    from storyline.model import Entity, Story, StoryResolution
    from storyline.pipeline import add_analyses
    from storyline.synth import stored_analyses

    with Store(db_url) as s:
        add_analyses(s, list(stored_analyses(20)))
        sid_a, sid_b = [str(r["id"]) for r in s.story_list(limit=2)]
        members = {sid: len(s.story_state(sid).articles) for sid in (sid_a, sid_b)}

        def save(sid: str, name: str, aliases: list[str]) -> str:
            res = StoryResolution(Story(sid, "t", []), entities=[Entity("e1", name, "PERSON", aliases)])
            assert s.save_resolutions([(res, members[sid])]) == [sid]
            return res.entities[0].id

        first = save(sid_a, "Reyes", [])
        assert save(sid_a, "Dan Reyes", ["Reyes"]) == first
        assert s.find_registry("Dan Reyes") == first
        # in another story, a new person with the same surname is someone else
        assert save(sid_b, "Ana Reyes", ["Reyes"]) != first
