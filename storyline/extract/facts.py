"""Facts: every value a reader compares across outlets, with what it measures.

A fact is a count ("killing 12 people"), money, a percentage, a quantity (a magnitude, a distance),
an age, a duration ("a 20-year sentence" -> P20Y) or a date of an event, plus its **measure**: the
counted noun and the predicate that governs it, lemmatized and folded to a small set of shared
predicates so outlets' wordings meet ("12 people were killed", "killing 12", "a death toll of 12",
"12 dead" -> ``people|kill``). The measure comes from the dependency parse, the way Open IE systems
read a relation off the path between an argument and its verb (Fader et al. 2011, ReVerb); nothing
here is trained.

Not amounts: ages ("a 42-year-old", "aged 42": kind ``age``, never compared with counts), ordinals,
list names ("10 Most Wanted"), years and calendar dates (kind ``date``), clock times, phone numbers,
scores ("3-1"), model names ("AK-47", "Boeing 737"), and a number inside a parenthetical conversion
of the value before it ("seven km (4 miles)").

Who asserts a value: the speaker of the quote it sits in, or of a reporting verb that governs it
("..., officials said", "according to the USGS"), else the outlet.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Token

from ..lexicon import SUBUNITS
from ..model import Amount, Fact, Quote
from .amounts import QUALIFIERS, SMALL_NUMBERS, qualifier_before
from .spans import doc_text, noun_phrase

# the shared predicates outlets' wordings fold into
PREDICATES = {
    "kill": {"kill", "die", "dead", "death", "toll", "fatality", "perish", "casualty", "body",
             "slay", "murder", "claim", "life"},
    "injure": {"injure", "wound", "hurt", "injury", "injured", "wounded", "treat", "hospitalize", "receive"},
    "destroy": {"destroy", "flatten", "level", "raze", "demolish", "destruction"},
    "damage": {"damage"},
    "arrest": {"arrest", "detain", "capture", "apprehend", "nab", "catch", "seize_people", "hold"},
    "seize": {"seize", "confiscate", "recover", "find"},
    "evacuate": {"evacuate", "flee", "displace"},
    "population": {"home", "population", "inhabit", "resident", "inhabitant", "populate", "house"},
    "strike": {"strike", "hit", "jolt", "shake", "rock", "rattle", "quake", "earthquake", "temblor",
               "tremor"},
    "expel": {"oust", "eject", "excommunicate", "expel"},
    "sentence": {"sentence", "jail", "imprison"},
    "charge": {"charge", "accuse", "indict"},
    "cut": {"cut", "eliminate", "lay", "slash", "shed"},
    "drop": {"drop", "fire", "launch"},
    "shelter": {"shelter", "refuge"},
}
_PRED_OF = {lemma: p for p, lemmas in PREDICATES.items() for lemma in lemmas}
# nouns that name a toll: the count they hold is of people killed or hurt
_TOLL_NOUNS = {"toll": "kill", "body": "kill", "death": "kill", "dead": "kill", "casualty": "kill", "fatality": "kill",
               "injury": "injure", "wounded": "injure", "injured": "injure", "population": "population",
               "resident": "population", "inhabitant": "population"}
# "home to N", "a city of N": the count is a population
_HOLDERS = {"home", "city", "town", "camp", "island", "community", "population", "village", "country"}
# people counted under any of these names are one group for a toll
_PEOPLE = {"people", "person", "persons", "man", "woman", "civilian", "villager", "resident",
           "refugee", "palestinian", "israeli", "citizen", "individual", "victim", "worker",
           "passenger", "inhabitant", "one", "other", "dead", "wounded", "injured", ""}
_SAY = {"say", "tell", "report", "quote", "announce", "confirm", "state", "claim", "estimate",
        "add", "put", "indicate", "record", "show", "allege", "list", "register", "describe", "identify",
        "value", "accuse", "insist", "believe"}
_TIME_UNITS = {"year": "Y", "month": "M", "week": "W", "day": "D", "hour": "H", "minute": "M",
               "second": "S", "decade": "DE"}
_LENGTH = {"km": 1.0, "kilometre": 1.0, "kilometer": 1.0, "kilometres": 1.0, "kilometers": 1.0,
           "mile": 1.609344, "miles": 1.609344, "metre": 0.001, "meter": 0.001, "metres": 0.001,
           "meters": 0.001, "m": 0.001, "foot": 0.0003048, "feet": 0.0003048, "ft": 0.0003048}
_OFFSET_WORDS = {"after", "before", "ago", "later", "earlier", "since", "from", "prior", "into"}
_MAGNITUDE = {"magnitude", "richter", "measure", "register", "scale", "force", "quake", "earthquake",
              "tremor", "temblor"}
_WORD_NUMBERS = {**{k: v for k, v in SMALL_NUMBERS.items() if v is not None and k not in {"a", "an", "half"}},
                 "thirteen": 13, "fourteen": 14, "sixteen": 16, "seventeen": 17, "eighteen": 18,
                 "nineteen": 19, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_QUAL_CODE = {"more than": "more_than", "at least": "at_least", "up to": "up_to", "at most": "at_most",
              "less than": "less_than", "about": "about", "range": "range"}
_NUM_RE = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_CLOCK = re.compile(r"\b(?P<h>[01]?\d|2[0-3])(?:[:.](?P<m>[0-5]\d))\s*(?P<ap>[ap]\.?\s?m\b\.?)?"
                    r"|\b(?P<h2>1[0-2]|0?[1-9])\s*(?P<ap2>[ap]\.?\s?m\b\.?)"
                    r"|\b(?P<hm>[01]\d[0-5]\d)\s*(?P<z>GMT|UTC)\b", re.I)
_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december"]
_MONTH_RE = "|".join(m.capitalize() for m in _MONTHS) + "|" + "|".join(
    m[:3].capitalize() + r"\.?" for m in _MONTHS) + r"|Sept\.?"
_DATE = re.compile(rf"\b(?P<mon>{_MONTH_RE})\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>(?:19|20)\d\d))?"
                   rf"|\b(?P<day2>[0-3]?\d)\s+(?P<mon2>{_MONTH_RE})(?:\s+(?P<year2>(?:19|20)\d\d))?"
                   r"|\b(?:in|since|of|until|by)\s+(?P<year3>(?:19|20)\d\d)\b")


_MONTH_WORDS = set(_MONTHS) | {m[:3] for m in _MONTHS} | {"sept"}


def _number_value(toks: list[Token]) -> float | None:
    return parse_number(" ".join(t.text for t in toks))


def parse_number(text: str) -> float | None:
    """The value of a number as news writes it: "120,000", "4.5 million", "twenty-five", "a dozen"
    (with its article), "Seven"; None for anything else."""
    words = [w.replace(",", "") for w in re.split(r"\s+|(?<=[a-z])-(?=[a-z])", text.lower().strip()) if w]
    if words[:1] == ["a"] and words[1:] == ["dozen"]:
        words = ["dozen"]
    if any(w.count(",") for w in text.split()) and not re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", text.split()[0]):
        return None  # "1,00" is not a number
    if not words:
        return None
    value: float | None = None
    for w in words:
        if re.fullmatch(r"\d+(?:\.\d+)?", w):
            value = float(w) if value is None else value * float(w)
        elif w == "dozen":
            value = 12.0 * (value or 1)  # "two dozen" is 24
        elif w in _WORD_NUMBERS:
            n = float(_WORD_NUMBERS[w])
            if value is None:
                value = n
            elif n >= 100:
                value *= n
            else:
                value += n
        elif w in {"million", "billion", "thousand", "trillion"} and value is not None:
            value *= {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}[w]
        elif w == "dozen":
            value = 12.0 * (value or 1)
        elif w == "-":
            continue
        else:
            return None
    return value


def _is_number(tok: Token) -> bool:
    w = tok.lower_
    if w in {"dozen", "hundred"} and tok.i > 0 and tok.nbor(-1).lower_ in {"several", "few", "many"}:
        return False  # "several dozen", "a few hundred": vague, no value
    return bool(_NUM_RE.match(w)) or w in _WORD_NUMBERS


def _predicate(lemma: str) -> str:
    if lemma.endswith("ing") and lemma not in _PRED_OF and len(lemma) > 5:
        lemma = lemma[:-3]  # "the sinking" -> sink
    return _PRED_OF.get(lemma, lemma)


def _governor(tok: Token) -> Token | None:
    """The verb or adjective the noun phrase of ``tok`` is an argument of."""
    node = tok
    for _ in range(4):
        if node.dep_ in {"ROOT"} and node == tok:
            return None
        head = node.head
        if head == node:
            return None
        if node.dep_ == "conj" and node.pos_ in {"NOUN", "PROPN"} and head.pos_ in {"VERB", "AUX"}:
            # "a receptionist died and two men ... underwent surgery": a noun is not coordinated
            # with a verb; the parser lost the men's own verb, so the value has no governor
            return None
        if head.pos_ in {"VERB", "AUX"} or (head.pos_ == "ADJ" and head.lemma_.lower() in _PRED_OF):
            return head
        if head.pos_ == "ADP" or head.dep_ in {"prep", "agent"}:
            node = head
            continue
        if head.pos_ in {"NOUN", "PROPN"} and node.dep_ in {"pobj", "appos", "conj", "nummod"}:
            node = head
            continue
        return None
    return None


def _measure(num: Token) -> tuple[str, str, bool]:
    """(counted noun, predicate, negated) for a number token."""
    noun = num
    if num.dep_ in {"compound", "nummod"} and _model(num.head) and num.head.head.pos_ in {"NOUN", "PROPN"} \
            and num.head.head != num.head:
        noun = num.head  # "six AK-47 rifles" parsed as six -> AK-47 -> rifles: the count is of the rifles
    if num.dep_ in {"nummod", "quantmod", "compound", "amod"} and noun.head.pos_ in {"NOUN", "PROPN", "ADJ"}:
        noun = noun.head
    while noun.dep_ in {"nummod", "quantmod"} and noun.head != noun and noun.head.pos_ in {"NUM", "NOUN"}:
        noun = noun.head
    part = _partitive(num) if noun == num else None
    if part is not None:
        noun = part  # "at least 12 of one family" counts members of a family
    noun_lemma = "" if noun == num else noun.lemma_.lower()
    if noun != num:
        # "seven AK-47 assault rifles", "12 AK 47 guns", "seven AK-47s": a model name says what is
        # counted more exactly than the class noun outlets vary ("rifles", "guns", "assault rifles")
        model = _model(noun) or next((m for c in noun.children if c.i < noun.i and c != num
                                      and c.dep_ in {"compound", "nmod", "nummod", "amod"} for m in [_model(c)] if m), "")
        if model:
            noun_lemma = model
    noun_lemma = re.sub(r"(?<=\d)s$", "", noun_lemma)
    if noun != num and noun.ent_type_ == "NORP":
        noun_lemma = "people"
    # "a death toll of 12", "the toll rose to 10", "12 dead", "the 80 wounded"
    pred = ""
    via = noun.head
    if noun.dep_ == "pobj" and via.lower_ in {"of", "to"} and via.head.lemma_.lower() in _HOLDERS:
        pred = "population"  # "home to 120,000 people", "a city of 160,000", "population of 1,000"
    if noun != num and _PRED_OF.get(noun_lemma) in {"kill", "injure"} and noun.dep_ == "conj":
        # "Leaves Woman Dead and 2 Hurt": the count's own word says what happened, not its conjunct's
        pred, noun_lemma = _PRED_OF[noun_lemma], "people"
    for cand in [] if pred else [noun, *noun.children, *[c for c in noun.head.children if c.dep_ in {"compound", "nsubj"}], noun.head]:
        lemma = cand.lemma_.lower()
        if lemma in _TOLL_NOUNS and cand.i != num.i:
            pred = _TOLL_NOUNS[lemma]
            break
    neg = False
    for child in noun.children:
        # "30 people killed", "people injured in the attack"
        if child.dep_ in {"acl", "amod", "relcl"} and _predicate(child.lemma_.lower()) in PREDICATES and not pred:
            pred = _predicate(child.lemma_.lower())
    gov = _governor(num if part is not None else noun)
    if gov is not None:
        neg = any(c.dep_ == "neg" for c in gov.children)
        if not pred:
            for c in gov.children:
                cl = c.lemma_.lower()
                if c.dep_ in {"nsubj", "nsubjpass", "dobj"} and cl in _TOLL_NOUNS and c != noun:
                    pred = _TOLL_NOUNS[cl]  # "put the death toll at 40", "the toll rose to 10"
                elif c.dep_ in {"oprd", "acomp", "xcomp"} and _PRED_OF.get(cl) in {"kill", "injure"}:
                    pred = _PRED_OF[cl]  # "confirmed dead", "recorded 24 people dead"
        if not pred:
            lemma = gov.lemma_.lower()
            if lemma in {"be", "have", "leave", "bring", "rise", "climb", "reach", "increase", "stand"}:
                # "leaving 40 people dead", "the toll rose to 10": the toll word sits elsewhere
                for c in gov.children:
                    cl = c.lemma_.lower()
                    if cl in _TOLL_NOUNS:
                        pred = _TOLL_NOUNS[cl]
                    elif c.dep_ in {"oprd", "acomp", "ccomp", "xcomp"} and _predicate(cl) in PREDICATES:
                        pred = _predicate(cl)
                    for cc in c.children:
                        if cc.lemma_.lower() in _TOLL_NOUNS:
                            pred = pred or _TOLL_NOUNS[cc.lemma_.lower()]
            if not pred and noun == num:
                # "bringing to 10 the number of Israelis who have been killed", "the number of
                # dead rose to 24": the counted noun and its predicate sit in "the number of X"
                counted = _number_of(gov, num)
                if counted is not None:
                    noun, (noun_lemma, pred) = counted[0], counted[1]
            if not pred and lemma in _LIGHT_VERBS:
                # "350 people were taking shelter", "had sought refuge": the noun carries the meaning
                obj = next((c for c in gov.children if c.dep_ == "dobj" and c.pos_ == "NOUN" and c != noun), None)
                if obj is not None and obj.lemma_.lower() in _PRED_OF:
                    pred = _PRED_OF[obj.lemma_.lower()]
            if not pred:
                # "about 800 people live in the community" is its population; only as the clause's
                # verb ("5,000 people living near the volcano were evacuated" counts the evacuated)
                pred = "population" if lemma in {"live", "reside"} and noun_lemma in _PEOPLE else _predicate(lemma)
    if not pred and noun_lemma in _PRED_OF and noun != num:
        pred, noun_lemma = _PRED_OF[noun_lemma], ""  # a headline's "Kills 10" tagged as a noun
    if noun_lemma in _PEOPLE or (pred in {"kill", "injure"} and noun.pos_ == "PROPN"):
        noun_lemma = "people" if pred in {"kill", "injure", "evacuate", "arrest", "population"} or noun_lemma else ""
    if noun_lemma in _TOLL_NOUNS:
        pred = pred or _TOLL_NOUNS[noun_lemma]
        noun_lemma = "people" if _TOLL_NOUNS[noun_lemma] != "population" else "people"
    sub = _subset(num, noun)
    if not sub and noun_lemma and noun_lemma not in _PEOPLE | _PLACES and pred not in {"kill", "injure", "population"} \
            and _running_total(num.sent.text):
        # "has seized a total of 14 rifles during the five operations", "so far, the navy has
        # confiscated 14": things summed over several happenings, not one haul. A toll "so far" is
        # the toll itself, and "to date, 23 states have legalized it" is how many states there are
        sub = "total"
    if sub:
        noun_lemma = f"{noun_lemma or 'people'}~{sub}"
        if sub == "severe":
            noun_lemma, pred = "people~severe", "injure"  # "in critical condition" is said of the hurt
    return noun_lemma, pred, neg


def _model(tok: Token) -> str:
    """A model name ("AK-47", "AK 47", "F-16s", "M16"): letters and digits in one name, folded to
    one spelling ("ak47"); "" for anything else, a bare number or a word."""
    text = tok.text
    if tok.pos_ == "PROPN" and text.isalpha() and text.isupper() and tok.i + 1 < len(tok.doc) \
            and tok.nbor(1).text.isdigit() and tok.nbor(1).head in {tok, tok.head}:
        text = f"{text}{tok.nbor(1).text}"  # "AK 47" spelled apart
    folded = re.sub(r"[-\s]", "", text.lower())
    folded = re.sub(r"(?<=\d)s$", "", folded)
    return folded if re.fullmatch(r"[a-z]{1,4}\d{1,4}[a-z]?", folded) else ""


def _partitive(num: Token) -> Token | None:
    """The noun a bare number counts through "of": "12 of one family" -> family. "30 of the 80
    wounded" is a part of a total stated elsewhere and is left alone."""
    for c in num.children:
        if c.dep_ == "prep" and c.lower_ == "of":
            for o in c.children:
                if o.dep_ == "pobj" and o.pos_ == "NOUN" and not any(
                        d.lower_ in {"the", "these", "those", "them", "whom"} or d.dep_ == "poss"
                        for d in o.children):
                    return o
    return None


