"""Typed event frames from the dependency parse: trigger, actors, targets, amount, time, place.

The taxonomy is small and maps each type to the nearest CAMEO root code (Schrodt 2012, the codes
GDELT uses), so exports line up with event data people already use. Types with no CAMEO root
(business events such as acquisitions and hirings) carry the root CAMEO files them under, noted
in docs/EVENTS.md.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from ..model import Amount, EventMention, Mention, Quote, Span, TimeExpr
from .spans import doc_text

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
                "raise", "sweeten", "increase", "improve", "lift", "revise", "drop", "withdraw",
                "build", "take", "hold", "begin", "conclude", "seal"}


def _mention_span(tok: Token, mentions: list[Mention]) -> Span | None:
    """The entity mention a token stands for (its name, or a pronoun/descriptor's referent)."""
    doc = tok.doc
    if tok.lower_ in {"which", "who", "that"} and tok.head.dep_ == "relcl" and tok.head.head is not tok.head:
        tok = tok.head.head  # "Pixar, which was founded by Jobs": Pixar
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
        return Span(best.article, best.ref_start, best.ref_end, doc_text(doc)[best.ref_start : best.ref_end])
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
    if trigger.dep_ == "dobj" and trigger.head.lemma_ in _LIGHT_VERBS:
        head = trigger.head
        for child in head.children:
            if child.dep_ == "nsubj" and child is not trigger and not actors:
                add(actors, child)
            elif child.dep_ == "prep" and child.lower_ in {"against", "for", "to", "with", "on", "into"} \
                    and trigger.pos_ == "NOUN" and not targets:
                # "filed the suit against Google": the support verb carries the noun's target
                for obj in child.children:
                    if obj.dep_ == "pobj":
                        add(targets, obj)
    return actors, targets


def _token_range(doc: Doc, start: int, end: int) -> range:
    span = doc.char_span(start, end, alignment_mode="expand")
    return range(span.start, span.end) if span is not None else range(0)


def _nearest(items: list, start: int, end: int, sent_lo: int, sent_hi: int):  # type: ignore[no-untyped-def]
    inside = [x for x in items if sent_lo <= x.start < sent_hi]
    if not inside:
        return None
    return min(inside, key=lambda x: abs(x.start - start))


def _attached_time(trigger: Token, dates: list[TimeExpr]) -> TimeExpr | None:
    """A date that modifies the trigger itself, or the verb it completes ("agreed on Wednesday to
    acquire", "filed the suit on Friday"), or a participle that tells when a nominal event took place
    ("the lawsuit, filed Friday"), never just any date in the sentence ("rejected on Friday the offer
    made ...", "said on Tuesday it had sued")."""
    doc = trigger.doc
    anchors = {trigger.i}
    head = trigger.head
    if head.pos_ in {"VERB", "AUX"} and (
            trigger.dep_ in {"xcomp", "advcl"}
            or (trigger.dep_ in {"dobj", "nsubjpass"} and head.lemma_.lower() in _LIGHT_VERBS)):
        anchors.add(head.i)
    if trigger.pos_ == "NOUN":
        anchors |= {c.i for c in trigger.children if c.dep_ in {"acl", "relcl"} and c.pos_ == "VERB"}
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


# ---- the news line -------------------------------------------------------------------------

_IRREGULAR = {"be": "is", "have": "has", "do": "does", "go": "goes"}
# right-hand dependents that carry what the event is about; adverbial clauses, conjoined verbs and
# time modifiers are left out of a headline
_PREDICATE_DEPS = {"dobj", "dative", "prt", "prep", "xcomp", "acomp", "attr", "oprd", "agent", "ccomp"}
_MAX_WORDS = 12


def present(lemma: str, plural: bool = False) -> str:
    """The present tense of a verb lemma, third person ("file" -> "files", "be" -> "is")."""
    if plural:
        return "are" if lemma == "be" else lemma
    if lemma in _IRREGULAR:
        return _IRREGULAR[lemma]
    if lemma.endswith(("s", "sh", "ch", "x", "z", "o")):
        return lemma + "es"
    if len(lemma) > 1 and lemma.endswith("y") and lemma[-2] not in "aeiou":
        return lemma[:-1] + "ies"
    return lemma + "s"


def _is_plural(subj: Token) -> bool:
    # NNPS is left singular: "Orbital Dynamics offers", "General Motors files"
    return subj.tag_ == "NNS" or subj.lower_ in {"they", "we"} or any(c.dep_ == "conj" for c in subj.children)


_BREAKS = {";", "(", ")", "--", "—", ":"}
_QUOTES = {'"', "“", "”", "``", "''", "‘", "’"}


def _join(tokens: list[Token]) -> str:
    """Words as written, a space where the parse dropped words between them, no quote marks and no
    comma left beside a dropped phrase."""
    kept = {t.i for t in tokens}
    out = ""
    prev: Token | None = None
    for tok in tokens:
        if tok.text in _QUOTES or (tok.text == "," and not (tok.i - 1 in kept and tok.i + 1 in kept)):
            continue
        if prev is not None:
            out += prev.whitespace_ if tok.i == prev.i + 1 else " "
        out += tok.text
        prev = tok
    return out.strip().rstrip(".,;:").strip()


def _clip(tokens: list[Token]) -> str:
    """At most a headline's length, cut at a clause break and never inside a noun phrase."""
    kept: list[Token] = []
    for tok in tokens:
        if tok.text in _BREAKS:
            break
        kept.append(tok)
    if sum(1 for t in kept if not t.is_punct) > _MAX_WORDS:
        kept = kept[: _MAX_WORDS]
        while kept and not (kept[-1].pos_ in {"NOUN", "PROPN", "NUM", "PRON"} and kept[-1].dep_ != "compound"):
            kept.pop()
    return _join(kept)


def _verb_of(trigger: Token) -> Token | None:
    """The verb whose clause tells the event: the trigger, or the verb governing a nominal trigger
    ("filed a lawsuit") or an infinitive one ("agreed to buy")."""
    head = trigger.head
    if trigger.pos_ == "NOUN":
        if trigger.dep_ == "dobj" and head.pos_ == "VERB" and head.lemma_.lower() in _LIGHT_VERBS:
            return head
        return None
    if trigger.dep_ == "xcomp" and head.pos_ == "VERB":
        return head
    return trigger


def _subject(verb: Token) -> Token | None:
    node = verb
    for _ in range(3):
        subj = next((c for c in node.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
        if subj is not None:
            return subj
        if node.dep_ not in {"conj", "xcomp"} or node.head is node:
            return None
        node = node.head
    return None


_CUT_DEPS = {"relcl", "acl", "appos", "advcl", "parataxis"}


def _phrase(tok: Token, skip: set[int], keep_root_dep: bool = True) -> list[Token]:
    """``tok``'s words without relative clauses, appositions, adverbial clauses and time
    expressions ("the offer that Microsoft made in January" -> "the offer")."""
    out: list[Token] = []

    def walk(t: Token) -> None:
        if t.i in skip:
            return
        kids = list(t.children)
        if t.dep_ == "prep" and kids and all(k.i in skip for k in kids):
            return  # "in" of "in January"
        for k in kids:
            if k.i < t.i and k.dep_ not in _CUT_DEPS:
                walk(k)
        out.append(t)
        for k in kids:
            if k.i > t.i and k.dep_ not in _CUT_DEPS and not (k.dep_ == "conj" and k.pos_ in {"VERB", "AUX"}):
                walk(k)

    walk(tok)
    return out


def _subject_text(subj: Token, mentions: list[Mention], skip: set[int]) -> str:
    """The subject as written, or the name a pronoun or descriptor stands for; "" when neither."""
    if subj.lower_ in {"which", "who", "that"} and subj.head.dep_ == "relcl":
        subj = subj.head.head  # "Park, who founded the company": Park
    if subj.pos_ == "PRON":
        span = _mention_span(subj, mentions)
        return span.text if span and span.start != subj.idx else ""
    for m in mentions:
        if m.start <= subj.idx < m.end and m.kind == "descriptor" and m.ref_start is not None and m.ref_end is not None:
            return doc_text(subj.doc)[m.ref_start : m.ref_end]
    toks = _phrase(subj, skip)
    if len(toks) > 8:
        toks = [t for t in toks if t.i <= subj.i]  # "Microsoft's $44.6 billion bid"
    text = _join([t for t in toks if t.text not in _BREAKS])
    return text[:1].upper() + text[1:]


def headline(trigger: Token, mentions: list[Mention], skip: set[int]) -> str:
    """A news line from the sentence: subject + verb in the present tense + what follows it
    ("GM files for bankruptcy protection", "Three men arrested in Paris", "Orbital to buy Vexa").
    ``skip`` holds the token indices of time expressions, which the timeline shows on its own."""
    verb = _verb_of(trigger)
    if verb is None:
        # a nominal event with no verb of its own: its noun phrase ("Orbital's bid for Vexa")
        toks = [t for t in _phrase(trigger, skip) if not (t.i < trigger.i and t.dep_ == "det")]
        text = _clip(toks)
        return text[:1].upper() + text[1:] if len(text.split()) > 1 else ""
    subj = _subject(verb)
    if subj is None:
        return ""
    who = _subject_text(subj, mentions, skip)
    if not who:
        return ""
    passive = subj.dep_ == "nsubjpass" or any(c.dep_ == "auxpass" for c in verb.children)
    future = any(c.dep_ == "aux" and c.lower_ in {"will", "'ll", "shall"} for c in verb.children)
    if passive:
        form = verb.text.lower() if verb.tag_ == "VBN" else verb.text
    elif future:
        form = f"to {verb.lemma_.lower()}"
    else:
        form = present(verb.lemma_.lower(), _is_plural(subj))
    rest: list[Token] = []
    for child in verb.rights:
        if child.dep_ not in _PREDICATE_DEPS:
            if child.dep_ == "punct" and rest:
                break
            continue
        rest += _phrase(child, skip)
    line = f"{who} {form} {_clip(rest)}".strip()
    return line


def frame(
    tok: Token, event_id: str, article_id: str, mentions: list[Mention], amounts: list[Amount],
    times: list[TimeExpr], quotes: list[Quote], sent_of: dict[int, int], etype: str, cameo: str,
) -> EventMention:
    """The event frame of one trigger token: its participants in their roles, amount, own time
    (``time_source`` "text") or none ("published"), place and news line."""
    doc = tok.doc
    money = [a for a in amounts if a.kind == "money"]
    dates = [t for t in times if t.type in {"DATE", "TIME"} and t.value and t.value[:1].isdigit()]
    actors, targets = _args(tok, mentions)
    sent = tok.sent
    amount = _nearest(money, tok.idx, tok.idx, sent.start_char, sent.end_char)
    time = _attached_time(tok, dates)
    # dates and times leave the line (the timeline shows them); durations stay ("decades-long")
    skip = {i for t in times if sent.start_char <= t.start < sent.end_char and t.type in {"DATE", "TIME"}
            for i in _token_range(doc, t.start, t.end)}
    place = None
    for ent in sent.ents:
        if ent.label_ in {"GPE", "LOC"} and ent.root.head.lower_ in {"in", "at"}:
            place = ent.text
            break
    quote = next((q for q in quotes if q.start <= tok.idx < q.end), None)
    return EventMention(
        id=event_id, article=article_id, type=etype, cameo=cameo,
        trigger=tok.lemma_.lower(), start=tok.idx, end=tok.idx + len(tok.text), sentence=sent_of[tok.i],
        sentence_start=sent.start_char, sentence_end=sent.end_char, actors=actors,
        targets=targets, amount=amount.id if amount else None,
        time=time.value if time else None, time_id=time.id if time else None, place=place,
        negated=any(c.dep_ == "neg" for c in tok.children),
        reported_by=quote.id if quote else None,
        time_source="text" if time else "published", headline=headline(tok, mentions, skip),
    )


_SUPPORT_ONLY = {"file", "make", "submit", "lodge", "place", "issue", "table", "put", "bring"}


def _supports(verb: Token, etype: str) -> bool:
    if verb.pos_ != "VERB" or verb.lemma_.lower() not in _LIGHT_VERBS:
        return False
    for obj in verb.children:
        kind = TRIGGERS.get(obj.lemma_.lower())
        if obj.dep_ == "dobj" and obj.pos_ == "NOUN" and kind and (kind[0] == etype or verb.lemma_.lower() in _SUPPORT_ONLY):
            return True
    return False


def extract_events(
    doc: Doc, article_id: str, mentions: list[Mention], amounts: list[Amount],
    times: list[TimeExpr], quotes: list[Quote], sent_of: dict[int, int],
) -> list[EventMention]:
    out: list[EventMention] = []
    for tok in doc:
        lemma = tok.lemma_.lower()
        if lemma not in TRIGGERS or tok.pos_ not in {"VERB", "NOUN"}:
            continue
        etype, cameo = TRIGGERS[lemma]
        head = tok.head
        if tok.dep_ in {"xcomp", "advcl"} and TRIGGERS.get(head.lemma_.lower(), ("",))[0] == "offer":
            continue  # folded into the offer that governs it
        if _supports(tok, etype):
            continue  # "filed a lawsuit": the lawsuit is the event, the filing its support verb
        ev = frame(tok, f"{article_id}:e{len(out)}", article_id, mentions, amounts, times, quotes, sent_of, etype, cameo)
        if not ev.actors and not ev.targets:
            continue
        if lemma in _GENERIC_VERBS and not (ev.actors and (ev.targets or ev.amount)):
            continue
        out.append(ev)
    return out
