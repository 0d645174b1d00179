"""The store on PostgreSQL (a real server from tests/pg.py) beside SQLite: the connection layer,
the write lock and change counter, overrides, search, and the sample corpus end to end through
the command line and the web server, giving the same dossier as on SQLite."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from storyline import pipeline
from storyline.sqldb import PostgresConnection, is_url, redact, to_pyformat
from storyline.store import SCHEMA_VERSION, Store, StoreError

from .conftest import SAMPLES

BIN = Path(sys.executable).parent / "storyline"


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN), *args], capture_output=True, text=True)


# ---- the connection layer (no server needed) ---------------------------------------------
def _back(out: str) -> str:
    """to_pyformat undone: %s back to ?, %% back to %, quotes kept."""
    res, q, i = [], None, 0
    while i < len(out):
        ch = out[i]
        if ch == "%":
            nxt = out[i + 1]  # a lone % would be a psycopg syntax error: IndexError fails the test
            assert nxt == "%" or (nxt == "s" and q is None), out
            res.append("%" if nxt == "%" else "?")
            i += 2
            continue
        assert not (ch == "?" and q is None), out  # a bare ? left untranslated
        if q and ch == q:
            q = None
        elif not q and ch in "'\"":
            q = ch
        res.append(ch)
        i += 1
    return "".join(res)


@given(st.text(alphabet="?%'\"ab ,s", max_size=40))
def test_placeholders_translate_outside_quotes_only(sql):
    assert _back(to_pyformat(sql)) == sql


def test_placeholder_examples():
    assert to_pyformat("SELECT ? WHERE a LIKE 'x%?' AND b = ?") == "SELECT %s WHERE a LIKE 'x%%?' AND b = %s"
    assert to_pyformat('SELECT "end" FROM t WHERE x % 2 = ?') == 'SELECT "end" FROM t WHERE x %% 2 = %s'


def test_urls_are_told_apart_and_passwords_never_shown():
    assert is_url("postgresql:///db?host=/tmp") and is_url("postgres://u@h/db")
    assert not is_url("storyline.db") and not is_url(Path("postgresql:/x"))
    assert redact("postgresql://ann:s3cret@db.example/news") == "postgresql://ann:***@db.example/news"
    assert redact("postgresql://ann@db.example/news") == "postgresql://ann@db.example/news"
    assert redact("out/storyline.db") == "out/storyline.db"


# ---- the store on both engines --------------------------------------------------------------
def _schema(url: str | Path) -> tuple[set[tuple[str, str]], set[str]]:
    """(table, column) pairs and index names of a fresh database, FTS5's own tables left out."""
    with Store(url) as s:
        if s.pg:
            # storyline_meta holds the schema version, PRAGMA user_version's stand-in
            cols = s.conn.execute("SELECT table_name, column_name FROM information_schema.columns "
                                  "WHERE table_schema = 'public' AND table_name <> 'storyline_meta'").fetchall()
            idx = s.conn.execute("SELECT indexname FROM pg_indexes WHERE schemaname = 'public' "
                                 "AND indexname NOT LIKE '%_pkey'").fetchall()
        else:
            tables = [r[0] for r in s.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                                   "AND name NOT LIKE 'sentences_fts%'").fetchall()]
            cols = [(t, r[1]) for t in tables for r in s.conn.execute(f"PRAGMA table_info({t})").fetchall()]
            idx = s.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' "
                                 "AND name NOT LIKE 'sqlite_autoindex%'").fetchall()
    return {(str(t), str(c)) for t, c in cols}, {str(r[0]) for r in idx}


def test_both_engines_build_the_same_schema_from_the_same_migrations(pg_url, tmp_path):
    """PostgreSQL runs SQLite's migrations (through pg_ddl), plus its own full-text column."""
    pg_cols, pg_idx = _schema(pg_url)
    lite_cols, lite_idx = _schema(tmp_path / "s.db")
    assert pg_cols - lite_cols == {("sentences", "tsv")}
    assert lite_cols - pg_cols == set()
    assert pg_idx - lite_idx == {"sentences_tsv"} and lite_idx - pg_idx == set()


def test_rows_read_by_index_and_name(db_url):
    with Store(db_url) as s:
        assert s.version == SCHEMA_VERSION
        with s.write():
            s.conn.execute("INSERT INTO articles(id, title, text, ingested_at, number) VALUES (?,?,?,?,?)",
                           ("a1", "100% sure? yes", "Some text.", "now", 1))
        row = s.conn.execute("SELECT id, title AS t, number FROM articles WHERE id = ?", ("a1",)).fetchone()
        assert row[0] == row["id"] == "a1" and row["t"] == "100% sure? yes" and row[2] == 1
        assert dict(row) == {"id": "a1", "t": "100% sure? yes", "number": 1}
        assert s.rows("SELECT count(*) AS n FROM articles WHERE title LIKE '100%'") == [{"n": 1}]
        assert s.find_articles("a") == ["a1"] and s.find_articles("a%") == []


