"""Entity mentions in one article: spaCy NER plus rules where the small model is weak.

Three kinds of mention come out:

* ``name``: NER spans of people, organizations, places and products, with possessives
  ("Reyes's") trimmed and titles ("Mr", "Senator") marking a person whatever the model said;
* ``descriptor``: role phrases bound to a name in the same sentence, by apposition
  ("Lina Park, Vexa's chief executive"; "Reyes, the billionaire"), by a title-like prefix
  ("the Orbital CEO Dan Reyes") or by a copula ("Park is the founder of Vexa"), and free-standing
  role phrases ("the Orbital CEO said") that cross-article resolution points at an entity later;
* ``pronoun``: subject pronouns, resolved to the nearest fitting name before them.

The pronoun rule is the classic recency-and-agreement heuristic (Hobbs 1978, Lappin & Leass 1994
in spirit, without the full salience weights): no coreference model works offline here.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from ..countries import country
from ..lexicon import ORG_ROLES, PERSON_ROLES
from ..model import Mention
from .spans import (
    PERSON_PRONOUNS,
    PLURAL_PRONOUNS,
    TITLES,
    doc_text,
    noun_phrase,
    strip_possessive,
)

KEEP_LABELS = {"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW"}
# The small model tags many surnames and companies as WORK_OF_ART, LAW or PRODUCT; those labels are
# only kept as weak votes (label ""), the cross-article vote decides.
WEAK_LABELS = {"WORK_OF_ART", "LAW", "EVENT", "PRODUCT"}
ORG_SUFFIXES = {"inc", "corp", "corporation", "ltd", "llc", "plc", "group", "co", "company",
                "holdings", "bank", "ag", "sa", "gmbh", "partners", "capital", "ventures", "labs",
                "technologies", "systems", "airlines", "motors", "university", "ministry", "agency",
                "commission", "court", "times", "post", "journal", "news", "reuters", "association"}
# the last word of a name that is a place, a shop, an event or a programme, never a person
# ("iTunes Music Store", "Moscone Center"); the small model calls many of these PERSON
NOT_PERSON_HEADS = {"store", "shop", "center", "centre", "market", "school", "university", "college",
                    "hospital", "museum", "airport", "station", "avenue", "road", "stadium", "arena",
                    "festival", "conference", "awards", "prize", "foundation", "institute", "fund",
                    "program", "programme", "project", "service", "services", "records", "music",
                    "studios", "league", "games", "building", "plaza", "mall", "hotel"}
# (not "Park", "Hall", "House", "Street", "Bridge", "Hill": they are surnames as often)
# place abbreviations news uses that are no country ("DC", "NYC")
PLACE_ABBREVIATIONS = {"DC", "NYC", "LA", "SF", "EU", "USSR", "GDR", "UAE"}
# "General Motors Corporation (GM)", "the Fundamentalist Church of ... Saints (FLDS)"
DATELINE_DASHES = {"-", "--", "—", "–"}
DEFINED = re.compile(r"\s*\(\s*(?:the\s+)?([A-Z][A-Za-z0-9&.\-]{1,11})\s*\)")


def _trim(ent: Span) -> Span:
    """Drop a leading "the" (kept for newspapers in the alias list later) and a trailing "'s"."""
    start, end = ent.start, ent.end
    doc = ent.doc
    # a dateline glued to the first name by NER: "FRANKLIN - The Vokari Trade Union" is the union
    for i in range(start + 1, end - 1):
        if doc[i].text in DATELINE_DASHES and all(t.is_upper or t.is_punct for t in doc[start:i]):
            start = i + 1
            break
    while end > start and (doc[end - 1].tag_ == "POS" or doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    if end - start > 1 and doc[start].lower_ == "the":
        start += 1
    # "Dr. Sanjay Gupta" is Sanjay Gupta; the title stays a cue just before the name
    while ent.label_ == "PERSON" and end - start > 1 and doc[start].lower_.rstrip(".") in TITLES:
        start += 1
        if end - start > 1 and doc[start].text == ".":
            start += 1
    return Span(doc, start, end, label=ent.label_)


def _role_head(span: Span) -> str | None:
    head = span.root.lower_
    if head in PERSON_ROLES:
        return "PERSON"
    if head in ORG_ROLES:
        return "ORG"
    return None


def _descriptor_for(name: Span) -> list[Span]:
    """Role phrases attached to a name in its sentence."""
    out: list[Span] = []
    root = name.root
    for child in root.children:
        if child.dep_ == "appos" and child.pos_ in {"NOUN", "PROPN"} and child.ent_type_ not in {"PERSON"}:
            np = noun_phrase(child)
            if _role_head(np) and np.start >= name.end:
                out.append(np)
    # "the Orbital CEO Dan Reyes": role nouns compounded to the left of the name
    left = [t for t in root.lefts if t.i < name.start and t.dep_ in {"compound", "nmod", "amod"}]
    if left:
        start = min(t.left_edge.i for t in left)
        span = root.doc[start : name.start]
        if span and any(t.lower_ in PERSON_ROLES for t in span):
            out.append(span)
    # copula: "Park is the founder of Vexa" / "Reyes, who is ..."
    if root.dep_ == "nsubj" and root.head.lemma_ == "be":
        for child in root.head.children:
            if child.dep_ == "attr" and child.pos_ == "NOUN":
                np = noun_phrase(child)
                if _role_head(np):
                    out.append(np)
    return out


def _product_like(words: list[str]) -> bool:
    """"iPhone 4", "A380", "iPod", "Windows 7": a model number or a lower-case initial capital."""
    return any(any(ch.isdigit() for ch in w) and any(ch.isalpha() for ch in w) for w in words) \
        or any(len(w) > 2 and w[0].islower() and w[1].isupper() for w in words) \
        or (len(words) > 1 and words[-1].isdigit())


def _label(ent: Span, descriptors: list[Span], after_the: bool) -> tuple[str, str]:
    """The mention's label and the cue that fixed it ("" where only the NER label speaks)."""
    label = ent.label_
    doc = ent.doc
    before = doc[ent.start - 1] if ent.start > 0 else None
    after = doc[ent.end] if ent.end < len(doc) else None
    words = [t.text for t in ent]
    lower = [w.lower().rstrip(".") for w in words]
    if before is not None and before.lower_.rstrip(".") in TITLES:
        return "PERSON", "title"
    if lower and lower[-1] in ORG_SUFFIXES and label != "PERSON":
        return "ORG", "suffix"
    if after is not None and after.lower_.rstrip(".") in {"inc", "corp", "ltd", "llc", "plc", "co", "gmbh"}:
        return "ORG", "suffix"
    for d in descriptors:
        kind = _role_head(d)
        if kind:
            return kind, "role"
    if _product_like(words) and label in {"PERSON", "ORG", "PRODUCT", "WORK_OF_ART", ""}:
        return "PRODUCT", "product"
    if label == "PERSON":
        # "the Beatles", "the Music Store": a person's name takes no article
        if after_the or (len(lower) > 1 and lower[-1] in NOT_PERSON_HEADS):
            return ("ORG", "") if lower[-1] in NOT_PERSON_HEADS else ("", "")
    if label in {"GPE", "LOC"} and len(words) == 1 and words[0].replace(".", "").isupper() \
            and len(words[0].replace(".", "")) <= 3 and country(words[0]) is None \
            and words[0].replace(".", "") not in PLACE_ABBREVIATIONS:
        # "AI research": capitals the model mistakes for a place; let the collection decide
        return "", ""
    if label in WEAK_LABELS:
        return "", ""
    return label, ""


