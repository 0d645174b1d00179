"""A writer process for the concurrency and crash tests: `storyline ingest`'s library path
(pipeline.ingest: batches of pipeline.BATCH, one write transaction each, story assignment, per-batch
resolution, catch_up at the end) over articles whose extraction is already done
(synth.stored_analyses, no spaCy), with a pause per batch standing in for the parse. It can wait
for a start signal (a file), so two writers run at once, and prints when each batch is stored."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = """
import os, sys, time
from storyline import pipeline
from storyline.dossier import build_dossier
from storyline.synth import stored_analyses

db, n, per_story, parity, pause, go = sys.argv[1:7]
n, per_story, parity, pause = int(n), int(per_story), int(parity), float(pause)
mine = {an.article.id: an for i, an in enumerate(stored_analyses(n, per_story=per_story))
        if parity < 0 or i % 2 == parity}


class Extracted:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        pass

    def map(self, batches):
        for batch in batches:
            time.sleep(pause)
            yield [mine[a.id] for a in batch]


if go:  # load what a CLI ingest has loaded by the time it stores a batch (spaCy, the resolution's
    # libraries), so writers started together race on the database, not on imports
    build_dossier(list(mine.values())[:3])
print("ready", time.time(), flush=True)
while go and not os.path.exists(go):
    time.sleep(0.01)
print("go", time.time(), flush=True)
result = pipeline.ingest([], db, items=[an.article for an in mine.values()], engine=Extracted(),
                         progress=lambda k: print("stored", k, time.time(), flush=True))
print("done", time.time(), result.added, len(result.errors), flush=True)
"""


def writer(db: str | Path, n: int, parity: int = -1, go: Path | str = "", pause: float = 0.3,
           per_story: int = 10) -> subprocess.Popen[str]:
    """Ingest the articles of ``stored_analyses(n)`` whose index has this parity (-1: all of them)."""
    return subprocess.Popen([sys.executable, "-c", SCRIPT, str(db), str(n), str(per_story), str(parity), str(pause),
                             str(go)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def batch_times(out: str) -> list[float]:
    """When each batch was stored, from a writer's output."""
    return [float(line.split()[2]) for line in out.splitlines() if line.startswith("stored ")]


def added(out: str) -> tuple[int, int]:
    """(articles added, errors) a writer reported at its end."""
    last = [line.split() for line in out.splitlines() if line.startswith("done ")]
    assert last, out
    return int(last[-1][2]), int(last[-1][3])
