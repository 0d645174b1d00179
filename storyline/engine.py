"""Execution of the per-article stage: in this process, on local worker processes, or on Dask.

The per-article stage is a pure function (``analyze_articles``), so every engine gives the same
records; only where the work runs changes. Each worker loads the spaCy model once.

With workers, ``Engine.map`` streams: it reads the input batches lazily, cuts each into pieces of
about the same text length (an article count says little about parsing time: PolNeAR articles run
from 100 to 5,000 words), and keeps a bounded number of pieces submitted ahead, so the workers go on
extracting the next batches while the consumer stores, assigns and resolves the batch it was given.
Results come back per input batch, in input order.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

from .model import Article, ArticleAnalysis, EngineStats, UnitTiming

# A piece of work for one worker: about half a second of parsing on an idle core (some 2,500 words),
# so two workers finish the input within about that of each other. Smaller pieces cost nothing
# measurable: nlp.pipe over pieces of 8k, 15k, 30k characters or one 218k piece took the same CPU
# time within noise (11.0 to 12.0 s for 48 PolNeAR articles), and a piece's pickling and queueing is
# a few ms.
UNIT_CHARS = 15_000
UNIT_ARTICLES = 32
# Pieces per worker submitted and not finished, at most (plus the rest of one batch): some six
# seconds of work that the workers go on with while the consumer stores and resolves a batch.
AHEAD = 12


def split_units(batch: list[Article], chars: int = UNIT_CHARS, most: int = UNIT_ARTICLES) -> list[list[Article]]:
    """Cut a batch into consecutive pieces of at most ``chars`` characters of text (an article
    longer than that is a piece of its own) and at most ``most`` articles."""
    units: list[list[Article]] = []
    unit: list[Article] = []
    size = 0
    for art in batch:
        n = len(art.text)
        if unit and (size + n > chars or len(unit) >= most):
            units.append(unit)
            unit, size = [], 0
        unit.append(art)
        size += n
    if unit:
        units.append(unit)
    return units


def _warm() -> None:
    """Worker start-up: load the model before the first piece arrives (it loads while the main
    process reads the input and opens the database), and the extractors with it."""
    from . import extract  # noqa: F401
    from .nlp import get_nlp

    get_nlp()


def _work(batch: list[Article]) -> list[ArticleAnalysis]:
    from .extract import analyze_articles  # spaCy: in the process that extracts

    return analyze_articles(batch)


class ExtractionError(RuntimeError):
    """Extraction failed on a piece: the message names its articles (files and lines) and the cause.
    It carries only a message, so it crosses back from a worker whatever the cause's type was."""


def _work_timed(unit: list[Article]) -> tuple[list[ArticleAnalysis], UnitTiming]:
    start, cpu = time.time(), time.process_time()
    try:
        from .extract import analyze_articles

        out = analyze_articles(unit)
    except Exception as e:
        names = ", ".join(a.path or a.id for a in unit)
        raise ExtractionError(f"extraction failed on {names}: {type(e).__name__}: {e}") from e
    timing = UnitTiming(os.getpid(), len(unit), sum(len(a.text) for a in unit), start, time.time(),
                        time.process_time() - cpu)
    return out, timing


class Engine:
    """Runs batches of articles through extraction; results come back in input order."""

    def __init__(self, kind: str = "local", workers: int = 1, scheduler: str | None = None,
                 ahead: int = AHEAD, unit_chars: int = UNIT_CHARS) -> None:
        if kind not in {"local", "dask"}:
            raise ValueError(f"unknown engine {kind!r} (local or dask)")
        self.kind = kind
        self.workers = max(1, workers)
        self.scheduler = scheduler
        self.ahead = max(1, ahead)
        self.unit_chars = unit_chars
        self.stats = EngineStats()
        self._pool: ProcessPoolExecutor | None = None
        self._client: Any = None
        self._cluster: Any = None
        self._t = (0.0, 0.0)

    def __enter__(self) -> Engine:
        if self.kind == "local" and self.workers > 1:
            import multiprocessing

            self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_warm)
            for _ in range(self.workers):  # start every worker now: each spawns and loads the model
                self._pool.submit(time.time)
        elif self.kind == "dask":
            from distributed import Client, LocalCluster

            if self.scheduler:
                self._client = Client(self.scheduler)
            else:
                self._cluster = LocalCluster(
                    n_workers=self.workers, threads_per_worker=1, processes=True,
                    dashboard_address=None, silence_logs=40,
                )
                self._client = Client(self._cluster)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool:
            # on an error nothing queued is worth finishing
            self._pool.shutdown(cancel_futures=exc[0] is not None)
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()

    def map(self, batches: Iterable[list[Article]]) -> Iterator[list[ArticleAnalysis]]:
        """The analyses of each batch, in input order. ``batches`` is read lazily: a bounded
        amount of work is ahead of the consumer, however long the input."""
        if self._pool is not None:
            yield from self._stream(batches, self._pool.submit, _wait_any)
        elif self._client is not None:
            client = self._client
            yield from self._stream(batches, lambda f, u: client.submit(f, u, pure=False), _dask_wait_any)
        else:
            for b in batches:
                out, timing = _work_timed(b)
                self.stats.units.append(timing)
                self._hand_out()
                yield out
                self._handed_back()

    def _hand_out(self) -> None:
        self._t = (time.perf_counter(), time.thread_time())  # the consumer runs in this thread

    def _handed_back(self) -> None:
        wall, cpu = self._t
        self.stats.consumer += time.perf_counter() - wall
        self.stats.consumer_cpu += time.thread_time() - cpu
        self.stats.batches += 1

    def _stream(self, batches: Iterable[list[Article]], submit: Callable[[Any, list[Article]], Any],
                wait_any: Callable[[list[Any]], None]) -> Iterator[list[ArticleAnalysis]]:
        limit = self.ahead * self.workers
        queue: deque[list[Any]] = deque()  # the futures of each batch not yet handed out, in order
        source = iter(batches)
        more = True
        stats = self.stats

        def busy() -> list[Any]:
            return [f for futs in queue for f in futs if not f.done()]

        def fill() -> None:
            nonlocal more
            # whole batches: the input is read in the consumer's thread (it may use its database)
            while more and len(busy()) < limit:
                batch = next(source, None)
                if batch is None:
                    more = False
                    break
                queue.append([submit(_work_timed, unit) for unit in split_units(batch, self.unit_chars)])

        try:
            while True:
                fill()
                if not queue:
                    return
                head = queue[0]
                t = time.perf_counter()
                while not all(f.done() for f in head):
                    # keep the workers fed while the head batch finishes
                    wait_any(busy())
                    fill()
                stats.wait += time.perf_counter() - t
                queue.popleft()
                out: list[ArticleAnalysis] = []
                for f in head:
                    analyses, timing = f.result()
                    out.extend(analyses)
                    stats.units.append(timing)
                fill()  # before the consumer's turn, so the workers have work while it runs
                self._hand_out()
                yield out
                self._handed_back()
        finally:
            for futs in queue:  # the consumer stopped early or a piece failed
                for f in futs:
                    f.cancel()


def _wait_any(futures: list[Future[Any]]) -> None:
    wait(futures, return_when=FIRST_COMPLETED)


def _dask_wait_any(futures: list[Any]) -> None:
    from distributed import wait as dask_wait

    dask_wait(futures, return_when="FIRST_COMPLETED")