_LIGHT_VERBS = {"take", "seek", "find", "suffer", "sustain"}
_TALLY = {"number", "total", "tally", "count", "figure", "toll"}


def _number_of(gov: Token, num: Token) -> tuple[Token, tuple[str, str]] | None:
    """(X, (noun, predicate)) for "the number of X killed" among the arguments of ``gov``."""
    for c in gov.children:
        if c.lemma_.lower() not in _TALLY or c.i == num.i or c.is_ancestor(num):
            continue
        for prep in c.children:
            if prep.dep_ != "prep" or prep.lower_ != "of":
                continue
            for x in prep.children:
                if x.dep_ != "pobj":
                    continue
                lemma = x.lemma_.lower()
                if lemma in _TOLL_NOUNS:
                    return x, ("people", _TOLL_NOUNS[lemma])
                for v in (*x.children, *c.children):  # the parser hangs "killed" on either noun
                    pred = _predicate(v.lemma_.lower())
                    if v.dep_ in {"acl", "relcl", "amod"} and pred in PREDICATES:
                        people = lemma in _PEOPLE or x.ent_type_ == "NORP" or lemma.rstrip("s") in _PEOPLE
                        return x, ("people" if people else lemma, pred)
    return None


# a count of the worst-hit part or of the gravely hurt is a subset of the whole count, its own measure:
# "the 12 worst-hit villages" vs "seven villages destroyed"; "55 wounded, 15 critically"
_SEVERE = {"critically", "seriously", "severely", "gravely", "critical", "serious"}


