"""Synthetic collections for benchmarks and scale tests: the sample corpus retold many times
with other companies, people, amounts and dates, so every text is distinct and each retelling is a
story of its own. Deterministic for a given seed."""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from collections.abc import Iterator
from pathlib import Path

import yaml

from .model import Article, ArticleAnalysis, Mention, Quote, Sentence

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "corpus"

_FIRST = ["Ana", "Ben", "Chloe", "Dev", "Elif", "Farid", "Greta", "Hugo", "Ines", "Jonas", "Kemi", "Luca",
          "Mira", "Nils", "Omar", "Petra", "Quinn", "Rosa", "Sami", "Tara", "Umar", "Vera", "Wes", "Yara"]
_LAST = ["Almeida", "Brandt", "Castell", "Dorsey", "Eklund", "Ferreira", "Gallo", "Hartmann", "Ibarra",
         "Jansen", "Kowalski", "Lindqvist", "Moreau", "Novak", "Okafor", "Petrov", "Quist", "Romero",
         "Sato", "Thorne", "Ulloa", "Varga", "Weiss", "Zeller"]
_CO = ["Aster", "Boreal", "Cobalt", "Delta", "Ember", "Fjord", "Granite", "Helix", "Iris", "Juniper",
       "Kestrel", "Lumen", "Meridian", "Nimbus", "Onyx", "Prism", "Quartz", "Radiant", "Summit", "Tidal"]
_CO2 = ["Systems", "Robotics", "Networks", "Dynamics", "Labs", "Aerospace", "Analytics", "Energy"]

# the sample's names, longest first so "Orbital Dynamics" is replaced before "Orbital"
_ROLES = [("Orbital Dynamics", "co1_full"), ("Orbital", "co1"), ("Vexa", "co2"), ("Dan Reyes", "p1_full"),
          ("Reyes", "p1"), ("Lina Park", "p2_full"), ("Park", "p2"), ("Tom Alvarez", "p3_full"),
          ("Alvarez", "p3"), ("Priya Nair", "p4_full"), ("Nair", "p4")]
_MONEY = re.compile(r"(\$|€)(\d+(?:\.\d+)?)")


_SYL = ["ka", "lo", "mi", "ne", "ra", "su", "ti", "vo", "ze", "da", "fe", "go", "ba", "ri", "to", "le"]


def _word(k: int, tail: str) -> str:
    """A distinct made-up name for every k (no digits, which would look nothing like news text)."""
    parts = []
    while True:
        k, r = divmod(k, len(_SYL))
        parts.append(_SYL[r])
        if k == 0:
            break
    return ("".join(parts) + tail).capitalize()


def _cast(rng: random.Random, k: int) -> dict[str, str]:
    a, b = rng.sample(_CO, 2)
    cast = {"co1": f"{a}{_word(k, 'n')}", "co2": f"{_word(k, 'x')}"}
    cast["co1_full"] = f"{cast['co1']} {rng.choice(_CO2)}"
    for n in range(1, 5):
        last = rng.choice(_LAST) if k < 6 else _word(k * 4 + n, rng.choice(["son", "berg", "ez", "ova"]))
        cast[f"p{n}"] = last
        cast[f"p{n}_full"] = f"{rng.choice(_FIRST)} {last}"
    return cast


def _sample_articles() -> list[tuple[dict, str]]:
    out = []
    for f in sorted(SAMPLE.glob("*.md")):
        raw = f.read_text(encoding="utf-8")
        _, front, body = raw.split("---", 2)
        out.append((yaml.safe_load(front), body.strip()))
    return out


