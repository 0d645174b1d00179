"""Speed-up of ``storyline ingest`` from one to two worker processes on real articles (the first N
PolNeAR train articles: 300 are about 216k words), beside bare spaCy ``nlp.pipe`` with
``n_process`` 1 and 2 on the same texts: the ceiling the machine allows. Configurations alternate
round by round and the best run of each counts, so a burst of load from elsewhere hits every
configuration alike. ``--profile`` runs one two-worker ingest in this process and reports where
the workers and the main process spent and waited their time.

    python benchmarks/workers.py --articles 300 --rounds 3 --out benchmarks/results/workers.json
    python benchmarks/workers.py --profile --workers 2
    python benchmarks/workers.py --code /path/to/other/checkout   # also time another checkout, alternated
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from storyline.eval.runner import data_dir  # noqa: E402

WORK = ROOT / "benchmarks" / "results" / "work"


def write_articles(n: int, out: Path) -> tuple[Path, int]:
    """The first ``n`` PolNeAR train articles as JSONL, as `storyline ingest` reads them; their words."""
    src = data_dir() / "polnear" / "train" / "docs.jsonl"
    if not src.exists():
        raise SystemExit(f"{src}: not found (PolNeAR train; set STORYLINE_DATA)")
    words = 0
    with src.open(encoding="utf-8") as f, out.open("w", encoding="utf-8") as o:
        for i, line in enumerate(f):
            if i >= n:
                break
            words += len(json.loads(line)["text"].split())
            o.write(line)
    return out, words


def timed(cmd: list[str], code: Path) -> tuple[float, float]:
    """Wall seconds of a command, and the CPU seconds of it and its worker processes."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, check=True, env={**os.environ, "PYTHONPATH": str(code)}, cwd=code)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def ingest(code: Path, src: Path, db: Path, extra: list[str]) -> tuple[float, float]:
    for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        p.unlink(missing_ok=True)
    return timed([sys.executable, "-m", "storyline.cli", "ingest", str(src), "--db", str(db), "--quiet", *extra], code)


def bare(src: Path, n_process: int) -> tuple[float, float]:
    """Bare spaCy over the same texts, in a fresh process as ingest runs (model load included)."""
    return timed([sys.executable, __file__, "--bare", str(n_process), "--src", str(src)], ROOT)


def _bare_main(src: Path, n_process: int) -> None:
    from storyline.nlp import get_nlp

    texts = [json.loads(line)["text"] for line in src.open(encoding="utf-8")]
    for _ in get_nlp().pipe(texts, batch_size=32, n_process=n_process):
        pass


def profile(src: Path, workers: int, out: Path) -> dict:
    """One ingest in this process with ``workers`` workers; the engine's timings, summarised."""
    from storyline import pipeline
    from storyline.engine import Engine

    db = WORK / "profile.db"
    for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        p.unlink(missing_ok=True)
    t0 = time.time()
    with Engine("local", workers) as eng:
        pipeline.ingest([src], db, engine=eng)
    wall = time.time() - t0
    st = eng.stats
    per: dict[int, list] = defaultdict(list)
    for u in st.units:
        per[u.worker].append(u)
    workers_out = {}
    for pid, us in per.items():
        us.sort(key=lambda u: u.start)
        gaps = [b.start - a.end for a, b in zip(us, us[1:], strict=False)]
        workers_out[str(pid)] = {
            "units": len(us), "articles": sum(u.articles for u in us), "chars": sum(u.chars for u in us),
            "busy_s": round(sum(u.end - u.start for u in us), 2), "cpu_s": round(sum(u.cpu for u in us), 2),
            "first_start_s": round(us[0].start - t0, 2), "last_end_s": round(us[-1].end - t0, 2),
            "idle_between_units_s": round(sum(gaps), 2), "longest_gap_s": round(max(gaps, default=0.0), 2),
        }
    res = {"workers": workers, "load_average": os.getloadavg(), "wall_s": round(wall, 2), "batches": st.batches,
           "main_waiting_for_results_s": round(st.wait, 2),
           "main_storing_and_assigning_s": round(st.consumer, 2),
           "main_storing_and_assigning_cpu_s": round(st.consumer_cpu, 2),
           "per_worker": workers_out,
           "units": [[u.worker, u.articles, u.chars, round(u.cpu, 3), round(u.start - t0, 3), round(u.end - t0, 3)]
                     for u in st.units]}
    res["replay"] = replay(res, src, workers, startup_cpu())
    print(json.dumps({k: v for k, v in res.items() if k != "units"}, indent=1))
    out.write_text(json.dumps(res, indent=1))
    return res


def startup_cpu() -> float:
    """CPU seconds to import storyline and load the model in a fresh process (every worker pays it)."""
    return timed([sys.executable, "-c", "import storyline.cli; from storyline.nlp import get_nlp; get_nlp()"], ROOT)[1]