# things that come in models ("AK-47", "F-16", "T-72"): a bare one listed after a model is another kind
_MODELLED = {"gun", "rifle", "weapon", "firearm", "pistol", "launcher", "plane", "aircraft", "jet", "fighter",
             "helicopter", "tank", "missile", "rocket", "vehicle"}
_PLACES = {"state", "country", "nation", "city", "province", "county", "district", "town", "village", "region"}
_RUNNING = re.compile(r"(?i)\b(?:so far|thus far|to date|in all)\b")
_OCCASIONS = re.compile(r"(?i)\b(?:during|over|in|across)\s+(?:the|its|their|all)?\s*\S+\s+"
                        r"(?:operations|raids|attacks|missions|patrols|years|months|weeks)\b")


def _running_total(sentence: str) -> bool:
    """The sentence sums over several happenings: "so far", "to date", or "a total of" with the
    occasions it sums over ("during the five operations"); "the boats had a total of 26 crew" is
    one count."""
    return bool(_RUNNING.search(sentence)) or "a total of" in sentence.lower() and bool(_OCCASIONS.search(sentence))


def _subset(num: Token, noun: Token) -> str:
    between = num.doc[num.i + 1 : noun.i] if noun.i > num.i else []
    if any(t.tag_ in {"JJS", "RBS"} or re.match(r"(?i)(worst|hardest|most|best)\b", t.text) for t in between):
        return "most"  # "the four hardest-hit villages", "the 12 most affected"
    if any(t.lower_ == "other" and t.head == noun for t in between):
        # "seven AK-47s, three other rifles", "four other people died": counted besides a set the
        # sentence names, not the whole count
        return "other"
    if noun.dep_ in {"conj", "appos"} and noun.head.i < noun.i and noun.lemma_.lower() in _MODELLED \
            and not _model(noun) and (_model(noun.head) or any(_model(c) for c in noun.head.children if c.i < noun.head.i)):
        return "other"  # "12 AK-47 guns, three rifles": listed after a model of them, the rest
    for c in (*noun.children, *num.children):
        if c.lower_ in _SEVERE:
            return "severe"
    nxt = num.doc[num.i + 1 : num.i + 4]
    if nxt and nxt[0].lower_ in _SEVERE:
        return "severe"  # "15 critically", "five of them critically" is read by the partitive rule
    # "10 of whom remain critical"
    if any(t.lower_ == "of" for t in nxt[:1]) and any(t.lower_ in _SEVERE for t in num.doc[num.i + 1 : num.i + 6]):
        return "severe"
    return ""


# the causes outlets name a toll by, folded so "the quake", "the earthquake" and "the temblor" meet
_AGENTS = {"earthquake": "quake", "temblor": "quake", "tremor": "quake", "quake": "quake",
           "shell": "attack", "shelling": "attack", "strike": "attack", "attack": "attack",
           "bombing": "attack", "bomb": "attack", "missile": "attack", "raid": "attack", "blast": "attack",
           "explosion": "attack", "mortar": "attack", "gunman": "shooter", "shooter": "shooter"}


