"""Execution of the per-article stage: in this process, on local worker processes, or on Dask.

The per-article stage is a pure function (``analyze_articles``), so every engine gives the same
records; only where the work runs changes. Each worker loads the spaCy model once.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor

from .extract import analyze_articles
from .model import Article, ArticleAnalysis


def _work(batch: list[Article]) -> list[ArticleAnalysis]:
    return analyze_articles(batch)


class Engine:
    """Runs batches of articles through extraction; results come back in input order."""

    def __init__(self, kind: str = "local", workers: int = 1, scheduler: str | None = None) -> None:
        if kind not in {"local", "dask"}:
            raise ValueError(f"unknown engine {kind!r} (local or dask)")
        self.kind = kind
        self.workers = max(1, workers)
        self.scheduler = scheduler
        self._pool: ProcessPoolExecutor | None = None
        self._client = None
        self._cluster = None

    def __enter__(self) -> Engine:
        if self.kind == "local" and self.workers > 1:
            import multiprocessing

            self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"))
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
            self._pool.shutdown()
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()

    def map(self, batches: list[list[Article]]) -> Iterator[list[ArticleAnalysis]]:
        if self._pool is not None:
            yield from self._pool.map(_work, batches)
        elif self._client is not None:
            futures = self._client.map(_work, batches, pure=False)
            for fut in futures:
                yield fut.result()
        else:
            for b in batches:
                yield _work(b)
