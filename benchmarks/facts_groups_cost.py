"""CPU of the fact layer (``resolve_facts``) of one story, this checkout's against another's, side
by side in one process (perf14: fact grouping judges each pair of facts once).

The other checkout's ``storyline/resolve/facts.py`` is loaded as a second module of this package
(``--code DIR``, e.g. an export of main), so both run on the same analyses, in the same process,
alternated call by call: machine load falls on both alike. Stories as in ``resolve_story_cost.py``:
the realistic pool joined to 10/20/40/80 articles, BASIL dev stories of 10/20/40/80 articles, and the
18 ECB+ facts dev stories (real news with many figures). The outputs are compared too.

    python benchmarks/facts_groups_cost.py --code /tmp/main-export --out benchmarks/results/facts_groups_cost.json
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))


def load_other(code: Path) -> Any:
    """The other checkout's facts module, as a sibling of this one (its relative imports resolve here)."""
    name = "storyline.resolve._facts_other"
    spec = importlib.util.spec_from_file_location(name, code / "storyline" / "resolve" / "facts.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def _cpu(fn: Any) -> float:
    t = time.process_time()
    fn()
    return time.process_time() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--code", required=True, help="the checkout to compare with (e.g. main's)")
    ap.add_argument("--per-size", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--out")
    args = ap.parse_args()

    import resolve_story_cost as R

    from storyline.model import to_dict
    from storyline.resolve import facts as ours

    other = load_other(Path(args.code).resolve())
    stories = R.pool_stories()
    basil = R.basil_analyses()
    todo = [(name.rsplit("-", 1)[0] if name.startswith("pool") else name, analyses)
            for name, _, analyses in R.cases(stories, basil, args.per_size)]
    todo += [("ecb-all", an) for _, an in R.ecb_stories()]
    gc.collect()
    gc.freeze()
    rows: dict[str, dict[str, Any]] = {}
    same = 0
    for name, analyses in todo:
        a = [to_dict(d) for d in other.resolve_facts(analyses)]
        b = [to_dict(d) for d in ours.resolve_facts(analyses)]
        same += a == b
        if a != b:
            print(f"{name}: outputs differ", file=sys.stderr)
        before, after = [], []
        for _ in range(args.repeat):  # alternated, so load falls on both alike
            before.append(_cpu(lambda an=analyses: other.resolve_facts(an)))
            after.append(_cpu(lambda an=analyses: ours.resolve_facts(an)))
        row = rows.setdefault(name, {"stories": 0, "before_ms": [], "after_ms": [], "facts": 0})
        row["stories"] += 1
        row["facts"] += sum(len(an.facts) for an in analyses)
        row["before_ms"].append(1000 * statistics.median(before))
        row["after_ms"].append(1000 * statistics.median(after))
    out = {}
    for name, row in rows.items():
        b, a = statistics.mean(row["before_ms"]), statistics.mean(row["after_ms"])
        out[name] = {"stories": row["stories"], "facts_per_story": round(row["facts"] / row["stories"]),
                     "before_ms": round(b, 2), "after_ms": round(a, 2), "speedup": round(b / a, 2) if a else None}
        print(f"{name:10} {out[name]['stories']:2} stories, {out[name]['facts_per_story']:4} facts: "
              f"{b:8.2f} ms -> {a:8.2f} ms  ({out[name]['speedup']}x)")
    print(f"{same} of {len(todo)} stories: the same discrepancies")
    if args.out:
        Path(args.out).write_text(json.dumps({"measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                                              "repeat": args.repeat, "same": same, "stories": len(todo),
                                              "rows": out}, indent=1) + "\n")


if __name__ == "__main__":
    main()
