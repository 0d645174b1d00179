"""CPU cost of resolving one story (issue 13, item 5): ``dossier.resolve_story`` on stories of 10, 20,
40 and 80 articles, the call an ingest batch repeats for every story it touched.

Stories come from the realistic pool (``clonedb.py pool``: 800 generated stories of 10 articles, one
ArticleAnalysis JSON a line); a story of 20, 40 or 80 articles joins 2, 4 or 8 consecutive pool
stories (their names recur across stories as in real news, so the joined story has shared surnames,
acronyms and common words to resolve). Real text beside it: the BASIL dev articles (real outlets,
2010-2019), parsed once and cached under /tmp/perf13-cache; a story of n is the first n by date.

Per size: CPU of one ``resolve_story`` (median of ``--repeat`` calls, mean over the sampled stories),
**cold** (what earlier calls kept is forgotten first) and **warm** (the same story again in the
process); each stage's share (its function wrapped with a CPU clock where ``storyline.dossier``
calls it); and beside it, reading the story's analyses from JSON and dumping its stored rows.
``--profile`` prints cProfile's top functions of an 80-article story.

    python benchmarks/resolve_story_cost.py time --out benchmarks/results/resolve_story_cost.json
    python benchmarks/resolve_story_cost.py --code /tmp/main-checkout snapshot /tmp/before.json
    python benchmarks/resolve_story_cost.py compare /tmp/before.json

``snapshot`` writes ``resolve_story`` as JSON for 95 stories (50 pool stories, joined ones of
20/40/80, BASIL stories, the 18 ECB+ facts dev stories, 17 of them again with overrides);
``compare`` resolves them with this checkout and names the ones that differ (exit 1 if any). Use the
same PYTHONHASHSEED for both: main's evidence text follows set order. ``--code DIR`` imports storyline
from another checkout (e.g. main's) instead of this one.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path("/tmp/perf13-cache")
BASIL = ROOT.parent / "shared" / "data" / "basil-dev" / "docs.jsonl"
ECB = ROOT.parent / "shared" / "data" / "facts-ecbplus-dev"
SIZES = (10, 20, 40, 80)

# the stages of resolve_story: the names storyline.dossier calls them by
STAGES = [
    ("entities", "resolve_entities"), ("overrides", "apply_overrides"), ("speakers", "resolve_speakers"),
    ("with_speakers", "with_speakers"), ("stories", "cluster_stories"), ("event fusion", "fuse_events"),
    ("wire copies", "wire_groups"), ("weights", "weigh_events"), ("timeline", "build_timeline"),
    ("facts", "resolve_facts"), ("link events", "link_events"), ("quote groups", "group_quotes"),
    ("ids", "prefix_ids"),
]


def _setup(code: str | None) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import clonedb  # noqa: F401  (it puts this checkout first on the path: the one asked for goes before it)

    sys.path.insert(0, str(Path(code).resolve() if code else ROOT))


def pool_stories() -> list[list[Any]]:
    """The pool's stories in pool order, each a list of ArticleAnalysis."""
    from clonedb import load_pool, story_key

    from storyline.model import ArticleAnalysis

    by_story: dict[str, list[Any]] = {}
    for row in load_pool():
        by_story.setdefault(story_key(row), []).append(row)
    return [[ArticleAnalysis.from_json(r) for r in rows] for rows in by_story.values()]


def parsed(docs: Path, name: str) -> list[Any]:
    """Real articles, parsed and extracted once (cached as analysis JSON), in publication order."""
    from storyline.model import ArticleAnalysis

    CACHE.mkdir(parents=True, exist_ok=True)
    cached = CACHE / f"{name}.jsonl"
    if not cached.exists():
        from storyline.extract import analyze_doc
        from storyline.model import Article
        from storyline.nlp import get_nlp
        from storyline.readers import read_articles

        articles = [a for a in read_articles([docs]) if isinstance(a, Article)]
        nlp = get_nlp()
        parses = nlp.pipe((a.text for a in articles), batch_size=16)
        with cached.open("w", encoding="utf-8") as f:
            for a, d in zip(articles, parses, strict=True):
                f.write(json.dumps(analyze_doc(a, d).to_json(), ensure_ascii=False) + "\n")
    analyses = [ArticleAnalysis.from_json(json.loads(line)) for line in cached.open(encoding="utf-8")]
    return sorted(analyses, key=lambda a: (a.article.published or "", a.article.id))


def basil_analyses() -> list[Any]:
    """The BASIL dev articles (real outlets, 2010-2019)."""
    return parsed(BASIL, "basil-dev")


def ecb_stories() -> list[tuple[str, list[Any]]]:
    """The 18 gold stories of the ECB+ facts dev set: real news with many figures across outlets."""
    analyses = parsed(ECB / "docs.jsonl", "facts-ecbplus-dev")
    gold = json.loads((ECB / "gold.json").read_text())
    by_external = {an.article.external_id: an for an in analyses}
    return [(f"ecb-{st['id']}", [by_external[d] for d in st["docs"] if d in by_external]) for st in gold["stories"]]


