"""Stories are assigned on ingest and stored: adding articles later touches only their stories,
and one story can be resolved from its own articles."""

import sqlite3

from storyline.pipeline import ingest, story_dossier

from .conftest import ROOT, SAMPLES


def test_new_articles_touch_only_their_story(tmp_path):
    db = tmp_path / "s.db"
    first = ingest([SAMPLES], db)
    assert len(first.touched) == 1
    second = ingest([ROOT / "samples" / "second-story"], db)
    assert second.added == 4 and len(second.touched) == 1 and second.touched != first.touched
    with sqlite3.connect(db) as con:
        members = dict(con.execute("SELECT story, count(*) FROM story_articles GROUP BY story").fetchall())
    assert members == {first.touched[0]: 10, second.touched[0]: 4}
    # the Calder story resolves on its own, without the takeover articles
    d = story_dossier(db, second.touched[0])
    assert len(d.analyses) == 4 and {e.name for e in d.entities} >= {"Maria Okonjo", "Henrik Vale"}
    assert "Dan Reyes" not in {e.name for e in d.entities}


def test_follow_up_joins_its_existing_story(tmp_path):
    db = tmp_path / "s.db"
    first = ingest([SAMPLES], db)
    follow = tmp_path / "follow.md"
    follow.write_text("---\ntitle: Orbital and Vexa close the deal\nsource: The Ledger\npublished: 2025-12-01\n---\n"
                      "Orbital Dynamics completed its purchase of Vexa on Monday. Dan Reyes said Lina Park would "
                      "stay on as an adviser.\n", encoding="utf-8")
    again = ingest([follow], db)
    assert again.added == 1 and again.touched == first.touched


def test_articles_left_outside_a_story_are_found_and_placed(tmp_path):
    """A batch is stored and placed in one transaction; articles an older storyline stored but did not
    place before a crash are found (by comparing counts first, not by reading every article) and
    placed when the next run ends."""
    from storyline.pipeline import add_analyses, assign_stories
    from storyline.store import Store
    from storyline.synth import stored_analyses

    batch = list(stored_analyses(12))
    with Store(tmp_path / "s.db") as s:
        add_analyses(s, batch[:6])
        assert s.unassigned() == []
        s.add(batch[6:])  # stored, not placed: what a crash between two transactions left
        left = s.unassigned()
        assert sorted(left) == sorted(an.article.id for an in batch[6:])
        assert assign_stories(s)
        assert s.unassigned() == [] and all(s.story_of(an.article.id) for an in batch)
