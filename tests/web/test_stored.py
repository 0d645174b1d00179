"""The web UI reads the stored state (issue 13): pages cost what they show, never the database.

A database of many small stories is made from analyses built without spaCy and stored through
``pipeline.add_analyses`` (the path an ingest batch takes), then served by uvicorn on loopback in
this process, with the readers that load or resolve the whole collection made to fail."""

from __future__ import annotations

import csv
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn
from typer.testing import CliRunner

from storyline import pipeline
from storyline.cli import app as cli_app
from storyline.store import Store, StoreError
from storyline.synth import stored_analyses, write_jsonl
from storyline.web import app as web_app

from ..reads import Reads
from .conftest import copy_db, start_server, stop_server

BIN = str(Path(sys.executable).parent / "storyline")
STORIES, PER_STORY = 60, 5


@pytest.fixture(scope="module")
def many_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("many") / "many.db"
    analyses = list(stored_analyses(STORIES * PER_STORY, per_story=PER_STORY))
    with Store(db) as store:
        for i in range(0, len(analyses), 64):
            pipeline.add_analyses(store, analyses[i : i + 64])
        pipeline.catch_up(store)  # as an ingest run ends
        assert store.story_count() == STORIES and not store.stale_stories()
    return db


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _serve(db: Path, monkeypatch: pytest.MonkeyPatch):
    """The app on a loopback port, in this process (so the readers above are the ones it calls)."""
    reads = Reads(monkeypatch)
    server = uvicorn.Server(uvicorn.Config(web_app.create_app(db, read_only=True), host="127.0.0.1",
                                           port=_free_port(), log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{server.config.port}", reads
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def served(many_db, monkeypatch):
    with _serve(many_db, monkeypatch) as it:
        yield it


def _story_links(html: str) -> list[str]:
    return re.findall(r'<h2 style="border:0;margin:0"><a href="/story/(s\d+)">', html)


def test_the_story_list_pages_and_reads_no_article(served, many_db):
    base, reads = served
    first = httpx.get(base + "/").text
    second = httpx.get(base + "/?page=2").text
    page1, page2 = _story_links(first), _story_links(second)
    assert len(page1) == web_app.STORIES_PER_PAGE and len(page2) == STORIES - web_app.STORIES_PER_PAGE
    assert 'rel="next"' in first and 'rel="next"' not in second and 'rel="prev"' in second
    with Store(many_db, readonly=True) as store:
        assert sorted(page1 + page2) == sorted(store.story_ids())  # every story once, across the pages
        latest = str(store.story_list(limit=1)[0]["id"])
    assert page1[0] == latest  # latest first
    assert "Who: " in first  # the summary, from the page's stories' stored entities
    assert not reads.articles  # the list reads no article, however many there are
    api = httpx.get(base + "/api/stories", params={"page": 3, "limit": 20}).json()
    assert len(api) == 20 and set(api[0]) >= {"id", "title", "articles"}
    assert not reads.articles


def test_a_story_page_reads_that_story_only(served, many_db):
    base, reads = served
    with Store(many_db, readonly=True) as store:
        sid = store.story_ids()[7]
        members = store.story_articles(sid)
        titles = {a: store.analysis(a).article.title for a in members}
    html = httpx.get(base + f"/story/{sid}").text
    assert set(reads.articles) == set(members)
    listed = re.findall(r'<a href="/article/([^"]+)">', html.split("<h2>Articles</h2>", 1)[1].split("</ul>", 1)[0])
    assert sorted(listed) == sorted(members) and all(titles[a] in html for a in members)
    reads.articles.clear()
    entity = re.search(r'<a href="/entity/([^"]+)"><b>', html)[1]
    for path in (f"/story/{sid}/timeline", f"/entity/{entity}", f"/article/{members[0]}", "/graph", "/fixes"):
        r = httpx.get(base + path)
        assert r.status_code == 200, path
    assert set(reads.articles) <= set(members)  # the timeline reads its story; the others no analysis
    assert httpx.get(base + "/story/s9999").status_code == 404
    assert httpx.get(base + "/api/stories/s9999").status_code == 404


def test_the_web_package_never_resolves_or_loads_everything():
    src = "".join(p.read_text(encoding="utf-8") for p in Path(web_app.__file__).parent.glob("*.py"))
    for name in ("build_dossier", "dossier_from_db", ".analyses()", "resolve_story", "resolve_stories"):
        assert name not in src, name


def _cli(*args: str) -> str:
    r = subprocess.run([BIN, *args], capture_output=True, text=True, env={**os.environ, "COLUMNS": "250"}, timeout=300)
    assert r.returncode == 0, r.stderr
    return r.stdout


def _cites(text: str) -> set[tuple[int, int]]:
    return {(int(n), int(s)) for n, s in re.findall(r"\[(\d+):(\d+)\]", text)}


def test_story_ids_and_citations_agree_across_cli_json_web_api_and_exports(server, web_db, tmp_path):
    """One database, every reader: `storyline stories`, `dossier --format json|md` (whole and
    --story), the web pages, the JSON API and the CSV and JSON-LD exports show the story ids and
    article citation numbers the database stores, and cite a sentence as [number:sentence] alike."""
    with Store(web_db, readonly=True) as store:  # the truth
        members = {sid: sorted(store.story_articles(sid)) for sid in store.story_ids()}
        numbers = {str(r["id"]): int(r["number"]) for r in store.rows("SELECT id, number FROM articles")}
    assert len(members) >= 2 and sorted(numbers.values()) == list(range(1, len(numbers) + 1))
    article_of = {n: a for a, n in numbers.items()}

    listed = {m[0]: int(m[1]) for m in re.findall(r"^│ (s\d+)\s+│ (\d+)\s+│", _cli("stories", "--db", str(web_db)), re.M)}
    assert listed == {sid: len(arts) for sid, arts in members.items()}

    full = json.loads(_cli("dossier", "--db", str(web_db), "--format", "json"))
    assert {a["id"]: a["number"] for a in full["articles"]} == numbers
    assert {s["id"]: sorted(s["articles"]) for s in full["stories"]} == members
    sentences = {a["id"]: len(a["sentences"]) for a in full["articles"]}

    def valid(cites: set[tuple[int, int]], arts: list[str]) -> bool:
        """Each [n:s] names an article of ``arts`` by its number, and a sentence it has."""
        return all(n in article_of and article_of[n] in arts and s < sentences[article_of[n]] for n, s in cites)

    md = _cli("dossier", "--db", str(web_db))  # streamed: each story with its own Sources list
    assert {a: int(n) for n, a in re.findall(r"^(\d+)\. .*\(`([^`]+)`\)$", md, re.M)} == numbers
    assert _cites(md) and valid(_cites(md), list(numbers))

    runner = CliRunner()
    r = runner.invoke(cli_app, ["export", "--format", "csv", "-o", str(tmp_path / "csv"), "--db", str(web_db)])
    assert r.exit_code == 0, r.output
    with open(tmp_path / "csv" / "articles.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {x["id"]: (x["story"], int(x["number"])) for x in rows} == \
        {a: (sid, numbers[a]) for sid, arts in members.items() for a in arts}
    r = runner.invoke(cli_app, ["export", "--format", "jsonld", "-o", str(tmp_path / "d.jsonld"), "--db", str(web_db)])
    assert r.exit_code == 0, r.output
    graph = json.loads((tmp_path / "d.jsonld").read_text(encoding="utf-8"))["@graph"]
    assert {n["@id"].rsplit(":", 1)[1]: (n["isPartOf"]["@id"].rsplit(":", 1)[1], n["citationNumber"])
            for n in graph if n["@type"] == "NewsArticle"} == \
        {a: (sid, numbers[a]) for sid, arts in members.items() for a in arts}

    assert {s["id"]: sorted(s["articles"]) for s in httpx.get(server + "/api/stories").json()} == members
    assert sorted(_story_links(httpx.get(server + "/").text)) == sorted(members)
    for sid, arts in members.items():
        story_md = _cli("dossier", "--db", str(web_db), "--story", sid)
        assert _cites(story_md) and valid(_cites(story_md), arts)
        page = httpx.get(server + f"/story/{sid}").text
        cites = re.findall(r'<a class="cite" href="/article/([^"#]+)#s(\d+)">\[(\d+):(\d+)\]</a>', page)
        assert cites
        for art, anchor, n, s in cites:
            assert art in arts and int(n) == numbers[art] and anchor == s and int(s) < sentences[art]
        # the web page cites what the CLI dossier of that story cites, under the same [n:s]
        assert {(int(n), int(s)) for _, _, n, s in cites} <= _cites(story_md)
        timeline = httpx.get(server + f"/story/{sid}/timeline").text
        assert valid(_cites(timeline), arts) and _cites(timeline) <= _cites(story_md)
        api = httpx.get(server + f"/api/stories/{sid}").json()
        assert api["id"] == sid and sorted(api["articles"]) == arts
        api_cites = _cites(" ".join(x["cite"] for x in api["who"] + api["what"]))
        assert api_cites and api_cites <= _cites(page)
        for a in arts:
            assert httpx.get(server + f"/api/articles/{a}").json()["article"]["number"] == numbers[a]


def test_the_server_answers_while_an_ingest_runs(web_db, tmp_path):
    db = copy_db(web_db, tmp_path / "busy.db")
    new = write_jsonl(tmp_path / "new.jsonl", 30, seed=11)
    proc, base = start_server(db)
    try:
        def stored() -> int:  # articles in the listed stories
            return sum(len(s["articles"]) for s in httpx.get(base + "/api/stories", params={"limit": 200}).json())

        before = stored()
        ingest = subprocess.Popen([BIN, "ingest", str(new), "--db", str(db), "--quiet"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        answered, slowest = 0, 0.0
        while ingest.poll() is None:
            for path in ("/", "/story/s0", "/api/stories?limit=200", "/entity/e-dan-reyes"):
                t = time.perf_counter()
                r = httpx.get(base + path, timeout=30)
                slowest = max(slowest, time.perf_counter() - t)
                assert r.status_code == 200, (path, r.text[:300])
                answered += 1
            time.sleep(0.2)
        assert ingest.returncode == 0, ingest.stderr.read() if ingest.stderr else ""
        assert answered >= 4  # it kept answering through the whole ingest
        assert slowest < 10  # generous: 2 shared cores, the ingest's spaCy beside it
        assert stored() == before + 30
    finally:
        stop_server(proc)


def test_a_database_from_before_stored_resolution_is_refused_with_a_message(web_db, tmp_path):
    old = copy_db(web_db, tmp_path / "old.db")
    with sqlite3.connect(old) as c:
        c.execute("PRAGMA user_version=7")
    with pytest.raises(StoreError, match=r"schema 7 predates the stored resolution.*storyline resolve"):
        web_app.create_app(old)


def test_stale_stories_show_their_last_resolution_and_are_not_resolved(many_db, tmp_path, monkeypatch):
    db = copy_db(many_db, tmp_path / "stale.db")
    with Store(db) as store:
        stale, unresolved = store.story_ids()[:2]
        store.mark_stale([stale, unresolved])
        with store.write():  # as if the ingest that placed its articles had not resolved it yet
            store.conn.execute("DELETE FROM story_resolutions WHERE story=?", (unresolved,))
        title = str(store.story_head(stale)["title"])
        members = store.story_articles(unresolved)
    with _serve(db, monkeypatch) as (base, _reads):
        home = httpx.get(base + "/", params={"page": 1}).text + httpx.get(base + "/", params={"page": 2}).text
        card = home.split(f'href="/story/{stale}"', 1)[1].split("</h2>", 1)[0]
        assert "being updated" in card
        page = httpx.get(base + f"/story/{stale}").text
        assert "Being updated" in page and title in page and "Key entities" in page
        page = httpx.get(base + f"/story/{unresolved}")
        assert page.status_code == 200 and "Story being resolved" in page.text
        assert all(f"/article/{a}" in page.text for a in members)  # its articles, nothing resolved
