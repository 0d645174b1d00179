"""Attribution cues learned from PolNeAR's train compartment: which verbs attribute what to whom.

News attributes far more than speech: beliefs ("few experts believe that ..."), intentions ("has
vowed to bring back mining jobs"), accusations ("accused the audience of ..."), documents and polls
("the report found that ..."). A verb is an attribution cue through one of its dependents, the
*content*: a clause (``ccomp``), an infinitive (``xcomp``), its object, everything to its right, or
the object of one preposition ("complained about his mic"). ``scripts/mine_cues.py`` counts, over
the 840 train articles, how often each (lemma, content kind) pair spans a gold attribution; the
table it writes (``data/attribution_cues.json``) ships with the package. A pair is a cue when it
was seen often enough and was right often enough.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Token

CUE_TABLE = Path(__file__).parent / "data" / "attribution_cues.json"
MIN_SEEN = 3
MIN_PRECISION = 0.35
RIGHT_SKIP = {"punct", "cc", "conj", "advmod", "npadvmod", "advcl", "dep", "mark", "aux", "auxpass", "neg",
              "prt", "nsubj", "nsubjpass", "parataxis"}


def _edges(tok: Token) -> tuple[Token, Token]:
    return tok.left_edge, tok.right_edge


def cue_key(tok: Token) -> str | None:
    """Verbs by lemma; nouns ("Clinton's plan to ...", "the claim that ...") as ``n:lemma``."""
    if not tok.is_alpha:
        return None  # a dash or a symbol the tagger took for a verb
    if tok.pos_ in {"VERB", "AUX"}:
        return tok.lemma_.lower()
    if tok.pos_ == "NOUN":
        return "n:" + tok.lemma_.lower()
    return None


def noun_source(noun: Token) -> Token | None:
    """Whose plan, claim or call it is: "Clinton's plan", "a call by the ministry"."""
    for child in noun.children:
        if child.dep_ == "poss" and child.pos_ in {"PROPN", "NOUN", "PRON"}:
            return child
    for child in noun.children:
        if child.dep_ == "prep" and child.lower_ in {"by", "from"}:
            objs = [c for c in child.children if c.dep_ == "pobj"]
            if objs:
                return objs[0]
    return None


def content_candidates(verb: Token) -> dict[str, tuple[Token, Token]]:
    """The dependents of ``verb`` (a verb, or a noun with a source) that could be what it attributes:
    kind -> (first, last) token."""
    out: dict[str, tuple[Token, Token]] = {}
    if verb.pos_ == "NOUN":
        if noun_source(verb) is None:
            return out
        for child in verb.children:
            if child.i < verb.i:
                continue
            if child.dep_ in {"acl", "ccomp"}:
                out.setdefault("acl>", _edges(child))
            elif child.dep_ == "prep" and child.lower_ not in {"by", "from"}:
                objs = [c for c in child.children if c.dep_ in {"pobj", "pcomp"}]
                if objs:
                    out.setdefault("prep:" + child.lower_, (objs[0].left_edge, objs[-1].right_edge))
        return out
    rights = []
    for child in verb.children:
        dep = child.dep_
        side = ">" if child.i > verb.i else "<"
        if dep in {"ccomp", "xcomp"}:
            out.setdefault(dep + side, _edges(child))
        elif dep == "dobj" and side == ">":
            out.setdefault("dobj", _edges(child))
        elif dep == "prep" and side == ">":
            objs = [c for c in child.children if c.dep_ in {"pobj", "pcomp"}]
            if objs:
                out.setdefault("prep:" + child.lower_, (objs[0].left_edge, objs[-1].right_edge))
        if side == ">" and dep not in RIGHT_SKIP:
            rights.append(child)
    if len(rights) >= 2:
        out["right"] = (rights[0].left_edge, rights[-1].right_edge)
    # everything the verb governs to its right but punctuation and further verbs: "complained about his
    # mic the morning after the debate"
    rest = [c for c in verb.children if c.i > verb.i and c.dep_ not in {
        "punct", "cc", "conj", "parataxis", "nsubj", "nsubjpass", "expl", "aux", "auxpass", "neg", "prt"}]
    if rest and (len(rest) > len(rights) or len(rights) < 2):
        out["rest"] = (rest[0].left_edge, rest[-1].right_edge)
    return out


@lru_cache(maxsize=1)
def cue_table() -> dict[str, dict[str, list[int]]]:
    """lemma -> kind -> [times it spanned a gold attribution, times seen] (empty without the file)."""
    if not CUE_TABLE.exists():
        return {}
    return json.loads(CUE_TABLE.read_text(encoding="utf-8"))["cues"]


def precision(lemma: str, kind: str) -> float:
    hit, seen = cue_table().get(lemma, {}).get(kind, (0, 0))
    return hit / seen if seen >= MIN_SEEN else 0.0


def best_content(verb: Token, min_precision: float | None = None) -> tuple[str, Token, Token, float] | None:
    """The dependent most likely attributed by ``verb``, if the table makes it a cue at all."""
    if min_precision is None:
        min_precision = MIN_PRECISION
    key = cue_key(verb)
    row = cue_table().get(key) if key else None
    if not row or key is None:
        return None
    best = None
    for kind, (first, last) in content_candidates(verb).items():
        p = precision(key, kind)
        if p >= min_precision and (best is None or p > best[3]):
            best = (kind, first, last, p)
    return best
