"""Citations: every line of a rendered dossier points at an article and a sentence."""

from __future__ import annotations

import bisect

from ..model import Dossier


class Citer:
    """Turns (article, offset) into "[n:s]": n is the number the database gave the article (the
    same in every reader, whatever part of the collection is shown), else its place in the dossier."""

    def __init__(self, dossier: Dossier) -> None:
        self.number = {a.article.id: a.article.number or n for n, a in enumerate(dossier.analyses, start=1)}
        self.starts = {a.article.id: [s.start for s in a.sentences] for a in dossier.analyses}

    @classmethod
    def from_rows(cls, number: dict[str, int], starts: dict[str, list[int]]) -> Citer:
        """A citer over stored rows (citation numbers, sentence starts) of some articles only: the
        web UI's pages cite what they show without loading the analyses."""
        c = cls(Dossier([]))
        c.number, c.starts = dict(number), dict(starts)
        return c

    def sentence(self, article: str, offset: int) -> int:
        starts = self.starts.get(article, [0])
        return max(0, bisect.bisect_right(starts, offset) - 1)

    def __call__(self, article: str, offset: int | None = None) -> str:
        n = self.number.get(article, "?")
        return citation(n, None if offset is None else self.sentence(article, offset))


def citation(number: object, sentence: int | None = None) -> str:
    """"[n:s]" for article number n and sentence s, "[n]" for the whole article."""
    n = "?" if number is None else number
    return f"[{n}]" if sentence is None else f"[{n}:{sentence}]"
