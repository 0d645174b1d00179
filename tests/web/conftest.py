from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from storyline.pipeline import ingest

from ..conftest import SAMPLES

XSS = """---
title: <script>window.__xss = 1</script> Vexa rumour
source: Evil Gazette
published: 2025-11-21
---
A post claimed Vexa would <b>close</b> its doors <script>window.__xss = 2</script> and
<img src=x onerror="window.__xss = 3"> that Orbital Dynamics had walked away. Vexa denied it on Friday.
"""


@pytest.fixture(scope="session")
def web_db(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("web")
    (root / "xss.md").write_text(XSS, encoding="utf-8")
    db = root / "web.db"
    ingest([SAMPLES, root / "xss.md"], db)
    return db


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, *args: str):
    """`storyline serve` itself, in a subprocess on a free local port; returns (process, base URL)."""
    port = _free_port()
    proc = subprocess.Popen([str(Path(sys.executable).parent / "storyline"), "serve", "--db", str(db),
                             "--port", str(port), *args], stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if httpx.get(base + "/api/stories", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        proc.kill()
        raise RuntimeError(proc.stderr.read().decode() if proc.stderr else "server did not start")
    return proc, base


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    proc.wait(timeout=10)


def copy_db(src: Path, dst: Path) -> Path:
    """A consistent copy of a database (WAL included), for tests that change it."""
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)
    return dst


@pytest.fixture(scope="session")
def server(web_db):
    proc, base = start_server(web_db)
    yield base
    stop_server(proc)


@pytest.fixture(scope="module")
def fix_db(web_db, tmp_path_factory) -> Path:
    """A database of its own for tests that make fixes."""
    return copy_db(web_db, tmp_path_factory.mktemp("fix") / "fix.db")


@pytest.fixture(scope="module")
def fix_server(fix_db):
    proc, base = start_server(fix_db)
    yield base
    stop_server(proc)


@pytest.fixture(scope="module")
def readonly_server(fix_db):
    proc, base = start_server(fix_db, "--read-only")
    yield base
    stop_server(proc)


CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def shot(page, name: str, selector: str | None = None) -> None:
    """A screenshot for docs/WEB.md (the full page, or one element), when STORYLINE_SCREENSHOTS=1."""
    if os.environ.get("STORYLINE_SCREENSHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        if selector:
            page.locator(selector).first.screenshot(path=str(SHOTS / f"{name}.png"))
        else:
            page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


AXE_LOCK = Path(__file__).parent / "axe"


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's axe.min.js, from the npm package pinned in tests/web/axe (installed by `make axe` in
    .venv/axe; installed here the same way when missing, since the pin and its hash are in the lock)."""
    root = Path(os.environ.get("STORYLINE_AXE_DIR") or Path(sys.prefix) / "axe")
    js = root / "node_modules" / "axe-core" / "axe.min.js"
    if not js.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("npm is not installed, so axe-core cannot be: the accessibility checks are skipped "
                        "(install nodejs and npm, then `make axe`)")
        root.mkdir(parents=True, exist_ok=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copy(AXE_LOCK / name, root / name)
        subprocess.run([npm, "ci", "--prefix", str(root), "--no-audit", "--no-fund"], check=True,
                       capture_output=True, timeout=300)
    return js.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield b
        b.close()
