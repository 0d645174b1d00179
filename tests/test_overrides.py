"""Human overrides: stored in the database, applied after the automatic pass, kept across a full
re-run (re-ingest and re-resolution), and explained by `storyline why`."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from storyline.pipeline import add_override, dossier_from_db, ingest, set_date

from .conftest import ROOT, SAMPLES
from .reads import Reads

BIN = str(Path(sys.executable).parent / "storyline")


@pytest.fixture()
def db(tmp_path):
    path = tmp_path / "s.db"
    ingest([SAMPLES, ROOT / "samples" / "second-story"], path)
    return path


def _names(db):
    return {e.name: e for e in dossier_from_db(db).entities}


FOLLOW_UP = """---
title: Northgate Securities raises its Vexa target
source: Harbor Post
published: 2025-11-25
---
Northgate Securities raised its price target for Vexa on Monday. Analysts at Northgate Securities
said the deal with Orbital Dynamics would close early next year.
"""


def test_merge_survives_reingest(db, tmp_path):
    assert "Halden Capital" in _names(db) and "Northgate Securities" in _names(db)
    add_override(db, "merge", "Halden Capital", "Northgate Securities")
    # a re-ingest that brings new mentions of the merged name: resolution runs again over them
    new = tmp_path / "new"
    new.mkdir()
    (new / "follow-up.md").write_text(FOLLOW_UP, encoding="utf-8")
    assert ingest([SAMPLES, new], db).added == 1
    d = dossier_from_db(db)
    names = {e.name: e for e in d.entities}
    assert "Northgate Securities" not in names
    merged = names["Halden Capital"]
    assert "Northgate Securities" in merged.aliases
    assert any("by a user" in r for r in merged.evidence)
    follow_up = next(a.article.id for a in d.analyses if a.article.title.startswith("Northgate Securities raises"))
    assert sum(1 for m in merged.mentions if m.article == follow_up) >= 2


def test_split_moves_mentions_and_their_pronouns(db):
    before = _names(db)["Dan Reyes"]
    n_reyes = sum(1 for m in before.mentions if m.text == "Reyes")
    add_override(db, "split", "Dan Reyes", "Reyes")
    names = _names(db)
    assert "Reyes" not in names["Dan Reyes"].aliases
    split = names["Reyes"]
    assert sum(1 for m in split.mentions if m.kind == "name") == n_reyes
    assert len(split.mentions) + len(names["Dan Reyes"].mentions) == len(before.mentions)


def test_not_same_undoes_and_blocks_merges(db):
    add_override(db, "not-same", "Lina Park", "Park")
    add_override(db, "merge", "Lina Park", "Park")  # refused: marked not the same
    d = dossier_from_db(db)
    names = {e.name: e for e in d.entities}
    assert "Park" in names and "Park" not in names["Lina Park"].aliases
    assert any("marked not the same" in p.message for p in d.problems)


def test_set_date_rereads_relative_dates(db, tmp_path):
    d = dossier_from_db(db)
    an = next(a for a in d.analyses if a.article.title.startswith("Orbital makes"))
    wed = next(t for t in an.times if t.text == "Wednesday")
    assert wed.value == "2025-10-01"
    set_date(db, an.article.id, "2025-10-09")
    again = next(a for a in dossier_from_db(db).analyses if a.article.id == an.article.id)
    assert again.article.published == "2025-10-09"
    assert next(t for t in again.times if t.text == "Wednesday").value == "2025-10-08"
    # ingesting the same files again keeps the corrected date
    ingest([SAMPLES], db)
    kept = next(a for a in dossier_from_db(db).analyses if a.article.id == an.article.id)
    assert kept.article.published == "2025-10-09"


def test_cli_overrides_and_why(db, tmp_path):
    copy = tmp_path / "c.db"
    shutil.copy(db, copy)
    r = subprocess.run([BIN, "merge", "Halden Capital", "Northgate Securities", "--db", str(copy)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    why = subprocess.run([BIN, "why", "Dan Reyes", "--db", str(copy)], capture_output=True, text=True)
    assert why.returncode == 0
    assert "surname" in why.stdout and "Reyes" in why.stdout and "[1:" in why.stdout
    bad = subprocess.run([BIN, "why", "Nobody Atall", "--db", str(copy)], capture_output=True, text=True)
    assert bad.returncode == 1 and "no entity" in bad.stderr
    bad = subprocess.run([BIN, "set-date", "zzz", "2024-03-06", "--db", str(copy)], capture_output=True, text=True)
    assert bad.returncode == 1 and "no single article" in bad.stderr


def test_split_cuts_descriptor_and_pronoun_links(db):
    from storyline.pipeline import add_override as add

    reyes = _names(db)["Dan Reyes"]
    assert "orbital ceo" in reyes.descriptors
    assert any(m.kind == "descriptor" and m.text == "the Orbital CEO" for m in reyes.mentions)
    she = [m for m in reyes.mentions if m.kind == "pronoun" and m.text == "she"]
    assert she  # a wrong link the extractor made: Dan Reyes is "he"
    add(db, "split", "Dan Reyes", "the Orbital CEO")  # what `why` shows, written the same way
    add(db, "split", "Dan Reyes", f"@{she[0].article}:{she[0].start}")  # one mention, as the web page names it
    d = dossier_from_db(db)
    after = {e.name: e for e in d.entities}["Dan Reyes"]
    assert "orbital ceo" not in after.descriptors
    assert not any(m.text in {"the Orbital CEO", "she"} for m in after.mentions)
    assert len(after.mentions) == len(reyes.mentions) - 2
    assert not [p for p in d.problems if p.path == "overrides"]
    # a form the entity does not have is reported, not silently ignored
    add(db, "split", "Dan Reyes", "a judge")
    assert any("a judge" in p.message for p in dossier_from_db(db).problems)


def test_undo_takes_a_merge_back(db):
    from storyline.pipeline import override_records, undo_override

    oid = add_override(db, "merge", "Halden Capital", "Northgate Securities")
    assert "Northgate Securities" not in _names(db)
    undone = undo_override(db, oid)
    assert [o.id for o in undone] == [oid]
    assert "Northgate Securities" in _names(db)
    rec = override_records(db)[-1]
    assert rec.kind == "merge" and rec.undone and rec.at
    with pytest.raises(ValueError):
        undo_override(db, oid)


def test_set_date_for_a_whole_story_is_one_batch_and_undone_at_once(db):
    import sqlite3

    from storyline.pipeline import articles_of, ingest, set_dates, undo_override

    ids = articles_of(db, story="s1")
    before = {a.article.id: a.article.published for a in dossier_from_db(db).analyses}
    done = set_dates(db, ids, "2025-10-20", scope="story s1")
    assert len(done) == len(ids) > 1
    now = {a.article.id: a.article.published for a in dossier_from_db(db).analyses}
    assert all(now[i] == "2025-10-20" for i in ids)
    # an article deleted and ingested again from its file keeps the corrected date
    with sqlite3.connect(db) as c:
        c.execute("PRAGMA foreign_keys=ON")
        c.execute("DELETE FROM sentences_fts WHERE article=?", (ids[0],))
        c.execute("DELETE FROM articles WHERE id=?", (ids[0],))
    ingest([ROOT / "samples" / "second-story"], db)
    assert {a.article.id: a.article.published for a in dossier_from_db(db).analyses}[ids[0]] == "2025-10-20"
    undone = undo_override(db, _last_id(db))
    assert len(undone) == len(ids)
    again = {a.article.id: a.article.published for a in dossier_from_db(db).analyses}
    assert all(again[i] == before[i] for i in ids)  # every date back to what it was
    outlet = next(a.article.source for a in dossier_from_db(db).analyses if a.article.id == ids[0])
    assert ids[0] in articles_of(db, outlet=outlet)
    with pytest.raises(KeyError):
        articles_of(db, outlet="No Such Outlet")


def _last_id(db) -> int:
    from storyline.pipeline import override_records

    return override_records(db)[-1].id


def test_cli_set_date_for_an_outlet_lists_and_undoes(db):
    from storyline.pipeline import override_records, undo_override

    outlet = next(a.article.source for a in dossier_from_db(db).analyses if a.article.source)
    before = {a.article.id: a.article.published for a in dossier_from_db(db).analyses}
    r = subprocess.run([BIN, "set-date", outlet, "2025-12-01", "--outlet", "--db", str(db)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    changed = [a for a in dossier_from_db(db).analyses if a.article.source == outlet]
    assert changed and all(a.article.published == "2025-12-01" for a in changed)
    listed = subprocess.run([BIN, "overrides", "--db", str(db)], capture_output=True, text=True)
    assert listed.returncode == 0 and "set-date" in listed.stdout and "outlet" in listed.stdout
    last = override_records(db)[-1]
    # undone in-process (the CLI `undo` calls the same function; this spares a second spaCy load)
    assert len(undo_override(db, last.id)) == len(changed)
    assert {a.article.id: a.article.published for a in dossier_from_db(db).analyses} == before
    bad = subprocess.run([BIN, "undo", str(last.id), "--db", str(db)], capture_output=True, text=True)
    assert bad.returncode == 1 and "already undone" in bad.stderr


def test_an_entity_is_not_merged_with_itself(tmp_path):
    from storyline import pipeline

    with pytest.raises(ValueError, match="same entity twice"):
        pipeline.add_override(tmp_path / "s.db", "merge", "e-vexa", " e-vexa ")
    assert not (tmp_path / "s.db").exists()  # refused before anything was opened


def test_outlet_named_the_way_ingest_compares_outlets(sample_db):
    from storyline import pipeline

    exact = pipeline.articles_of(sample_db, outlet="The Ledger")
    assert len(exact) == 3 and pipeline.articles_of(sample_db, outlet="the  ledger") == exact
    with pytest.raises(KeyError, match="no article from outlet"):
        pipeline.articles_of(sample_db, outlet="The Ledge")


def test_override_command_reads_only_the_stories_it_touches(db_url, monkeypatch):
    """`storyline merge/split/not-same` print what the fix could not do from the stories it
    re-resolved and the registry, never by loading every story of the database."""
    from typer.testing import CliRunner

    from storyline import pipeline
    from storyline.cli import app
    from storyline.store import Store
    from storyline.synth import stored_analyses

    analyses = list(stored_analyses(40, per_story=10))
    with Store(db_url) as store:
        pipeline.add_analyses(store, analyses)
        story = store.story_of(analyses[0].article.id)
        members = set(store.story_articles(story))
    person = next(m.text for m in analyses[0].mentions if m.label == "PERSON")
    surname = person.split()[1]
    runner = CliRunner()
    assert runner.invoke(app, ["not-same", person, surname, "--db", db_url]).exit_code == 0

    reads = Reads(monkeypatch, "an override command", resolves=True)
    merged = runner.invoke(app, ["merge", person, surname, "--db", db_url])
    ghost = runner.invoke(app, ["merge", "Nobody Atall", person, "--db", db_url])
    for r in (merged, ghost):
        assert r.exit_code == 0, r.output + repr(r.exception)
    assert reads.articles and set(reads.articles) <= members < {an.article.id for an in analyses}
    monkeypatch.undo()

    # the same messages the whole dossier gives
    def said(r):  # type: ignore[no-untyped-def]
        return [line for line in r.stderr.splitlines() if not line.startswith("recorded: ")]

    assert f"recorded: merge {person!r} {surname!r}" in merged.stderr
    assert any("marked not the same" in line for line in said(merged))
    assert any("no such entity now ('Nobody Atall')" in line for line in said(ghost))
    whole = [str(p) for p in pipeline.dossier_from_db(db_url).problems if p.path == "overrides"]
    assert said(ghost) == whole
