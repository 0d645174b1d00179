"""The story index of a database, read on demand: the same online assignment as ``StoryIndex``,
but the postings (term -> stories), story frequencies and story profiles stay in tables and a
batch reads only the terms of its articles and the profiles of their candidate stories. An ingest
then costs the size of its batch, not of the database: no writer holds every story in memory, and
a second writer's stories are seen by reading them, not by reloading the whole index."""

from __future__ import annotations

from typing import Protocol

from .stories import StoryIndex, StoryState


class StoryTables(Protocol):
    def story_total(self) -> int: ...
    def next_story_n(self) -> int: ...
    def term_df(self, terms: list[str]) -> dict[str, int]: ...
    def term_postings(self, term: str) -> set[int]: ...
    def story_at(self, n: int) -> StoryState: ...
    def posted_terms(self, n: int, terms: list[str]) -> set[str]: ...


class StoredStoryIndex(StoryIndex):
    """Use within one write transaction: what it read stays true until the transaction ends."""

    def __init__(self, tables: StoryTables) -> None:
        super().__init__()
        self.tables = tables
        self._size = tables.story_total()
        self._next = tables.next_story_n()
        self._df: dict[str, int] = {}
        self._postings: dict[str, set[int]] = {}
        self._loaded: dict[int, StoryState] = {}
        self.changed: dict[int, StoryState] = {}  # stories this batch created or grew
        self.new_postings: dict[int, set[str]] = {}  # (story, term) pairs this batch added
        self._new_by_term: dict[str, set[int]] = {}
        self.renormed: dict[str, StoryState] = {}  # stories whose cached centroid length was recomputed

    def _need_df(self, terms: list[str]) -> None:
        missing = [t for t in terms if t not in self._df]
        if missing:
            found = self.tables.term_df(missing)
            self._df.update({t: found.get(t, 0) for t in missing})

    def size(self) -> int:
        return self._size

    def df(self, term: str) -> int:
        if term not in self._df:
            self._need_df([term])
        return self._df[term]

    def weigh(self, profile: dict[str, float]) -> tuple[dict[str, float], float]:
        self._need_df(list(profile))
        return super().weigh(profile)

    def story_norm(self, st: StoryState) -> float:
        if st.norm_at is None or self._size > st.norm_at * 1.1 + 1:
            self._need_df(list(st.profile))
            self.renormed[st.id] = st  # kept, as the in-memory index keeps it, until it goes stale again
        return super().story_norm(st)

    def postings(self, term: str) -> set[int]:
        if term not in self._postings:  # the tables, and what this batch posted (not written yet)
            self._postings[term] = self.tables.term_postings(term) | self._new_by_term.get(term, set())
        return self._postings[term]

    def story(self, n: int) -> StoryState:
        if n not in self._loaded:
            self._loaded[n] = self.tables.story_at(n)
            self.position[self._loaded[n].id] = n
        return self._loaded[n]

    def new_story(self) -> int:
        n = self._next
        self._next += 1
        self._size += 1
        self._loaded[n] = StoryState(id=f"s{n}")
        self.position[f"s{n}"] = n
        return n

    def post_terms(self, n: int, st: StoryState, profile: dict[str, float]) -> None:
        """Only the (story, term) pairs the tables lack become new postings, each raising the term's
        story frequency once; written with the batch by ``Store.save_story_index``."""
        self.position[st.id] = n
        self.changed[n] = st
        fresh = self.new_postings.setdefault(n, set())
        have = self.tables.posted_terms(n, [t for t in profile if t not in fresh])
        for t in profile:
            if t in fresh or t in have:
                continue
            fresh.add(t)
            self._new_by_term.setdefault(t, set()).add(n)
            self._df[t] = self.df(t) + 1
            if t in self._postings:
                self._postings[t].add(n)