def synthetic_articles(n: int, seed: int = 7) -> Iterator[dict[str, str]]:
    """``n`` article records (id, title, source, published, text), ten per story."""
    base = _sample_articles()
    rng = random.Random(seed)
    k = 0
    made = 0
    while made < n:
        cast = _cast(rng, k)
        shift = dt.timedelta(days=k % 700)
        scale = 1 + rng.randint(-30, 30) / 100

        def swap(text: str, cast: dict[str, str] = cast, scale: float = scale) -> str:
            for name, role in _ROLES:
                text = re.sub(rf"\b{re.escape(name)}\b", cast[role], text)
            return _MONEY.sub(lambda m: f"{m.group(1)}{float(m.group(2)) * scale:.1f}", text)

        for meta, body in base:
            if made >= n:
                break
            published = dt.date.fromisoformat(str(meta["published"])) + shift
            yield {"id": f"synth-{k}-{made}", "title": swap(meta.get("title", "")), "source": meta.get("source", ""),
                   "published": published.isoformat(), "text": swap(body)}
            made += 1
        k += 1


def write_jsonl(path: str | Path, n: int, seed: int = 7) -> Path:
    path = Path(path)
    with open(path, "w", encoding="utf-8") as fh:
        for rec in synthetic_articles(n, seed):
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return path


def stored_analyses(n: int, per_story: int = 10, seed: int = 7, start: int = 0) -> Iterator[ArticleAnalysis]:
    """``n`` short articles already analysed (sentences, name mentions, one quote each), made without
    spaCy, so a database of many stories can be built in seconds through ``pipeline.add_analyses``
    (web and store scale tests). Articles ``start``.. ; ``per_story`` of them share a cast and a
    topic. The organisations come from a small pool, so their names recur across stories the way
    real names do (one registry entity in many stories)."""
    rng = random.Random(seed)
    for i in range(start, start + n):
        k = i // per_story
        person, other = f"{_FIRST[k % 24]} {_word(k * 2, 'son')}", f"{_FIRST[(k + 7) % 24]} {_word(k * 2 + 1, 'berg')}"
        org = f"{_CO[k % len(_CO)]} {_CO2[(k // len(_CO)) % len(_CO2)]}"
        # made-up words of its own, so a story's articles are alike and unlike every other story's
        w = [_word(k * 8 + j, tail).lower() for j, tail in enumerate(["ine", "ost", "ade", "ult", "ery", "and", "ism", "ure"])]
        day = dt.date(2024, 1, 1) + dt.timedelta(days=k % 700 + i % per_story // 3)
        amount = rng.randint(2, 90)
        parts = [(person, "PERSON"), (" of ", ""), (org, "ORG"), (" met ", ""), (other, "PERSON"),
                 (f" about {w[0]} {w[1]} on Monday. ", ""), (f'"The {w[2]} {w[3]} {w[0]},"', "QUOTE"),
                 (" ", ""), (person.split()[1], "PERSON"), (" said. ", ""), (org, "ORG"),
                 (f" {w[4]} {amount} {w[1]} {w[5]}. ", ""), (other, "PERSON"), (f" {w[6]} {w[7]}.", "")]
        text, spans = "", []
        for piece, label in parts:
            spans.append((len(text), len(text) + len(piece), piece, label))
            text += piece
        aid = f"stored-{i}"
        ends = [m.end() for m in re.finditer(r"\. (?=[A-Z\"])|\.$", text)]
        starts = [0] + ends[:-1]
        sentences = [Sentence(f"{aid}:s{n}", aid, s, e) for n, (s, e) in enumerate(zip(starts, ends, strict=True))]

        def sent(off: int, starts: list[int] = starts) -> int:
            return max(n for n, s in enumerate(starts) if s <= off)

        mentions = [Mention(aid, s, e, t, label, "name", sent(s)) for s, e, t, label in spans if label in {"PERSON", "ORG"}]
        q = next(x for x in spans if x[3] == "QUOTE")
        sp = next(x for x in spans if x[3] == "PERSON" and x[0] > q[0])
        quote = Quote(f"{aid}:q0", aid, q[2].strip('"'), q[0] + 1, q[1] - 1, sp[2], sp[0], sp[1], "said", True, sent(q[0]))
        art = Article(aid, text, title=f"{org}: {w[0]} {w[1]} ({i % per_story + 1})",
                      source=["Harbor Times", "Daily Ledger", "Wire Service", "Evening Post"][i % 4],
                      published=day.isoformat())
        yield ArticleAnalysis(art, sentences, mentions, [quote])
