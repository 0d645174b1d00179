"""Databases of 1k, 10k and 100k articles for issue 13's benchmarks, without running spaCy 100,000 times.

A pool of distinct articles is extracted once (``realistic_corpus.py``: 8,000 articles, 800 stories whose
surnames, first names and acronyms recur as in real news; the parses are cached as DocBins, the
analyses as JSON). Databases are then built by storing **clones of the pool** through the real write
path, ``pipeline.add_analyses(store, batch_of_64)`` (store + story assignment + re-resolution of the
touched stories), in publication order, as a news stream arrives.

A clone of generation g >= 1 differs from its pool article so that it reports another story:
- names in the tail of the pool's distribution (a capitalised name word found in fewer than
  ``COMMON`` pool stories: the made-up organisation names, rare surnames and first names) are renamed
  per generation to another word of the same length and the same first letter (so offsets stay valid
  and acronyms still match their expansions); names in the head ("Smith", "James", the 16 cities,
  "Transport Agency") recur in every generation, as famous names recur across a news day;
- its date moves by ``7 * g`` days (whole weeks, so "on Monday" still resolves to the same weekday;
  TIMEX3 values of times, events and facts move with it), so stories of different generations
  overlap in time and a clone has every chance to join its original if the text were too close;
- its outlet is drawn from 40 outlets; its id is the content hash of the new text and outlet.
What clones do to story sizes is measured (``stories`` in the build log): they must not make one giant
story.

    python benchmarks/clonedb.py pool                      # extract the pool once (~5 min, one core)
    python benchmarks/clonedb.py build --sizes 1000 10000 100000 --out /tmp/bench13-db
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import re
import resource
import shutil
import sqlite3
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from spacy.lang.en.stop_words import STOP_WORDS as STOP  # noqa: E402

CACHE = Path("/tmp/bench13-cache")
POOL_N = 8000
COMMON = 40  # a name word or acronym in this many pool stories (5% of 800) recurs in every generation
OUTLETS = [f"{a} {b}" for a in ("Daily", "Metro", "Evening", "Morning", "Valley", "Capital", "Coastal", "Northern")
           for b in ("Ledger", "Times", "Post", "Herald", "Wire")]
VOWELS, CONSONANTS = "aeiou", "bcdfghklmnprstvz"
_NAMEWORD = re.compile(r"\b[A-Z][a-z]{2,}\b")
_MONTHS = {dt.date(2000, m, 1).strftime("%B") for m in range(1, 13)}
_DAYS = {dt.date(2024, 1, d).strftime("%A") for d in range(1, 8)}


def rss_mb() -> float:
    """Resident memory now (MB), from /proc (ru_maxrss only ever grows)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---- the pool -----------------------------------------------------------------------------------
def pool_path() -> Path:
    from resolve_realistic import CODE
    return CACHE / f"pool-{POOL_N}-{CODE}.jsonl"


def extract_pool() -> Path:
    """Parse (cached DocBins) and extract the realistic collection once; write one analysis a line,
    and the CPU seconds extraction took (for the resolution/extraction ratio of item 5)."""
    from resolve_realistic import load_analyses

    out = pool_path()
    if out.exists():
        return out
    t = time.process_time()
    analyses = load_analyses(POOL_N, CACHE)
    took = time.process_time() - t
    with out.open("w", encoding="utf-8") as f:
        for an in analyses:
            f.write(json.dumps(an.to_json(), ensure_ascii=False) + "\n")
    (CACHE / f"{out.stem}.extract-seconds").write_text(f"{took:.1f}\n")
    return out


def load_pool() -> list[dict[str, Any]]:
    return [json.loads(line) for line in pool_path().open(encoding="utf-8")]


def story_key(an: dict[str, Any]) -> str:
    return str(an["article"]["external_id"]).split("-")[0]  # "r12-3": story 12 of the generator