def agent_of(num: Token) -> str:
    """What the value's clause says did it: "the tsunami that killed 168,000" -> tsunami.

    Two tolls with different causes named (a quake's and a tsunami's) are two facts."""
    noun = num.head if num.dep_ in {"nummod", "quantmod"} else num
    gov = _governor(noun)
    if gov is None:
        return ""
    subj = None
    for c in gov.children:
        if c.dep_ == "agent":
            subj = next((o for o in c.children if o.dep_ == "pobj"), None)
        elif c.dep_ == "nsubj" and c != noun and not c.is_ancestor(num):
            subj = c
    if subj is not None and subj.lower_ in {"that", "which", "who"} and gov.dep_ == "relcl":
        subj = gov.head
    if subj is None and gov.dep_ in {"advcl", "conj", "xcomp"} and gov.tag_ == "VBG":
        # "a quake struck ..., killing 10"
        subj = next((c for c in gov.head.children if c.dep_ == "nsubj"), None)
    if subj is None or subj.pos_ not in {"NOUN", "PROPN"}:
        return ""
    lemma = subj.lemma_.lower()
    if lemma in _TALLY:
        return ""  # "the number of dead rose to 24": the tally, not a cause
    return _AGENTS.get(lemma, lemma)


_PERSON_NOUNS = {"man", "woman", "child", "boy", "girl", "adult", "soldier", "civilian", "officer",
                 "men", "women", "children", "student", "worker"}


def _part_of_a_total(num: Token) -> bool:
    """A count that adds to or breaks down another: "another two people", "four more", "two women
    and one man" (a breakdown of three dead)."""
    noun = num.head if num.dep_ in {"nummod", "quantmod"} else num
    for t in (*noun.children, *num.children):
        if t.lower_ in {"another", "further", "additional", "more", "extra"} and t.i < num.i + 2 and t.dep_ in {"det", "amod", "advmod"} \
                and not (t.i + 1 < len(t.doc) and t.nbor(1).lower_ == "than"):
            return True  # ("more than 300" is a bound, not "300 more")
    counts = sorted(c.i for c in noun.children if c.dep_ == "nummod")
    if num.dep_ == "nummod" and len(counts) > 1 and any(
            t.lower_ in {"and", "or"} for t in noun.doc[counts[0] : counts[-1]]):
        return True  # "12 Somali and 11 Yemeni pirates": two counts of one noun break a group down

    def person(t: Token) -> bool:
        return t.lemma_.lower() in _PERSON_NOUNS or t.ent_type_ == "NORP"

    if person(noun):
        # "two women and one man", "12 Somalis and 11 Yemenis": a breakdown of one group
        kin = [c for c in noun.children if c.dep_ == "conj"] + ([noun.head] if noun.dep_ == "conj" else [])
        if any(person(k) and k.lemma_.lower() != noun.lemma_.lower() for k in kin):
            return True
    return False


# units smaller than the area a story covers: a figure "in X district" is that part's figure


def place_of(num: Token) -> str:
    """Where the clause puts the value ("killed 10 in Baghdad", "in 13 countries"), if a place."""
    noun = num.head if num.dep_ in {"nummod", "quantmod"} else num
    gov = _governor(noun)
    if gov is None:
        return ""
    # the nearest place phrase: "killed 170,000 people in the province and tens of thousands more in
    # countries around the ocean" puts 170,000 in the province whatever the parser hangs where
    for c in sorted([*gov.children, *noun.children], key=lambda t: abs(t.i - num.i)):
        if c.dep_ == "prep" and c.lower_ in {"in", "across", "around"}:
            for o in c.children:
                if o.dep_ == "pobj" and (o.ent_type_ in {"GPE", "LOC"} or o.pos_ == "PROPN" and o.ent_type_ == "NORP"):
                    return o.text.lower()  # the tagger calls an island a nationality: "in Sumatra"
                if o.dep_ == "pobj" and o.lemma_.lower() in {"province", "region", "country", "state", "asia", "ocean"}:
                    comp = [x.text.lower() for x in o.children if x.ent_type_ in {"GPE", "LOC"} or x.dep_ == "poss"]
                    return comp[0].removesuffix("'s") if comp else o.lemma_.lower()
                if o.dep_ == "pobj" and o.lemma_.lower() in SUBUNITS:
                    # "in Central Aceh district": a part of the area the story covers, not its name
                    comp = [x.text.lower() for x in o.children if x.dep_ in {"compound", "poss", "amod"}]
                    return " ".join([*comp, o.lemma_.lower()])
    return _part_of_clause(gov)


def _part_of_clause(gov: Token) -> str:
    """A part of the area ("in Bener Meriah district") named anywhere in coordinated clauses, one of
    which holds the value: "Twelve people were killed and 70 others were injured by
    a landslide or collapsing buildings in Bener Meriah district" puts both figures there."""
    clauses = [gov, *(c for c in gov.children if c.dep_ == "conj" and c.pos_ in {"VERB", "AUX"})]
    if gov.dep_ == "conj" and gov.head.pos_ in {"VERB", "AUX"}:
        clauses.append(gov.head)
    if len(clauses) < 2:
        return ""  # one clause: its own place phrase (place_of) says where
    for clause in clauses:
        for t in clause.subtree:
            if t.dep_ == "pobj" and t.lemma_.lower() in SUBUNITS and t.head.lower_ == "in" \
                    and any(x.dep_ == "compound" and x.pos_ == "PROPN" for x in t.children):
                comp = [x.text.lower() for x in t.children if x.dep_ in {"compound", "poss", "amod"}]
                return " ".join([*comp, t.lemma_.lower()])
    return ""


def _qualifier(text: str, start: int) -> tuple[str | None, int]:
    qual, qstart = qualifier_before(text, start)
    if qual is None and text[max(0, start - 6) : start].lower().endswith("some "):
        return "about", start - 5
    return (_QUAL_CODE.get(qual, qual) if qual else None), qstart


def _speaker(num: Token, quotes: list[Quote]) -> str:
    # "Blackmore, alleged to have 19 wives": an indirect "quote" whose cue is a raised participle
    # is the outlet's report about its subject, not the subject's words
    raised = any(a.lemma_.lower() in _SAY and _raised(a) for a in num.ancestors)
    for q in quotes:
        if q.start <= num.idx < q.end and not (raised and not q.direct):
            return q.speaker_name or q.speaker_text or "an unnamed source"
    # "..., officials said": the value sits in a clause a reporting verb governs (ccomp), or the
    # reporting verb hangs off the value's clause (parataxis); a say-verb elsewhere is not its source
    node = num
    via_clause = False
    passed_verb = False
    for _ in range(12):
        if node.dep_ in {"appos", "relcl", "acl"} and not via_clause:
            # "Manokwari, a city of 160,000 people, ..., the WHO said": a description the outlet
            # adds, not what the source reports
            return "outlet"
        if node.lemma_.lower() in _SAY and node.pos_ == "VERB" and (via_clause or not passed_verb) \
                and not _raised(node):
            who = _subject(node, num)
            if who:
                return who
        for c in node.children:
            if c.dep_ in {"parataxis", "advcl"} and c.lemma_.lower() in _SAY and c.i > num.i:
                who = _subject(c, num)
                if who:
                    return who
        if node.dep_ in {"ccomp", "xcomp", "conj"} or (node.dep_ == "advcl" and node.head.lemma_.lower() in _SAY):
            via_clause = True
        if node != num and node.pos_ in {"VERB", "AUX"}:
            passed_verb = True
        if node.head == node:
            break
        node = node.head
    sent = num.sent
    for tok in sent:
        if tok.lower_ == "according" and tok.i + 1 < len(tok.doc) and tok.nbor(1).lower_ == "to":
            objs = [c for c in tok.nbor(1).children if c.dep_ == "pobj"]
            if objs:
                return noun_phrase(objs[0]).text
    return "outlet"


