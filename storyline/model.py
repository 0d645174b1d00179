"""Records shared by every stage. The dossier schema lives here and nowhere else.

Every record that comes from text carries the article id and the character offsets
(Python string indices into ``Article.text`` as stored after ingest) it came from.
"""

from __future__ import annotations

import functools
import types
import typing
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from typing import Any, TypeVar

SCHEMA = "storyline.dossier/1"

T = TypeVar("T")


def to_dict(record: Any) -> dict[str, Any]:
    """A record as plain JSON-ready data: what ``dataclasses.asdict`` gives, without its deep copy
    of every leaf (the records hold only strings, numbers, lists and dicts). Storing an ingest batch
    and its stories' resolution converts some 10,000 records per 300 articles in the main process;
    asdict spent 2.6 ms per article analysis there."""
    if not hasattr(record, "__dataclass_fields__") or isinstance(record, type):
        return asdict(record)  # raises the TypeError asdict raises
    return _plain(record)


_FIELDS: dict[type, tuple[str, ...]] = {}
_ATOMS = (str, int, float, bool, type(None))


def _plain(obj: Any) -> Any:
    cls = obj.__class__
    if cls in _ATOMS:
        return obj
    names = _FIELDS.get(cls)
    if names is None and hasattr(cls, "__dataclass_fields__"):
        names = _FIELDS[cls] = tuple(f.name for f in fields(cls))
    if names is not None:
        return {n: _plain(getattr(obj, n)) for n in names}
    if cls is list:
        return [_plain(v) for v in obj]
    if cls is dict:
        return {_plain(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, dict)) or not isinstance(obj, _ATOMS):
        return _asdict_value(obj)  # anything else exactly as asdict treats it
    return obj


@dataclass
class _Box:
    value: Any


def _asdict_value(obj: Any) -> Any:
    return asdict(_Box(obj))["value"]


def from_dict(cls: type[T], data: dict[str, Any]) -> T:
    """Rebuild a flat record, ignoring keys it does not know (forward compatible)."""
    names = _names(cls)
    if data.keys() == names and _plain_init(cls):
        # every field, as to_dict wrote it: set as the generated __init__ would set them, without
        # the call (half of reading an analysis back, which every re-resolution of a story does)
        record = object.__new__(cls)
        record.__dict__.update(data)
        return record
    return cls(**{k: v for k, v in data.items() if k in names})


@functools.cache
def _plain_init(cls: type) -> bool:
    """The record's __init__ only assigns its fields: no __post_init__, no frozen or slotted
    fields, no field left out of __init__, no __setattr__ of its own."""
    params = getattr(cls, "__dataclass_params__", None)
    return (params is not None and params.init and not params.frozen and not hasattr(cls, "__post_init__")
            and not hasattr(cls, "__slots__") and cls.__setattr__ is object.__setattr__
            and all(f.init for f in fields(cls)))  # type: ignore[arg-type]


@functools.cache
def _names(cls: type) -> frozenset[str]:
    # once per record type: reading an analysis rebuilds thousands of records
    return frozenset(f.name for f in fields(cls))  # type: ignore[arg-type]


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _rebuild(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(tp, type) and is_dataclass(tp):
        return from_nested(tp, value)
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is list and args:
        return [_rebuild(args[0], v) for v in value]
    if origin is dict and len(args) == 2:
        return {k: _rebuild(args[1], v) for k, v in value.items()}
    if origin in (typing.Union, types.UnionType):  # X | None
        inner = [a for a in args if a is not type(None)]
        return _rebuild(inner[0], value) if len(inner) == 1 else value
    return value


def from_nested(cls: type[T], data: dict[str, Any]) -> T:
    """Rebuild a record whose fields hold records (an entity's mentions, a discrepancy's values), as
    ``to_dict`` wrote it; unknown keys are ignored, as in ``from_dict``."""
    hints = _hints(cls)
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    return cls(**{k: _rebuild(hints[k], v) for k, v in data.items() if k in names})


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
    # the citation number the database gave it when it was first stored: [number:sentence] means
    # the same article in the CLI, the dossier files, the web UI and the exports
    number: int | None = None
    # set when ``published`` was not given but read from the article (pubdate.infer_published): from what
    published_inferred: str | None = None


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
    # speech (said, told, wrote, called X "Y", according to) or another attribution news reports:
    # a belief, intention, accusation, or a document's or poll's finding ("the report found that")
    kind: str = "speech"


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
    # "text" when ``time`` comes from a time expression attached to the trigger in the parse,
    # "published" when the text gives none and the event is only known as reported that day
    time_source: str = "published"
    headline: str = ""  # a news line built from the sentence ("GM files for bankruptcy protection")


@dataclass
class Fact:
    """One value an article states about something: a count, money, a percentage, a quantity, an
    age, a duration or a date, with what it measures ("people|kill") so outlets' values can meet."""

    id: str
    article: str
    text: str  # the value's words with their qualifier ("at least 12")
    start: int
    end: int
    kind: str  # count | money | percent | quantity | age | duration | date
    measure: str  # "<counted noun>|<predicate>" lemmas, or the unit for quantities ("magnitude")
    value: float | str | None  # a number, or a TIMEX3 value for dates and durations
    unit: str | None = None  # ISO 4217 for money, "%" , "km", "magnitude", ...
    qualifier: str | None = None  # about | at_least | more_than | at_most | less_than | up_to | range
    period: str | None = None  # the time the value refers to when the sentence names one ("2003")
    about: str | None = None  # entity or event id, set by cross-article resolution
    asserted_by: str = "outlet"  # "outlet", or the speaker as written
    sentence: int = 0
    value_max: float | None = None  # upper bound of a range
    noun: str = ""  # the counted noun's lemma
    predicate: str = ""  # the governing verb's (normalized) lemma
    negated: bool = False  # "no one was killed" is a zero, "did not kill 12" is no value
    agent: str = ""  # what the clause says caused it ("quake", "tsunami"), folded; "" when unsaid
    place: str = ""  # where the clause puts it ("in aceh", "across asia"); "" when unsaid


@dataclass
class ArticleAnalysis:
    article: Article
    sentences: list[Sentence] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    amounts: list[Amount] = field(default_factory=list)
    times: list[TimeExpr] = field(default_factory=list)
    events: list[EventMention] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)

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
            # analyses stored before facts existed read back with none
            facts=[from_dict(Fact, f) for f in data.get("facts", [])],
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
    time_source: str = "published"  # "text": some report dates it; "published": none does


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
    measure: str = ""  # what the values measure ("people|kill"), from the fact layer
    kind: str = ""  # count | money | percent | quantity | age | duration | date
    about: str = ""  # a plain description of the fact ("people killed")
    facts: list[str] = field(default_factory=list)  # ids of the facts it joins
    story: str = ""  # the story whose articles disagree