def state_of(sid: str, analyses: list[Any]) -> Any:
    """The stored story state ingest would hold for these articles (members and profile)."""
    from storyline.resolve.stories import StoryState, article_profile

    st = StoryState(sid)
    for an in analyses:
        st.add(an.article.id, article_profile(an), an.article.published)
    return st


def cases(stories: list[list[Any]], basil: list[Any], per_size: int) -> list[tuple[str, int, list[Any]]]:
    """(name, size, analyses): ``per_size`` pool stories of each size, and one BASIL story of each."""
    out = []
    for size in SIZES:
        k = size // 10
        for n in range(per_size):
            joined = [an for s in stories[n * k : (n + 1) * k] for an in s]
            out.append((f"pool-{size}-{n}", size, joined))
        if len(basil) >= size:
            out.append((f"basil-{size}", size, basil[:size]))
    return out


def _cpu(fn: Any, cold: bool = False) -> float:
    if cold:
        clear_caches()
    t = time.process_time()
    fn()
    return time.process_time() - t


def _around(analyses: list[Any], res: Any) -> tuple[float, float]:
    """CPU seconds of reading these analyses from their stored JSON, and of dumping the resolution's
    records as the store writes them (median of 3)."""
    from storyline.model import ArticleAnalysis
    from storyline.store import _dump

    stored = [json.dumps(an.to_json(), ensure_ascii=False) for an in analyses]
    read = statistics.median(_cpu(lambda: [ArticleAnalysis.from_json(json.loads(x)) for x in stored]) for _ in range(3))
    records = [*res.entities, *res.events, *res.timeline, *res.discrepancies]
    dump = statistics.median(_cpu(lambda: [_dump(r) for r in records]) for _ in range(3))
    return read, dump


def clear_caches() -> None:
    """Forget what earlier resolutions in this process kept about articles, names and quotes (not the
    constants worked out once: LSH bands, permutations), so a run costs what the first resolution of
    these articles costs."""
    import importlib

    for mod in ("entities", "quote_groups", "events", "facts"):
        m = importlib.import_module(f"storyline.resolve.{mod}")
        for fn in vars(m).values():
            if callable(getattr(fn, "cache_clear", None)) and getattr(fn, "__module__", "") == m.__name__:
                fn.cache_clear()
    wire = importlib.import_module("storyline.resolve.wire")
    getattr(wire, "_signatures", {}).clear()
    getattr(wire, "_seen", {}).clear()


def stage_shares(runs: list[tuple[Any, Any]]) -> dict[str, float]:
    """Each stage's share of resolve_story's CPU over these (analyses, state) runs: the stage
    functions are wrapped with a CPU clock where storyline.dossier calls them (a dozen calls a
    story, so the clock costs nothing a profiler would)."""
    import storyline.dossier as dossier

    spent = dict.fromkeys([s for s, _ in STAGES], 0.0)
    saved = {name: getattr(dossier, name) for _, name in STAGES}

    def clocked(stage: str, fn: Any) -> Any:
        def run(*args: Any, **kwargs: Any) -> Any:
            t = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[stage] += time.process_time() - t
        return run

    for stage, name in STAGES:
        setattr(dossier, name, clocked(stage, saved[name]))
    try:
        t = time.process_time()
        for analyses, state in runs:
            dossier.resolve_story(analyses, state)
        total = time.process_time() - t
    finally:
        for name, fn in saved.items():
            setattr(dossier, name, fn)
    out = {stage: round(v / total, 3) for stage, v in spent.items()}
    out["other"] = round(1 - sum(out.values()), 3)
    return out


def top_functions(analyses: list[Any], state: Any, n: int = 25) -> str:
    import io

    from storyline.dossier import resolve_story

    prof = cProfile.Profile()
    prof.runcall(resolve_story, analyses, state)
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(n)
    return buf.getvalue()