def _raised(verb: Token) -> bool:
    """ "Blackmore, alleged to have 19 wives", "he is said to have fled": the subject is who the
    report is about, not who reports it."""
    return verb.tag_ == "VBN" and any(
        c.dep_ == "xcomp" and any(a.lower_ == "to" and a.dep_ == "aux" for a in c.children) for c in verb.children)


def _subject(verb: Token, num: Token | None = None) -> str:
    for c in verb.children:
        if c.dep_ == "nsubjpass" and verb.lemma_.lower() != "quote":
            # "the larger boat was described as a 30-foot dhow": a passive's subject is what is
            # reported on; who reports is the agent ("was reported by officials"), if named
            agent = next((o for a in verb.children if a.dep_ == "agent" for o in a.children if o.dep_ == "pobj"), None)
            return noun_phrase(agent).text if agent is not None else ""
        if c.dep_ in {"nsubj", "nsubjpass"} and c.lower_ not in {"it", "which", "that", "who"}:
            if num is not None and (c.i == num.i or c.is_ancestor(num)):
                continue  # "At least 50 reported injured": the value is not its own source
            return noun_phrase(c).text
    return ""


def _span_end(toks: list[Token]) -> int:
    return toks[-1].idx + len(toks[-1].text)


def _num_run(doc: Doc, i: int) -> list[Token]:
    """The number tokens of one value starting at ``i``: "120,000", "4.5 million", "twenty-five"."""
    toks = [doc[i]]
    j = i + 1
    while j < len(doc) and (doc[j].lower_ in {"million", "billion", "thousand", "trillion", "hundred", "dozen"}
                            or (doc[j].text == "-" and j + 1 < len(doc) and doc[j + 1].lower_ in _WORD_NUMBERS
                                and not doc[j - 1].is_digit)):
        toks.append(doc[j])
        if doc[j].text == "-":
            toks.append(doc[j + 1])
            j += 1
        j += 1
    return toks


def _headline(sent) -> bool:  # type: ignore[no-untyped-def]
    """Title Case Lines Like This one are headlines, where capitals say nothing about names."""
    words = [t for t in sent if t.is_alpha and len(t) > 3]
    return bool(words) and sum(t.is_title for t in words) / len(words) > 0.6


def _not_an_amount(doc: Doc, toks: list[Token]) -> bool:
    first, last = toks[0], toks[-1]
    prev = doc[first.i - 1] if first.i > 0 else None
    nxt = doc[last.i + 1] if last.i + 1 < len(doc) else None
    if first.ent_type_ in {"ORDINAL", "MONEY"}:
        return True
    if first.ent_type_ == "PERCENT" and nxt is not None and nxt.lower_ in {"%", "percent", "per", "pct"}:
        return True  # a percentage the amount extractor reads; "Seven AK-47s" mislabelled PERCENT is a count
    if any(c.dep_ == "prep" and c.lower_ == "of" and any(o.pos_ == "PRON" for o in c.children)
           for c in last.children) and not any(t.lower_ in _SEVERE for t in doc[last.i + 1 : last.i + 6]):
        return True  # "15 of them": a part of a value stated just before ("five of them critically" is a count)
    if prev is not None and (prev.text in {"-", "#", "No", "No."} or prev.lower_ in {"ak", "number", "flight",
                                                                                   "boeing", "airbus"}):
        return True
    if prev is not None and prev.pos_ == "PROPN" and re.fullmatch(r"[A-Z]{1,4}|(?:[A-Z]\.){1,3}", prev.text) \
            and first.head == prev and not _headline(first.sent):
        return True  # the number in a name: a bill ("SB 1062", "HB 56"), a model ("AK 47")
    if nxt is not None and nxt.text in {"-", "/"} and nxt.i + 1 < len(doc) and doc[nxt.i + 1].like_num:
        return True  # a score, a model name, a phone number, a fraction
    if nxt is not None and nxt.is_title and nxt.text.isalpha() and not nxt.is_sent_start and last.head.i > nxt.i \
            and nxt.ent_type_ not in {"NORP", "GPE", "LOC", "ORG", "FAC"} and not first.is_sent_start \
            and nxt.lower_ not in _WORD_NUMBERS \
            and not _headline(first.sent):
        return True  # a name with a number in it: "10 Most Wanted", "7 Eleven", "Apollo 11"
    if prev is not None and prev.lower_.rstrip(".") in _MONTH_WORDS:
        return True  # "Nov 11"
    if re.fullmatch(r"(1[89]|20)\d\d", first.text) and len(toks) == 1:
        return True  # years are dates
    return False


