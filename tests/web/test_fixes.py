"""Fixes made over HTTP and in a real browser: they land as the same overrides the CLI writes, show
on the story page at once, survive a re-ingest, can be undone; forms need their CSRF token, and a
read-only server shows no fix controls and refuses the POSTs."""

import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from ..conftest import SAMPLES
from .conftest import shot

BIN = str(Path(sys.executable).parent / "storyline")
NEW = """---
title: Harbor Times recap of the Vexa saga
source: Harbor Times
published: 2025-11-25
---
Vexa shareholders met on Monday to approve the merger with Orbital Dynamics.
"""


def _overrides(db) -> list[tuple]:
    with sqlite3.connect(db) as c:
        return c.execute("SELECT kind, a, b, undone FROM overrides ORDER BY id").fetchall()


def _token(client: httpx.Client, path: str) -> str:
    page = client.get(path)
    m = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
    assert m, f"no fix form on {path}"
    return m[1]


def test_a_post_without_its_token_is_refused(fix_server, fix_db):
    before = _overrides(fix_db)
    form = {"a": "e-halden-capital", "b": "e-northgate-securities", "next": "/"}
    with httpx.Client(base_url=fix_server) as c, httpx.Client(base_url=fix_server) as other:
        token = _token(c, "/entity/e-halden-capital")
        assert c.post("/fix/merge", data=form).status_code == 403  # no token
        assert c.post("/fix/merge", data={**form, "csrf": "0" * 64}).status_code == 403  # a forged one
        other.get("/")
        assert other.post("/fix/merge", data={**form, "csrf": token}).status_code == 403  # another session's
        r = c.post("/fix/merge", data={**form, "csrf": token}, headers={"origin": "http://evil.example"})
        assert r.status_code == 403  # a page of another site posting with a stolen cookie
        assert "token" in c.post("/fix/merge", data=form).text
    assert httpx.post(fix_server + "/fix/merge", data=form).status_code == 403  # no session at all
    assert _overrides(fix_db) == before


def test_a_fix_over_http_is_stored_listed_and_undone(fix_server, fix_db):
    with httpx.Client(base_url=fix_server) as c:
        token = _token(c, "/entity/e-dan-reyes")
        assert "she" in c.get("/entity/e-dan-reyes").text
        r = c.post("/fix/split", data={"a": "e-dan-reyes", "b": "she", "csrf": token, "next": "/entity/e-dan-reyes"})
        assert r.status_code == 303 and r.headers["location"] == "/entity/e-dan-reyes"
        page = c.get("/entity/e-dan-reyes").text
        assert "recorded: split" in page  # the flash message, once
        assert "“she”" not in page and "cut by a user" in page
        assert ("split", "e-dan-reyes", "she", None) in _overrides(fix_db)
        fixes = c.get("/fixes").text
        oid = re.search(r'name="id" value="(\d+)"><button aria-label="Undo fix', fixes)[1]
        assert "split “she” off" in fixes and ">Dan Reyes<" in fixes and "in force" in fixes
        c.post("/fix/undo", data={"id": oid, "csrf": token, "next": "/fixes"})
        assert "“she”" in c.get("/entity/e-dan-reyes").text
        assert _overrides(fix_db)[-1][3] is not None  # kept, marked undone
        # an open redirect is not on offer: "next" stays on this site
        r = c.post("/fix/merge", data={"a": "e-vexa", "b": "e-vexa", "csrf": token, "next": "//evil.example/x"})
        assert r.headers["location"] == "/"
        r = c.post("/fix/set-date", data={"article": "nope", "date": "2025-01-01", "csrf": token, "next": "/"})
        assert r.status_code == 303 and "no single article" in c.get("/").text


def _files(db) -> dict[str, bytes]:
    # the database and its write-ahead log; readers only mark their place in the -shm index
    return {p.name: p.read_bytes() for p in (Path(db), Path(f"{db}-wal")) if p.exists()}


