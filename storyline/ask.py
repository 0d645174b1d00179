"""Extractive answers to plain questions: the best sentences of the collection, each cited, and the
facts (amounts, dates, quotes) that sit in them. Nothing is generated: when no sentence shares
enough of the question's content words, the answer says that nothing in the collection answers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .model import Amount, Dossier, Quote, TimeExpr
from .render.cite import Citer
from .store import Store

STOP = set("""a an the of for to in on at by with from and or but is are was were be been being do does did
what which who whom whose when where why how much many much did does it its this that these those as about
into over than then there their they them he she his her we you your i me my our us not no yes if so can could
would should will shall may might must has have had say said tell told""".split())


@dataclass
class Hit:
    article: str
    sentence: int  # index in the article
    start: int
    end: int
    text: str
    citation: str
    score: float


@dataclass
class Answer:
    question: str
    answered: bool
    hits: list[Hit] = field(default_factory=list)
    amounts: list[Amount] = field(default_factory=list)
    times: list[TimeExpr] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    message: str = ""


def content_words(question: str) -> list[str]:
    words = re.findall(r"[\w$€£%.-]+", question.lower())
    return [w.strip(".") for w in words if w.strip(".") and w.strip(".") not in STOP]


def _stem(w: str) -> str:
    # a crude stem is enough to match "offer" with "offered" and "bid" with "bids"
    return w[:5] if len(w) > 5 else w.rstrip("s")


def answer(store: Store, d: Dossier, question: str, limit: int = 3) -> Answer:
    words = content_words(question)
    out = Answer(question, False)
    if not words:
        out.message = "The question has no content words to look for."
        return out
    cite = Citer(d)
    stems = {_stem(w) for w in words}
    need = 1 if len(stems) == 1 else 2
    by_id = {a.article.id: a for a in d.analyses}
    scored: list[Hit] = []
    q = question.lower()
    wants_money = q.startswith(("how much", "how many")) or "price" in q or "amount" in q
    wants_date = q.startswith("when") or "what date" in q
    for row in store.search(" ".join(words), limit=60):
        text = str(row["text"])
        tokens = [_stem(w) for w in re.findall(r"[\w$€£%-]+", text.lower())]
        found = set(tokens)
        matched = len(stems & found)
        if matched < need:
            continue
        sid = str(row["sentence"])
        n = int(sid.rsplit(":s", 1)[1])
        an = by_id.get(str(row["article"]))
        if an is None or n >= len(an.sentences):
            continue
        s = an.sentences[n]
        score = matched - 0.01 * float(row["score"])
        # the question's subject opening the sentence, and the kind of fact asked for, rank it up
        if _stem(words[0]) in tokens[:4]:
            score += 0.3
        # question words that follow each other closely in the sentence ("Orbital ... offered")
        seq = [_stem(w) for w in words]
        for a, b in zip(seq, seq[1:], strict=False):
            pa = [i for i, t in enumerate(tokens) if t == a]
            pb = [i for i, t in enumerate(tokens) if t == b]
            if any(0 < j - i <= 4 for i in pa for j in pb):
                score += 0.2
        if wants_money and any(a.kind == "money" and s.start <= a.start < s.end for a in an.amounts):
            score += 0.5
        if wants_date and any(t.value and s.start <= t.start < s.end for t in an.times):
            score += 0.5
        scored.append(Hit(an.article.id, n, s.start, s.end, text, cite(an.article.id, s.start), score))
    scored.sort(key=lambda h: -h.score)
    out.hits = scored[:limit]
    if not out.hits:
        out.message = "Nothing in the collection answers this question."
        return out
    out.answered = True
    spans = {(h.article, h.start, h.end) for h in out.hits}

    def inside(article: str, start: int) -> bool:
        return any(a == article and s <= start < e for a, s, e in spans)

    out.amounts = [a for a in d.amounts if inside(a.article, a.start) and a.kind in {"money", "percent"}]
    out.times = [t for t in d.times if inside(t.article, t.start) and t.value]
    out.quotes = [x for x in d.quotes if inside(x.article, x.start)]
    if q.startswith(("how much", "how many")):
        out.times, out.quotes = [], out.quotes[:1]
    elif q.startswith("when"):
        out.amounts = []
    return out