def extract_facts(doc: Doc, article_id: str, amounts: list[Amount], quotes: list[Quote],
                  sent_of: dict[int, int]) -> list[Fact]:
    """Every comparable value in one article, with its measure, qualifier and who asserts it."""
    text = doc_text(doc)
    out: list[Fact] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, kind: str, measure: str, value: float | str | None, tok: Token, *,
            unit: str | None = None, qualifier: str | None = None, value_max: float | None = None,
            noun: str = "", pred: str = "", negated: bool = False, qstart: int | None = None,
            agent: str | None = None) -> None:
        if any(s < end and start < e for s, e in taken):
            return
        taken.append((start, end))
        s = qstart if qstart is not None else start
        out.append(Fact(
            id=f"{article_id}:f{len(out)}", article=article_id, text=text[s:end], start=s, end=end,
            kind=kind, measure=measure, value=value, unit=unit, qualifier=qualifier,
            period=_period(tok), asserted_by=_speaker(tok, quotes), sentence=sent_of.get(tok.i, 0),
            value_max=value_max, noun=noun, predicate=pred, negated=negated,
            agent=agent if agent is not None else agent_of(tok) if kind == "count" else "",
            place=place_of(tok) if kind == "count" else ""))

    # "a magnitude-5.2 quake": the tokenizer keeps the number inside one token with the word
    for tok in doc:
        m = re.fullmatch(r"(?i)magnitude-(\d\.\d{1,2})", tok.text)
        if m:
            add(tok.idx + m.start(1), tok.idx + m.end(1), "quantity", "magnitude|", float(m.group(1)), tok,
                unit="magnitude", noun="magnitude", agent=_described(tok.head if tok.head != tok else tok))

    # money and percentages come from the amount extractor, which normalizes them
    for a in amounts:
        if a.kind not in {"money", "percent"} or a.value is None:
            continue
        if a.kind == "money" and text[max(0, a.start - 1) : a.start] == "(" and out and out[-1].kind == "money" \
                and 0 <= a.start - out[-1].end < 4:
            continue  # "euro22 billion ($28 billion)": a conversion of the amount before it
        span = doc.char_span(a.start, a.end, alignment_mode="expand")
        if span is None:
            continue
        root = span.root
        if a.kind == "money":
            noun, pred, neg = _money_measure(span)
        else:
            noun, pred, neg = _percent_measure(span)
        measure = f"{noun}|{pred}"
        qual = _QUAL_CODE.get(a.qualifier or "", a.qualifier)
        add(a.start, a.end, a.kind, measure, a.value, root, unit=a.unit, qualifier=qual,
            value_max=a.value_max, noun=noun, pred=pred, negated=neg)
    _dates(doc, text, add, lambda s, e: taken.append((s, e)))
    i = 0
    while i < len(doc):
        tok = doc[i]
        if tok.lower_ == "one" and tok.i > 0 and doc[tok.i - 1].lower_ == "no":
            i += 1
            continue  # "no one" is a zero, read by _zeros
        if tok.lower_ in {"a", "an"} and i + 1 < len(doc) and doc[i + 1].lemma_.lower() in {"minute", "hour", "second", "day", "week", "month", "year"} \
                and _qualifier(text, tok.idx)[0]:
            # "about a minute", "nearly a year": a duration of one unit
            unit = doc[i + 1]
            qual, qstart = _qualifier(text, tok.idx)
            code = _TIME_UNITS[unit.lemma_.lower()]
            dur = f"PT1{code}" if unit.lemma_.lower() in {"hour", "minute", "second"} else f"P1{code}"
            _, pred, neg = _measure(unit)
            add(tok.idx, unit.idx + len(unit.text), "duration", f"|{pred}", dur, tok, qualifier=qual, qstart=qstart,
                pred=pred, negated=neg)
            i += 2
            continue
        if not _is_number(tok) or (tok.lower_ in {"one"} and tok.dep_ not in {"nummod", "nsubj", "dobj", "nsubjpass", "pobj"}):
            i += 1
            continue
        toks = _num_run(doc, i)
        i = toks[-1].i + 1
        if _not_an_amount(doc, toks):
            continue
        value = _number_value(toks)
        if value is None:
            continue
        start, end = toks[0].idx, _span_end(toks)
        if toks[0].lower_ in {"dozen", "hundred"} and toks[0].i > 0 and doc[toks[0].i - 1].lower_ == "a":
            start = doc[toks[0].i - 1].idx  # "more than a dozen": the qualifier stands before the article
        # a parenthetical conversion belongs to the value before it
        if start > 0 and text[max(0, start - 1) : start] == "(" and out and start - out[-1].end < 4:
            continue
        qual, qstart = _qualifier(text, start)
        head = toks[-1]
        nxt = doc[head.i + 1] if head.i + 1 < len(doc) else None
        after = text[end : end + 25].lower()
        before = text[max(0, start - 30) : start].lower()
        # ages: "42-year-old", "aged 42", "age 42"
        m = re.match(r"-?\s?years?[- ]old", after)
        appos_age = head.dep_ == "appos" and (head.head.ent_type_ == "PERSON" or head.head.pos_ == "PROPN") \
            and value < 110 and "." not in head.text
        if m or appos_age or re.search(r"\b(?:aged|age of|ages?)\s+$", before):
            owner = head.head if head.head != head else head
            if m:
                old = next((t for t in doc[head.i : head.i + 5] if t.lower_ == "old" or t.lower_.endswith("-old")), head)
                owner = old.head if old.head != old else old
            add(start, end + (m.end() if m else 0), "age", f"age|{owner.lemma_.lower()}", value, head,
                qualifier=qual, qstart=qstart, noun=owner.lemma_.lower())
            continue
        unit_word = nxt.lemma_.lower() if nxt is not None else ""
        if nxt is not None and nxt.text == "-" and nxt.i + 1 < len(doc):
            unit_word = doc[nxt.i + 1].lemma_.lower()
        # durations: "a 20-year sentence", "for 30 seconds"; not offsets ("two days after the vote",
        # "four months ago"), whose values differ with the moment each outlet counts from
        if unit_word in _TIME_UNITS:
            unit_tok = nxt if nxt.text != "-" else doc[nxt.i + 1]
            if unit_tok.i + 1 < len(doc) and doc[unit_tok.i + 1].lower_ in _OFFSET_WORDS:
                continue
            if text[unit_tok.idx + len(unit_tok.text) : unit_tok.idx + len(unit_tok.text) + 6].lower() in {" a wee", " a day", " per w", " per d", " a mon", " a yea"}:
                continue  # "three days a week" is a rate
            code = _TIME_UNITS[unit_word]
            dur = f"PT{_fmt(value)}{code}" if unit_word in {"hour", "minute", "second"} else f"P{_fmt(value)}{code}"
            unit_tok = nxt if nxt.text != "-" else doc[nxt.i + 1]
            noun, pred, neg = _measure(unit_tok)
            of = [o for c in unit_tok.children if c.dep_ == "prep" and c.lower_ == "of" for o in c.children if o.dep_ == "pobj"]
            if unit_tok.dep_ in {"compound", "amod", "nmod"} and unit_tok.head.pos_ == "NOUN":
                noun = unit_tok.head.lemma_.lower()  # "a 20-year sentence"
            elif of:
                noun = of[0].lemma_.lower()  # "13 days of bombardment", "two hours of negotiations"
            elif unit_tok.dep_ == "npadvmod" and unit_tok.head.lemma_.lower() == "ago":
                gov = unit_tok.head.head
                pred = _predicate(gov.lemma_.lower())
            add(start, _span_end([unit_tok]), "duration", f"{noun}|{pred}", dur, head, qualifier=qual,
                qstart=qstart, noun=noun, pred=pred, negated=neg)
            continue
        # quantities: magnitudes and distances
        if unit_word == "nautical" and nxt is not None and nxt.i + 1 < len(doc) and doc[nxt.i + 1].lower_.startswith("mile"):
            unit_word, nxt = "nautical", doc[nxt.i + 1]
        if unit_word in _LENGTH or unit_word == "nautical" or after[:3] in {"km ", "km,", "km."}:
            factor = 1.852 if unit_word == "nautical" else _LENGTH.get(unit_word, 1.0)
            landmark = _landmark(doc, head)
            sized = _sized(nxt) if nxt is not None and not landmark else ""
            if sized and sized not in _LENGTH:
                # "a 10-metre dhow", "the 10-metre-long dhow": the size of a thing, not a distance
                unit_tok = doc[nxt.i + 1] if nxt.text == "-" and nxt.i + 1 < len(doc) else nxt
                add(start, _span_end([unit_tok]), "quantity", f"length|{sized}", round(value * factor, 6), head,
                    unit="km", qualifier=qual, qstart=qstart, noun="length", pred=sized)
                continue
            town = _located(head)
            if landmark and town:
                landmark = f"{landmark}~{town}"
            ulen = len(nxt.text) if nxt is not None else 2
            gap = nxt.idx - end if nxt is not None else 0
            add(start, end + gap + ulen, "quantity", f"distance|{landmark}", round(value * factor, 3), head,
                unit="km", qualifier=qual, qstart=qstart, noun="distance", pred=landmark)
            continue
        if _is_magnitude(doc, toks, before, after):
            add(start, end, "quantity", "magnitude|", value, head, unit="magnitude", qualifier=qual,
                qstart=qstart, noun="magnitude", agent=_described(head))
            continue
        if "." in head.text and value < 100:
            continue  # a decimal with no unit is not a count
        if _part_of_a_total(head) or (nxt is not None and nxt.text == "-" and unit_word not in _LENGTH):
            continue  # "another two people", "two women and one man", "a 200-student school"
        noun, pred, neg = _measure(head)
        if not pred and not noun:
            continue
        if neg and pred in {"kill", "injure"}:
            continue
        add(start, end, "count", f"{noun}|{pred}", value, head, qualifier=qual, qstart=qstart,
            noun=noun, pred=pred, negated=neg)
    _zeros(doc, text, add)
    out.sort(key=lambda f: f.start)
    for n, f in enumerate(out):
        f.id = f"{article_id}:f{n}"
    return out


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