def run_time(args: argparse.Namespace) -> None:
    from storyline.dossier import resolve_story

    stories = pool_stories()
    basil = basil_analyses() if not args.no_basil else []
    # the pool held in memory (about 650,000 objects) is no part of an ingest: without this, the
    # collector's full passes over it land in whichever stage allocates when they fall due
    gc.collect()
    gc.freeze()
    rows: dict[str, Any] = {}
    by_size: dict[tuple[str, int], list[float]] = {}
    runs: dict[tuple[str, int], list[tuple[Any, Any]]] = {}
    for name, size, analyses in cases(stories, basil, args.per_size):
        state = state_of(name, analyses)
        resolve_story(analyses, state)  # warm: imports, lru caches of the run before
        # cold: caches emptied first (the first resolution of these articles); warm: the same story
        # resolved again in the same process, as an ingest re-resolves a story it touches again
        cold = statistics.median(_cpu(lambda a=analyses, s=state: resolve_story(a, s), True) for _ in range(args.repeat))
        warm = statistics.median(_cpu(lambda a=analyses, s=state: resolve_story(a, s)) for _ in range(args.repeat))
        kind = name.split("-")[0]
        around = _around(analyses, resolve_story(analyses, state))
        by_size.setdefault((kind, size), []).append((cold, warm, *around))
        runs.setdefault((kind, size), []).append((analyses, state))
        print(f"{name}: cold {cold * 1000:.1f} ms, warm {warm * 1000:.1f} ms", file=sys.stderr, flush=True)
    for (kind, size), secs in sorted(by_size.items()):
        clear_caches()
        row = rows[f"{kind}-{size}"] = {
            "corpus": kind, "articles": size, "stories": len(secs),
            "cold_ms_per_story": round(1000 * statistics.mean(x[0] for x in secs), 1),
            "warm_ms_per_story": round(1000 * statistics.mean(x[1] for x in secs), 1),
            # beside resolve_story in an ingest: reading the story's analyses back (as Store.analysis
            # does) and turning its resolution into stored rows (Store._dump of each record)
            "read_analyses_ms": round(1000 * statistics.mean(x[2] for x in secs), 1),
            "dump_rows_ms": round(1000 * statistics.mean(x[3] for x in secs), 1),
            "stages_cold": stage_shares(runs[(kind, size)]),
        }
        print(f"{kind:5} {size:3} articles: cold {row['cold_ms_per_story']:7.1f} ms, warm {row['warm_ms_per_story']:7.1f} ms, "
              f"read {row['read_analyses_ms']:6.1f} ms, dump {row['dump_rows_ms']:6.1f} ms"
              f"  {row['stages_cold']}")
    if args.profile:
        for kind in ("pool", "basil"):
            if (kind, max(SIZES)) in runs:
                clear_caches()
                print(kind, top_functions(*runs[(kind, max(SIZES))][0]))
    if args.out:
        Path(args.out).write_text(json.dumps({"measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                                              "repeat": args.repeat, "rows": rows}, indent=1) + "\n")


def snapshot(n: int) -> dict[str, Any]:
    """resolve_story as JSON for n pool stories of 10 articles, the joined stories of 20/40/80 and
    the BASIL stories: what must not change."""
    from storyline.dossier import resolve_story
    from storyline.model import to_dict

    stories = pool_stories()
    basil = basil_analyses()
    todo = [(f"pool-10-{i}", stories[i]) for i in range(n)]
    todo += [(name, analyses) for name, size, analyses in cases(stories[n:], basil, 2) if size > 10 or name.startswith("basil")]
    todo += ecb_stories()
    out = {}
    for name, analyses in todo:
        res = resolve_story(analyses, state_of(name, analyses))
        out[name] = to_dict(res)
    # human overrides replayed on a few stories: merges, splits, a not-same, and ones that do not apply
    for name, analyses in todo[:5] + todo[-24:-18] + todo[-6:]:
        overrides = overrides_for(analyses)
        out[name + "+overrides"] = to_dict(resolve_story(analyses, state_of(name, analyses), overrides))
    return out


def overrides_for(analyses: list[Any]) -> list[tuple[str, str, str | None]]:
    """Overrides naming this story's entities as the automatic pass finds them (the same in every
    version compared), plus some about entities it does not hold."""
    from storyline.resolve.entities import resolve_entities

    ents, _ = resolve_entities(sorted(analyses, key=lambda a: (a.article.published or "", a.article.id)))
    out: list[tuple[str, str, str | None]] = [("merge", "Nobody Here", "Nor There"), ("set-date", "x", "2020-01-01")]
    if len(ents) >= 4:
        out += [("merge", ents[0].name, ents[3].name), ("not-same", ents[1].id, ents[2].name),
                ("merge", ents[1].name, ents[2].name)]
    aliased = [e for e in ents if e.aliases]
    if aliased:
        out.append(("split", aliased[0].name, aliased[0].aliases[0]))
        out.append(("not-same", aliased[-1].name, aliased[-1].aliases[-1]))
    described = [e for e in ents if e.descriptors]
    if described:
        out.append(("split", described[0].id, described[0].descriptors[0]))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--code", help="a storyline checkout to import (default: this one)")
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("time")
    t.add_argument("--per-size", type=int, default=3)
    t.add_argument("--repeat", type=int, default=3)
    t.add_argument("--profile", action="store_true", help="print the top functions of an 80-article story")
    t.add_argument("--no-basil", action="store_true")
    t.add_argument("--out")
    s = sub.add_parser("snapshot")
    s.add_argument("path")
    s.add_argument("--stories", type=int, default=50)
    c = sub.add_parser("compare")
    c.add_argument("path")
    c.add_argument("--stories", type=int, default=50)
    args = ap.parse_args()
    _setup(args.code)
    if args.cmd == "time":
        run_time(args)
    elif args.cmd == "snapshot":
        Path(args.path).write_text(json.dumps(snapshot(args.stories), sort_keys=True) + "\n")
    else:
        before = json.loads(Path(args.path).read_text())
        now = json.loads(json.dumps(snapshot(args.stories), sort_keys=True))
        differ = [k for k in before if before[k] != now.get(k)]
        print(f"{len(before)} stories compared, {len(differ)} differ{': ' + ', '.join(differ) if differ else ''}")
        sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
