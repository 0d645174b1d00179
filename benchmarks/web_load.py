"""The web UI on a large database (issue 13): time to the first page after `storyline serve` starts,
then latency over a mix of pages, without and with an ingest running into the same database, and the
server's resident memory.

The server is the real CLI (`python -m storyline.cli serve`) in its own process; requests are plain
HTTP on loopback, one at a time (a reader clicking through). Ids are drawn from the database itself
(stored story ids, registry entity ids, article ids), so the same script measures the web app as it
is on main now and after the branch that makes it read stored rows is merged. The ingest is
``clonedb.py feed``: the stream's next clone articles, 64 at a time, through ``pipeline.add_analyses``
on a copy of the database (the database given is never written).

    python benchmarks/web_load.py --db /tmp/bench13-db/db-100000.db --stream-at 100000 \\
        --out benchmarks/results/web_load-100k.json

A server that does not answer its first page within ``--first-timeout`` seconds (or grows past
``--max-rss-mb``) is stopped, and that is the result.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from results_file import save

ROOT = Path(__file__).resolve().parents[1]
KINDS = ("/", "/story/{story}", "/entity/{entity}", "/article/{article}", "/api/stories")


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class RssWatch(threading.Thread):
    """Peak resident memory of a process, sampled every 0.2 s."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, 0.0, threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            self.peak = max(self.peak, rss_mb(self.pid))
            time.sleep(0.2)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(port: int, path: str, timeout: float) -> tuple[int, float, int]:
    t = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        body = resp.read()
        return resp.status, time.perf_counter() - t, len(body)
    finally:
        conn.close()


def sample_ids(db: Path, k: int, rng: random.Random) -> dict[str, list[str]]:
    """Ids readers would follow: stories (any size), registry entities weighted by how often they are
    named (popular pages are visited more), articles."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    n_st = con.execute("SELECT count(*) FROM stories").fetchone()[0]
    stories = [r[0] for r in con.execute("SELECT id FROM stories ORDER BY n LIMIT ? OFFSET ?",
                                         (k, rng.randrange(max(1, n_st - k))))]
    try:
        ents = [r[0] for r in con.execute("SELECT id FROM registry ORDER BY mentions DESC LIMIT 2000")]
    except sqlite3.OperationalError:  # a database without a registry (before schema 8)
        ents = []
    entities = rng.sample(ents, min(k, len(ents)))
    n_art = con.execute("SELECT max(number) FROM articles").fetchone()[0] or 0
    nums = [rng.randint(1, n_art) for _ in range(k)]
    articles = [r[0] for n in nums for r in con.execute("SELECT id FROM articles WHERE number=?", (n,))]
    con.close()
    return {"story": stories, "entity": entities, "article": articles}


def mix(ids: dict[str, list[str]], n: int, rng: random.Random) -> list[tuple[str, str]]:
    out = []
    for i in range(n):
        kind = KINDS[i % len(KINDS)]
        path = kind.format(story=rng.choice(ids["story"] or ["s0"]), entity=rng.choice(ids["entity"] or ["x"]),
                           article=rng.choice(ids["article"] or ["x"]))
        out.append((kind, path))
    return out


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def run_mix(port: int, paths: list[tuple[str, str]], timeout: float, budget: float) -> dict[str, Any]:
    """The mix, one request at a time; after ``budget`` seconds the rest is not sent (counted)."""
    times: dict[str, list[float]] = {}
    statuses: dict[str, dict[str, int]] = {}
    every = []
    start = time.perf_counter()
    for kind, path in paths:
        if time.perf_counter() - start > budget:
            break
        try:
            status, took, _ = get(port, path, timeout)
        except (TimeoutError, OSError):
            status, took = 0, timeout  # no answer within the timeout counts as the timeout
        times.setdefault(kind, []).append(took)
        st = statuses.setdefault(kind, {})
        st[str(status)] = st.get(str(status), 0) + 1
        every.append(took)
    return {"requests": len(every), "not_sent_budget_over": len(paths) - len(every), "p50_s": round(pct(every, 50), 3), "p95_s": round(pct(every, 95), 3),
            "max_s": round(max(every), 3),
            "by_page": {k: {"p50_s": round(pct(v, 50), 3), "p95_s": round(pct(v, 95), 3), "statuses": statuses[k]}
                        for k, v in times.items()}}


def serve(db: Path, port: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-m", "storyline.cli", "serve", "--db", str(db), "--port", str(port),
                             "--read-only"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def first_page(proc: subprocess.Popen[bytes], port: int, started: float, limit: float, watch: RssWatch,
               max_rss: float) -> dict[str, Any]:
    """Seconds from the server's start to its first answered page (/), polling."""
    while time.perf_counter() - started < limit:
        if proc.poll() is not None:
            return {"first_page_s": None, "error": "server exited"}
        if watch.peak > max_rss:
            return {"first_page_s": None, "error": f"stopped: resident memory passed {max_rss} MB",
                    "after_s": round(time.perf_counter() - started, 1)}
        try:
            status, _, _ = get(port, "/", timeout=max(1.0, limit - (time.perf_counter() - started)))
            return {"first_page_s": round(time.perf_counter() - started, 3), "status": status}
        except (ConnectionRefusedError, OSError):
            time.sleep(0.05)
    return {"first_page_s": None, "error": f"no first page within {limit} s"}


