"""Gold records read from the public corpora, one shape for every reader."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..model import Article


@dataclass
class GoldTime:
    start: int
    end: int
    text: str
    type: str
    value: str


@dataclass
class GoldMention:
    """An annotated entity or event mention; ``cluster`` is its (cross-document) instance."""

    doc: str
    mid: str
    tag: str  # the corpus's markable tag: ENTITY_MENTION, ACTION_OCCURRENCE, HUMAN_PART_PER, ...
    start: int
    end: int
    sentence: int
    cluster: str
    type: str = ""  # entity type where the corpus gives one (PER, ORG, LOC, PRO, FIN, MIX)
    syntactic: str = ""  # MEANTIME's syntactic_type (NAM, NOM, PRO, ...); "" where the corpus has none


@dataclass
class GoldDoc:
    id: str
    text: str
    dct: str | None = None  # ISO date of creation, where annotated
    topic: str = ""
    title: str = ""
    times: list[GoldTime] = field(default_factory=list)
    entities: list[GoldMention] = field(default_factory=list)
    events: list[GoldMention] = field(default_factory=list)
    # the sentences (one per line of ``text``) whose annotation is complete; None means all
    scored: set[int] | None = None
    # token id -> (sentence, token number in sentence, start, end), for corpora addressed by token
    tokens: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)


def in_scored(doc: GoldDoc, start: int) -> bool:
    """Whether a prediction at ``start`` lies in the part of the document that was annotated."""
    return doc.scored is None or doc.text.count("\n", 0, start) in doc.scored


@dataclass
class GoldQuote:
    doc: str
    start: int
    end: int
    speaker: str
    speaker_aliases: list[str] = field(default_factory=list)
    direct: bool = True


@dataclass
class Row:
    """One line of the results table: storyline's score beside the best published one."""

    task: str
    metric: str
    score: float
    best: str = ""  # best published score and system, as SOURCE.md gives it
    note: str = ""
    # measured on data the rules were tuned on: an optimistic figure, printed with a mark
    tuned_on: bool = False


@dataclass
class Report:
    corpus: str
    docs: int
    seconds: float
    rows: list[Row] = field(default_factory=list)
    details: dict = field(default_factory=dict)
    errors: list[dict] = field(default_factory=list)


def read_docs_jsonl(folder: str | Path) -> list[Article]:
    """The ``docs.jsonl`` the prepared corpora share: one article a line (id, text, title, source,
    published), each remembered as read from that file."""
    path = Path(folder) / "docs.jsonl"
    articles = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                d = json.loads(line)
                articles.append(Article(id=d["id"], text=d["text"], title=d.get("title", ""),
                                        source=d.get("source", ""), published=d.get("published") or None,
                                        path=str(path)))
    return articles