@dataclass
class TimelineEntry:
    date: str  # TIMEX3 value, granularity kept
    event: str
    summary: str
    articles: list[str]
    background: bool = False
    time_source: str = "published"  # "text": dated by the text; "published": the first report's date


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

    @property
    def facts(self) -> list[Fact]:
        return [x for a in self.analyses for x in a.facts]

    def to_json(self) -> dict[str, Any]:
        """The public dossier contract of DESIGN.md (names stable; extra fields allowed)."""
        arts = []
        for a in self.analyses:
            art = a.article
            arts.append(
                {
                    "id": art.id,
                    "input_id": art.external_id,
                    "number": art.number,  # the citation number: [number:sentence]
                    "title": art.title,
                    "source": art.source,
                    "url": art.url,
                    "published": art.published,
                    "published_inferred": art.published_inferred,
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
            "facts": [to_dict(x) for x in self.facts],
            "discrepancies": [to_dict(d) for d in self.discrepancies],
            "timeline": [to_dict(t) for t in self.timeline],
            "stories": [to_dict(s) for s in self.stories],
            "wire_copies": [to_dict(w) for w in self.wire],
            "quote_groups": [to_dict(g) for g in self.quote_groups],
        }


@dataclass
class StoryResolution:
    """One story's cross-article resolution, as the database keeps it: what readers show without
    resolving anything. Entity ids are the database's registry ids, the same in every story."""

    story: Story
    first: str | None = None  # ISO day of its earliest and latest dated article
    last: str | None = None
    outlets: int = 0
    entities: list[Entity] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    discrepancies: list[Discrepancy] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)
    wire: list[WireGroup] = field(default_factory=list)
    quote_groups: list[QuoteGroup] = field(default_factory=list)
    speakers: dict[str, str] = field(default_factory=dict)  # quote id -> entity id
    problems: list[IngestProblem] = field(default_factory=list)  # overrides that no longer apply


@dataclass
class OverrideRecord:
    """A human decision as stored: what, when, and how to take it back."""

    id: int
    kind: str  # merge | split | not-same | set-date
    a: str  # entity ref (merge, split, not-same) or article id (set-date)
    b: str | None  # the other entity, the split form or "@article:start", or the new date
    at: str  # when it was made (UTC, ISO)
    prev: str | None = None  # set-date: the publication date it replaced
    batch: int | None = None  # the first override of a change made at once (a story's or outlet's dates)
    scope: str | None = None  # what a batch covered, e.g. "story s0" or "outlet Harbor Times"
    undone: str | None = None  # when it was taken back, or None while it applies


@dataclass
class UnitTiming:
    """One piece of work as a worker ran it (wall clock of the worker, seconds since the epoch)."""

    worker: int  # process id
    articles: int
    chars: int
    start: float
    end: float
    cpu: float  # CPU seconds the worker spent on it (parse and extraction)


@dataclass
class EngineStats:
    """Where an engine's time went: what the workers ran, and how long the process that consumes the
    results waited for them and spent on its own work (storing, assigning, resolving) between them."""

    units: list[UnitTiming] = field(default_factory=list)
    wait: float = 0.0  # the consumer blocked on a result
    consumer: float = 0.0  # the consumer's own work between two results
    consumer_cpu: float = 0.0  # CPU seconds of that work (its thread's): what a loaded machine does not inflate
    batches: int = 0
