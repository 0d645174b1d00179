"""Extractive answers to plain questions: the best sentences of the collection, each cited with its
article's title, outlet and day, and the facts (amounts, dates, quotes) that sit in them. Nothing is
generated, and the answer can be no.

A sentence answers only when
  - it is about the question's subject: every name in the question ("al-Fakhora school", "INS
    Mysore") is in the sentence, through its rarest word or a mention of the entity it names; a
    sentence whose article names the subject elsewhere counts at a discount, unless the sentence
    itself names another place or organization (the other school of a roundup);
  - it holds the kind of fact asked for: a number or amount for "how many/much", a date for "when",
    a person or organization for "who";
  - enough of the question's other content words are there (``THRESHOLD`` on the score).
Otherwise the answer is ``answered=False`` with "not found in these articles" and the closest
sentences, each with its score, so a reader sees what was near.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from .model import Amount, ArticleAnalysis, Dossier, Quote, TimeExpr
from .render.cite import Citer
from .search import Hit
from .store import Store

__all__ = ["Answer", "Hit", "NOT_FOUND", "THRESHOLD", "answer", "content_words", "parse_question"]

NOT_FOUND = "not found in these articles"
# The lowest score (0..1) of an answer. Chosen on the sample question set and the ECB+ dev
# questions in storyline/eval/questions (see docs/notes/exports.md for the figures).
THRESHOLD = 0.55
# A sentence whose article, not the sentence itself, names the subject ("the school" in an article
# about al-Fakhora) is worth this much of one that names it.
ARTICLE_ONLY = 0.7
CANDIDATES = 120  # FTS hits looked at per question

STOP = set("""a an the of for to in on at by with from and or but is are was were be been being do does did
what which who whom whose when where why how much many it its this that these those as about
into over than then there their they them he she his her we you your i me my our us not no yes if so can could
would should will shall may might must has have had say said tell told get got take took
happen happened""".split())
QUESTION_WORDS = {"what", "which", "who", "whom", "whose", "when", "where", "why", "how", "did", "does", "do",
                  "is", "are", "was", "were", "has", "have", "had", "can", "could", "will", "would", "name", "list",
                  "tell", "give"}
# Capitalized job titles: words of the question, not names a sentence must contain.
TITLES = {"CEO", "CFO", "COO", "CTO", "VP", "MP", "PM", "President", "Chairman", "Governor", "Minister"}
ADVERBS = {"first", "last", "ever", "still", "also", "just", "already", "now", "then", "initially", "originally",
           "eventually", "finally", "actually", "really", "in", "on", "at", "for"}
# Words of one meaning that questions and articles use interchangeably. Each word also goes into
# the full-text query, which stems it the same way the index did.
SYNONYMS = [
    ["die", "died", "dies", "dead", "death", "deaths", "kill", "killed", "killing", "toll", "fatalities"],
    ["injure", "injured", "injuries", "wounded", "wounds", "hurt"],
    ["buy", "bought", "acquire", "acquired", "acquisition", "purchase", "purchased", "pay", "paid", "takeover"],
    ["arrest", "arrested", "detained", "capture", "captured", "seized", "caught"],
    ["earthquake", "quake", "tremor"],
    ["sentence", "sentenced", "jailed", "prison"],
    ["offer", "offered", "bid", "proposal", "proposed"],
    ["sue", "sued", "lawsuit"],
    # irregular verbs a five-letter stem cannot join
    ["meet", "met", "meeting"], ["sell", "sold", "sale"], ["win", "won"], ["lose", "lost"], ["rise", "rose", "risen"],
    ["fall", "fell", "fallen"], ["begin", "began", "begun"], ["leave", "left"], ["flee", "fled"], ["hold", "held"],
]
_WORD = re.compile(r"[\w$€£%][\w'’.$€£%-]*")
_NUMBER = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|"
                     r"fifty|hundred|hundreds|thousand|thousands|dozen|dozens|million|billion)\b", re.I)


@dataclass
class Answer:
    question: str
    answered: bool
    hits: list[Hit] = field(default_factory=list)
    amounts: list[Amount] = field(default_factory=list)
    times: list[TimeExpr] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    message: str = ""
    score: float = 0.0  # the best hit's score, also when nothing answers
    subject: list[str] = field(default_factory=list)  # the names the question is about
    wants: str = ""  # quantity | time | who | ""


def _stem(w: str) -> str:
    # a crude stem is enough to match "offer" with "offered", "pay" with "paying", "bid" with "bids"
    w = w.lower().strip(".'’")
    if w.endswith(("'s", "’s")):
        w = w[:-2]
    if len(w) > 5 and w.endswith("ing"):
        w = w[:-3]
    elif len(w) > 4 and w.endswith("eed"):
        w = w[:-1]  # "agreed" -> "agree"
    elif len(w) > 4 and w.endswith("ed"):
        w = w[:-2]
    return w[:5] if len(w) > 5 else w.rstrip("s") or w


_SYN = {_stem(w): i for i, group in enumerate(SYNONYMS) for w in group}


def _key(stem: str) -> str:
    return f"~{_SYN[stem]}" if stem in _SYN else stem


def content_words(question: str) -> list[str]:
    words = [w.strip(".'’") for w in _WORD.findall(question.lower())]
    return [w for w in words if w and w not in STOP]


@dataclass
class Question:
    text: str
    words: list[str]  # content words
    subject: list[list[str]]  # name phrases, each a list of words as written
    wants: str
    focus: str = ""  # the thing counted in "how many FOCUS"
    predicate: str = ""  # what happened to it: "killed" in "how many people were killed in ..."


def parse_question(question: str) -> Question:
    q = question.strip()
    low = q.lower()
    focus = predicate = ""
    m = re.search(r"\bhow (?:many|much) ((?:[a-z-]+ ){0,3}?)(?:were|was|are|is|did|do|does|have|has|had|will|would|can)\b"
                  r"((?: [\w'’-]+)*)", q, re.I)
    if m:
        focus = (m[1].split() or [""])[-1].lower()
        # the first lower-case content word after the auxiliary: the event or state counted
        predicate = next((w for w in m[2].split() if w.islower() and w not in STOP | QUESTION_WORDS | ADVERBS
                          and not w.endswith("ly")), "")
    else:
        m = re.search(r"\bhow many ([a-z]+) ([a-z]+)\b", low)  # "how many refugees live in ..."
        if m and m[2] not in STOP:
            focus, predicate = m[1], m[2]
    if re.search(r"\bhow old\b|\bwhat age\b", low):
        wants = "age"
    elif re.match(r"^(how (much|many)|what (was|is|were) the (price|number|amount|toll|cost|value|size|magnitude))", low) \
            or re.search(r"\b(how (much|many|far|long|old|big|large|often)|what amount|what price|death toll|what magnitude)\b", low):
        wants = "quantity"
    elif re.match(r"^(when|what (date|day|time|year|month))", low) or re.search(r"\b(on what date|in what year)\b", low):
        wants = "time"
    elif re.match(r"^(who|whom|by whom)", low):
        wants = "who"
    elif re.match(r"^where\b|^in what (city|country|town|place)", low):
        wants = "where"
    else:
        wants = ""
    tokens = []
    for t in _WORD.findall(q):
        parts = t.split("-")
        # "EU-IMF" is two names; "al-Fakhora" and "Orbital-Vexa"... only when every part is one
        if len(parts) > 1 and all(p[:1].isupper() for p in parts):
            tokens += parts
        else:
            tokens.append(t)
    phrases: list[list[str]] = []
    current: list[str] = []
    for i, t in enumerate(tokens):
        t = t.strip(".'’")
        bare = t[:-2] if t.endswith(("'s", "’s")) else t
        proper = (any(ch.isupper() for ch in bare) and bare not in TITLES
                  and not (i == 0 and bare.lower() in QUESTION_WORDS | STOP))
        if proper and bare.lower() not in STOP:
            current.append(bare)
            if bare != t:  # "Orbital's offer": the possessive ends the name
                phrases.append(current)
                current = []
        else:
            if current:
                phrases.append(current)
            current = []
    if current:
        phrases.append(current)
    words = content_words(q)
    if wants == "age":
        words = [w for w in words if w not in {"old", "age"}]
    return Question(q, words, phrases, wants, focus, predicate)


class _Collection:
    """What a question is matched against, built once per dossier: entity mentions by sentence."""

    def __init__(self, d: Dossier) -> None:
        self.d = d
        self.cite = Citer(d)
        self.by_id: dict[str, ArticleAnalysis] = {a.article.id: a for a in d.analyses}
        self.entities_in: dict[tuple[str, int], set[str]] = {}
        self.type_of = {e.id: e.type for e in d.entities}
        for e in d.entities:
            for m in e.mentions:
                self.entities_in.setdefault((m.article, self.cite.sentence(m.article, m.start)), set()).add(e.id)
        self.entities_of: dict[str, set[str]] = {}
        for (article, _), ids in self.entities_in.items():
            self.entities_of.setdefault(article, set()).update(ids)

    def linked(self, phrase: list[str]) -> set[str]:
        """Entities a name phrase of the question refers to ("Orbital" -> Orbital Dynamics)."""
        words = [w.lower() for w in phrase]
        out = set()
        for e in self.d.entities:
            for name in [e.name, *e.aliases]:
                nw = [_stem(x) for x in _WORD.findall(name)]
                pw = [_stem(x) for x in words]
                if nw and (nw == pw or _contains(nw, pw) or (len(nw) > 1 and _contains(pw, nw))):
                    out.add(e.id)
                    break
        return out


def _contains(seq: list[str], sub: list[str]) -> bool:
    n = len(sub)
    return n > 0 and any(seq[i : i + n] == sub for i in range(len(seq) - n + 1))


_CACHE: list[tuple[int, _Collection]] = []


def _collection(d: Dossier) -> _Collection:
    for key, c in _CACHE:
        if key == id(d) and c.d is d:
            return c
    c = _Collection(d)
    _CACHE[:] = [(id(d), c), *_CACHE[:1]]
    return c


def _rarest(store: Store, phrase: list[str]) -> str:
    """The phrase word found in the fewest sentences: the one a sentence about it must contain."""
    best, fewest = phrase[-1], None
    for w in phrase:
        n = store.count_matching([w]) if any(ch.isalnum() for ch in w) else 0
        if n == 0:  # a name the collection never mentions: no sentence can be about it
            return w
        if fewest is None or n < fewest:
            best, fewest = w, n
    return best


def _weights(store: Store, keys: set[str], words: list[str]) -> dict[str, float]:
    """Inverse sentence frequency of each question word: "sheltering" says more than "people"."""
    total = store.sentence_count() or 1
    out: dict[str, float] = {}
    for w in words:
        k = _key(_stem(w))
        if k not in keys or not any(ch.isalnum() for ch in w):
            continue
        n = store.count_matching(_terms(SYNONYMS[int(k[1:])] if k.startswith("~") else [w]))
        out[k] = max(out.get(k, 0.0), math.log((total + 1) / (n + 1)) + 0.1)
    return out


_PLACE_OR_ORG = {"ORG", "FAC", "GPE", "LOC", "NORP"}
_TYPE_GROUPS = [{"ORG", "FAC", "NORP"}, {"GPE", "LOC", "FAC"}, {"PERSON"}]


def _rival_types(ents: set[str], col: _Collection, wants: str) -> set[str]:
    """Entity types that, named in a sentence, mean it is about another thing than the subject:
    another organization for an organization (the other school), another person for a person."""
    types = {col.type_of.get(e, "") for e in ents}
    out = set(_PLACE_OR_ORG).union(*(g for g in _TYPE_GROUPS if g & types))
    if wants == "where":  # the place asked for is not a rival
        out -= {"GPE", "LOC", "FAC"}
    return out


def answer(store: Store, d: Dossier, question: str, limit: int = 3) -> Answer:
    q = parse_question(question)
    out = Answer(question, False, wants=q.wants, subject=[" ".join(p) for p in q.subject])
    if not q.words:
        out.message = "The question has no content words to look for."
        return out
    col = _collection(d)
    phrases = [(p, _stem(_rarest(store, p)), col.linked(p)) for p in q.subject]
    subject_keys = {_key(_stem(w)) for p in q.subject for w in p}
    other_keys = {_key(_stem(w)) for w in q.words} - subject_keys
    weight = _weights(store, other_keys, q.words)
    linked_all = set().union(*(ents for _, _, ents in phrases)) if phrases else set()
    query_words = list(q.words)
    for w in q.words:
        k = _key(_stem(w))
        if k.startswith("~"):
            query_words += SYNONYMS[int(k[1:])]
    rows = store.match_sentences(_terms(query_words), CANDIDATES)
    scored: list[tuple[float, bool, Hit]] = []
    for row in rows:
        an = col.by_id.get(str(row["article"]))
        n = int(str(row["sentence"]).rsplit(":s", 1)[1])
        if an is None or n >= len(an.sentences):
            continue
        s = an.sentences[n]
        text = an.article.text[s.start : s.end]
        tokens = [_stem(w) for w in _WORD.findall(text)]
        keys = {_key(t) for t in tokens}
        in_sentence = col.entities_in.get((an.article.id, n), set())
        # the subject: each name phrase in the sentence, or at a discount elsewhere in its article
        subject_factor = 1.0
        for _phrase, rare, ents in phrases:
            if rare in tokens or (ents & in_sentence):
                continue
            art_tokens = {_stem(w) for w in _WORD.findall(an.article.title + " " + an.article.text)}
            rival = any(col.type_of.get(e) in _rival_types(ents, col, q.wants) for e in in_sentence - linked_all)
            if (rare in art_tokens or ents & col.entities_of.get(an.article.id, set())) and not rival:
                subject_factor = min(subject_factor, ARTICLE_ONLY)
            else:
                subject_factor = 0.0
        coverage = (sum(weight.get(k, 0.1) for k in other_keys & keys) / sum(weight.get(k, 0.1) for k in other_keys)
                    if other_keys else 1.0)
        kind_ok = _has_kind(q, an, s.start, s.end, text, tokens, in_sentence - linked_all, col, phrases)
        base = 0.6 * coverage + 0.4 * (1.0 if kind_ok else 0.0)
        if q.focus and _counted(text, q.focus):
            base += 0.1
        if q.wants == "time" and any(s.start <= t.start < s.end and t.value and t.value[:1].isdigit() and len(t.value) >= 7
                                     for t in an.times) or _DATE_WORDS.search(text) and q.wants == "time":
            base += 0.05  # a day or month beats "a century ago"
        # a count of something else ("21,000 people" live in the camp the question asks deaths of)
        if q.predicate and _key(_stem(q.predicate)) not in keys:
            kind_ok = False
        # question words that follow each other closely in the sentence ("Orbital ... offered")
        seq = [_stem(w) for w in q.words]
        near = sum(1 for a, b in zip(seq, seq[1:], strict=False) if _close(tokens, a, b))
        base += 0.05 * min(near, 2)
        # a sentence about something else never answers; as one of the closest it ranks at half
        rank = base * ((subject_factor or 0.5) if phrases else 1.0)
        score = min(1.0, rank)  # bonuses past 1 still order the hits
        ok = kind_ok and subject_factor > 0 and score >= THRESHOLD
        hit = Hit(an.article.id, n, s.start, s.end, text, col.cite(an.article.id, s.start), round(score, 3),
                  an.article.title, an.article.source, (an.article.published or "")[:10])
        scored.append((rank, ok, hit))
    scored.sort(key=lambda x: (-x[1], -x[0], x[2].article, x[2].sentence))
    good = [h for _, ok, h in scored if ok]
    if not good:
        out.message = NOT_FOUND
        out.hits = [h for _, _, h in sorted(scored, key=lambda x: -x[0])[:limit]]
        out.score = out.hits[0].score if out.hits else 0.0
        return out
    out.answered = True
    out.hits = _distinct(good, limit)
    out.score = out.hits[0].score
    spans = {(h.article, h.start, h.end) for h in out.hits}

    def inside(article: str, start: int) -> bool:
        return any(a == article and s <= start < e for a, s, e in spans)

    out.amounts = [a for a in d.amounts if inside(a.article, a.start) and a.kind in {"money", "percent", "number"}]
    out.times = [t for t in d.times if inside(t.article, t.start) and t.value]
    out.quotes = [x for x in d.quotes if inside(x.article, x.start)]
    if q.wants == "quantity":
        out.times, out.quotes = [], out.quotes[:1]
    elif q.wants == "time":
        out.amounts = []
    return out


def _distinct(hits: list[Hit], limit: int) -> list[Hit]:
    """Best first, one copy of a sentence that several outlets carry word for word."""
    seen, out = set(), []
    for h in hits:
        key = " ".join(h.text.split()).lower()
        if key in seen:
            continue
        seen.add(key)
        out.append(h)
        if len(out) >= limit:
            break
    return out


def _close(tokens: list[str], a: str, b: str) -> bool:
    pa = [i for i, t in enumerate(tokens) if t == a]
    pb = [i for i, t in enumerate(tokens) if t == b]
    return any(0 < j - i <= 4 for i in pa for j in pb)


_AGE = re.compile(r"\b\d{1,3}-year-old\b|\b(?:aged?|age of) \d{1,3}\b|,\s*\d{1,3}\s*[,)]|\(\d{1,3}\)")
_DATE_WORDS = re.compile(r"\b(?:1[89]|20)\d\d\b|\b(?:January|February|March|April|May|June|July|August|September|"
                         r"October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?\s+\d{1,2}\b|"
                         r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")


def _counted(text: str, focus: str) -> bool:
    """A number right before the thing asked about: "captured 26 pirates", "two police officers"."""
    f = _stem(focus)
    words = _WORD.findall(text)
    for i, w in enumerate(words):
        if _stem(w) == f or (f in _SYN and _SYN.get(_stem(w)) == _SYN[f]):
            if any(_NUMBER.search(x) for x in words[max(0, i - 3) : i]):
                return True
    return False


def _has_kind(q: Question, an: ArticleAnalysis, start: int, end: int, text: str, tokens: list[str],
              others: set[str], col: _Collection, phrases: list) -> bool:  # type: ignore[type-arg]
    wants = q.wants
    if wants == "quantity":
        return any(start <= a.start < end for a in an.amounts) or bool(_NUMBER.search(text))
    if wants == "age":
        return bool(_AGE.search(text))
    if wants == "time":
        # a date as written answers "when" even where the article's own date is unknown
        return any(start <= t.start < end for t in an.times) or bool(_DATE_WORDS.search(text))
    if wants == "who":
        return any(col.type_of.get(e) in {"PERSON", "ORG", "NORP", "GPE"} for e in others) or \
            any(start <= x.start < end and x.speaker_text for x in an.quotes)
    if wants == "where":
        return any(col.type_of.get(e) in {"GPE", "LOC", "FAC"} for e in others)
    return True


def _terms(words: list[str]) -> list[str]:
    """Words as search terms (sentences holding any of them), punctuation dropped."""
    clean = ["".join(ch for ch in w if ch.isalnum()) for w in words]
    return [w for w in dict.fromkeys(clean) if w]
