"""Money and number amounts normalized to value, unit and qualifier.

spaCy's MONEY spans are good at finding amounts but carry no value; no PyPI parser normalizes
them reliably (quantulum3 breaks with current scikit-learn, price-parser drops "billion"), so the
normalizer is ours: a regular grammar for "$43.1 billion", "$6.2bn", "€2.5m", "USD 3 million",
"more than $250 million", "around $80 billion", "$2 billion to $3 billion", "$2-3bn", "5%".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc

from ..model import Amount
from .spans import doc_text

SYMBOLS = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "C$": "CAD",
           "A$": "AUD", "HK$": "HKD", "CHF": "CHF", "₩": "KRW", "R$": "BRL", "S$": "SGD",
           "euro": "EUR"}  # AP style writes the euro sign as "euro22 billion"
CODES = {"USD", "EUR", "GBP", "JPY", "CNY", "INR", "CAD", "AUD", "CHF", "HKD", "KRW", "BRL",
         "SEK", "NOK", "DKK", "RUB", "MXN", "SGD", "ZAR", "NZD", "TRY", "PLN"}
WORDS = {"dollars": "USD", "dollar": "USD", "euros": "EUR", "euro": "EUR", "pounds": "GBP",
         "pound": "GBP", "yen": "JPY", "yuan": "CNY", "rupees": "INR", "francs": "CHF",
         "pence": "GBP", "cents": "USD"}
SCALES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "mln": 1e6,
          "billion": 1e9, "bn": 1e9, "b": 1e9, "bln": 1e9, "trillion": 1e12, "tn": 1e12,
          "tr": 1e12, "crore": 1e7, "lakh": 1e5}
SMALL_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
                 "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100,
                 "a": 1, "an": 1, "half": 0.5, "dozen": 12, "several": None}
QUALIFIERS = [
    ("more than", "more than"), ("over", "more than"), ("above", "more than"),
    ("in excess of", "more than"), ("upwards of", "more than"), ("north of", "more than"),
    ("at least", "at least"), ("no less than", "at least"), ("as much as", "up to"),
    ("as many as", "up to"), ("up to", "up to"), ("at most", "at most"), ("less than", "less than"),
    ("under", "less than"), ("below", "less than"), ("fewer than", "less than"),
    ("nearly", "about"), ("almost", "about"), ("about", "about"), ("around", "about"),
    ("roughly", "about"), ("approximately", "about"), ("some", "about"), ("an estimated", "about"),
    ("close to", "about"), ("just over", "more than"), ("just under", "less than"),
]

_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_SYM = r"(?:US\$|C\$|A\$|HK\$|R\$|S\$|[$€£¥₹₩])"
_CODE = r"(?:" + "|".join(sorted(CODES, key=len, reverse=True)) + r")"
_SCALE = r"(?:thousand|million|billion|trillion|mln|bln|mn|bn|tn|crore|lakh|[kmbKMB])"
_AMOUNT = re.compile(
    rf"(?P<cur>{_SYM}|{_CODE}\s?|euro(?=\d))(?P<num>{_NUM})(?:\s?(?P<scale1>{_SCALE})\b)?"
    rf"(?:\s?(?:-|–|to)\s?(?:{_SYM})?(?P<num2>{_NUM}))?"
    rf"(?:\s?(?P<scale>{_SCALE})\b)?"
    rf"|(?P<num3>{_NUM})\s?(?P<scale3>{_SCALE})?\s?(?P<word>(?i:dollars|euros?|pounds|yen|yuan)|{_CODE})\b"
    rf"|(?P<pnum>{_NUM})\s?(?P<pct>%|percent\b|per cent\b|percentage points?\b)",
)
_QUAL = re.compile(r"(?:" + "|".join(re.escape(q) for q, _ in QUALIFIERS) + r")\s+$", re.I)


@dataclass
class Parsed:
    value: float | None
    unit: str | None
    value_max: float | None
    kind: str


def _num(s: str) -> float:
    return float(s.replace(",", ""))


def _scale(s: str | None) -> float:
    if not s:
        return 1.0
    return SCALES.get(s.lower(), 1.0)


def parse_amount(text: str) -> Parsed | None:
    """Normalize one amount string (without qualifier); None when it is not an amount."""
    m = _AMOUNT.search(text)
    if not m:
        return None
    if m.group("pnum"):
        return Parsed(_num(m.group("pnum")), "%", None, "percent")
    if m.group("num3"):
        word = m.group("word")
        unit = WORDS.get(word.lower(), word.upper())
        scale = _scale(m.group("scale3"))
        value = _num(m.group("num3")) * scale
        if word.lower() in {"pence", "cents"}:
            value /= 100
        return Parsed(value, unit, None, "money")
    cur = m.group("cur").strip()
    unit = SYMBOLS.get(cur, cur.upper() if cur.upper() in CODES else None)
    scale = _scale(m.group("scale") or m.group("scale1"))
    # "$2-3 billion": the scale after the second number applies to both
    value = _num(m.group("num")) * _scale(m.group("scale1") or m.group("scale"))
    value_max = _num(m.group("num2")) * scale if m.group("num2") else None
    return Parsed(value, unit, value_max, "money")


def qualifier_before(text: str, start: int) -> tuple[str | None, int]:
    """A qualifier phrase ending right before ``start``: its normalized form and its start."""
    window = text[max(0, start - 25) : start]
    m = _QUAL.search(window)
    if not m:
        return None, start
    phrase = m.group(0).strip().lower()
    for q, norm in QUALIFIERS:
        if phrase == q:
            return norm, start - len(window) + m.start()
    return None, start


def _spacy_number(text: str) -> float | None:
    """Value of a CARDINAL span like "10,000", "4.5 million", "three"."""
    t = text.lower().replace(",", "").strip()
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(" + _SCALE + r")?", t, re.I)
    if m:
        return float(m.group(1)) * _scale(m.group(2))
    words = t.split()
    if words and all(w in SMALL_NUMBERS or w in SCALES for w in words):
        value = 1.0
        base = SMALL_NUMBERS.get(words[0])
        if base is None:
            return None
        value = float(base)
        for w in words[1:]:
            value *= SCALES.get(w, SMALL_NUMBERS.get(w) or 1)
        return value
    return None


def extract_amounts(doc: Doc, article_id: str, sent_of: dict[int, int]) -> list[Amount]:
    text = doc_text(doc)
    found: list[tuple[int, int, Parsed]] = []
    for m in _AMOUNT.finditer(text):
        parsed = parse_amount(m.group(0))
        if parsed is None:
            continue
        end = m.end()
        while end > m.start() and text[end - 1] == " ":
            end -= 1
        found.append((m.start(), end, parsed))
    taken = [(s, e) for s, e, _ in found]
    # spaCy finds money written in words ("half a billion dollars") and plain counts
    for ent in doc.ents:
        if ent.label_ not in {"MONEY", "CARDINAL", "PERCENT", "QUANTITY"}:
            continue
        if any(s < ent.end_char and ent.start_char < e for s, e in taken):
            continue
        if ent.label_ == "CARDINAL":
            value = _spacy_number(ent.text)
            if value is None or (value < 10 and not any(c.isdigit() for c in ent.text)):
                continue
            # bare years are times, not amounts
            if re.fullmatch(r"(1[89]|20)\d\d", ent.text.strip()):
                continue
            found.append((ent.start_char, ent.end_char, Parsed(value, None, None, "number")))
        elif ent.label_ == "MONEY":
            parsed = parse_amount(ent.text)
            if parsed is not None:
                found.append((ent.start_char, ent.end_char, parsed))
    found.sort(key=lambda f: f[0])
    out: list[Amount] = []
    for start, end, p in found:
        qual, qstart = qualifier_before(text, start)
        if p.value_max is not None:
            qual = "range"
        tok = doc.char_span(start, end, alignment_mode="expand")
        sent = sent_of[tok.start] if tok is not None and len(tok) else 0
        out.append(
            Amount(
                id=f"{article_id}:m{len(out)}", article=article_id, text=text[qstart:end],
                start=qstart, end=end, value=p.value, unit=p.unit, qualifier=qual,
                value_max=p.value_max, kind=p.kind, sentence=sent,
            )
        )
    return out