def test_overrides_and_undo(db_url):
    pipeline.ingest([SAMPLES / "01-ledger-bid.md", SAMPLES / "02-harbor-reject.md"], db_url)
    first = pipeline.add_override(db_url, "merge", "Halden Capital", "Northgate Securities")
    second = pipeline.add_override(db_url, "not-same", "Orbital", "Vexa")
    assert second == first + 1
    with Store(db_url, readonly=True) as s:
        art = s.known_ids().pop()
        before = s.analysis(art).article.published
    pipeline.set_date(db_url, art, "2031-01-02")
    with Store(db_url, readonly=True) as s:
        assert s.analysis(art).article.published.startswith("2031-01-02")
        records = s.override_records()
    assert [o.kind for o in records] == ["merge", "not-same", "set-date"]
    pipeline.undo_override(db_url, records[-1].id)
    pipeline.undo_override(db_url, first)
    with Store(db_url, readonly=True) as s:
        assert s.analysis(art).article.published == before
        assert s.overrides() == [("not-same", "Orbital", "Vexa")]
        assert s.count("articles") == 2 and s.story_of(art) is not None


def test_search_filters_and_snippets(db_url):
    pipeline.ingest([SAMPLES], db_url)
    with Store(db_url, readonly=True) as s:
        hits = s.search("rewrite the facts", 5)
        assert hits and "rewrite" in str(hits[0]["text"])
        assert "\x02rewrite\x03" in str(hits[0]["snippet"])
        assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
        assert s.count_matching(["subpoena"]) == s.count_matching(["subpoenaed"]) > 0  # stemmed alike
        assert s.count_matching(["zzzqx"]) == 0 and s.count_matching([]) == 0
        assert s.sentence_count() == s.count("sentences")
        ledger = s.match_sentences(["Orbital"], 50, source="The Ledger")
        assert ledger and len(ledger) < len(s.match_sentences(["Orbital"], 50))
        days = s.match_sentences(["Orbital"], 50, date_from="2025-10-01", date_to="2025-10-31")
        assert days and all(s.analysis(str(h["article"])).article.published[:7] == "2025-10" for h in days)
        assert s.match_sentences(["Orbital"], 5, articles=[]) == []
        assert s.search("", 5) == [] and s.search("'; DROP TABLE articles; --", 5) is not None
        assert s.count("articles") == 10


def test_data_version_moves_for_other_writers_only(db_url):
    with Store(db_url) as a, Store(db_url) as b:
        seen = a.data_version()
        with a.write():
            a.record_problems([])
        assert a.data_version() == seen  # its own commit
        with b.write():
            b.save_fetch("https://example.org/feed", "feed", 200)
        assert a.data_version() != seen
        seen = a.data_version()
        with pytest.raises(RuntimeError), b.write():
            b.save_fetch("https://example.org/other", "feed", 200)
            raise RuntimeError("rolled back")
        assert a.data_version() == seen and a.fetch_validators("https://example.org/other") is None


def test_writers_queue_on_the_lock(db_url):
    """A second writer waits for the first's transaction and then sees its rows (no interleaving)."""
    order: list[str] = []
    with Store(db_url) as a, Store(db_url) as b:
        entered = threading.Event()

        def second() -> None:
            entered.wait(10)
            with b.write():
                order.append("b sees " + str(b.fetch_validators("https://example.org/a")))

        t = threading.Thread(target=second)
        t.start()
        with a.write():
            entered.set()
            time.sleep(0.5)
            a.save_fetch("https://example.org/a", "feed", 200, etag="e1")
            order.append("a done")
        t.join(10)
    assert order == ["a done", "b sees ('e1', None)"]


# ---- PostgreSQL only ---------------------------------------------------------------------------
def test_reader_of_a_database_without_storyline_says_so(pg_cluster):
    empty = pg_cluster.database()
    with pytest.raises(StoreError, match="no storyline database"):
        Store(empty, readonly=True)
    r = run("stories", "--db", empty)
    assert r.exit_code == 1 and "no storyline database" in " ".join(r.stderr.split())  # rich wraps at 80 columns
    bad = pg_cluster.url("no_such_db")
    with pytest.raises(StoreError, match="cannot open"):
        Store(bad)


