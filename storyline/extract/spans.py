"""Small helpers over spaCy tokens shared by the extractors: noun phrases, speakers, sentences."""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

PERSON_PRONOUNS = {"he", "she", "him", "her", "his", "hers"}
ORG_PRONOUNS = {"it", "its"}
PLURAL_PRONOUNS = {"they", "them", "their"}
PRONOUNS = PERSON_PRONOUNS | ORG_PRONOUNS | PLURAL_PRONOUNS

TITLES = {"mr", "mrs", "ms", "dr", "sen", "senator", "rep", "gov", "president", "judge", "sir",
          "dame", "lord", "lady", "prof", "professor", "minister", "general", "gen"}

NAME_DEPS = {"compound", "flat", "nmod"}
NP_LEFT_DEPS = {"det", "amod", "compound", "nmod", "poss", "nummod", "quantmod", "case", "flat",
                "advmod", "npadvmod"}


def doc_text(doc: Doc) -> str:
    """The document's text, built once. spaCy joins the tokens again on every ``doc.text``, so a
    read inside a per-span loop makes extraction grow with the square of the article's length."""
    text = doc.user_data.get("storyline_text")
    if text is None:
        text = doc.user_data["storyline_text"] = doc.text
    return text


def is_pronoun(tok: Token) -> bool:
    return tok.lower_ in PRONOUNS and tok.pos_ == "PRON"


def name_span(tok: Token) -> Span:
    """The proper-name tokens around a PROPN head ("Dan Reyes" from "Reyes")."""
    doc = tok.doc
    start = end = tok.i
    while start - 1 >= 0 and doc[start - 1].pos_ == "PROPN" and doc[start - 1].head.i in range(
        start - 1, tok.i + 1
    ):
        start -= 1
    while end + 1 < len(doc) and doc[end + 1].pos_ == "PROPN" and doc[end + 1].head.i == tok.i:
        end += 1
    return doc[start : end + 1]


def noun_phrase(tok: Token) -> Span:
    """A noun phrase without its appositions, relative clauses or trailing punctuation."""
    doc = tok.doc
    left = tok.i
    right = tok.i

    def grow_left(t: Token) -> None:
        nonlocal left
        for child in t.lefts:
            if child.dep_ in NP_LEFT_DEPS:
                left = min(left, child.left_edge.i)

    grow_left(tok)
    for child in tok.rights:
        if child.dep_ in {"compound", "flat"}:
            right = max(right, child.right_edge.i)
        elif child.dep_ == "prep" and child.lower_ in {"of", "for", "at"} and child.i == right + 1:
            right = max(right, child.right_edge.i)
        elif child.dep_ in {"acl", "amod"} and child.i == right + 1 and child.right_edge.i - child.i < 6:
            # "two people familiar with the matter", "a person briefed on the talks"
            right = max(right, child.right_edge.i)
        else:
            break
    while right > left and (doc[right].is_punct or doc[right].is_space):
        right -= 1
    while left < right and (doc[left].is_punct or doc[left].is_space):
        left += 1
    return doc[left : right + 1]


def strip_possessive(text: str) -> str:
    for suffix in ("'s", "’s", "'", "’"):
        if text.endswith(suffix) and len(text) > len(suffix) + 1:
            return text[: -len(suffix)]
    return text


def sentence_index(doc: Doc) -> dict[int, int]:
    """token index -> sentence number"""
    out: dict[int, int] = {}
    for n, sent in enumerate(doc.sents):
        for tok in sent:
            out[tok.i] = n
    return out