def _is_magnitude(doc: Doc, toks: list[Token], before: str, after: str) -> bool:
    value = _number_value(toks)
    if value is None or not (1 <= value < 10) or "." not in toks[-1].text:
        return False
    window = before[-22:] + " " + after[:22]
    return bool(re.search(r"magnitude|richter|measur|register|quake|tremor|temblor|force of", window))


# what money is paid or earned for, folded: outlets say "a $13.9 billion acquisition", "buy EDS for
# $13.9 billion", "values the deal at $13.9 billion", "a bid of nearly $14 billion"
_MONEY = {"price": {"acquisition", "acquire", "buy", "purchase", "bid", "deal", "offer", "value", "price",
                    "pay", "takeover", "merger", "sell", "sale_price", "worth", "cost"},
          "revenue": {"revenue", "sale", "sales", "turnover", "earn", "income"},
          "loss": {"loss", "lose"}, "profit": {"profit"}, "loan": {"loan", "lend", "borrow"},
          "fine": {"fine", "penalty", "settlement"}, "bailout": {"bailout", "aid", "rescue", "package"},
          "market": {"market"}, "share": {"share", "stock"}}
_MONEY_OF = {w: k for k, ws in _MONEY.items() for w in ws}


def _money_measure(span) -> tuple[str, str, bool]:  # type: ignore[no-untyped-def]
    """("", what the money is for, negated): the noun it modifies, a noun after it ("$22.1 billion in
    revenue"), or the verb that governs it, folded into a few kinds of money."""
    last = span[-1]
    cands: list[Token] = []
    for t in span:
        for c in t.children:
            if c.dep_ == "prep" and c.lower_ in {"in", "of"} and c.i >= span.end:
                cands += [o for o in c.children if o.dep_ == "pobj"]
    node = span.root
    if node.head != node and node.head.pos_ == "NOUN" and node.dep_ in {"compound", "nmod", "amod", "nummod", "quantmod"}:
        cands.append(node.head)
    gov = _governor(node)
    neg = gov is not None and any(c.dep_ == "neg" for c in gov.children)
    if gov is not None:
        cands.append(gov)
        cands += [c for c in gov.children if c.dep_ in {"dobj", "nsubj", "nsubjpass"} and c.pos_ == "NOUN"]
    for c in cands:
        kind = _MONEY_OF.get(c.lemma_.lower())
        if kind:
            return "", kind, neg
    del last
    return "", "", neg


def _percent_measure(span) -> tuple[str, str, bool]:  # type: ignore[no-untyped-def]
    """("share", of what) for "60 percent of its revenue", "a 10 percent share"."""
    for t in span:
        for c in t.children:
            if c.dep_ == "prep" and c.lower_ == "of":
                objs = [o for o in c.children if o.dep_ == "pobj"]
                if objs:
                    return "share", objs[0].lemma_.lower(), False
    node = span.root
    if node.head != node and node.head.pos_ == "NOUN":
        return "share", node.head.lemma_.lower(), False
    return "", "", False


_ORDER = {"first": "1", "second": "2", "third": "3", "another": "+", "latest": "+", "new": "+", "last": "+",
          "earlier": "-", "previous": "-", "initial": "1", "main": "1"}


