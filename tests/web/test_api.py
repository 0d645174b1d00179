"""The JSON API and error handling, over HTTP against the real server."""

import sqlite3
from pathlib import Path

import httpx
import pytest


def test_openapi_lists_the_api(server):
    spec = httpx.get(server + "/openapi.json").json()
    for path in ("/api/stories", "/api/entities", "/api/search", "/api/ask"):
        assert path in spec["paths"]


def test_api_records_cite_their_text(server):
    stories = httpx.get(server + "/api/stories").json()
    assert len(stories) >= 1
    biggest = max(stories, key=lambda s: len(s["articles"]))  # latest first: the first may be a one-article story
    story = httpx.get(server + f"/api/stories/{biggest['id']}").json()
    assert story["timeline"] and story["who"]
    art = httpx.get(server + f"/api/articles/{story['articles'][0]}").json()
    text = art["article"]["text"]
    for q in art["quotes"]:
        assert text[q["start"] : q["end"]] == q["text"]


def test_search_filters(server):
    hits = httpx.get(server + "/api/search", params={"q": "subpoena"}).json()
    assert hits and all("subpoena" in h["text"].lower() for h in hits)
    r = httpx.get(server + "/api/search", params={"q": "subpoena", "source": "Nobody Times"})
    assert r.status_code == 404 and "no outlet named 'Nobody Times'" in r.json()["detail"]
    early = httpx.get(server + "/api/search", params={"q": "subpoena", "to": "2025-10-01"}).json()
    assert early == []


def test_ask_cites_and_admits_ignorance(server):
    a = httpx.get(server + "/api/ask", params={"q": "How much did Orbital offer for Vexa?"}).json()
    assert a["answered"] and a["hits"][0]["citation"].startswith("[")
    assert any(x["unit"] == "USD" for x in a["amounts"])
    none = httpx.get(server + "/api/ask", params={"q": "What is the weather in Lisbon?"}).json()
    assert not none["answered"] and none["message"] == "not found in these articles"


def test_bad_ids_and_params_are_404_and_422_pages(server):
    r = httpx.get(server + "/entity/no-such-entity")
    assert r.status_code == 404 and "Traceback" not in r.text and "no-such-entity" in r.text
    r = httpx.get(server + "/search", params={"q": "x", "from": "not-a-date"})
    assert r.status_code == 422 and "<html" in r.text
    assert httpx.get(server + "/api/entities/nope").status_code == 404
    assert httpx.get(server + "/api/search").status_code == 422


def _listening_addresses(port: int) -> set[str]:
    """The local addresses the kernel lists as listening on ``port`` (Linux /proc/net/tcp*)."""
    out = set()
    for table in (Path("/proc/net/tcp"), Path("/proc/net/tcp6")):
        if not table.exists():
            continue
        for line in table.read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            addr, hexport = local.split(":")
            if state == "0A" and int(hexport, 16) == port:
                out.add(addr)
    return out


def test_server_binds_localhost_and_reads_only(server, web_db):
    # what the server really bound (serve's default host), not the URL the fixture built
    port = int(server.rsplit(":", 1)[1])
    if not Path("/proc/net/tcp").exists():
        pytest.skip("no /proc/net/tcp to read listening sockets from")
    assert _listening_addresses(port) == {"0100007F"}  # 127.0.0.1, and no wildcard 0.0.0.0 or ::
    before = sqlite3.connect(web_db).execute("SELECT count(*) FROM articles").fetchone()[0]
    httpx.get(server + "/")
    assert sqlite3.connect(web_db).execute("SELECT count(*) FROM articles").fetchone()[0] == before


def test_the_server_starts_without_loading_the_extraction_model():
    """`storyline serve` only reads stored rows: the CLI and the app must not import spaCy or datasketch
    (seconds of start-up), the graph layout library, nor the resolution stack (pipeline, dossier),
    which are loaded after the first page (issue 13: that page within 1 s of start)."""
    import subprocess
    import sys

    code = ("import sys, storyline.cli, storyline.web.app; "
            "print(sorted(m for m in ('spacy', 'networkx', 'thinc', 'datasketch', 'scipy', 'numpy', 'psycopg', "
            "'storyline.pipeline', 'storyline.dossier', 'storyline.engine', 'dateutil.parser') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
