from __future__ import annotations

import socket
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


@pytest.fixture(scope="session")
def server(web_db):
    """`storyline serve` itself, in a subprocess on a free local port."""
    port = _free_port()
    proc = subprocess.Popen([str(Path(sys.executable).parent / "storyline"), "serve", "--db", str(web_db),
                             "--port", str(port)], stderr=subprocess.PIPE)
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
    yield base
    proc.terminate()
    proc.wait(timeout=10)
