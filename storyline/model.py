"""Records shared by every stage. The dossier schema lives here and nowhere else.

Every record that comes from text carries the article id and the character offsets
(Python string indices into ``Article.text`` as stored after ingest) it came from.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, TypeVar

SCHEMA = "storyline.dossier/1"

T = TypeVar("T")


def to_dict(record: Any) -> dict[str, Any]:
    """A record as plain JSON-ready data."""
    return asdict(record)


def from_dict(cls: type[T], data: dict[str, Any]) -> T:
    """Rebuild a flat record, ignoring keys it does not know (forward compatible)."""
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    return cls(**{k: v for k, v in data.items() if k in names})


@dataclass
class Article:
    id: str
    text: str
    title: str = ""
    source: str = ""
    url: str = ""
    published: str | None = None  # ISO date or datetime
    path: str = ""  # where it was read from (file, or file:line for JSONL)
    external_id: str = ""  # the id the input gave it (JSONL "id", front matter "id"), if any


@dataclass
class IngestProblem:
    """A file (or line) that could not be read; ingest goes on without it."""

    path: str
    message: str
    line: int | None = None
    severity: str = "error"  # error: skipped; warning: read, with a caveat

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{self.severity}: {where}: {self.message}"


@dataclass
class Sentence:
    id: str
    article: str
    start: int
    end: int


@dataclass
class Mention:
    """A name, descriptor or pronoun in one article."""

    article: str
    start: int
    end: int
    text: str
    label: str  # PERSON, ORG, GPE, ... (from NER or rules); "" for pronouns
    kind: str = "name"  # name | descriptor | pronoun
    sentence: int = 0
    # For descriptors bound to a name in the same article ("Lina Park, Vexa's chief executive")
    # and for pronouns resolved within the article: the offsets of the name they point to.
    # For a name the text defines as another's alias ("General Motors Corporation (GM)"): the GM
    # mention points to the long name.
    ref_start: int | None = None
    ref_end: int | None = None
    # the textual cue that fixed the label ("title": "Mr. Altman", "suffix": "Vexa Inc.", "role":
    # an appositive role, "product": "iPhone 4"), which outweighs a bare NER label in the vote
    cue: str = ""


@dataclass
class Quote:
    id: str
    article: str
    text: str
    start: int
    end: int
    speaker_text: str | None  # as written at the cue ("he", "the ministry", "Reyes")
    speaker_start: int | None
    speaker_end: int | None
    cue: str | None
    direct: bool
    sentence: int = 0
    # the name the speaker resolves to inside the article (pronoun antecedent), if any
    speaker_name: str | None = None
    speaker_name_start: int | None = None
    speaker_name_end: int | None = None
    speaker: str | None = None  # entity id, set by cross-article resolution


@dataclass
class Amount:
    id: str
    article: str
    text: str
    start: int
    end: int
    value: float | None
    unit: str | None  # ISO 4217 for money, "%" for percentages, else a plain unit or None
    qualifier: str | None  # "more than", "about", "at least", "up to", "less than", "range"
    value_max: float | None = None  # upper bound for ranges
    kind: str = "money"  # money | percent | number
    sentence: int = 0


@dataclass
class TimeExpr:
    id: str
    article: str
    text: str
    start: int
    end: int
    type: str  # DATE | TIME | DURATION | SET
    value: str | None  # TIMEX3 value, None when it could not be resolved
    note: str | None = None  # why it could not be resolved, or what was assumed
    mod: str | None = None  # TIMEX3 mod: START, MID, END, APPROX, ...
    sentence: int = 0


@dataclass
class Span:
    article: str
    start: int
    end: int
    text: str = ""


@dataclass
class EventMention:
    """One event frame as one article tells it."""

    id: str
    article: str
    type: str  # storyline type, e.g. "offer"
    cameo: str  # CAMEO root code, e.g. "03"
    trigger: str  # lemma of the trigger
    start: int  # trigger offsets
    end: int
    sentence: int
    sentence_start: int
    sentence_end: int
    actors: list[Span] = field(default_factory=list)
    targets: list[Span] = field(default_factory=list)
    amount: str | None = None  # amount id
    time: str | None = None  # TIMEX3 value
    time_id: str | None = None
    place: str | None = None
    negated: bool = False
    reported_by: str | None = None  # quote id when the frame sits inside a quote


@dataclass
class ArticleAnalysis:
    article: Article
    sentences: list[Sentence] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    amounts: list[Amount] = field(default_factory=list)
    times: list[TimeExpr] = field(default_factory=list)
    events: list[EventMention] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return to_dict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ArticleAnalysis:
        def spans(items: list[dict[str, Any]]) -> list[Span]:
            return [from_dict(Span, s) for s in items]

        events = []
        for e in data.get("events", []):
            ev = from_dict(EventMention, e)
            ev.actors = spans(e.get("actors", []))
            ev.targets = spans(e.get("targets", []))
            events.append(ev)
        return cls(
            article=from_dict(Article, data["article"]),
            sentences=[from_dict(Sentence, s) for s in data.get("sentences", [])],
            mentions=[from_dict(Mention, m) for m in data.get("mentions", [])],
            quotes=[from_dict(Quote, q) for q in data.get("quotes", [])],
            amounts=[from_dict(Amount, a) for a in data.get("amounts", [])],
            times=[from_dict(TimeExpr, t) for t in data.get("times", [])],
            events=events,
        )


# ---- cross-article records -------------------------------------------------------------


@dataclass
class EntityMention:
    article: str
    start: int
    end: int
    text: str
    kind: str = "name"


@dataclass
class CandidateLink:
    """Two entities that might be one; kept apart, with the score and the reason."""

    other: str
    score: float
    reason: str


@dataclass
class Entity:
    id: str
    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    descriptors: list[str] = field(default_factory=list)
    mentions: list[EntityMention] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)  # why mentions were joined
    candidates: list[CandidateLink] = field(default_factory=list)


@dataclass
class Event:
    id: str
    type: str
    cameo: str
    trigger: str
    actors: list[str] = field(default_factory=list)  # entity ids
    targets: list[str] = field(default_factory=list)
    amount: str | None = None  # amount id
    time: str | None = None  # TIMEX3 value
    mentions: list[Span] = field(default_factory=list)
    articles: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    summary: str = ""
    outlets: int = 0  # distinct outlets reporting it
    independent: int = 0  # reports after wire copies are counted once
    asserted_by: list[str] = field(default_factory=list)  # "outlet", or the speakers it is quoted from


@dataclass
class DiscrepancyValue:
    value: str
    articles: list[str]
    mentions: list[Span] = field(default_factory=list)
    asserted_by: list[str] = field(default_factory=list)  # "outlet", or the speakers who said it


@dataclass
class Discrepancy:
    id: str
    event: str
    field: str  # amount | time
    values: list[DiscrepancyValue]
    verdict: str  # rounding | conflict | update | claim (one side is only a speaker's claim)


@dataclass
class TimelineEntry:
    date: str  # TIMEX3 value, granularity kept
    event: str
    summary: str
    articles: list[str]
    background: bool = False


@dataclass
class Story:
    id: str
    title: str
    articles: list[str]


@dataclass
class WireGroup:
    """Articles that are one wire story republished with small edits; the earliest is canonical."""

    canonical: str
    copies: list[str]
    similarity: float  # lowest estimated Jaccard similarity of word 5-grams to the canonical text


@dataclass
class QuoteGroup:
    """One quote as several outlets report it."""

    id: str
    quotes: list[str]  # quote ids, earliest first
    speaker: str | None
    text: str  # the earliest wording
    articles: list[str]
    wording_differs: bool = False  # the outlets' wordings differ beyond punctuation and case
    similarity: float = 1.0  # lowest similarity (0-100) of a wording to the first


@dataclass
class Dossier:
    analyses: list[ArticleAnalysis]
    entities: list[Entity] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    discrepancies: list[Discrepancy] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)
    stories: list[Story] = field(default_factory=list)
    problems: list[IngestProblem] = field(default_factory=list)
    wire: list[WireGroup] = field(default_factory=list)
    quote_groups: list[QuoteGroup] = field(default_factory=list)

    def article(self, article_id: str) -> Article:
        for a in self.analyses:
            if a.article.id == article_id:
                return a.article
        raise KeyError(article_id)

    def entity(self, entity_id: str) -> Entity:
        for e in self.entities:
            if e.id == entity_id:
                return e
        raise KeyError(entity_id)

    @property
    def quotes(self) -> list[Quote]:
        return [q for a in self.analyses for q in a.quotes]

    @property
    def amounts(self) -> list[Amount]:
        return [x for a in self.analyses for x in a.amounts]

    @property
    def times(self) -> list[TimeExpr]:
        return [x for a in self.analyses for x in a.times]

    def to_json(self) -> dict[str, Any]:
        """The public dossier contract of DESIGN.md (names stable; extra fields allowed)."""
        arts = []
        for a in self.analyses:
            art = a.article
            arts.append(
                {
                    "id": art.id,
                    "title": art.title,
                    "source": art.source,
                    "url": art.url,
                    "published": art.published,
                    "text": art.text,
                    "sentences": [{"id": s.id, "start": s.start, "end": s.end} for s in a.sentences],
                }
            )
        return {
            "schema": SCHEMA,
            "articles": arts,
            "entities": [to_dict(e) for e in self.entities],
            "quotes": [to_dict(q) for q in self.quotes],
            "amounts": [to_dict(x) for x in self.amounts],
            "times": [to_dict(x) for x in self.times],
            "events": [to_dict(e) for e in self.events],
            "discrepancies": [to_dict(d) for d in self.discrepancies],
            "timeline": [to_dict(t) for t in self.timeline],
            "stories": [to_dict(s) for s in self.stories],
            "wire_copies": [to_dict(w) for w in self.wire],
            "quote_groups": [to_dict(g) for g in self.quote_groups],
        }
