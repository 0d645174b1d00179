"""Typed event frames from the dependency parse: trigger, actors, targets, amount, time, place.

The taxonomy is small and maps each type to the nearest CAMEO root code (Schrodt 2012, the codes
GDELT uses), so exports line up with event data people already use. Types with no CAMEO root
(business events such as acquisitions and hirings) carry the root CAMEO files them under, noted
in docs/EVENTS.md.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from ..model import Amount, EventMention, Mention, Quote, Span, TimeExpr

# type -> (CAMEO root, trigger lemmas: verbs and nouns)
TAXONOMY: dict[str, tuple[str, set[str]]] = {
    "statement": ("01", {"announce", "unveil", "disclose", "confirm"}),
    "appeal": ("02", {"appeal", "urge", "request", "plead"}),
    "offer": ("03", {"offer", "bid", "propose", "pledge", "proposal", "counteroffer", "tender"}),
    "meet": ("04", {"meet", "meeting", "visit", "negotiate", "talk", "negotiation", "summit"}),
    "agree": ("05", {"agree", "sign", "agreement", "deal", "partner", "partnership", "approve", "endorse", "accept"}),
    "acquire": ("06", {"acquire", "buy", "purchase", "takeover", "acquisition", "merge", "merger", "buyout"}),
    "invest": ("06", {"invest", "fund", "investment", "finance", "stake"}),
    "hire": ("06", {"hire", "appoint", "name", "recruit", "appointment"}),
    "yield": ("08", {"resign", "quit", "withdraw", "concede", "settle", "settlement", "retreat", "abandon", "drop"}),
    "investigate": ("09", {"investigate", "probe", "subpoena", "audit", "inquiry", "investigation", "examine"}),
    "demand": ("10", {"demand", "insist", "require"}),
    "criticize": ("11", {"criticize", "criticise", "accuse", "blame", "condemn", "denounce", "slam", "attack"}),
    "sue": ("11", {"sue", "lawsuit", "suit", "charge", "indict", "litigation", "complaint"}),
    "reject": ("12", {"reject", "refuse", "rebuff", "decline", "veto", "spurn", "rejection", "dismiss"}),
    "threaten": ("13", {"threaten", "threat", "ultimatum"}),
    "protest": ("14", {"protest", "strike", "boycott", "rally", "walkout"}),
    "coerce": ("17", {"sanction", "fine", "ban", "block", "seize", "arrest", "fire", "sack", "oust"}),
    "found": ("", {"found", "establish", "launch", "create", "start", "incorporate"}),
    "publish": ("01", {"publish", "release", "report", "file"}),
}
TRIGGERS = {lemma: (etype, cameo) for etype, (cameo, lemmas) in TAXONOMY.items() for lemma in lemmas}
# nouns that are events only with a participant attached ("a bid for Vexa", "Orbital's offer")
_GENERIC_VERBS = {"start", "file", "release", "report", "name", "drop", "fire", "block", "charge",
                  "create", "launch", "attack", "talk", "strike", "deal", "complaint", "suit"}


# "Orbital made a bid": the subject of a light verb is the actor of its event noun
_LIGHT_VERBS = {"make", "submit", "launch", "file", "place", "put", "table", "open", "bring", "issue",
                "lodge", "announce", "sign", "strike", "reach", "complete", "close", "finalize",
                "raise", "sweeten", "increase", "improve", "lift", "revise", "drop", "withdraw"}


def _mention_span(tok: Token, mentions: list[Mention]) -> Span | None:
    """The entity mention a token stands for (its name, or a pronoun/descriptor's referent)."""
    doc = tok.doc
    lo, hi = tok.left_edge.idx, tok.right_edge.idx + len(tok.right_edge.text)
    best: Mention | None = None
    for m in mentions:
        if m.start <= tok.idx < m.end:
            best = m
            break
        if lo <= m.start < hi and best is None and m.kind == "name" and m.start <= tok.idx + len(tok.text) + 40:
            best = m
    if best is None:
        return None
    if best.kind != "name" and best.ref_start is not None and best.ref_end is not None:
        return Span(best.article, best.ref_start, best.ref_end, doc.text[best.ref_start : best.ref_end])
    if best.kind == "pronoun":
        return None
    return Span(best.article, best.start, best.end, best.text)


def _args(trigger: Token, mentions: list[Mention]) -> tuple[list[Span], list[Span]]:
    actors: list[Span] = []
    targets: list[Span] = []

    def add(lst: list[Span], tok: Token) -> None:
        if tok.pos_ == "PRON" and tok.dep_ == "poss":
            return  # "its bid": the owner is the light verb's subject, found below
        sp = _mention_span(tok, mentions)
        if sp and all(sp.start != s.start for s in actors + targets):
            lst.append(sp)
        for conj in tok.children:
            if conj.dep_ == "conj":
                add(lst, conj)

    for child in trigger.children:
        if child.dep_ in {"nsubj", "poss", "agent"}:
            subj = child
            if child.dep_ == "agent":
                subj = next((c for c in child.children if c.dep_ == "pobj"), child)
            add(actors, subj)
        elif child.dep_ in {"dobj", "nsubjpass", "dative"}:
            add(targets, child)
        elif child.dep_ == "prep" and child.lower_ in {"for", "against", "to", "of", "with", "on", "into"}:
            for obj in child.children:
                if obj.dep_ == "pobj":
                    add(targets, obj)
        elif child.dep_ == "prep" and child.lower_ in {"from", "by"} and trigger.pos_ == "NOUN":
            for obj in child.children:
                if obj.dep_ == "pobj":
                    add(actors, obj)
        elif child.dep_ in {"xcomp", "advcl"} and child.lemma_.lower() in TRIGGERS:
            # "offered to buy Vexa": the offer's target is the purchase's object
            for obj in child.children:
                if obj.dep_ == "dobj":
                    add(targets, obj)
        elif child.dep_ == "compound" and trigger.pos_ == "NOUN":
            add(actors, child)
    if not actors and trigger.dep_ in {"xcomp", "conj", "advcl"}:
        for child in trigger.head.children:
            if child.dep_ == "nsubj":
                add(actors, child)
    if not actors and trigger.dep_ == "dobj" and trigger.head.lemma_ in _LIGHT_VERBS:
        head = trigger.head
        for child in head.children:
            if child.dep_ == "nsubj" and child is not trigger:
                add(actors, child)
    return actors, targets


def _nearest(items: list, start: int, end: int, sent_lo: int, sent_hi: int):  # type: ignore[no-untyped-def]
    inside = [x for x in items if sent_lo <= x.start < sent_hi]
    if not inside:
        return None
    return min(inside, key=lambda x: abs(x.start - start))


def _attached_time(trigger: Token, dates: list[TimeExpr]) -> TimeExpr | None:
    """A date that modifies the trigger itself, or the verb it completes ("agreed on Wednesday to
    acquire"), never just any date in the sentence ("rejected on Friday the offer made ...")."""
    doc = trigger.doc
    anchors = {trigger.i}
    if (trigger.dep_ in {"xcomp", "advcl"} or (trigger.dep_ == "dobj" and trigger.head.lemma_ in _LIGHT_VERBS)) \
            and trigger.head.pos_ in {"VERB", "AUX"}:
        anchors.add(trigger.head.i)
    for t in dates:
        span = doc.char_span(t.start, t.end, alignment_mode="expand")
        if span is None or not len(span):
            continue
        node = span.root
        for _ in range(4):
            node = node.head
            if node.i in anchors:
                return t
            if node.pos_ in {"VERB", "AUX"} or node.head is node:
                break
    return None


def extract_events(
    doc: Doc, article_id: str, mentions: list[Mention], amounts: list[Amount],
    times: list[TimeExpr], quotes: list[Quote], sent_of: dict[int, int],
) -> list[EventMention]:
    out: list[EventMention] = []
    money = [a for a in amounts if a.kind == "money"]
    dates = [t for t in times if t.type in {"DATE", "TIME"} and t.value and t.value[:1].isdigit()]
    for tok in doc:
        lemma = tok.lemma_.lower()
        if lemma not in TRIGGERS or tok.pos_ not in {"VERB", "NOUN"}:
            continue
        etype, cameo = TRIGGERS[lemma]
        head = tok.head
        if tok.dep_ in {"xcomp", "advcl"} and TRIGGERS.get(head.lemma_.lower(), ("",))[0] == "offer":
            continue  # folded into the offer that governs it
        actors, targets = _args(tok, mentions)
        sent = tok.sent
        amount = _nearest(money, tok.idx, tok.idx, sent.start_char, sent.end_char)
        if not actors and not targets:
            continue
        if lemma in _GENERIC_VERBS and not (actors and (targets or amount)):
            continue
        time = _attached_time(tok, dates)
        place = None
        for ent in sent.ents:
            if ent.label_ in {"GPE", "LOC"} and ent.root.head.lower_ in {"in", "at"}:
                place = ent.text
                break
        quote = next((q for q in quotes if q.start <= tok.idx < q.end), None)
        out.append(
            EventMention(
                id=f"{article_id}:e{len(out)}", article=article_id, type=etype, cameo=cameo,
                trigger=lemma, start=tok.idx, end=tok.idx + len(tok.text), sentence=sent_of[tok.i],
                sentence_start=sent.start_char, sentence_end=sent.end_char, actors=actors,
                targets=targets, amount=amount.id if amount else None,
                time=time.value if time else None, time_id=time.id if time else None, place=place,
                negated=any(c.dep_ == "neg" for c in tok.children),
                reported_by=quote.id if quote else None,
            )
        )
    return out