def stop(proc: subprocess.Popen[Any]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def phase(db: Path, args: argparse.Namespace, paths: list[tuple[str, str]], ingest_from: int | None) -> dict[str, Any]:
    port = free_port()
    started = time.perf_counter()
    proc = serve(db, port)
    watch = RssWatch(proc.pid)
    watch.start()
    feeder = None
    out: dict[str, Any] = {}
    try:
        out.update(first_page(proc, port, started, args.first_timeout, watch, args.max_rss_mb))
        out["rss_after_first_page_mb"] = round(rss_mb(proc.pid), 1)
        if out["first_page_s"] is None:
            return out
        if ingest_from is not None:
            env = dict(os.environ, PYTHONPATH=str(ROOT))
            log = db.with_suffix(".feed.log").open("w")
            feeder = subprocess.Popen(["nice", "-n", "10", sys.executable, str(ROOT / "benchmarks" / "clonedb.py"),
                                       "feed", "--db", str(db), "--start", str(ingest_from), "--count", "100000"],
                                      env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
            # the mix starts once the feeder has committed its first batch (it loads its pool first)
            feed_log = db.with_suffix(".feed.log")
            deadline = time.perf_counter() + args.ingest_warmup
            while time.perf_counter() < deadline and feeder.poll() is None and not feed_log.read_text().strip():
                time.sleep(0.5)
            out["ingest_started"] = bool(feed_log.read_text().strip())
        out.update(run_mix(port, paths, args.request_timeout, args.mix_budget))
        if feeder is not None:
            out["ingest_running_during_mix"] = feeder.poll() is None
            out["batches_ingested_meanwhile"] = sum(1 for _ in db.with_suffix(".feed.log").open())
    finally:
        if feeder is not None:
            stop(feeder)
        watch.stop.set()
        out["server_peak_rss_mb"] = round(watch.peak, 1)
        stop(proc)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--stream-at", type=int, required=True,
                    help="how many stream articles the database holds (where the ingest goes on)")
    ap.add_argument("--requests", type=int, default=100)
    ap.add_argument("--first-timeout", type=float, default=600.0)
    ap.add_argument("--request-timeout", type=float, default=60.0)
    ap.add_argument("--mix-budget", type=float, default=600.0, help="seconds the mix may take in all")
    ap.add_argument("--max-rss-mb", type=float, default=6000.0)
    ap.add_argument("--ingest-warmup", type=float, default=300.0,
                    help="longest wait for the ingest's first committed batch before the mix starts")
    ap.add_argument("--no-ingest", action="store_true", help="skip the phase with an ingest running")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    ids = sample_ids(args.db, 30, rng)
    paths = mix(ids, args.requests, rng)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    result: dict[str, Any] = {"db": str(args.db), "commit": commit, "requests": args.requests,
                              "pages": list(KINDS)}
    result["idle"] = phase(args.db, args, paths, None)
    print(json.dumps({"idle": result["idle"]}), flush=True)
    save(args.out, result)  # a run stopped during the ingest phase keeps the idle figures
    if not args.no_ingest and result["idle"].get("first_page_s") is not None:
        with tempfile.TemporaryDirectory(dir=args.db.parent) as tmp:
            copy = Path(tmp) / args.db.name
            shutil.copy(args.db, copy)  # the ingest writes into a copy; the benchmark database stays as built
            result["ingesting"] = phase(copy, args, paths, args.stream_at)
        print(json.dumps({"ingesting": result["ingesting"]}), flush=True)
    save(args.out, result)


if __name__ == "__main__":
    main()