def _pronoun_target(
    tok: Token, names: list[Mention], sent_of: dict[int, int], subjects: set[int] | None = None,
    want: str | None = None,
) -> Mention | None:
    if want is None:
        want = "PERSON" if tok.lower_ in PERSON_PRONOUNS else None
    plural = tok.lower_ in PLURAL_PRONOUNS
    best = None
    best_subject = None
    for m in names:
        if m.start >= tok.idx:
            break
        if m.kind != "name":
            continue
        if want == "PERSON" and m.label != "PERSON":
            continue
        if want != "PERSON" and not plural and m.label not in {"ORG", ""}:
            continue
        if plural and m.label not in {"ORG", "NORP", ""}:
            continue
        best = m
        if subjects is not None and m.start in subjects:
            best_subject = m
    if best is None:
        return None
    # salience: a subject in this or the previous sentence outranks a more recent object
    if best_subject is not None and sent_of[tok.i] - best_subject.sentence <= 1:
        best = best_subject
    # an antecedent more than three sentences back is a guess, not a resolution
    if sent_of[tok.i] - best.sentence > 3:
        return None
    return best


def extract_mentions(doc: Doc, article_id: str, sent_of: dict[int, int]) -> list[Mention]:
    mentions: list[Mention] = []
    for ent in doc.ents:
        if ent.label_ not in KEEP_LABELS:
            continue
        span = _trim(ent)
        # "U.S." has no alphabetic token, but letters
        if not span or not any(ch.isalpha() for ch in span.text):
            continue
        if span.label_ == "NORP" and len(span) == 1 and span.root.pos_ == "ADJ":
            # "European airframer Airbus": a nationality adjective modifies, it names no one
            continue
        descriptors = _descriptor_for(span)
        after_the = ent[0].lower_ == "the" or (span.start > 0 and doc[span.start - 1].lower_ == "the")
        label, cue = _label(span, descriptors, after_the)
        text = strip_possessive(span.text)
        mentions.append(
            Mention(article_id, span.start_char, span.start_char + len(text), text, label, "name",
                    sent_of[span.start], cue=cue)
        )
        for d in descriptors:
            mentions.append(
                Mention(article_id, d.start_char, d.end_char, d.text, label, "descriptor",
                        sent_of[d.start], span.start_char, span.start_char + len(text))
            )
    bound = {(m.start, m.end) for m in mentions}
    covered = {i for m in mentions for i in range(m.start, m.end)}
    # free-standing role phrases: "the Orbital CEO", "the company"
    for chunk in doc.noun_chunks:
        if chunk[0].lower_ not in {"the", "a", "an"} or chunk.start_char in covered:
            continue
        kind = _role_head(chunk)
        if kind is None or (chunk.start_char, chunk.end_char) in bound:
            continue
        if chunk.root.ent_type_ in {"PERSON"}:
            continue
        mentions.append(
            Mention(article_id, chunk.start_char, chunk.end_char, chunk.text, kind, "descriptor",
                    sent_of[chunk.start])
        )
    _missed_defined_names(doc, article_id, sent_of, mentions)
    _defined_aliases(doc, article_id, sent_of, mentions)
    mentions.sort(key=lambda m: (m.start, m.end))
    names = [m for m in mentions if m.kind == "name"]
    # the small model often tags a lone surname as GPE or ORG ("Henderson said"); after the full
    # name was a PERSON in this article, the surname is that person
    surnames: set[str] = set()
    for m in names:
        words = m.text.split()
        if m.label == "PERSON" and len(words) > 1:
            surnames.add(words[-1])
        elif len(words) == 1 and m.text in surnames:
            m.label = "PERSON"
    subjects = {
        name_tok.idx for tok in doc if tok.dep_ in {"nsubj", "nsubjpass"}
        for name_tok in [doc[tok.left_edge.i if tok.pos_ == "PROPN" else tok.i]]
    }
    subjects |= {m.start for m in names if doc.char_span(m.start, m.end, alignment_mode="expand") is not None
                 and doc.char_span(m.start, m.end, alignment_mode="expand").root.dep_ in {"nsubj", "nsubjpass"}}
    # "the company said": a bare generic descriptor is the salient organisation just before it
    for m in mentions:
        words = m.text.lower().split()
        if m.kind == "descriptor" and m.ref_start is None and len(words) == 2 and words[0] == "the" \
                and words[1] in {"company", "firm", "group", "startup", "bank", "carrier", "maker", "ministry"}:
            first = doc.char_span(m.start, m.end, alignment_mode="expand")
            if first is None:
                continue
            target = _pronoun_target(first[0], names, sent_of, subjects, want="ORG")
            if target is not None:
                m.ref_start, m.ref_end, m.label = target.start, target.end, target.label
    last: tuple[int, Mention] | None = None
    for tok in doc:
        if tok.pos_ == "PRON" and tok.dep_ in {"nsubj", "nsubjpass"} and tok.lower_ in (
            PERSON_PRONOUNS | PLURAL_PRONOUNS | {"it"}
        ):
            target = _pronoun_target(tok, names, sent_of, subjects)
            # a run of "He said ... He added" keeps its referent past the three-sentence window
            if target is None and last is not None and tok.lower_ in PERSON_PRONOUNS \
                    and sent_of[tok.i] - last[0] <= 2:
                target = last[1]
            if target is not None and tok.lower_ in PERSON_PRONOUNS:
                last = (sent_of[tok.i], target)
            mentions.append(
                Mention(article_id, tok.idx, tok.idx + len(tok.text), tok.text,
                        target.label if target else "", "pronoun", sent_of[tok.i],
                        target.start if target else None, target.end if target else None)
            )
    mentions.sort(key=lambda m: (m.start, m.end))
    return mentions


