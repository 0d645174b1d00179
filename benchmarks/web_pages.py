"""Web UI latency and memory on a large stored database (issue 13): `storyline serve` in a subprocess,
the time to its first page after start, then a mix of pages (story list pages, story pages and
timelines, entity pages, articles, the graph, search, the JSON API) with the 50th/95th percentile
and the worst time per kind, and the server's resident memory; optionally while a writer stores
more articles into the same file (``--writer N``: N more articles, in batches of 64, through
``pipeline.add_analyses``, the ingest path after extraction).

    python benchmarks/web_pages.py DB [--build N] [--requests 300] [--writer 2000] [--out results/web.json]

``--build N`` first makes DB from N articles of ``synth.stored_analyses`` (ten per story; no spaCy).
"""

from __future__ import annotations

import argparse
import json
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
from results_file import save

ROOT = Path(__file__).resolve().parents[1]
WRITER = """
import sys
from storyline import pipeline
from storyline.store import Store
from storyline.synth import stored_analyses
db, n, start = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with Store(db) as s:
    batch = []
    for an in stored_analyses(n, start=start):
        batch.append(an)
        if len(batch) == 64:
            pipeline.add_analyses(s, batch)
            batch = []
    if batch:
        pipeline.add_analyses(s, batch)
    pipeline.catch_up(s)  # as an ingest run ends
"""


def build(db: Path, n: int) -> None:
    subprocess.run([sys.executable, "-c", WRITER, str(db), str(n), "0"], check=True, cwd=ROOT)


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(db: Path, requests: int, writer: int, seed: int = 1) -> dict:
    import sqlite3

    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as c:
        articles = c.execute("SELECT count(*) FROM articles").fetchone()[0]
        stories = [r[0] for r in c.execute("SELECT story FROM story_resolutions")]
        entities = [r[0] for r in c.execute("SELECT id FROM registry WHERE stories > 0 ORDER BY mentions DESC LIMIT 2000")]
        arts = [r[0] for r in c.execute("SELECT id FROM articles ORDER BY random() LIMIT 2000")]
    port = _port()
    base = f"http://127.0.0.1:{port}"
    t0 = time.perf_counter()
    proc = subprocess.Popen([str(Path(sys.executable).parent / "storyline"), "serve", "--db", str(db), "--port", str(port),
                             "--read-only"], stderr=subprocess.DEVNULL, cwd=ROOT)
    while True:  # the process imports (spaCy comes with the package) before it listens
        try:
            httpx.get(base + "/openapi.json", timeout=60)
            break
        except httpx.HTTPError:
            time.sleep(0.05)
    listening = time.perf_counter() - t0
    client = httpx.Client(base_url=base, timeout=120)
    t = time.perf_counter()
    r = client.get("/")
    first = time.perf_counter() - t
    assert r.status_code == 200
    rng = random.Random(seed)
    kinds = {
        "/openapi.json (floor: a cached answer)": lambda: "/openapi.json",
        "/ (first page)": lambda: "/",
        "/?page=N": lambda: f"/?page={rng.randint(1, max(1, len(stories) // 50))}",
        "/story/ID": lambda: f"/story/{rng.choice(stories)}",
        "/story/ID/timeline": lambda: f"/story/{rng.choice(stories)}/timeline",
        "/entity/ID (top 2000)": lambda: f"/entity/{rng.choice(entities)}",
        "/entity/ID (most mentioned)": lambda: f"/entity/{entities[0]}",
        "/article/ID": lambda: f"/article/{rng.choice(arts)}",
        "/graph": lambda: "/graph",
        "/search?q=": lambda: "/search?q=" + rng.choice(["agreed", "million", "Monday", "declined"]),
        "/api/stories?page=N": lambda: f"/api/stories?page={rng.randint(1, max(1, len(stories) // 50))}",
        "/api/entities/ID": lambda: f"/api/entities/{rng.choice(entities)}",
    }
    times: dict[str, list[float]] = {k: [] for k in kinds}
    writing = None
    if writer:
        writing = subprocess.Popen([sys.executable, "-c", WRITER, str(db), str(writer), str(articles)], cwd=ROOT)
    peak = 0.0
    during = 0
    names = list(kinds)
    for i in range(requests):
        kind = names[i % len(names)]
        t = time.perf_counter()
        r = client.get(kinds[kind]())
        times[kind].append(time.perf_counter() - t)
        assert r.status_code == 200, (kind, r.status_code, r.text[:200])
        peak = max(peak, psutil.Process(proc.pid).memory_info().rss / 2**20)
        during += writing is not None and writing.poll() is None
    if writing is not None:
        writing.wait()
    proc.terminate()
    proc.wait(timeout=30)
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as c:
        # more than ``articles``: something (--writer, or an ingest beside the benchmark) wrote meanwhile
        articles_after = c.execute("SELECT count(*) FROM articles").fetchone()[0]
    every = sorted(x for v in times.values() for x in v)

    def pct(xs: list[float], p: float) -> float:
        return round(sorted(xs)[min(len(xs) - 1, int(p * len(xs)))] * 1000, 1)

    return {
        "articles": articles, "articles_after": articles_after, "stories": len(stories), "db_mb": round(db.stat().st_size / 2**20, 1),
        "listening_after_start_s": round(listening, 2), "first_page_once_listening_s": round(first, 2),
        "load_average": [round(x, 1) for x in psutil.getloadavg()], "cpus": psutil.cpu_count(), "requests": requests, "requests_while_writing": during,
        "writer_articles": writer, "server_peak_rss_mb": round(peak, 1),
        "all_ms": {"p50": pct(every, 0.5), "p95": pct(every, 0.95), "max": pct(every, 1.0)},
        "by_page_ms": {k: {"n": len(v), "p50": round(statistics.median(v) * 1000, 1), "p95": pct(v, 0.95),
                           "max": pct(v, 1.0)} for k, v in times.items() if v},
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("db", type=Path)
    ap.add_argument("--build", type=int, default=0)
    ap.add_argument("--requests", type=int, default=360)
    ap.add_argument("--writer", type=int, default=0)
    ap.add_argument("--out", type=Path)
    a = ap.parse_args()
    if a.build and not a.db.exists():
        build(a.db, a.build)
    result = run(a.db, a.requests, a.writer)
    print(json.dumps(result, indent=1))
    save(a.out, result)


if __name__ == "__main__":
    main()
