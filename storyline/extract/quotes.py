"""Quotes with speakers and cues: direct, multi-sentence, scare-quoted, and indirect.

Method, after textacy's ``direct_quotations`` (chartbeat-labs/textacy) and the rule sets of
Pareti (2015, "Attribution: A Computational Approach") and Newell et al. (2018, "Attributing quotes
in news"), repaired where textacy is weak:

1. Quotation marks are paired by a scan that knows the news convention for quotes running over
   several paragraphs (each paragraph reopens the quote without closing the one before), so an odd
   number of marks does not lose the document.
2. A quoted span is a quote when a speech verb governs it or stands beside it in its sentence
   ("X said", "said X", "X told Reuters", "according to X", "X wrote in a post"); a short quoted word
   is a quote only when a verb of calling governs it ("called the deal a "giveaway""), so product
   names and terms ("Project Nimbus") are left alone; a full quoted sentence with no cue of its own
   continues the previous speaker's quote.
3. Indirect quotes are clausal complements of speech verbs ("X said that ..."), and clauses
   introduced by "according to X".
4. Pronoun speakers ("he said") take the mention resolution of the entity extractor; organisations
   speak too ("the ministry said in a statement").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from ..model import Mention, Quote
from .cues import best_content, noun_source
from .spans import PRONOUNS, doc_text
from .speakers import Speaker, resolve_pronoun_speakers, speaker_from_token

SPEECH_VERBS = {
    "say", "tell", "add", "write", "state", "announce", "explain", "claim", "report", "comment",
    "note", "confirm", "deny", "warn", "insist", "admit", "acknowledge", "reveal", "testify",
    "mention", "observe", "stress", "emphasize", "emphasise", "suggest", "predict", "recommend",
    "argue", "ask", "reply", "respond", "declare", "assert", "allege", "contend", "maintain",
    "remark", "post", "tweet", "quip", "continue", "concede", "complain", "promise", "vow",
    "pledge", "boast", "caution", "agree", "counter", "conclude", "recall", "joke", "point",
    "disclose", "estimate", "forecast", "project", "reiterate", "urge", "voice",
    # manner of speaking
    "enthuse", "exclaim", "shout", "yell", "scream", "cry", "muse", "recount", "chime", "interject", "retort",
    "snap", "whisper", "mutter", "sigh", "gush", "rave", "lament", "plead", "demand", "proclaim",
}
# verbs that put a short quoted word in the subject's mouth
CALL_VERBS = {"call", "describe", "dub", "label", "term", "brand", "denounce", "characterize",
              "characterise", "deride", "slam", "praise", "hail", "criticize", "criticise", "name"}
OPEN_MARKS = {"“": "”", '"': '"', "«": "»", "„": "“"}
CLOSE_MARKS = {"”", '"', "»"}
_WORD = re.compile(r"\w+")
MAX_QUOTE_CHARS = 3000


@dataclass
class Marked:
    start: int  # first char inside the marks
    end: int  # first char after the content (the closing mark, or the paragraph end)
    reopened: bool  # this span continues a quote from the previous paragraph


def _mark_at(text: str, i: int) -> int:
    """Width of the quotation mark at ``i`` (0 if none). Two apostrophes are the mark of some US
    papers (''like this''), a single one never is: it is an apostrophe far more often."""
    ch = text[i]
    if ch in OPEN_MARKS or ch in CLOSE_MARKS:
        return 1
    if ch in "'’" and text[i + 1 : i + 2] == ch and text[i - 1 : i] not in {"'", "’"}:
        return 2
    return 0


def find_quoted_spans(text: str) -> list[Marked]:
    """Pair quotation marks, tolerating quotes that run over several paragraphs."""
    spans: list[Marked] = []
    open_at: int | None = None
    reopened = False
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        width = _mark_at(text, i)
        if ch == "\n" and open_at is not None:
            # a quote runs on over the line break only if the next paragraph reopens it
            # (news convention) or it closes within a short distance on the next line
            j = i
            while j < n and text[j] in " \t\n":
                j += 1
            if j < n and _mark_at(text, j):
                spans.append(Marked(open_at, i, reopened))
                open_at = j + _mark_at(text, j)
                reopened = True
                i = open_at
                continue
            close = _next_close(text, i)
            if close is None or close - open_at > MAX_QUOTE_CHARS:
                open_at = None  # a stray mark: forget it
                reopened = False
        elif width:
            if width == 2:
                ch = '"'
            before = text[i - 1] if i > 0 else " "
            after = text[i + width] if i + width < n else " "
            looks_open = ch in "“«„" or (ch == '"' and (before.isspace() or before in "([{—–-/:") and not after.isspace())
            looks_close = ch in "”»" or (ch == '"' and not before.isspace())
            if open_at is None and looks_open:
                open_at = i + width
                reopened = False
            elif open_at is not None and looks_close:
                if i > open_at:
                    spans.append(Marked(open_at, i, reopened))
                open_at = None
                reopened = False
            elif open_at is not None and looks_open and ch == "“":
                open_at = i + 1  # an unclosed curly quote before: restart here
            i += width
            continue
        i += 1
    if open_at is not None and reopened:
        spans.append(Marked(open_at, n, reopened))
    return spans


def _next_close(text: str, i: int) -> int | None:
    for j in range(i, min(len(text), i + MAX_QUOTE_CHARS)):
        ch = text[j]
        if ch in "”»" or (ch == '"' and j > 0 and not text[j - 1].isspace()) or (
            ch in "'’" and text[j + 1 : j + 2] == ch and not text[j - 1].isspace()
        ):
            return j
    return None


def _subject(verb: Token) -> Token | None:
    subjects = [c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}]
    if subjects:
        # "USAF's chief of staff General Duncan McNab stated": the parse may split one subject in two
        return next((c for c in subjects if c.pos_ == "PROPN"), subjects[0])
    # "..., according to X"
    if verb.lower_ == "according":
        for child in verb.children:
            if child.dep_ == "prep":
                for obj in child.children:
                    if obj.dep_ == "pobj":
                        return obj
    # coordinated verbs share a subject: "Reyes smiled and said ..."
    if verb.dep_ == "conj" and verb.head.pos_ in {"VERB", "AUX"}:
        return _subject(verb.head)
    # "X, who said ..."/participles: "..., adding that" -> subject of the governing verb
    if verb.dep_ in {"advcl", "xcomp"} and verb.head.pos_ in {"VERB", "AUX"}:
        return _subject(verb.head)
    return None


def _is_cue(tok: Token) -> bool:
    if tok.lemma_.lower() in SPEECH_VERBS and tok.pos_ in {"VERB", "AUX"}:
        return not any(c.dep_ == "neg" for c in tok.children)
    if tok.lower_ == "according" and tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].lower_ == "to":
        return True
    return False


def _cue_phrase(tok: Token) -> str:
    if tok.lower_ == "according":
        return tok.doc[tok.i : tok.i + 2].text
    return tok.text


def _inside(tok: Token, start: int, end: int) -> bool:
    return start <= tok.idx < end


def _find_cue(doc: Doc, span: Marked, sent_ranges: list[tuple[int, int]]) -> Token | None:
    """A speech verb outside the quote, in the sentence(s) the quote touches, nearest first."""
    lo = min(s for s, e in sent_ranges if e > span.start - 1 and s <= span.start) if sent_ranges else 0
    hi = max(e for s, e in sent_ranges if s < span.end + 1 and e >= span.end) if sent_ranges else len(doc_text(doc))
    best: tuple[int, Token] | None = None
    for tok in doc.char_span(lo, hi, alignment_mode="expand") or []:
        if _inside(tok, span.start, span.end) or not _is_cue(tok):
            continue
        dist = tok.idx - span.end if tok.idx >= span.end else span.start - tok.idx
        # after-quote cues ("...," he said) win ties: that is the dominant news convention
        dist = dist if tok.idx >= span.end else dist + 5
        if best is None or dist < best[0]:
            best = (dist, tok)
    return best[1] if best else None


_DASH_SOURCE = re.compile(r"[^\S\n]*[―—–][^\S\n]*([A-Z][\w'’-]*(?:\.?[^\S\n]+[A-Z][\w'’-]*){0,3})\.?[^\S\n]*(?:\n|$|,)")
# "WALLACE: Let's start ..." (a transcript turn; the paragraph may open with a quotation mark)
_TURN = re.compile(r"^[ \t]*[\"“]?((?:[A-Z][A-Z.'’-]+)(?:[ \t][A-Z][A-Z.'’-]+){0,2}):[ \t]+(\S)", re.M)
NOT_SPEAKERS = {"UPDATE", "NOTE", "EDITOR'S NOTE", "WATCH", "READ MORE", "PHOTOS", "VIDEO", "RELATED", "PHOTO",
                "SOURCE", "SOURCES", "CORRECTION", "CLARIFICATION", "Q", "A", "UPDATED", "LISTEN", "MORE", "ALSO"}


def _transcript_turns(text: str) -> list[tuple[int, int, int, int]]:
    """(content start, content end, name start, name end) for each "NAME: words" paragraph, when the
    article has at least two of them (one "NOTE:" line is not a transcript)."""
    turns = []
    for m in _TURN.finditer(text):
        name = m.group(1)
        if name in NOT_SPEAKERS or len(name) < 2:
            continue
        end = text.find("\n", m.start(2))
        end = len(text) if end < 0 else end
        while end > m.start(2) and text[end - 1] in " \t\"”":
            end -= 1
        turns.append((m.start(2), end, m.start(1), m.end(1)))
    return turns if len(turns) >= 2 else []


SMALL_WORDS = {"a", "an", "the", "of", "and", "or", "in", "on", "to", "for", "at", "by", "with", "is", "from"}


def _is_title(words: list[str]) -> bool:
    """ "Face the Nation", "Make Your Kid a Millionaire": a short run of capitalised words."""
    big = [w for w in words if w.lower() not in SMALL_WORDS]
    return 0 < len(words) <= 7 and bool(big) and all(w[0].isupper() or w[0].isdigit() for w in big) \
        and words[0][0].isupper()


def _next_sentence_cue(doc: Doc, ranges: list[tuple[int, int]], sent: int) -> Token | None:
    """A cue standing alone in the sentence after a quote: 'Said Stephen Harper.', 'Smith said.'"""
    if sent + 1 >= len(ranges):
        return None
    span = doc.char_span(*ranges[sent + 1], alignment_mode="expand")
    if span is None:
        return None
    words = [t for t in span if t.is_alpha]
    if not words or len(words) > 12:
        return None
    for tok in span:
        if _is_cue(tok) and tok.lower_ != "according" and _subject(tok) is not None \
                and not any(c.dep_ in {"ccomp", "dobj", "xcomp"} for c in tok.children):
            return tok
    return None


def _governing_verb(doc: Doc, start: int, end: int) -> Token | None:
    toks = [t for t in doc if start <= t.idx < end]
    if not toks:
        return None
    root = min(toks, key=lambda t: len(list(t.ancestors)))
    for anc in [root, *root.ancestors]:
        if anc.pos_ in {"VERB", "AUX"} and not _inside(anc, start, end):
            return anc
    return None


def _speech_governor(doc: Doc, start: int, end: int) -> Token | None:
    """The verb of calling or speaking that puts a short quoted fragment in someone's mouth."""
    verb = _governing_verb(doc, start, end)
    for _ in range(3):
        if verb is None:
            return None
        if verb.lemma_.lower() in CALL_VERBS or _is_cue(verb):
            return verb
        if verb.dep_ not in {"ccomp", "xcomp", "conj", "relcl"}:
            return None
        verb = verb.head
    return None