def test_read_only_shows_no_fix_controls_and_refuses_posts(readonly_server, fix_db):
    with sqlite3.connect(fix_db) as c:
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before_files = _files(fix_db)
    with httpx.Client(base_url=readonly_server) as c:
        for path in ("/", "/story/s0", "/story/s0/timeline", "/entity/e-dan-reyes", "/fixes"):
            text = c.get(path).text
            assert 'method="post"' not in text and 'name="csrf"' not in text, path
        before = _overrides(fix_db)
        r = c.post("/fix/merge", data={"a": "e-halden-capital", "b": "e-northgate-securities", "csrf": "x"})
        assert r.status_code == 403 and "read-only" in r.text
        assert _overrides(fix_db) == before
    assert _files(fix_db) == before_files  # pages (and refused posts) never write to the database


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Debian chromium not installed (make test installs it)")
def test_merge_and_set_date_in_the_browser_survive_a_reingest(fix_server, fix_db, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(fix_server + "/story/s0")
    assert page.locator("#fix-h").is_visible()
    key = page.locator("h2:text('Key entities') + ul")
    assert "Northgate Securities" in key.inner_text()
    # merge, with the story page's own form
    form = page.locator("form[action='/fix/merge']")
    form.locator("select[name=b]").select_option(label="Northgate Securities")
    form.locator("select[name=a]").select_option(label="Halden Capital")
    form.locator("button").click()
    page.wait_for_url("**/story/s0")
    assert "recorded: merge" in page.inner_text(".flash")
    shot(page, "story-fixes", "section.fix")
    assert "Northgate Securities" not in page.locator("h2:text('Key entities') + ul").inner_text()
    # set-date for one article: relative dates are read again, the story page follows
    article = "Orbital makes $43.1 billion bid for Vexa"
    form = page.locator("form[action='/fix/set-date']").first
    form.locator("select[name=article]").select_option(form.locator("option", has_text=article).get_attribute("value"))
    form.locator("input[name=date]").fill("2025-10-09")
    form.locator("button").click()
    page.wait_for_url("**/story/s0")
    assert "set-date: 1 article(s) now dated 2025-10-09" in page.inner_text(".flash")
    line = page.locator(f"h2:text('Articles') + ul li:has-text('{article}')").inner_text()
    assert line.startswith("2025-10-09")
    assert page.locator("time[datetime='2025-10-08']").count() >= 1  # "Wednesday" of the new date
    # a re-ingest, with a new article so that it really writes and resolves
    new = tmp_path / "recap.md"
    new.write_text(NEW, encoding="utf-8")
    r = subprocess.run([BIN, "ingest", str(SAMPLES), str(new), "--db", str(fix_db), "-q"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    page.goto(fix_server + "/")
    assert "Harbor Times recap" in page.inner_text("body")
    page.goto(fix_server + "/story/s0")
    assert "Northgate Securities" not in page.locator("h2:text('Key entities') + ul").inner_text()
    assert page.locator(f"h2:text('Articles') + ul li:has-text('{article}')").inner_text().startswith("2025-10-09")
    # undo the merge from the Fixes page: the story page shows both again
    page.goto(fix_server + "/fixes")
    shot(page, "fixes")
    page.locator("tr:has-text('merge Northgate Securities into') button").click()
    page.wait_for_url("**/fixes")
    assert "undone: merge" in page.inner_text(".flash")
    page.goto(fix_server + "/story/s0")
    assert "Northgate Securities" in page.locator("h2:text('Key entities') + ul").inner_text()
    page.close()


def test_a_fix_that_cannot_apply_says_so_from_the_stored_story(fix_server, fix_db):
    with httpx.Client(base_url=fix_server) as c:
        token = _token(c, "/entity/e-lina-park")
        form = {"a": "e-lina-park", "b": "e-tom-alvarez", "csrf": token, "next": "/entity/e-lina-park"}
        c.post("/fix/not-same", data=form)
        c.get("/entity/e-lina-park")  # the first flash, read
        c.post("/fix/merge", data=form)
        page = c.get("/entity/e-lina-park").text
        assert "recorded: merge" in page and "note: merge" in page and "marked not the same" in page
        assert "marked not the same" in c.get("/fixes").text  # listed with the fixes that do not apply
        for oid in re.findall(r'name="id" value="(\d+)"><button aria-label="Undo fix', c.get("/fixes").text)[:2]:
            c.post("/fix/undo", data={"id": oid, "csrf": token, "next": "/fixes"})