_ACRO = re.compile(r"\b[A-Z]{2,4}\b")
_CONTENT = re.compile(r"\b[a-z]{4,}\b")
# words every story keeps: attribution and roles (they recur across real news as they do here)
KEEP = {"said", "told", "added", "adding", "reporters", "statement", "chief", "executive", "spokesperson",
        "chairman", "minister", "mayor", "senator", "director", "analyst", "million", "billion"}
RENAMED_SHARE = 0.7  # of a story's other content words, this share is the story's own vocabulary
_DEFINED = re.compile(r"\b([A-Z][a-z]+) [A-Z][a-z]+ [A-Z][a-z]+ \(([A-Z]{3})\)")
# fields holding text as written (where a name can appear); ids, labels, units and values are left alone
TEXT_FIELDS = {"text", "title", "speaker_text", "speaker_name", "headline", "asserted_by", "summary"}


def common_words(pool: list[dict[str, Any]]) -> set[str]:
    """Name words and acronyms found in at least COMMON pool stories: they recur in every generation."""
    seen: dict[str, set[str]] = {}
    for an in pool:
        words = {w for m in an["mentions"] if m["kind"] == "name" for w in _NAMEWORD.findall(m["text"])}
        words |= set(_ACRO.findall(an["article"]["text"]))
        for w in words:
            seen.setdefault(w, set()).add(story_key(an))
    common = {w for w, s in seen.items() if len(s) >= COMMON}
    return common | _MONTHS | _DAYS


