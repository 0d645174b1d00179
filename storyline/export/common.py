"""Lookups every export needs: which story an article belongs to, which sentence holds an offset,
and the publication day of an article."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from ..model import Dossier, Sentence


def prov(article: str, start: int, end: int) -> str:
    return f"{article}:{start}-{end}"


@dataclass
class Index:
    """Built once per export: article -> story, text, sentences and publication day."""

    story_of: dict[str, str]
    text: dict[str, str]
    sentences: dict[str, list[Sentence]]
    starts: dict[str, list[int]]
    day: dict[str, str]

    @classmethod
    def of(cls, d: Dossier) -> Index:
        story_of: dict[str, str] = {}
        for s in d.stories:
            for a in s.articles:
                story_of.setdefault(a, s.id)
        sentences = {an.article.id: an.sentences for an in d.analyses}
        return cls(
            story_of=story_of,
            text={an.article.id: an.article.text for an in d.analyses},
            sentences=sentences,
            starts={a: [s.start for s in ss] for a, ss in sentences.items()},
            day={an.article.id: (an.article.published or "")[:10] for an in d.analyses},
        )

    def sentence_at(self, article: str, offset: int) -> Sentence | None:
        """The sentence holding ``offset`` (None for an article without sentences)."""
        ss = self.sentences.get(article) or []
        if not ss:
            return None
        i = max(0, bisect.bisect_right(self.starts[article], offset) - 1)
        return ss[i]

    def sentence_cols(self, article: str, offset: int) -> list[object]:
        """[sentence_start, sentence_end, sentence text]: the text equals the article text there."""
        s = self.sentence_at(article, offset)
        if s is None:
            return [None, None, ""]
        return [s.start, s.end, self.text[article][s.start : s.end]]