def replay(prof: dict, src: Path, workers: int, startup: float, batch: int = 64) -> dict:
    """What 1 and ``workers`` workers take on an idle machine, from CPU seconds alone: a model, for
    when other work on the machine makes wall-clock ratios noise. Extraction costs each article its
    share (by text length) of the workers' measured CPU; the main process costs its measured CPU per
    article for each batch it stores; every process starts in ``startup`` CPU seconds. Two schedules:
    the engine before this change (windows of 2 x workers batches of 64 articles, a window started
    when the main process had stored the previous one) and now (pieces by text length, streamed)."""
    from storyline.engine import split_units
    from storyline.model import Article
    from storyline.readers import read_articles

    arts = [a for a in read_articles([src]) if isinstance(a, Article)]
    chars = sum(len(a.text) for a in arts)
    per_char = sum(u[3] for u in prof["units"]) / chars
    main_per_article = prof["main_storing_and_assigning_cpu_s"] / len(arts)
    cost = {a.id: len(a.text) * per_char for a in arts}
    batches = [arts[i : i + batch] for i in range(0, len(arts), batch)]
    extraction = sum(cost.values())
    main_cpu = main_per_article * len(arts)

    def old() -> float:
        t = 0.0
        window = max(2, workers * 2)
        for w in range(0, len(batches), window):
            free, main = [t] * workers, t
            for b in batches[w : w + window]:
                i = free.index(min(free))
                free[i] += sum(cost[a.id] for a in b)
                main = max(main, free[i]) + main_per_article * len(b)
            t = main
        return t

    def new() -> float:
        free, main = [0.0] * workers, 0.0
        for b in batches:
            done = 0.0
            for u in split_units(b):
                i = free.index(min(free))
                free[i] += sum(cost[a.id] for a in u)
                done = max(done, free[i])
            main = max(main, done) + main_per_article * len(b)
        return main

    one = startup + extraction + main_cpu
    # the main process shares the cores with the workers: never faster than all the CPU on the cores
    floor = (startup * (workers + 1) + extraction + main_cpu) / min(workers, os.cpu_count() or 1)
    before, after = max(startup + old(), floor), max(startup + new(), floor)
    return {"model": "CPU seconds, idle machine", "startup_cpu_s": round(startup, 2),
            "extraction_cpu_s": round(extraction, 2), "main_cpu_s": round(main_cpu, 2),
            "one_worker_s": round(one, 2), "before_s": round(before, 2), "after_s": round(after, 2),
            "speedup_before": round(one / before, 2), "speedup_after": round(one / after, 2)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "workers.json"))
    ap.add_argument("--code", action="append", default=[], help="another checkout to time beside this one")
    ap.add_argument("--dask", action="store_true", help="also a two-worker Dask LocalCluster")
    ap.add_argument("--no-bare", action="store_true", help="skip bare spaCy")
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--replay", type=Path, help="recompute the model from a saved --profile JSON")
    ap.add_argument("--bare", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--src", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.bare:
        _bare_main(args.src, args.bare)
        return
    WORK.mkdir(parents=True, exist_ok=True)
    src, words = write_articles(args.articles, WORK / "polnear.jsonl")
    if args.replay:
        prof = json.loads(args.replay.read_text())
        print(json.dumps(replay(prof, src, prof["workers"], startup_cpu()), indent=1))
        return
    if args.profile:
        profile(src, args.workers, Path(args.out).with_name("workers_profile.json"))
        return
    configs: dict[str, object] = {}
    for label, code in [("", ROOT)] + [(f"{Path(c).name}: ", Path(c).resolve()) for c in args.code]:
        configs[f"{label}ingest, 1 worker"] = (code, ["--workers", "1"])
        configs[f"{label}ingest, 2 workers"] = (code, ["--workers", "2"])
        if args.dask:
            configs[f"{label}ingest, dask 2 workers"] = (code, ["--engine", "dask", "--workers", "2"])
    if not args.no_bare:
        configs["spaCy, n_process 1"] = 1
        configs["spaCy, n_process 2"] = 2
    times: dict[str, list[float]] = {k: [] for k in configs}
    cpu: dict[str, list[float]] = {k: [] for k in configs}
    for r in range(args.rounds):
        for name, how in configs.items():
            if isinstance(how, int):
                s, c = bare(src, how)
            else:
                code, extra = how  # type: ignore[misc]
                s, c = ingest(code, src, WORK / "workers.db", extra)
            times[name].append(round(s, 2))
            cpu[name].append(round(c, 2))
            print(f"round {r + 1}: {name}: {s:.1f} s wall, {c:.1f} s CPU, load {os.getloadavg()[0]:.1f}",
                  file=sys.stderr, flush=True)
    best = {k: min(v) for k, v in times.items()}
    ratios = {}
    for label in [""] + [f"{Path(c).name}: " for c in args.code]:
        one, two = best[f"{label}ingest, 1 worker"], best[f"{label}ingest, 2 workers"]
        ratios[f"{label}ingest 1 -> 2 workers"] = round(one / two, 2)
        if args.dask:
            ratios[f"{label}ingest 1 worker -> dask 2 workers"] = round(one / best[f"{label}ingest, dask 2 workers"], 2)
    if not args.no_bare:
        ratios["spaCy n_process 1 -> 2"] = round(best["spaCy, n_process 1"] / best["spaCy, n_process 2"], 2)
    out = {"corpus": f"PolNeAR train, first {args.articles} articles", "words": words, "rounds": args.rounds,
           "load_average_at_end": os.getloadavg(), "times_s": times, "cpu_s": cpu, "best_s": best, "speedup": ratios}
    print(json.dumps(out, indent=1))
    Path(args.out).write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