# ---- clones -------------------------------------------------------------------------------------
def hash_key(story: str, word: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{story}/{word}".encode()).digest()[:4], "big")


def _renamed(word: str, g: int, keep_first: bool = True) -> str:
    """Another word of the same length and shape, the same for every article of a generation."""
    h = hashlib.sha256(f"{g}:{word}".encode()).digest()
    out = [word[0] if keep_first else chr(ord("A") + h[-1] % 26)]
    for i, ch in enumerate(word[1:]):
        if ch.isupper():
            out.append(chr(ord("A") + h[i % len(h)] % 26))
        else:
            pool = VOWELS if ch in VOWELS else CONSONANTS
            out.append(pool[h[i % len(h)] % len(pool)])
    return "".join(out)


def _rewrite(node: Any, sub: Any) -> Any:
    if isinstance(node, dict):
        return {k: (sub(v) if k in TEXT_FIELDS and isinstance(v, str) else _rewrite(v, sub)) for k, v in node.items()}
    if isinstance(node, list):
        return [_rewrite(v, sub) for v in node]
    return node


def _shift(value: Any, days: int) -> Any:
    """A TIMEX3 or ISO date value moved by whole days (granularity kept); anything else unchanged."""
    if not isinstance(value, str) or not days:
        return value
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(.*)", value)
    if m:
        d = dt.date(int(m[1]), int(m[2]), int(m[3])) + dt.timedelta(days=days)
        return d.isoformat() + m[4]
    m = re.fullmatch(r"(\d{4})-W(\d{2})", value)
    if m:
        d = dt.date.fromisocalendar(int(m[1]), int(m[2]), 1) + dt.timedelta(days=days)
        y, w, _ = d.isocalendar()
        return f"{y}-W{w:02d}"
    m = re.fullmatch(r"(\d{4})-(\d{2})", value)
    if m:
        d = dt.date(int(m[1]), int(m[2]), 15) + dt.timedelta(days=days)
        return f"{d.year}-{d.month:02d}"
    return value


class Cloner:
    def __init__(self, pool: list[dict[str, Any]]) -> None:
        self.pool = pool
        self.common = common_words(pool)

    def published(self, i: int, g: int) -> str:
        return str(_shift(self.pool[i]["article"]["published"], 7 * g))

    def clone(self, i: int, g: int) -> dict[str, Any]:
        """Generation g of pool article i, as ArticleAnalysis JSON with a new id."""
        from storyline.readers import article_id

        src = self.pool[i]
        old_id = src["article"]["id"]
        text = src["article"]["text"]
        # the generator writes every article from one template, so about 70% of the content words
        # are the same in every story; the online story clustering then joins everything into one
        # story from the first batch on (IDF is flat while there is one story). Each story gets its
        # own vocabulary instead: most content words become a same-length word of that story.
        table = {}
        story = f"{g}:{story_key(src)}"
        for w in set(_CONTENT.findall(text)) - STOP - KEEP:
            h = hashlib.sha256(f"{story}:{w}".encode()).digest()
            if h[0] < 256 * RENAMED_SHARE:
                table[w] = _renamed(w, hash_key(story, w), keep_first=True)
        if g:
            names = {w for m in src["mentions"] if m["kind"] == "name" for w in _NAMEWORD.findall(m["text"])}
            table.update({w: _renamed(w, g) for w in names - self.common})
            # first names change in every generation, common or not: "Smith" recurs across stories
            # as surnames do, but the same "Betty Hill" a week later would chain every generation
            # of a pool story into one ever-growing story
            for m in src["mentions"]:
                words = m["text"].split()
                if m["kind"] == "name" and m["label"] == "PERSON" and len(words) >= 2 and _NAMEWORD.fullmatch(words[0]):
                    table[words[0]] = _renamed(words[0], g)
            # a defined organisation ("Miven Mining Agency (MMA)") changes its first letter and its
            # acronym with it, so the definition still holds and the acronym is new too
            for head, acro in _DEFINED.findall(text):
                if head not in self.common and acro not in self.common:
                    new = _renamed(head, g, keep_first=False)
                    table[head] = new
                    table[acro] = new[0] + acro[1:]
            for acro in set(_ACRO.findall(text)) - self.common - set(table):
                table[acro] = _renamed(acro, g, keep_first=False)
            for w in list(table):
                if w[0].isupper() and not w.isupper():
                    table[w.upper()] = table[w].upper()  # the dateline: "MADISON -"
        an = src
        if table:
            pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(table, key=len, reverse=True))) + r")\b")
            an = _rewrite(src, lambda v: pattern.sub(lambda m: table[m.group(0)], v))
        data = json.dumps(an, ensure_ascii=False)
        an = json.loads(data)
        art = an["article"]
        if g:
            art["source"] = OUTLETS[int(hashlib.sha256(f"{g}:{i}".encode()).hexdigest(), 16) % len(OUTLETS)]
            art["title"] = art["title"].replace("(", f"(g{g} ", 1)
            art["external_id"] = f"g{g}-{art['external_id']}"
            days = 7 * g
            art["published"] = _shift(art["published"], days)
            for t in an["times"]:
                t["value"] = _shift(t["value"], days)
            for e in an["events"]:
                e["time"] = _shift(e["time"], days)
            for f in an["facts"]:
                if f["kind"] == "date":
                    f["value"] = _shift(f["value"], days)
        new_id = article_id(art["text"], art["source"])
        return json.loads(json.dumps(an, ensure_ascii=False).replace(old_id, new_id))

    def stream(self, n: int, first_generation: int = 0) -> list[tuple[str, int, int]]:
        """The first n articles of the clone stream in publication order: (published, generation, pool index)."""
        gens = -(-n // len(self.pool))
        rows = [(self.published(i, g), g, i) for g in range(first_generation, first_generation + gens)
                for i in range(len(self.pool))]
        rows.sort()
        return rows[:n]


def analyses_of(cloner: Cloner, rows: list[tuple[str, int, int]]) -> list[Any]:
    from storyline.model import ArticleAnalysis
    return [ArticleAnalysis.from_json(cloner.clone(i, g)) for _, g, i in rows]


# ---- building -----------------------------------------------------------------------------------
def snapshot(db: Path, dest: Path) -> None:
    """A consistent copy of a live database (SQLite's backup API, WAL included)."""
    dest.unlink(missing_ok=True)
    src = sqlite3.connect(db)
    dst = sqlite3.connect(dest)
    with dst:
        src.backup(dst)
    src.close()
    dst.close()


def story_sizes(db: Path) -> dict[str, Any]:
    con = sqlite3.connect(db)
    sizes = sorted((r[0] for r in con.execute("SELECT count(*) FROM story_articles GROUP BY story")), reverse=True)
    con.close()
    if not sizes:
        return {}
    spans = []
    con = sqlite3.connect(db)
    for first, last in con.execute("SELECT first, last FROM story_resolutions WHERE first IS NOT NULL"):
        if first and last:
            spans.append((dt.date.fromisoformat(last[:10]) - dt.date.fromisoformat(first[:10])).days)
    con.close()
    spans.sort()
    hist = Counter(min(s, 20) for s in sizes)
    return {"stories": len(sizes), "largest": sizes[:5], "median": sizes[len(sizes) // 2],
            "mean": round(sum(sizes) / len(sizes), 2), "size_histogram (20 = 20 or more)": dict(sorted(hist.items())),
            "span_days_median": spans[len(spans) // 2] if spans else None,
            "span_days_p95": spans[int(len(spans) * 0.95)] if spans else None,
            "span_days_max": spans[-1] if spans else None}


def cache_lsh_params() -> None:
    """datasketch's MinHashLSH integrates its false-positive/negative curves with scipy on every
    construction (about 0.1 s), and ``resolve/wire.py`` builds one per story resolution: a third of
    a batch's CPU on this collection (see docs/notes/bench13.md). The builder caches the parameters
    (the same (threshold, num_perm) always gives the same bands), which changes no stored value and
    makes the build affordable; batch_cost.py measures the cost with and without it."""
    import functools

    from datasketch import lsh

    if not hasattr(lsh._optimal_param, "cache_info"):
        lsh._optimal_param = functools.cache(lsh._optimal_param)


class ResolveClock:
    """CPU seconds spent in ``pipeline.resolve_stories`` (the per-batch re-resolution), summed."""

    def __init__(self) -> None:
        from storyline import pipeline

        self.total = 0.0
        self.inner = pipeline.resolve_stories

        def timed(*a: Any, **k: Any) -> Any:
            t = time.process_time()
            try:
                return self.inner(*a, **k)
            finally:
                self.total += time.process_time() - t

        pipeline.resolve_stories = timed


RESOLVE_EVERY = 40  # bulk mode: the stale stories are resolved every this many batches (about 10 days of news)


def build(sizes: list[int], out: Path, log: Path, real_until: int, stop_file: Path) -> None:
    """Store the clone stream in batches of 64. Up to ``real_until`` articles (by default all) every
    batch goes through ``pipeline.add_analyses`` (store, assign, re-resolve the touched stories that
    are due): what ingest does.
    Beyond it (an option for a machine short of CPU; the 100k database of docs/PERFORMANCE.md was built
    without it), each batch is stored and assigned
    to stories by the same functions, and the stories it touched are resolved once at the next
    snapshot or every ``RESOLVE_EVERY`` batches by ``pipeline.resolve_stories`` (same code, same
    stored rows; a story is resolved two or three times instead of once per batch that touched it)."""
    from storyline import pipeline
    from storyline.pipeline import BATCH, add_analyses
    from storyline.store import Store

    cache_lsh_params()
    clock = ResolveClock()
    cloner = Cloner(load_pool())
    total = max(sizes)
    rows = cloner.stream(total)
    out.mkdir(parents=True, exist_ok=True)
    db = out / "building.db"
    for p in out.glob("building.db*"):
        p.unlink()
    pending = sorted(sizes)
    with Store(db) as store, log.open("w", encoding="utf-8") as lf:
        done = 0

        def take_snapshot(name: str) -> None:
            t = time.process_time()
            problems = pipeline.resolve_stories(store, store.stale_stories())
            deferred = time.process_time() - t
            snapshot(db, out / f"db-{name}.db")
            info = story_sizes(out / f"db-{name}.db")
            lf.write(json.dumps({"snapshot": name, "articles": done, "deferred_resolution_cpu_s": round(deferred, 1),
                                 "resolve_cpu_s_total": round(clock.total, 1), "problems": len(problems), **info}) + "\n")
            lf.flush()
            print(f"snapshot {name}: {info}", file=sys.stderr, flush=True)

        for b in range(0, len(rows), BATCH):
            if stop_file.exists():
                take_snapshot(f"partial-{done}")
                return
            batch = analyses_of(cloner, rows[b : b + BATCH])
            real = done < real_until
            w, c, r = time.perf_counter(), time.process_time(), clock.total
            if real:  # as `pipeline.ingest` runs it (its catch-up at the end is the snapshot's)
                touched = add_analyses(store, batch)
            else:
                store.add(batch)
                touched = pipeline._assign(store, batch)
            wall, cpu = time.perf_counter() - w, time.process_time() - c
            done += len(batch)
            if not real and (b // BATCH) % RESOLVE_EVERY == 0:
                t = time.process_time()
                n_stale = len(stale := store.stale_stories())
                pipeline.resolve_stories(store, stale)
                lf.write(json.dumps({"articles": done, "deferred_resolution": n_stale,
                                     "cpu_s": round(time.process_time() - t, 2)}) + "\n")
            lf.write(json.dumps({"articles": done, "mode": "add_analyses" if real else "store+assign",
                                 "wall_s": round(wall, 4), "cpu_s": round(cpu, 4),
                                 "resolve_cpu_s": round(clock.total - r, 4), "touched": len(touched),
                                 "rss_mb": round(rss_mb(), 1), "stories": store.story_total()}) + "\n")
            if done % (BATCH * 20) == 0:
                lf.flush()
                print(f"{done} articles, last batch {wall:.2f} s wall {cpu:.2f} s cpu, rss {rss_mb():.0f} MB",
                      file=sys.stderr, flush=True)
            while pending and done >= pending[0]:
                take_snapshot(str(pending.pop(0)))
    shutil.move(str(db), str(out / "last.db"))
    for p in out.glob("building.db-*"):
        p.unlink()


def feed(db: str | Path, start: int, count: int) -> None:
    """Keep ingesting the stream's next articles (from ``start``) into a live database, a batch of 64 at
    a time through the real write path: the ingest that runs beside the web benchmark."""
    from storyline.pipeline import BATCH, add_analyses
    from storyline.store import Store

    cache_lsh_params()
    cloner = Cloner(load_pool())
    rows = cloner.stream(start + count)[start:]
    with Store(db) as store:
        for b in range(0, len(rows), BATCH):
            t = time.perf_counter()
            add_analyses(store, analyses_of(cloner, rows[b : b + BATCH]))
            print(json.dumps({"fed": b + BATCH, "wall_s": round(time.perf_counter() - t, 3)}), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("pool", help="extract the pool once")
    b = sub.add_parser("build", help="build databases of the given sizes (snapshots of one stream)")
    b.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    b.add_argument("--out", type=Path, default=Path("/tmp/bench13-db"))
    b.add_argument("--log", type=Path, default=ROOT / "benchmarks" / "results" / "clonedb_build.jsonl")
    f = sub.add_parser("feed", help="ingest the stream's next articles into a live database")
    f.add_argument("--db", required=True, help="a SQLite file or a PostgreSQL URL")
    f.add_argument("--start", type=int, required=True, help="articles of the stream already in the database")
    f.add_argument("--count", type=int, default=4000)
    b.add_argument("--real-until", type=int, default=10**9,
                   help="articles stored batch by batch with add_analyses; the rest store+assign, resolved at snapshots")
    b.add_argument("--stop-file", type=Path, default=Path("/tmp/bench13-db/STOP"),
                   help="when this file appears, resolve what is pending, snapshot and stop")
    args = ap.parse_args()
    if args.cmd == "pool":
        print(extract_pool())
    elif args.cmd == "feed":
        feed(args.db, args.start, args.count)
    else:
        build(args.sizes, args.out, args.log, args.real_until, args.stop_file)


if __name__ == "__main__":
    main()
