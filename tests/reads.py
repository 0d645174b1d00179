"""What a reader or a command read from the store: article analyses by id, counted, and any read of the
whole collection, which fails the test."""

from __future__ import annotations

from collections import Counter

import pytest

from storyline import dossier, pipeline
from storyline.store import Store


class Reads:
    """``resolves``: the code under test may resolve the stories it read (a fix re-resolves those
    it touches); otherwise resolving anything fails too (the web UI shows stored rows only)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, what: str = "the web UI", resolves: bool = False) -> None:
        self.articles: Counter[str] = Counter()
        original = Store.analyses_of

        def analyses_of(store: Store, ids):  # type: ignore[no-untyped-def]
            ids = list(ids)
            self.articles.update(ids)
            return original(store, ids)

        def forbidden(*args, **kwargs):  # type: ignore[no-untyped-def]
            raise AssertionError(f"{what} loaded or resolved the whole collection")

        monkeypatch.setattr(Store, "analyses_of", analyses_of)
        monkeypatch.setattr(Store, "analyses", forbidden)
        monkeypatch.setattr(pipeline, "dossier_from_db", forbidden)
        if not resolves:
            monkeypatch.setattr(dossier, "build_dossier", forbidden)
            monkeypatch.setattr(pipeline, "resolve_story", forbidden)
