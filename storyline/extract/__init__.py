"""Per-article extraction: one article in, one ``ArticleAnalysis`` out, no global state.

Each extractor is a pure function over the parsed ``Doc``; this module is the one place where they
are assembled, so adding an extractor is adding a file and a line here.

Long articles (live blogs, transcripts) are analysed in pieces cut at paragraph or sentence
boundaries, and the pieces' records are shifted back into the full text: parsing and every
extractor then cost the size of a piece, so an article costs time linear in its length.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from typing import Any

from spacy.tokens import Doc

from ..model import Article, ArticleAnalysis, Sentence
from ..nlp import get_nlp
from ..pubdate import published_date
from .amounts import extract_amounts
from .entities import extract_mentions
from .events import extract_events
from .facts import extract_facts
from .quotes import extract_quotes
from .spans import sentence_index
from .timex import extract_times

# An article longer than LONG_CHARS is cut into pieces of at most PIECE_CHARS. A feature of a few
# thousand words stays whole (its pronoun chains and quotes stay in one piece); a piece is several
# paragraphs, small enough that an extractor whose cost grows faster than its input stays cheap.
LONG_CHARS = 30_000
PIECE_CHARS = 10_000

_SENT_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s+")
_ID = re.compile(r"([A-Za-z]+)(\d+)$")


def analyze_doc(article: Article, doc: Doc) -> ArticleAnalysis:
    """Everything storyline reads from one parsed article."""
    aid = article.id
    sent_of = sentence_index(doc)
    sentences = [
        Sentence(f"{aid}:s{n}", aid, s.start_char, s.end_char) for n, s in enumerate(doc.sents)
    ]
    mentions = extract_mentions(doc, aid, sent_of)
    quotes = extract_quotes(doc, aid, mentions)
    amounts = extract_amounts(doc, aid, sent_of)
    times = extract_times(doc, aid, published_date(article.published), sent_of)
    events = extract_events(doc, aid, mentions, amounts, times, quotes, sent_of)
    facts = extract_facts(doc, aid, amounts, quotes, sent_of)
    return ArticleAnalysis(article, sentences, mentions, quotes, amounts, times, events, facts)


def analyze_article(article: Article) -> ArticleAnalysis:
    if len(article.text) > LONG_CHARS:
        return analyze_long(article)
    return analyze_doc(article, get_nlp()(article.text))


def analyze_articles(articles: list[Article], batch_size: int = 32,
                     parsed: list[Doc] | None = None) -> list[ArticleAnalysis]:
    """Parse with ``nlp.pipe`` (batched, which is most of the speed) then extract; long articles
    go through ``analyze_long`` one piece at a time. ``parsed``: the parses of ``articles`` when the
    caller has them already (the evaluation reuses one parse for several scorers)."""
    short = [a for a in articles if len(a.text) <= LONG_CHARS]
    if parsed is not None:
        docs = iter([p for a, p in zip(articles, parsed, strict=True) if len(a.text) <= LONG_CHARS])
    else:
        docs = get_nlp().pipe((a.text for a in short), batch_size=batch_size)
    done = {id(a): analyze_doc(a, d) for a, d in zip(short, docs, strict=True)}
    return [done[id(a)] if id(a) in done else analyze_long(a) for a in articles]


def split_points(text: str, size: int = PIECE_CHARS) -> list[int]:
    """Offsets where pieces of at most ``size`` characters start (the first is 0).

    A cut goes after the last paragraph break in the second half of the window, else after the
    last line break, sentence end or space there, and only as a last resort mid-word, so a
    single-line megabyte still comes out in bounded pieces.
    """
    starts = [0]
    start = 0
    while len(text) - start > size:
        lo, hi = start + size // 2, start + size
        window = text[lo:hi]
        cut = -1
        for pat in ("\n\n", "\n"):
            at = window.rfind(pat)
            if at >= 0:
                cut = lo + at + len(pat)
                break
        if cut < 0:
            ends = [m.end() for m in _SENT_END.finditer(window)]
            if ends:
                cut = lo + ends[-1]
        if cut < 0:
            at = max(window.rfind(" "), window.rfind("\t"))
            cut = lo + at + 1 if at >= 0 else hi
        starts.append(cut)
        start = cut
    return starts


def analyze_long(article: Article, size: int = PIECE_CHARS) -> ArticleAnalysis:
    """Analyse a long article piece by piece; offsets, sentence numbers and ids come out as if
    the whole text had been analysed at once (a quote or a pronoun chain cut by a piece boundary
    is the price)."""
    text = article.text
    starts = split_points(text, size)
    bounds = list(zip(starts, starts[1:] + [len(text)], strict=True))
    nlp = get_nlp()
    merged = ArticleAnalysis(article)
    counts: Counter[str] = Counter()
    for k, (a, b) in enumerate(bounds):
        piece_id = f"{article.id}~{k}"
        piece = dataclasses.replace(article, id=piece_id, text=text[a:b])
        part = analyze_doc(piece, nlp(piece.text))
        _merge(merged, part, piece_id, article.id, a, len(merged.sentences), counts)
    return merged


def _merge(into: ArticleAnalysis, part: ArticleAnalysis, piece_id: str, aid: str, char_base: int,
           sent_base: int, counts: Counter[str]) -> None:
    """Shift one piece's records into the whole article: ids are renumbered per kind
    (``aid:q3`` after the pieces before it), references to them follow."""
    prefix = piece_id + ":"
    lists = [f.name for f in dataclasses.fields(part) if f.name != "article"]
    idmap: dict[str, str] = {}
    seen: Counter[str] = Counter()
    for name in lists:
        for rec in getattr(part, name):
            rid = getattr(rec, "id", None)
            if isinstance(rid, str) and rid.startswith(prefix):
                m = _ID.match(rid[len(prefix):])
                if m:
                    kind, n = m.group(1), int(m.group(2))
                    idmap[rid] = f"{aid}:{kind}{n + counts[kind]}"
                    seen[kind] = max(seen[kind], n + 1)
    counts.update(seen)

    def fix(value: Any, name: str) -> Any:
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, int):
            if name in ("start", "end") or name.endswith(("_start", "_end")):
                return value + char_base
            if name == "sentence":
                return value + sent_base
            return value
        if isinstance(value, str):
            if value == piece_id:
                return aid
            if value.startswith(prefix):
                return idmap.get(value, aid + value[len(piece_id):])
            return value
        if isinstance(value, list):
            return [fix(v, name) for v in value]
        if isinstance(value, dict):
            return {k: fix(v, k) for k, v in value.items()}
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            changes = {f.name: fix(getattr(value, f.name), f.name) for f in dataclasses.fields(value)}
            return dataclasses.replace(value, **changes)
        return value

    for name in lists:
        getattr(into, name).extend(fix(rec, name) for rec in getattr(part, name))