def test_readonly_store_cannot_write(pg_url):
    Store(pg_url).close()
    with Store(pg_url, readonly=True) as s, pytest.raises(Exception, match="read-only"):
        s.record_problems([])
    assert isinstance(Store(pg_url).conn, PostgresConnection)


def run(*args: str):  # the command line in this process (spaCy loads once); one test runs the binary
    from typer.testing import CliRunner

    from storyline.cli import app

    return CliRunner().invoke(app, list(args))


def _dossier_json(db: str, *args: str) -> dict:
    r = run("dossier", "--db", db, "--format", "json", *args)
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)


def test_sample_corpus_end_to_end_on_postgres_matches_sqlite(tmp_path, pg_url):
    r = cli("ingest", str(SAMPLES), "--db", pg_url, "--quiet")
    assert r.returncode == 0, r.stderr
    sqlite_db = str(tmp_path / "s.db")
    pipeline.ingest([SAMPLES], sqlite_db)

    listing = run("stories", "--db", pg_url)
    assert listing.exit_code == 0 and "s0" in listing.stdout
    assert listing.stdout == run("stories", "--db", sqlite_db).stdout
    pg, lite = _dossier_json(pg_url), _dossier_json(sqlite_db)
    assert pg == lite  # the same articles, numbers, entities, events, stories: the engine changes nothing
    story = pg["stories"][0]["id"]
    one = _dossier_json(pg_url, "--story", story)
    assert [s["id"] for s in one["stories"]] == [story]
    assert {a["id"] for a in one["articles"]} == set(pg["stories"][0]["articles"])

    found = run("search", "Orbital offer", "--db", pg_url, "-n", "3")
    assert found.exit_code == 0 and "Orbital" in found.stdout and found.stdout.count("[") >= 3
    asked = run("ask", "How much did Orbital first offer for Vexa?", "--db", pg_url, "--format", "json")
    assert asked.exit_code == 0, asked.stderr
    assert json.loads(asked.stdout)["answered"] is True
    for cmd in ("quotes", "amounts", "dates", "overrides"):
        assert run(cmd, "--db", pg_url).stdout == run(cmd, "--db", sqlite_db).stdout, cmd

    again = run("ingest", str(SAMPLES), "--db", pg_url)
    assert again.exit_code == 0 and "0 article(s) added, 10 already in" in again.stderr


def test_web_server_reads_postgres_and_sees_new_articles(tmp_path, pg_url):
    from .web.conftest import start_server, stop_server

    pipeline.ingest([SAMPLES / "01-ledger-bid.md"], pg_url)
    proc, base = start_server(pg_url, "--read-only")
    try:
        stories = httpx.get(base + "/api/stories", timeout=30).json()
        assert sum(len(s["articles"]) for s in stories) == 1
        pipeline.ingest([SAMPLES], pg_url)  # another writer while the server runs
        stories = httpx.get(base + "/api/stories", timeout=60).json()
        assert sum(len(s["articles"]) for s in stories) == 10
        page = httpx.get(base + "/search", params={"q": "subpoena"}, timeout=30)
        assert page.status_code == 200 and "<mark>" in page.text
    finally:
        stop_server(proc)


@pytest.mark.slow
def test_sigkill_mid_ingest_then_resume_on_postgres(tmp_path, pg_url):
    """As tests/test_crash_resume.py on SQLite: a killed writer's open transaction is rolled back by
    the server, every committed batch is whole, and the same command run again completes the work."""
    import os
    import signal

    from storyline.synth import write_jsonl

    n = 200
    src = write_jsonl(tmp_path / "big.jsonl", n)
    cmd = [str(BIN), "ingest", str(src), "--db", pg_url, "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def count(table: str = "articles") -> int:
        try:
            with Store(pg_url, readonly=True) as s:
                return s.count(table)
        except StoreError:  # the schema is not made yet
            return 0

    deadline = time.time() + 240
    while count() < 32 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.2)
    assert proc.poll() is None, "ingest finished before it could be killed; raise n"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done = count()
    assert 0 < done < n and count("sentences") > 0
    with Store(pg_url, readonly=True) as s:
        assert s.rows("SELECT count(*) AS n FROM analyses")[0]["n"] == done
        assert s.rows("SELECT count(*) AS n FROM articles WHERE id NOT IN (SELECT article FROM sentences)")[0]["n"] == 0
    again = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert count() == n
    with Store(pg_url, readonly=True) as s:
        assert s.rows("SELECT count(*) AS n FROM analyses")[0]["n"] == n
        assert sorted(a for st in s.story_states() for a in st.articles) == sorted(s.known_ids())