def _described(num: Token) -> str:
    """What a magnitude describes, with its order when the text gives one: "the first quake, magnitude
    7.6" -> quake#1, "another strong quake" -> quake#+, "two aftershocks, magnitude 2.9 and 2.2" ->
    aftershock. Two quakes of one story are two facts."""
    node = num
    for _ in range(4):
        lemma = node.lemma_.lower()
        if node.pos_ == "NOUN" and (lemma in _AGENTS or lemma == "aftershock"):
            order = next((_ORDER[c.lower_] for c in node.children if c.lower_ in _ORDER), "")
            name = _AGENTS.get(lemma, lemma)
            return f"{name}#{order}" if order else name
        if node.pos_ == "VERB":
            subj = next((c for c in node.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
            if subj is not None and subj.i != num.i:
                node = subj
                continue
            return ""
        if node.head.i == node.i:
            return ""
        node = node.head
    return ""


def _landmark(doc: Doc, num: Token) -> str:
    """The place a distance is measured from: "60 km south-west of Bandar Abbas" -> "bandar", or
    what is measured: "at a depth of 1.2 miles" -> depth, "a 10-metre dhow" -> dhow."""
    for tok in (num, num.head):
        if tok.head.lower_ == "of" and tok.head.head.pos_ == "NOUN":
            return tok.head.head.lemma_.lower()
    for tok in doc[num.i + 1 : min(len(doc), num.i + 9)]:
        if tok.lower_ in {"of", "from"}:
            objs = [c for c in tok.children if c.dep_ == "pobj"]
            if objs:
                o = objs[0]
                return o.lemma_.lower() if o.pos_ != "PROPN" else o.text.lower()
        if tok.is_punct and tok.text not in {"-", "(", ")"}:
            break
    return ""


def _sized(unit: Token) -> str:
    """The thing a length word describes as a modifier: "a 10-metre dhow" -> dhow, "a 10-metre-long
    dhow" -> dhow; "" when the length is not a modifier ("sailed 10 km")."""
    if unit.text == "-" and unit.i + 1 < len(unit.doc):
        unit = unit.nbor(1)
    if unit.dep_ in {"compound", "amod", "nmod"} and unit.head.pos_ == "NOUN":
        return unit.head.lemma_.lower()
    if unit.dep_ == "npadvmod" and unit.head.lemma_.lower() in {"long", "tall", "high", "wide", "deep"} \
            and unit.head.dep_ == "amod" and unit.head.head.pos_ in {"NOUN", "ADV"}:
        return unit.head.head.lemma_.lower()  # (the tagger may call an unfamiliar noun an adverb)
    return ""


def _located(num: Token) -> str:
    """The named place a distance locates: "centered in Geyserville, about 20 miles north of Santa
    Rosa" gives where Geyserville lies, not where the quake struck ("struck 26 miles north of Santa
    Rosa"); so does "Zarand, a town 600 miles from Tehran"."""
    node = num.head
    described = False  # reached through an appositive: "Zarand, a town of 15,000 in Kerman province 602 miles ..."
    for step in range(6):
        described = described or node.dep_ == "appos"
        node = node.head
        if node.pos_ == "PROPN" and (node.ent_type_ in {"GPE", "LOC", "FAC", "ORG"} or not node.ent_type_ and (
                    not node.is_sent_start or any(c.dep_ == "appos" for c in node.children))) \
                and not (node.text.isupper() and len(node.text) <= 4) \
                and node.dep_ in {"pobj", "nsubj", "appos", "dobj"} and (step < 3 or described):
            # (a place by its position, whatever the tagger calls an unfamiliar name: Qeshm an ORG)
            return node.text.lower()
        if node.pos_ in {"VERB", "AUX"} and node.lemma_.lower() in {"locate", "situate", "lie", "sit"}:
            # "Qeshm, located 1,150 km southeast of Tehran": the subject is the place located
            # (what is located is a place whatever the tagger calls an unfamiliar name)
            subj = node.head if node.dep_ == "acl" else next(
                (c for c in node.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
            return subj.text.lower() if subj is not None and subj.pos_ == "PROPN" else ""
        if node.pos_ in {"VERB", "AUX"} or node.head == node:
            return ""
    return ""


def _clause(tok: Token) -> Token:
    node = tok
    for _ in range(8):
        if node.pos_ in {"VERB", "AUX"} or node.head == node:
            return node
        node = node.head
    return node


def _period(tok: Token) -> str | None:
    """The year a value's own clause pins it to ("killed 168,000 in 2004"), if it names one."""
    clause = _clause(tok)
    clauses = [clause]
    if clause.tag_ in {"VBG", "VBN"} and clause.dep_ in {"advcl", "acl", "relcl", "appos", "xcomp"} \
            and not any(c.dep_ in {"aux", "auxpass"} for c in clause.children) and clause.head != clause:
        # a participle clause has no time of its own: "... occurred on Oct. 10, 2002, killing three"
        clauses.append(_clause(clause.head))
    elif clause.dep_ == "relcl" and clause.head != clause and clause.head.pos_ == "NOUN":
        # "In 2004, a quake triggered a tsunami that killed 230,000": what a relative clause tells of
        # a thing the clause around it brings about happened when that clause did
        clauses.append(_clause(clause.head))
    for t in tok.sent:
        if t.i == tok.i:
            continue  # a year is not its own period
        if re.fullmatch(r"(19|20)\d\d", t.text) and t.ent_type_ == "DATE" and _clause(t) in clauses:
            return t.text
    return None


def _dates(doc: Doc, text: str, add, reserve) -> None:  # type: ignore[no-untyped-def]
    """Explicit calendar dates, years and clock times, measured by the event they date."""
    for m in _DATE.finditer(text):
        span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
        if span is None:
            continue
        if m.group("year3"):
            s, e = m.start("year3"), m.end("year3")
            value = m.group("year3")
        else:
            mon = (m.group("mon") or m.group("mon2")).lower().rstrip(".")[:3]
            month = [x[:3] for x in _MONTHS].index(mon) + 1
            day = int(m.group("day") or m.group("day2"))
            year = m.group("year") or m.group("year2") or "XXXX"
            if not 1 <= day <= 31:
                continue
            s, e = m.start(), m.end()
            value = f"{year}-{month:02d}-{day:02d}"
        tok = doc.char_span(s, e, alignment_mode="expand")
        if tok is None:
            continue
        gov = _date_governor(tok.root)
        if gov is None:
            reserve(s, e)
            continue
        add(s, e, "date", f"date|{_predicate(gov.lemma_.lower())}", value, tok.root, pred=_predicate(gov.lemma_.lower()))
    for m in _CLOCK.finditer(text):
        if m.group("hm"):
            h, mi = int(m.group("hm")[:2]), int(m.group("hm")[2:])
        else:
            h = int(m.group("h") or m.group("h2"))
            mi = int(m.group("m") or 0)
            ap = (m.group("ap") or m.group("ap2") or "").lower()
            if not ap and m.group("m") and "." in m.group(0):
                continue  # "4.6" is a decimal, not a time
            if ap.startswith("p") and h < 12:
                h += 12
        tok = doc.char_span(m.start(), m.end(), alignment_mode="expand")
        if tok is None:
            continue
        gov = _date_governor(tok.root)
        if gov is None:
            reserve(m.start(), m.end())
            continue
        pred = _predicate(gov.lemma_.lower())
        zone = "Z" if m.group("z") or re.match(r"\s*(?:GMT|UTC)", text[m.end() : m.end() + 6]) else (
            "L" if re.match(r"\s*local", text[m.end() : m.end() + 8]) else "")
        qual, qstart = _qualifier(text, m.start())
        pred = _HAPPEN.get(pred, pred)
        add(m.start(), m.end(), "date", f"time|{pred}", f"XXXX-XX-XXT{h:02d}:{mi:02d}{zone}", tok.root, pred=pred,
            qualifier=qual, qstart=qstart)


# what dates a happening, whatever the verb: "struck at 9:27", "occurred at", "took place at", "came at"
_HAPPEN = {v: "happen" for v in ("strike", "occur", "happen", "take", "come", "record", "register", "attack",
                                  "bomb", "drop", "explode", "begin", "start")}


def _date_governor(tok: Token) -> Token | None:
    """The verb or event noun a date is attached to ("sank on November 19", "the November 18
    sinking", "its deployment on November 2")."""
    node = tok
    for _ in range(4):
        head = node.head
        if head == node:
            return node if node.pos_ == "VERB" else None
        if head.pos_ == "VERB" or (head.pos_ == "NOUN" and head.lemma_.lower() not in _DATE_WORDS):
            return head
        node = head
    return None


_DATE_WORDS = {"morning", "afternoon", "evening", "night", "day", "time", "date", "week", "month", "year",
               "hour", "minute", "today", "end", "beginning", "start", "middle"}


_ZERO = {"casualty": "kill", "death": "kill", "dead": "kill", "fatality": "kill", "injury": "injure"}


def _zeros(doc: Doc, text: str, add) -> None:  # type: ignore[no-untyped-def]
    """"no casualties", "no one was killed": a toll of zero is a value a reader compares."""
    for tok in doc:
        if tok.lower_ == "no" and tok.head.lemma_.lower() in _ZERO:
            pred = _ZERO[tok.head.lemma_.lower()]
            add(tok.idx, tok.idx + 2, "count", f"people|{pred}", 0.0, tok, noun="people", pred=pred)
        elif tok.lower_ in {"no", "nobody"} and (tok.lower_ == "nobody" or (tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "one")):
            node = tok if tok.lower_ == "nobody" else doc[tok.i + 1]
            gov = node.head
            pred = _predicate(gov.lemma_.lower())
            if pred in {"kill", "injure"}:
                end = node.idx + len(node.text)
                add(tok.idx, end, "count", f"people|{pred}", 0.0, tok, noun="people", pred=pred)


__all__ = ["extract_facts", "QUALIFIERS"]