def _spells(acronym: str, name: str) -> bool:
    """Whether the acronym's letters appear in order in the name, the first at a word's start
    (Schwartz & Hearst 2003): "GM" in "General Motors Corporation", "FLDS" in "Fundamentalist
    Church of Jesus Christ of Latter-Day Saints", not "GM" in "Ford"."""
    letters = [ch.lower() for ch in acronym if ch.isalnum()]
    text = name.lower()
    if not letters or not text or letters[0] != text[0]:
        return False
    pos = 0
    for ch in letters:
        pos = text.find(ch, pos)
        if pos < 0:
            return False
        pos += 1
    return True


NAME_JOINERS = {"of", "and", "for", "the", "on", "&", "de", "du", "la", "in"}


def _missed_defined_names(doc: Doc, article_id: str, sent_of: dict[int, int], mentions: list[Mention]) -> None:
    """A capitalised name the small NER model missed, found by the acronym the text defines for it:
    "the Lone Transport Union (LTU)" names a body although no entity was tagged. Only when the
    initials of the capitalised words just before the brackets spell the acronym exactly, and no
    name mention already covers those words."""
    covered = {i for m in mentions if m.kind == "name" for i in range(m.start, m.end)}
    for i in range(1, len(doc) - 2):
        if doc[i].text != "(" or doc[i + 2].text != ")":
            continue
        acr = doc[i + 1].text
        if not (2 <= len(acr) <= 6 and acr.isalpha() and acr.isupper()):
            continue
        j, initials = i, ""
        while j > 0 and len(initials) < len(acr):
            tok = doc[j - 1]
            if tok.text[:1].isupper() and tok.is_alpha and not tok.is_upper:
                initials = tok.text[0] + initials
            elif tok.lower_ not in NAME_JOINERS or not initials:
                break
            j -= 1
        while j < i and not doc[j].text[:1].isupper():  # a joiner cannot start the name
            j += 1
        if initials != acr or j >= i or any(k in covered for k in range(doc[j].idx, doc[i - 1].idx + 1)):
            continue
        label = doc[i + 1].ent_type_ if doc[i + 1].ent_type_ in KEEP_LABELS else "ORG"
        start, end = doc[j].idx, doc[i - 1].idx + len(doc[i - 1].text)
        mentions.append(Mention(article_id, start, end, doc_text(doc)[start:end], label, "name", sent_of[j]))
        covered.update(range(start, end))


def _defined_aliases(doc: Doc, article_id: str, sent_of: dict[int, int], mentions: list[Mention]) -> None:
    """A name followed by an acronym in brackets defines that acronym: the acronym's mention (made
    here when NER missed it) points to the long name."""
    names = {m.start: m for m in mentions if m.kind == "name"}
    for m in [m for m in mentions if m.kind == "name" and len(m.text.split()) > 1]:
        hit = DEFINED.match(doc_text(doc), m.end)
        if hit is None:
            continue
        acr = hit.group(1).rstrip(".")
        if acr.lower() == m.text.lower() or sum(ch.isupper() for ch in acr) < 2 or not _spells(acr, m.text):
            continue
        start = hit.start(1)
        alias = names.get(start)
        if alias is None:
            tok = doc.char_span(start, start + len(acr), alignment_mode="expand")
            if tok is None:
                continue
            alias = Mention(article_id, start, start + len(acr), acr, m.label, "name", sent_of[tok.start])
            mentions.append(alias)
            names[start] = alias
        alias.ref_start, alias.ref_end = m.start, m.end
        if m.label:
            alias.label = m.label