def _sentence_ranges(doc: Doc) -> list[tuple[int, int]]:
    return [(s.start_char, s.end_char) for s in doc.sents]


def _sentence_of(ranges: list[tuple[int, int]], pos: int) -> int:
    for n, (s, e) in enumerate(ranges):
        if s <= pos < e:
            return n
    return max(0, len(ranges) - 1)


def _trim_content(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start and text[end - 1] in " \n\t":
        end -= 1
    if end > start and text[end - 1] == ",":
        end -= 1
    while start < end and text[start] in " \n\t":
        start += 1
    return start, end


def extract_quotes(doc: Doc, article_id: str, mentions: list[Mention]) -> list[Quote]:
    text = doc_text(doc)
    ranges = _sentence_ranges(doc)
    quotes: list[Quote] = []
    previous: Quote | None = None

    def emit(start: int, end: int, speaker: Speaker | None, cue: str | None, direct: bool) -> Quote:
        s, e = _trim_content(text, start, end)
        q = _make_quote(article_id, text, s, e, speaker, cue, direct, _sentence_of(ranges, s))
        quotes.append(q)
        return q

    fragments: set[int] = set()  # quoted words inside a sentence, never part of a passage
    reopened: set[int] = set()  # quotes continuing an unclosed quote of the paragraph before
    continuations: set[int] = set()  # quoted sentences with no cue of their own
    turns = _transcript_turns(text)
    for start, end, name_start, name_end in turns:
        name = text[name_start:name_end]
        previous = emit(start, end, Speaker(name, name_start, name_end, name, name_start, name_end), ":", True)
    marked = [m for m in find_quoted_spans(text) if not _overlaps((m.start, m.end), [(t[0], t[1]) for t in turns])]
    for span in marked:
        content = text[span.start : span.end]
        words = _WORD.findall(content)
        if not words:
            continue
        dash = _DASH_SOURCE.match(text, min(len(text), span.end + 1))
        if dash and len(words) >= 4:
            # '"..." ― Sonya Herridge': the quote-list layout names its source after a dash
            a, b = dash.span(1)
            previous = emit(span.start, span.end, Speaker(text[a:b], a, b, text[a:b], a, b), dash.group(0).strip()[0], True)
            continue
        s_open = _sentence_of(ranges, span.start)
        s_close = _sentence_of(ranges, max(span.start, span.end - 1))
        sent_lo, sent_hi = ranges[s_open][0], ranges[s_close][1]
        outside = (text[sent_lo : span.start - 1] + text[span.end + 1 : sent_hi]).strip(" \n\t.,;:\"“”")
        starts_sentence = not text[ranges[s_open][0] : span.start - 1].strip(" \n\t\"“")
        short = len(words) <= 4 and not starts_sentence
        if _is_title(words) and not starts_sentence:
            verb = _speech_governor(doc, span.start, span.end)
            if verb is None or verb.lemma_.lower() not in CALL_VERBS:
                continue  # a title: told "Morning Joe", said on "Face the Nation"
        if short:
            verb = _speech_governor(doc, span.start, span.end)
            if verb is None:
                continue  # a name or a term in quotation marks, not speech
            subj = _subject(verb)
            speaker = speaker_from_token(subj, mentions) if subj is not None else None
            previous = emit(span.start, span.end, speaker, verb.text, True)
            fragments.add(id(previous))
            continue
        if span.reopened and previous is not None:
            previous = _continue(emit, span, previous)
            reopened.add(id(previous))
            continue
        cue = _find_cue(doc, Marked(span.start - 1, span.end + 1, False), ranges) if outside else None
        if cue is None:
            cue = _next_sentence_cue(doc, ranges, s_close)  # '"... ." Said Stephen Harper.'
        if cue is not None:
            subj = _subject(cue)
            speaker = speaker_from_token(subj, mentions) if subj is not None else None
            speaker = _prefer_previous(speaker, previous, s_open)
            if speaker is None and previous is not None and cue.idx > span.end:
                speaker = _previous_speaker(previous)
            previous = emit(span.start, span.end, speaker, _cue_phrase(cue), True)
        elif (verb := _speech_governor(doc, span.start, span.end)) is not None:
            subj = _subject(verb)
            speaker = speaker_from_token(subj, mentions) if subj is not None else None
            previous = emit(span.start, span.end, speaker, verb.text, True)
        elif previous is not None and s_open - previous.sentence <= 2:
            previous = _continue(emit, span, previous)
            continuations.add(id(previous))
        elif len(words) >= 6:
            previous = emit(span.start, span.end, None, None, True)
            continuations.add(id(previous))
    quotes = _join_passages(text, quotes, ranges, fragments, reopened)
    reported, absorbed = _indirect(doc, article_id, mentions, list(quotes), ranges)
    quotes = [q for n, q in enumerate(quotes) if n not in absorbed] + reported
    quotes.sort(key=lambda q: q.start)
    quotes = _drop_nested(quotes)
    _continue_reported(quotes, continuations)
    resolve_pronoun_speakers(quotes, doc, mentions)
    for n, q in enumerate(quotes):
        q.id = f"{article_id}:q{n}"
    return quotes


MAX_ATTRIBUTION_WORDS = 12


def _join_passages(
    text: str, quotes: list[Quote], ranges: list[tuple[int, int]], fragments: set[int], reopened: set[int],
) -> list[Quote]:
    """One speaker's passage is one quote: '"A," he said. "B."' and a quote that reopens in the next
    paragraph join into one record (offsets from the first mark to the last), as long as what lies
    between them is the attribution of the first (its own sentence) or nothing at all."""
    out: list[Quote] = []
    for q in quotes:
        prev = out[-1] if out else None
        if prev is not None and prev.direct and q.direct and id(prev) not in fragments and id(q) not in fragments \
                and _same_passage(text, prev, q, ranges, id(q) in reopened):
            prev.end = q.end
            prev.text = text[prev.start : prev.end]
            if prev.speaker_text is None and q.speaker_text is not None:
                for f in ("speaker_text", "speaker_start", "speaker_end", "speaker_name", "speaker_name_start",
                          "speaker_name_end"):
                    setattr(prev, f, getattr(q, f))
            prev.cue = prev.cue or q.cue
            continue
        out.append(q)
    return out


def _same_passage(text: str, a: Quote, b: Quote, ranges: list[tuple[int, int]], b_reopens: bool) -> bool:
    gap = text[a.end : b.start]
    words = _WORD.findall(gap)
    if not words:
        return b_reopens or ("\n" not in gap and b.cue is None)  # a reopened paragraph, or marks back to back
    same_speaker = a.speaker_start is not None and (a.speaker_start, a.speaker_end) == (b.speaker_start, b.speaker_end)
    # the gap is the attribution ('," he said, clapping. "'): it lies in the sentence where the first
    # quote ends, and the second quote opens right after that sentence (or in it: '"A," he said, "B."')
    a_sent = _sentence_of(ranges, max(a.start, a.end - 1))
    b_sent = _sentence_of(ranges, b.start)
    if b_sent - a_sent > 1 or (b_sent == a_sent + 1 and _WORD.findall(text[ranges[b_sent][0] : b.start])):
        return False
    holds_attribution = a.speaker_start is not None and a.end <= a.speaker_start < b.start
    if not holds_attribution and b.speaker_start is not None:
        holds_attribution = a.end <= b.speaker_start < b.start
    return holds_attribution and (b.cue is None or same_speaker)


def _prefer_previous(speaker: Speaker | None, prev: Quote | None, sentence: int) -> Speaker | None:
    """A pronoun right after someone's quote is, in news prose, almost always that someone."""
    if speaker is None or prev is None or speaker.text.lower() not in PRONOUNS:
        return speaker
    if sentence - prev.sentence > 2 or prev.speaker_text is None:
        return speaker
    plural = speaker.text.lower() in {"they", "them"}
    head = (prev.speaker_text or "").split()[-1:] or [""]
    prev_plural = prev.speaker_name is None and head[0].islower() and head[0].endswith("s")
    if plural != prev_plural:
        return speaker
    name = prev.speaker_name or (prev.speaker_text if prev.speaker_text.lower() not in PRONOUNS else None)
    if name is None:
        return speaker
    start = prev.speaker_name_start if prev.speaker_name else prev.speaker_start
    end = prev.speaker_name_end if prev.speaker_name else prev.speaker_end
    return Speaker(speaker.text, speaker.start, speaker.end, name, start, end)


def _make_quote(
    article_id: str, text: str, start: int, end: int, speaker: Speaker | None, cue: str | None,
    direct: bool, sentence: int,
) -> Quote:
    """One quote record; ids are assigned once all quotes of the article are in order."""
    return Quote(
        id="", article=article_id, text=text[start:end], start=start, end=end,
        speaker_text=speaker.text if speaker else None,
        speaker_start=speaker.start if speaker else None,
        speaker_end=speaker.end if speaker else None,
        cue=cue, direct=direct, sentence=sentence,
        speaker_name=speaker.name if speaker else None,
        speaker_name_start=speaker.name_start if speaker else None,
        speaker_name_end=speaker.name_end if speaker else None,
    )


def _previous_speaker(prev: Quote) -> Speaker | None:
    if prev.speaker_text is None or prev.speaker_start is None or prev.speaker_end is None:
        return None
    return Speaker(prev.speaker_text, prev.speaker_start, prev.speaker_end, prev.speaker_name,
                   prev.speaker_name_start, prev.speaker_name_end)


def _through_coordination(first: Token, last: Token) -> Token:
    """ "to threaten Moscow or even directly declare it responsible": when the parse hangs the second
    conjunct on the cue verb, the content still runs through it."""
    doc = first.doc
    nxt = last.i + 1 if not last.dep_ == "cc" else last.i
    if nxt < len(doc) and doc[nxt].dep_ == "cc" and doc[nxt].sent == last.sent:
        conj = [t for t in doc[nxt + 1 : min(last.sent.end, nxt + 8)] if t.dep_ == "conj" and t.head.i < first.i]
        if conj and conj[0].head.pos_ in {"VERB", "AUX"} and conj[0].pos_ == first.head.pos_:
            return doc[conj[0].right_edge.i]
    return last


def _drop_nested(quotes: list[Quote]) -> list[Quote]:
    """A reported attribution inside another one ("said that the party wants to ...") is part of it:
    news attribution corpora annotate the outer one only (PolNeAR train: 0.6% of attributions nest)."""
    out = []
    for q in quotes:
        inside = not q.direct and any(
            o is not q and o.start <= q.start and q.end <= o.end and o.end - o.start > q.end - q.start for o in quotes)
        if not inside:
            out.append(q)
    return out


def _continue_reported(quotes: list[Quote], continuations: set[int]) -> None:
    """ 'Mr MacFarlane said that the facility was exciting. "It will put us in the spotlight."': a quoted
    sentence without a cue continues the nearest speaker before it, reported speech included."""
    for n, q in enumerate(quotes):
        if id(q) not in continuations or n == 0:
            continue
        prev = quotes[n - 1]
        if prev.direct or prev.speaker_text is None or q.sentence - prev.sentence > 2:
            continue
        if q.speaker_text is not None and q.speaker_start is not None and prev.speaker_start is not None \
                and q.speaker_start >= prev.speaker_start:
            continue  # the direct quote before is nearer than the reported one
        for f in ("speaker_text", "speaker_start", "speaker_end", "speaker_name", "speaker_name_start",
                  "speaker_name_end"):
            setattr(q, f, getattr(prev, f))


def _continue(emit, span: Marked, prev: Quote) -> Quote:  # type: ignore[no-untyped-def]
    return emit(span.start, span.end, _previous_speaker(prev), None, True)


def _according(tok: Token) -> tuple[tuple[Token, Token], Token] | None:
    """ "According to X, <clause>." or "<clause>, according to X." -> (clause tokens, X's head)."""
    sent = tok.sent
    doc = tok.doc
    to = doc[tok.i + 1]
    # X runs from after "to" up to the next comma or the sentence end
    x_end = to.i + 1
    while x_end < sent.end and doc[x_end].text not in {",", ".", ";"} and not doc[x_end].is_space:
        x_end += 1
    if x_end == to.i + 1:
        return None
    x = doc[to.i + 1 : x_end]
    if tok.i == sent.start or doc[tok.i - 1].is_space or (tok.i - sent.start <= 1):
        first, last = (doc[x_end + 1] if x_end + 1 < sent.end else None), doc[sent.end - 1]
    else:
        first, last = doc[sent.start], doc[tok.i - 1]
    if first is None:
        return None
    return (first, last), x.root


def _overlaps(a: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(a[0] < e and s < a[1] for s, e in spans)


def _clause_of(tok: Token, direct: list[tuple[int, int]]) -> tuple[tuple[Token, Token], Token | None, str] | None:
    """What ``tok`` attributes, to whom, and whether it is speech: ((first, last), source, kind)."""
    if tok.lower_ == "according" and _is_cue(tok):
        got = _according(tok)
        return (got[0], got[1], "speech") if got else None
    if _is_cue(tok):
        for child in tok.children:
            if child.dep_ in {"ccomp"} and child.i > tok.i or (
                child.dep_ == "ccomp" and child.i < tok.i
                and not _overlaps((child.left_edge.idx, child.right_edge.idx + 1), direct)
            ):
                return (child.left_edge, child.right_edge), _subject(tok), "speech"
        # "Lenox was a juggernaut, Mr. Clarke said, until it went bankrupt": the sentence around a
        # parenthetical attribution is what is reported
        if tok.dep_ == "parataxis" and tok.i > tok.sent.start + 1 and _subject(tok) is not None:
            sent = tok.sent
            if not _overlaps((sent.start_char, sent.end_char), direct):
                return (sent[0], sent[-1]), _subject(tok), "speech"
    if any(c.dep_ == "neg" for c in tok.children):
        return None
    learned = best_content(tok)
    if learned is None:
        return None
    kind, first, last, _ = learned
    if tok.pos_ == "NOUN":
        return (first, last), noun_source(tok), "attribution"
    # speech reports words: a speech verb with a clause. "announced 10,000 job cuts", "talked about
    # taxes", "urged Congress to act" attribute a topic or a stance, not words.
    is_speech = tok.lemma_.lower() in SPEECH_VERBS and kind.startswith("ccomp")
    return (first, last), _subject(tok), "speech" if is_speech else "attribution"


def _indirect(
    doc: Doc, article_id: str, mentions: list[Mention], previous_quotes: list[Quote],
    ranges: list[tuple[int, int]],
) -> tuple[list[Quote], set[int]]:
    """Reported speech and other attributions; also the indices of direct quotes that turn out to be
    fragments of a reported clause (a mixed quote: 'said the deal was "a giveaway" for donors')."""
    direct = [(q.start, q.end) for q in previous_quotes]
    absorbed: set[int] = set()
    out: list[Quote] = []
    text = doc_text(doc)
    for tok in doc:
        if _overlaps((tok.idx, tok.idx + 1), direct):
            continue
        # "is said to", passive hearsay without a speaker
        if any(c.dep_ == "auxpass" for c in tok.children):
            continue
        got = _clause_of(tok, direct)
        if got is None:
            continue
        (first, last), subj, kind = got
        while first.i < last.i and (first.dep_ == "mark" or first.is_punct or first.is_space):
            first = doc[first.i + 1]
        last = _through_coordination(first, last)
        while last.i > first.i and (last.is_punct or last.is_space or last.dep_ == "cc"):
            last = doc[last.i - 1]
        if last.i + 1 < len(doc) and _mark_at(text, doc[last.i + 1].idx) and text[first.idx : doc[last.i + 1].idx].count('"') % 2:
            last = doc[last.i + 1]  # keep the closing mark of a quoted fragment at the end
        start, end = first.idx, last.idx + len(last.text)
        if len(_WORD.findall(text[start:end])) < (3 if kind == "speech" else 2):
            continue
        inner = [n for n, d in enumerate(direct) if start - 2 <= d[0] and d[1] <= end + 2]
        inner_chars = sum(direct[n][1] - direct[n][0] for n in inner)
        if inner_chars > 0.6 * (end - start):
            continue  # the quotation is the whole of it: the direct quote stands
        if any(_overlaps((start, end), [d]) for n, d in enumerate(direct) if n not in inner):
            continue
        if kind == "speech" and first.pos_ == "PRON" and first.lower_ in {"what", "whether", "how", "why"} and not inner:
            continue
        speaker = speaker_from_token(subj, mentions) if subj is not None else None
        sent_no = _sentence_of(ranges, start)
        before = [q for q in previous_quotes if q.start < start]
        speaker = _prefer_previous(speaker, before[-1] if before else None, sent_no)
        if speaker is None:
            continue
        absorbed.update(inner)
        q = _make_quote(article_id, text, start, end, speaker, _cue_phrase(tok), False, sent_no)
        q.kind = "speech" if inner else kind  # quoted words inside: someone's words, whatever the verb
        out.append(q)
    return out, absorbed
