"""Who speaks: the speaker phrase at a cue, and the name it stands for inside the article.

The phrase is what the text says ("Spokeswoman Sandy Angers", "he", "a statement from the ministry",
"Mr. Grassley and Mr. Leahy"); the name is the proper name it resolves to ("Sandy Angers"; for "he",
the person the passage is about). A name is never a pronoun, a relative word, a time phrase or a
stray fragment: when nothing can be resolved the name stays None and the phrase keeps what the text
says.

Pronouns follow the news convention of long reported passages: "he said" continues the last named
speaker unless a person of the same gender was just named as a subject; gender comes from the article
itself (honorifics, and the pronouns already resolved to a person), never from a names list.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from ..lexicon import ORG_ROLES, PERSON_ROLES
from ..model import Mention, Quote
from .spans import PERSON_PRONOUNS, PRONOUNS, TITLES, doc_text, noun_phrase

RELATIVE = {"who", "which", "that", "whom", "whose"}
DOCUMENTS = {"statement", "release", "report", "letter", "memo", "filing", "post", "tweet", "email",
             "e-mail", "interview", "speech", "study", "survey", "poll", "document", "complaint", "ad"}
MALE = {"he", "him", "his"}
FEMALE = {"she", "her", "hers"}
HONORIFIC_GENDER = {"mr": "m", "mr.": "m", "mrs": "f", "mrs.": "f", "ms": "f", "ms.": "f", "miss": "f",
                    "sir": "m", "lady": "f", "dame": "f"}
NAME_ENTS = {"PERSON", "ORG", "GPE", "NORP", "FAC", "PRODUCT", "WORK_OF_ART", "LOC"}
# pronoun chains: how far back the last named speaker still holds the floor
CHAIN_SENTENCES = 12


@dataclass
class Speaker:
    text: str
    start: int
    end: int
    name: str | None = None
    name_start: int | None = None
    name_end: int | None = None


def _relative_antecedent(tok: Token) -> Token | None:
    """ "Smith, who said ...": the relative word stands for the noun its clause hangs on."""
    clause = tok.head
    while clause.dep_ not in {"relcl", "acl"} and clause.head is not clause and clause.dep_ in {"conj", "xcomp", "ccomp"}:
        clause = clause.head
    if clause.dep_ in {"relcl", "acl"} and clause.head.i < tok.i:
        return clause.head
    return None


def _person_name(phrase: Span, head: Token) -> Span | None:
    """The proper name inside a speaker phrase: "Spokeswoman Sandy Angers" -> "Sandy Angers",
    "Apple Inc. CEO Steve Jobs" -> "Steve Jobs"; None when the phrase holds no name."""
    doc = phrase.doc
    if head.pos_ != "PROPN" and head.ent_type_ not in NAME_ENTS:
        return None
    end = head.i
    while end + 1 < phrase.end and doc[end + 1].pos_ == "PROPN" and doc[end + 1].head.i == head.i:
        end += 1
    start = head.i
    while start - 1 >= phrase.start:
        prev = doc[start - 1]
        low = prev.lower_.rstrip(".")
        if prev.pos_ != "PROPN" or low in TITLES or low in PERSON_ROLES or low in HONORIFIC_GENDER:
            break
        # an organisation or place before the person's name is the employer, not the name
        if head.ent_type_ == "PERSON" and prev.ent_type_ in {"ORG", "GPE", "NORP"} and prev.ent_iob_ != "I" \
                or (head.ent_type_ == "PERSON" and prev.ent_type_ in {"ORG", "GPE", "NORP"}):
            break
        start -= 1
    return doc[start : end + 1]


def _coordinated(tok: Token, span: Span) -> Span:
    """ "Mr. Grassley and Mr. Leahy said": joint speakers keep the whole coordination."""
    conj = [c for c in tok.children if c.dep_ == "conj" and c.pos_ in {"PROPN", "NOUN"}]
    if not conj:
        return span
    last = conj[-1]
    end = max(span.end, noun_phrase(last).end)
    return span.doc[span.start : end]


def _mention_at(mentions: list[Mention], start: int, end: int) -> Mention | None:
    for m in mentions:
        if m.start <= start < m.end or start <= m.start < end:
            return m
    return None


def speaker_from_token(tok: Token, mentions: list[Mention]) -> Speaker | None:
    """The speaker phrase headed by ``tok`` (a cue's subject or "according to"'s object)."""
    doc = tok.doc
    if tok.lower_ in RELATIVE:
        ante = _relative_antecedent(tok)
        if ante is None:
            return None
        tok = ante
    if tok.pos_ in {"NUM", "ADV"} or tok.ent_type_ in {"DATE", "TIME", "CARDINAL", "ORDINAL", "PERCENT", "QUANTITY"}:
        return None  # "several times", "73 percent": not someone who speaks
    # "Its CEO, Dan Reyes, said" / "One analyst, Priya Nair, said": the named apposition speaks
    role = tok.lower_ in PERSON_ROLES or tok.lower_ in ORG_ROLES
    if tok.pos_ != "PROPN" or role:
        for child in tok.children:
            # "The company president and CEO Louis Gallois": a role coordinated with a person's name
            if child.dep_ == "appos" and child.pos_ == "PROPN" or (
                role and child.dep_ == "conj" and child.pos_ == "PROPN" and child.ent_type_ == "PERSON"
            ):
                tok, role = child, False
                break
    # "a statement from the ministry", "a report by the Pentagon": the document's author speaks
    if tok.lemma_.lower() in DOCUMENTS:
        for child in tok.children:
            if child.dep_ == "prep" and child.lower_ in {"from", "by", "of"}:
                objs = [c for c in child.children if c.dep_ == "pobj"]
                if objs and (objs[0].pos_ == "PROPN" or objs[0].lower_ in ORG_ROLES or objs[0].ent_type_):
                    inner = speaker_from_token(objs[0], mentions)
                    if inner is not None:
                        phrase = noun_phrase(tok)
                        return Speaker(doc_text(doc)[phrase.start_char : inner.end], phrase.start_char, inner.end,
                                       inner.name or inner.text, inner.name_start or inner.start,
                                       inner.name_end or inner.end)
    if tok.pos_ == "PRON":
        span = doc[tok.i : tok.i + 1]
        sp = Speaker(span.text, span.start_char, span.end_char)
        if tok.lower_ not in PRONOUNS:
            return sp  # "we", "you", "I": kept as written, never a name
        m = _mention_at(mentions, span.start_char, span.end_char)
        if m is not None and m.kind == "pronoun" and m.ref_start is not None and m.ref_end is not None:
            sp.name, sp.name_start, sp.name_end = doc_text(doc)[m.ref_start : m.ref_end], m.ref_start, m.ref_end
        return sp
    phrase = noun_phrase(tok)
    phrase = _coordinated(tok, phrase)
    # "advisers to Mr. Obama", "officials from the ministry": whose people they are is part of who speaks
    for child in tok.children:
        if child.dep_ == "prep" and child.lower_ in {"to", "from"} and child.i == phrase.end \
                and any(c.dep_ == "pobj" for c in child.children) and child.right_edge.i - child.i <= 6:
            phrase = doc[phrase.start : child.right_edge.i + 1]
    if len(phrase) == 1 and not any(c.isalpha() for c in phrase.text):
        return None
    sp = Speaker(phrase.text, phrase.start_char, phrase.end_char)
    if not role:
        name = _person_name(phrase, tok)
        if name is not None and any(t.is_alpha and len(t.text) > 1 for t in name) and \
                name.text.rstrip(".").upper() not in {"LLC", "INC", "CO", "CORP", "LTD", "PLC"}:
            conj = [c for c in tok.children if c.dep_ == "conj"]
            if conj:  # joint speakers: "A and B", each without title or role
                parts = [name.text]
                for c in conj:
                    other = _person_name(noun_phrase(c), c)
                    parts.append(other.text if other is not None else noun_phrase(c).text)
                sp.name, sp.name_start, sp.name_end = " and ".join(parts), sp.start, sp.end
            else:
                m = _mention_at(mentions, name.start_char, name.end_char)
                # the NER span may hold a first name the parse left out, never a title or a role
                if m is not None and m.kind == "name" and m.label == "PERSON" and m.end == name.end_char \
                        and phrase.start_char <= m.start < name.start_char \
                        and m.text.split()[0].lower().rstrip(".") not in TITLES | PERSON_ROLES | set(HONORIFIC_GENDER):
                    sp.name, sp.name_start, sp.name_end = m.text, m.start, m.end
                else:
                    sp.name, sp.name_start, sp.name_end = name.text, name.start_char, name.end_char
            return sp
    # "Chief investment officer at Fort Pitt Capital Group Charlie Smith": a role phrase ending in a person
    last = doc[tok.right_edge.i]
    if last.ent_type_ == "PERSON" and last.i > tok.i and last.pos_ == "PROPN":
        person = next((e for e in doc.ents if e.start <= last.i < e.end), None)
        if person is not None and person.end - 1 == last.i:
            sp = Speaker(doc_text(doc)[phrase.start_char : person.end_char], phrase.start_char, person.end_char,
                         person.text, person.start_char, person.end_char)
            return sp
    # "the Vexa CEO", "the company": the descriptor stands for the name the entity extractor bound it to
    for m in mentions:
        if m.kind == "descriptor" and m.start <= phrase.start_char < m.end or (
            m.kind == "descriptor" and phrase.start_char <= m.start < phrase.end_char
        ):
            if m.ref_start is not None and m.ref_end is not None:
                sp.name, sp.name_start, sp.name_end = doc_text(doc)[m.ref_start : m.ref_end], m.ref_start, m.ref_end
            break
    return sp


def _gender_of_names(doc: Doc) -> dict[str, str]:
    """surname -> "m"/"f" from honorifics written in the article ("Mr. Barrett", "Ms. Moore")."""
    out: dict[str, str] = {}
    for tok in doc[:-1]:
        g = HONORIFIC_GENDER.get(tok.lower_)
        nxt = doc[tok.i + 1]
        if g and nxt.pos_ == "PROPN":
            # the surname is the last PROPN of the name that follows
            end = nxt.i
            while end + 1 < len(doc) and doc[end + 1].pos_ == "PROPN":
                end += 1
            out.setdefault(doc[end].text, g)
    return out


def _surname(name: str) -> str:
    words = name.replace("’s", "").replace("'s", "").split()
    return words[-1] if words else name


ORG_WORDS = {"inc", "corp", "co", "llc", "ltd", "plc", "group", "party", "department", "ministry", "university",
             "committee", "council", "court", "bank", "association", "institute", "foundation", "times", "post",
             "news", "house", "senate", "congress", "campaign", "administration", "agency", "service", "office"}


def _looks_like_person(name: str) -> bool:
    """Two or three capitalised words and no organisation word: "Lina Park", not "Park Bank"."""
    words = name.split()
    return 2 <= len(words) <= 3 and all(w[:1].isupper() and w[1:2].islower() for w in words) and not any(
        w.lower().strip(".,") in ORG_WORDS | ORG_ROLES for w in words)


def _fullest_names(quotes: list[Quote], persons: list[Mention]) -> None:
    """A surname alone ("Reyes said") takes the fullest form the article gives ("Dan Reyes")."""
    full: dict[str, Mention] = {}
    for m in persons:
        words = m.text.split()
        # a person's name, not a headline the model took for one
        if not 2 <= len(words) <= 4 or not all(w[:1].isupper() for w in words):
            continue
        if words[-1] not in full or len(m.text) > len(full[words[-1]].text):
            full[words[-1]] = m
    for q in quotes:
        if q.speaker_name and " " not in q.speaker_name.strip() and q.speaker_name in full:
            m = full[q.speaker_name]
            q.speaker_name, q.speaker_name_start, q.speaker_name_end = m.text, m.start, m.end


def resolve_pronoun_speakers(quotes: list[Quote], doc: Doc, mentions: list[Mention]) -> None:
    """he/she at a cue -> the person the passage is about (in place, quotes in text order)."""
    sent_of: dict[int, int] = {}
    starts = [s.start_char for s in doc.sents]

    def sentence(pos: int) -> int:
        if pos not in sent_of:
            sent_of[pos] = max(0, bisect.bisect_right(starts, pos) - 1)
        return sent_of[pos]

    gender = _gender_of_names(doc)
    names = [m for m in mentions if m.kind == "name"]
    subject_starts = set()
    for m in names:
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is not None and span.root.dep_ in {"nsubj", "nsubjpass"}:
            subject_starts.add(m.start)
    persons = [m for m in names if m.label == "PERSON" or _surname(m.text) in gender
               or (m.start in subject_starts and _looks_like_person(m.text))]
    person_surnames = {_surname(m.text) for m in names if m.label == "PERSON"}
    persons += [m for m in names if m not in persons and _surname(m.text) in person_surnames]
    # a name inside quoted words is what the speaker talks about, never who speaks
    quoted = [(q.start, q.end) for q in quotes if q.direct]
    persons = sorted((m for m in persons if not any(a <= m.start < b for a, b in quoted)), key=lambda m: m.start)
    _fullest_names(quotes, persons)
    last: tuple[int, str, int, int] | None = None  # sentence, name, start, end of the last named person speaker
    for q in sorted(quotes, key=lambda q: q.start):
        pron = (q.speaker_text or "").lower()
        cue_pos = q.speaker_start if q.speaker_start is not None else q.start
        if pron not in PERSON_PRONOUNS:
            if q.speaker_name and q.speaker_name_start is not None and q.speaker_name_end is not None and any(
                m.start <= q.speaker_name_start < m.end or q.speaker_name_start <= m.start < q.speaker_name_end
                for m in persons
            ):
                last = (sentence(cue_pos), q.speaker_name, q.speaker_name_start, q.speaker_name_end)
            continue
        want = "m" if pron in MALE else "f"
        here = sentence(cue_pos)

        def fits(name: str, want: str = want) -> bool:
            return gender.get(_surname(name), want) == want

        # a person of the right gender named as a subject in this or the previous sentence
        recent = [m for m in persons if m.start < cue_pos and here - sentence(m.start) <= 1
                  and m.start in subject_starts and fits(m.text)]
        choice: tuple[str, int, int] | None = None
        if recent:
            m = recent[-1]
            choice = (m.text, m.start, m.end)
        elif last is not None and here - last[0] <= CHAIN_SENTENCES and fits(last[1]):
            choice = last[1:]
        elif q.speaker_name and fits(q.speaker_name):
            choice = (q.speaker_name, q.speaker_name_start or 0, q.speaker_name_end or 0)
        else:
            earlier = [m for m in persons if m.start < cue_pos and here - sentence(m.start) <= 3 and fits(m.text)]
            if earlier:
                m = earlier[-1]
                choice = (m.text, m.start, m.end)
        if choice is None:
            q.speaker_name = q.speaker_name_start = q.speaker_name_end = None
            continue
        q.speaker_name, q.speaker_name_start, q.speaker_name_end = choice
        gender.setdefault(_surname(choice[0]), want)
        last = (here, *choice)
    _fullest_names(quotes, persons)
