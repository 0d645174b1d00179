"""A real SQLite file, a real PostgreSQL database (tests/pg.py), and the real command line."""

import json
import sqlite3
import subprocess
import sys

import pytest

from storyline import ingest
from storyline.model import ArticleAnalysis
from storyline.store import SCHEMA_VERSION, Store

from .conftest import SAMPLES


def cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "storyline.cli", *args], capture_output=True, text=True, cwd=cwd)


def test_ingest_is_idempotent_and_consistent(db_url):
    db = db_url
    first = ingest([SAMPLES], db)
    assert first.added == 10 and not first.errors
    again = ingest([SAMPLES], db)
    assert again.added == 0 and again.skipped == 10
    with Store(db) as s:
        assert s.version == SCHEMA_VERSION
        assert s.count("articles") == 10
        n_quotes = s.count("quotes")
        assert n_quotes >= 35
        hits = s.search("not let anyone rewrite")
        assert hits and "rewrite" in hits[0]["text"]
        # no half articles: every stored record belongs to a stored article
        orphans = s.rows("SELECT count(*) AS n FROM quotes WHERE article NOT IN (SELECT id FROM articles)")
        assert orphans[0]["n"] == 0


def test_bad_batch_rolls_back(db_url):
    db = db_url
    ingest([SAMPLES / "01-ledger-bid.md"], db)
    with Store(db) as s:
        stored = next(s.analyses())
        old_id = stored.article.id
        bad = ArticleAnalysis.from_json(stored.to_json())
        bad.article.id = "other"  # a new article whose record ids collide with the stored ones
        with pytest.raises(Exception) as err:
            s.add([bad])
        pg = sys.modules.get("psycopg")  # loaded by the store's PostgreSQL connection, if any
        assert isinstance(err.value, (sqlite3.IntegrityError, *([pg.IntegrityError] if pg else [])))
        assert s.count("articles") == 1 and not s.has("other")
        # the same batch with ids of its own is written, records and all: the rollback above is
        # what kept "other" out, not a store that writes nothing
        good = ArticleAnalysis.from_json(json.loads(json.dumps(stored.to_json()).replace(old_id, "fresh")))
        assert s.add([good]) == 1
        assert s.count("articles") == 2 and s.has("fresh")
        assert s.count("quotes") == 2 * len(stored.quotes) > 0


def test_cli_json_and_errors(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    r = cli("analyze", str(SAMPLES / "01-ledger-bid.md"), str(tmp_path / "empty.txt"), "--format", "json", "--quiet")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["schema"] == "storyline.dossier/1" and len(d["articles"]) == 1
    assert "empty.txt: file is empty" in r.stderr
    r = cli("analyze", str(tmp_path / "empty.txt"), "--quiet")
    assert r.returncode == 1


def test_cli_db_commands(tmp_path):  # on PostgreSQL: test_postgres.py's end-to-end test
    db = str(tmp_path / "s.db")
    r = cli("ingest", str(SAMPLES), "--db", db, "--quiet")
    assert r.returncode == 0, r.stderr
    for cmd in ("entities", "quotes", "amounts", "dates", "stories"):
        r = cli(cmd, "--db", db)
        assert r.returncode == 0 and r.stdout.strip(), (cmd, r.stderr)
    r = cli("dossier", "--db", db, "--format", "html")
    assert r.returncode == 0 and "<h2>Timeline</h2>" in r.stdout
    r = cli("dossier", "--db", str(tmp_path / "missing.db"))
    assert r.returncode == 1


def test_old_database_reads_without_migrating(tmp_path):
    """A reader never migrates (it opens read-only): a schema-4 database still gives its articles,
    numbered by rowid, and a writer then migrates it keeping those numbers."""
    from storyline.store import MIGRATIONS, _statements

    db = tmp_path / "old.db"
    with sqlite3.connect(db) as con:
        for n, script in enumerate(MIGRATIONS[:4], start=1):
            for statement in _statements(script):
                con.execute(statement)
            con.execute(f"PRAGMA user_version={n}")
        con.execute("INSERT INTO articles(id, title, text, ingested_at) VALUES ('a1', 't', 'Some text.', 'now')")
        an = {"article": {"id": "a1", "text": "Some text."}}
        con.execute("INSERT INTO analyses VALUES ('a1', ?)", (json.dumps(an),))
    with Store(db, readonly=True) as s:
        assert s.version == 4
        assert [a.article.number for a in s.analyses()] == [1] and s.number_of("a1") == 1
    with Store(db) as s:
        assert s.version >= 5 and s.number_of("a1") == 1
