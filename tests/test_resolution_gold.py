"""Cross-article resolution scored against hand-made gold (samples/gold_resolution.json), with
floors just under today's scores, and a mixed collection of two stories."""

import json
import re
from pathlib import Path

import pytest

from storyline import analyze
from storyline.eval.coref import conll

from .conftest import ROOT, SAMPLES

GOLD = json.loads((ROOT / "samples" / "gold_resolution.json").read_text(encoding="utf-8"))


def _file(d, article_id):
    return next(Path(a.article.path).name[:2] for a in d.analyses if a.article.id == article_id)


def test_entity_clusters_against_gold(sample_dossier):
    d = sample_dossier
    key: dict[str, set] = {}
    forms = sorted(((f, name) for name, fs in GOLD["entities"].items() for f in fs), key=lambda x: -len(x[0]))
    for an in d.analyses:
        taken: set[int] = set()
        for form, name in forms:
            for m in re.finditer(rf"(?<![\w-]){re.escape(form)}(?![\w-])", an.article.text):
                # "Reyes" inside "Dan Reyes" is the longer form's occurrence, counted once
                if taken & set(range(m.start(), m.end())):
                    continue
                taken |= set(range(m.start(), m.end()))
                key.setdefault(name, set()).add((an.article.id, m.start()))
    gold_items = set().union(*key.values())
    response: dict[str, set] = {}
    for e in d.entities:
        for m in e.mentions:
            if (m.article, m.start) in gold_items:
                response.setdefault(e.id, set()).add((m.article, m.start))
    s = conll(key.values(), response.values())
    # today: MUC F1 0.919, CoNLL F1 0.911 (misses are NER misses: "Park wrote", "Vexa sued" at a paragraph start)
    assert s["muc"]["f1"] >= 0.90, s
    assert s["conll"]["f1"] >= 0.89, s


def _matches(ev, g, d):
    files = {_file(d, a) for a in ev.articles}
    return ev.type == g["type"] and (ev.time or "").startswith(g["time"]) and set(g["files"]) <= files


def test_fused_events_against_gold(sample_dossier):
    d = sample_dossier
    found = [g["name"] for g in GOLD["events"] if any(_matches(ev, g, d) for ev in d.events)]
    # today 4 of 5: the founding of Vexa is split where the parser misses the actor in article 02
    assert len(found) >= 4, found


def test_timeline_order_against_gold(sample_dossier):
    d = sample_dossier
    by_name = {g["name"]: g for g in GOLD["events"]}
    position = {}
    for n, entry in enumerate(d.timeline):
        ev = next(e for e in d.events if e.id == entry.event)
        for name in GOLD["order"]:
            if name not in position and _matches(ev, by_name[name], d):
                position[name] = n
    assert list(position) and all(name in position for name in GOLD["order"]), position
    assert [position[n] for n in GOLD["order"]] == sorted(position[n] for n in GOLD["order"])


@pytest.fixture(scope="module")
def mixed():
    return analyze([SAMPLES, ROOT / "samples" / "second-story"])


def test_mixed_collection_splits_into_stories(mixed):
    assert len(mixed.stories) == 2
    by_story = [{_file(mixed, a) + Path(next(x.article.path for x in mixed.analyses if x.article.id == a)).parent.name
                 for a in s.articles} for s in mixed.stories]
    parents = [{name[2:] for name in s} for s in by_story]
    assert sorted(len(s) for s in by_story) == [4, 10]
    assert all(len(p) == 1 for p in parents)  # no story mixes the two folders


def test_mixed_collection_keeps_actors_apart_and_fills_the_contract(mixed):
    names = {e.name: e for e in mixed.entities}
    assert "Okonjo" in names["Maria Okonjo"].aliases and "Vale" in names["Henrik Vale"].aliases
    okonjo_articles = {m.article for m in names["Maria Okonjo"].mentions}
    reyes_articles = {m.article for m in names["Dan Reyes"].mentions}
    assert not okonjo_articles & reyes_articles
    j = mixed.to_json()
    for key in ("articles", "entities", "quotes", "amounts", "times", "events", "discrepancies", "timeline", "stories"):
        assert j[key], key
    sued = [e for e in mixed.events if e.type == "sue" and "e-calder-port-authority" in e.actors]
    assert sued, [(e.type, e.actors) for e in mixed.events if e.type == "sue"]
