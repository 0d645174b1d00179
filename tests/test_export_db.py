"""The whole-database export (`storyline export` without --story, export/stream.py), run through the
CLI on two stored databases: the sample corpus (real spaCy analyses, one story) and three small
stories made without spaCy whose organisation "Aster Systems" is named in two of them (one registry
entity across stories). Every format is read back and checked against the database itself: the
story ids, registry entity ids and article citation numbers it stores, and provenance (article id
and character offsets) that, sliced from the stored article text, gives the exported text. An export
of one story (--story) agrees with that story's part of the whole-database export."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from storyline import pipeline
from storyline.cli import app
from storyline.export.timelinejs import tl_date
from storyline.store import Store
from storyline.synth import stored_analyses

SPAN = re.compile(r"^(.+):(\d+)-(\d+)$")


def _shared_db(path: Path) -> Path:
    # story k of stored_analyses: k=0 and k=160 share "Aster Systems", k=1 is "Boreal Systems"
    analyses = [*stored_analyses(3, per_story=3, start=0), *stored_analyses(3, per_story=3, start=3),
                *stored_analyses(3, per_story=3, start=480)]
    with Store(path) as store:
        pipeline.add_analyses(store, analyses)
        pipeline.catch_up(store)
    return path


@dataclass
class Stored:
    """What the database holds, read with SQL: the truth every export is checked against."""

    db: Path
    stories: dict[str, set[str]]  # story id -> its articles
    titles: dict[str, str]
    story_of: dict[str, str]
    numbers: dict[str, int]
    texts: dict[str, str]
    entities: dict[str, dict[str, object]]  # registry id -> name, type, mentions
    entity_stories: dict[str, set[str]]
    mentions: dict[str, set[tuple[str, int, int, str]]]  # registry id -> (article, start, end, text)
    events: dict[str, str]  # event id -> story
    timeline: dict[str, list[tuple[str, str]]]  # story -> (date, event)

    @classmethod
    def read(cls, db: Path) -> Stored:
        with Store(db, readonly=True) as s:
            ids = s.story_ids()
            listed = {str(r["id"]): str(r["title"]) for r in s.story_list(limit=10_000)}
            assert sorted(listed) == sorted(ids)  # `storyline stories` lists every stored story
            stories = {sid: set(s.story_articles(sid)) for sid in ids}
            arts = s.rows("SELECT id, number, text FROM articles")
            entities = {str(r["id"]): r for r in s.rows("SELECT id, name, type, mentions FROM registry WHERE stories > 0")}
            entity_stories: dict[str, set[str]] = {}
            for r in s.rows("SELECT entity, story FROM story_entities"):
                entity_stories.setdefault(str(r["entity"]), set()).add(str(r["story"]))
            mentions: dict[str, set[tuple[str, int, int, str]]] = {}
            for r in s.rows('SELECT entity, article, start, "end" AS e, text FROM entity_mentions'):
                mentions.setdefault(str(r["entity"]), set()).add((str(r["article"]), int(r["start"]), int(r["e"]),
                                                                  str(r["text"])))
            events = {str(r["id"]): str(r["story"]) for r in s.rows("SELECT id, story FROM story_events")}
            timeline: dict[str, list[tuple[str, str]]] = {}
            for r in s.rows("SELECT story, date, event FROM story_timeline ORDER BY story, n"):
                timeline.setdefault(str(r["story"]), []).append((str(r["date"]), str(r["event"])))
        return cls(db, stories, listed, {a: sid for sid, m in stories.items() for a in m},
                   {str(r["id"]): int(r["number"]) for r in arts}, {str(r["id"]): str(r["text"]) for r in arts},
                   entities, entity_stories, mentions, events, timeline)

    def span(self, prov: str) -> tuple[str, int, int, str]:
        """An exported "article:start-end" as (article, start, end, the stored text there)."""
        m = SPAN.match(prov)
        assert m, prov
        art, start, end = m[1], int(m[2]), int(m[3])
        assert art in self.texts and 0 <= start < end <= len(self.texts[art]), prov
        return art, start, end, self.texts[art][start:end]


@pytest.fixture(scope="module", params=["sample", "shared"])
def stored(request, sample_db, tmp_path_factory) -> Stored:
    db = sample_db if request.param == "sample" else _shared_db(tmp_path_factory.mktemp("shared") / "s.db")
    st = Stored.read(db)
    assert st.stories and st.entities and sorted(st.numbers.values()) == list(range(1, len(st.numbers) + 1))
    if request.param == "shared":
        assert len(st.stories) == 3 and any(len(x) == 2 for x in st.entity_stories.values())
    return st


def export(stored: Stored, fmt: str, out: Path, story: str | None = None) -> Path:
    if fmt == "ftm":
        pytest.importorskip("followthemoney", reason="the aleph extra (followthemoney) is not installed")
    args = ["export", "--format", fmt, "-o", str(out), "--db", str(stored.db), *(["--story", story] if story else [])]
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0, r.output
    return out


def _rows(folder: Path, name: str) -> list[dict[str, str]]:
    with open(folder / f"{name}.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _fid(*parts: str) -> str:  # the FollowTheMoney id of a storyline record (export/ftm.py)
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:24]


# ---- each format against the database ----

def test_csv_holds_every_stored_story_article_and_entity_with_its_ids(stored, tmp_path):
    folder = export(stored, "csv", tmp_path / "csv")
    stories = _rows(folder, "stories")
    assert {r["id"]: (r["title"], int(r["articles"])) for r in stories} == \
        {sid: (stored.titles[sid], len(m)) for sid, m in stored.stories.items()}
    articles = _rows(folder, "articles")
    assert len(articles) == len(stored.numbers)
    assert {r["id"]: (r["story"], int(r["number"])) for r in articles} == \
        {a: (stored.story_of[a], n) for a, n in stored.numbers.items()}
    entities = _rows(folder, "entities")
    assert len(entities) == len(stored.entities)
    for r in entities:
        reg = stored.entities[r["id"]]
        assert (r["name"], r["type"], int(r["mentions"])) == (reg["name"], reg["type"], reg["mentions"])
        assert set(r["stories"].split("; ")) == stored.entity_stories[r["id"]]
    mentions: dict[str, set[tuple[str, int, int, str]]] = {}
    for r in _rows(folder, "mentions"):
        span = (r["article"], int(r["start"]), int(r["end"]), r["text"])
        mentions.setdefault(r["entity"], set()).add(span)
        assert stored.span(f"{span[0]}:{span[1]}-{span[2]}")[3] == r["text"] and r["story"] == stored.story_of[r["article"]]
    assert mentions == stored.mentions
    checked = Counter()
    for name in ("quotes", "amounts", "times", "event_mentions"):
        for r in _rows(folder, name):
            text = stored.span(f"{r['article']}:{r['start']}-{r['end']}")[3]
            assert text == r["trigger" if name == "event_mentions" else "text"], (name, r)
            assert r["story"] == stored.story_of[r["article"]]
            assert r["sentence"] == stored.texts[r["article"]][int(r["sentence_start"]) : int(r["sentence_end"])]
            checked[name] += 1
    assert checked["quotes"] >= len(stored.numbers)  # every article has a quote in both databases
    events = _rows(folder, "events")
    assert {r["id"] for r in events} == set(stored.events)
    for r in events:
        assert r["stories"] == stored.events[r["id"]]
        assert all(stored.span(p)[3] for p in r["mentions"].split())


def test_jsonld_holds_every_story_article_and_entity_with_its_ids(stored, tmp_path):
    doc = json.loads(export(stored, "jsonld", tmp_path / "db.jsonld").read_text(encoding="utf-8"))
    nodes = {n["@id"]: n for n in doc["@graph"]}
    assert len(nodes) == len(doc["@graph"])  # no node twice, though an entity sits in two stories
    arts = {k.removeprefix("urn:storyline:article:"): n for k, n in nodes.items() if n["@type"] == "NewsArticle"}
    assert {a: n["citationNumber"] for a, n in arts.items()} == stored.numbers
    assert {a: n["isPartOf"]["@id"] for a, n in arts.items()} == \
        {a: f"urn:storyline:story:{s}" for a, s in stored.story_of.items()}
    series = {k.removeprefix("urn:storyline:story:"): n for k, n in nodes.items() if k.startswith("urn:storyline:story:")}
    assert {s: (n["name"], {p["@id"].removeprefix("urn:storyline:article:") for p in n["hasPart"]})
            for s, n in series.items()} == {s: (stored.titles[s], m) for s, m in stored.stories.items()}
    ents = {k.removeprefix("urn:storyline:"): n for k, n in nodes.items() if "provenance" in n and
            n["@type"] not in {"Event", "Quotation"}}
    assert set(ents) == set(stored.entities)
    for eid, n in ents.items():
        assert n["name"] == stored.entities[eid]["name"]
        assert {stored.span(p) for p in n["provenance"]} == stored.mentions[eid]
    quotes = [n for n in nodes.values() if n["@type"] == "Quotation"]
    assert len(quotes) >= len(stored.numbers)
    for q in quotes:
        art, _, _, text = stored.span(q["provenance"])
        assert text == q["text"] and q["isPartOf"]["@id"] == f"urn:storyline:article:{art}"
        if "spokenByCharacter" in q:
            assert q["spokenByCharacter"]["@id"].removeprefix("urn:storyline:") in stored.entities
    events = {k.removeprefix("urn:storyline:event:"): n for k, n in nodes.items() if n["@type"] == "Event"}
    assert set(events) == set(stored.events)
    for n in events.values():
        assert all(stored.span(p)[3].strip() for p in n["provenance"])
        assert all(x["@id"] in nodes for x in n.get("organizer", []) + n.get("about", []) + n.get("subjectOf", []))


def test_graphml_holds_every_entity_and_event_with_its_ids(stored, tmp_path):
    g = nx.read_graphml(export(stored, "graphml", tmp_path / "db.graphml"))
    kinds = Counter(a["kind"] for _, a in g.nodes(data=True))
    assert kinds["entity"] == len(stored.entities) and kinds["event"] == len(stored.events)
    for eid, reg in stored.entities.items():
        a = g.nodes[eid]
        assert (a["label"], a["type"], a["mentions"]) == (reg["name"], reg["type"], reg["mentions"])
        assert set(a["stories"].split()) == stored.entity_stories[eid]
        assert {stored.span(p) for p in a["provenance"].split()} <= stored.mentions[eid]
    for ev, story in stored.events.items():
        a = g.nodes[ev]
        assert a["stories"] == story and all(stored.span(p)[3].strip() for p in a["provenance"].split())
        assert set(a["articles"].split()) <= stored.stories[story]
    for u, v, a in g.edges(data=True):
        spans = [stored.span(p) for p in a["provenance"].split()]
        assert spans and all(s[3].strip() for s in spans), (u, v, a["kind"])
        assert {s[0] for s in spans} <= set(a["articles"].split())


def test_timelinejs_holds_every_dated_timeline_entry_of_every_story(stored, tmp_path):
    doc = json.loads(export(stored, "timelinejs", tmp_path / "db.json").read_text(encoding="utf-8"))
    slides = Counter(re.search(r"storyline (\S+)</small>", s["text"]["text"])[1] for s in doc["events"])
    expected = Counter(ev for entries in stored.timeline.values() for date, ev in entries if tl_date(date))
    assert slides == expected
    assert len({s["unique_id"] for s in doc["events"]}) == len(doc["events"])
    assert set(slides) <= set(stored.events)
    assert f"from {len(stored.numbers)} article" in doc["title"]["text"]["text"]


def test_ftm_holds_every_article_and_named_entity_with_its_ids(stored, tmp_path):
    path = export(stored, "ftm", tmp_path / "db.ftm.jsonl")
    recs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    by_id = {r["id"]: r for r in recs}
    assert len(by_id) == len(recs)
    arts = {r["id"]: r for r in recs if r["schema"] == "Article"}
    assert set(arts) == {_fid("article", a) for a in stored.numbers}
    for a, text in stored.texts.items():
        assert arts[_fid("article", a)]["properties"]["bodyText"] == [text]
    named = {e for e, r in stored.entities.items() if r["type"] in {"PERSON", "ORG", "NORP", "GPE"}}
    people = {r["id"]: r for r in recs if r["schema"] in {"Person", "Organization", "LegalEntity"}}
    assert set(people) == {_fid("entity", e) for e in named}
    for e in named:  # up to 50 spans per story that names it, from every such story
        spans = {stored.span(p) for note in people[_fid("entity", e)]["properties"]["notes"]
                 for p in note.removeprefix("storyline provenance: ").split()}
        assert spans <= stored.mentions[e]
        assert {stored.story_of[s[0]] for s in spans} == stored.entity_stories[e]
    for r in recs:
        if r["schema"] in {"Event", "Payment"}:
            assert re.search(r"storyline (\S+),", r["properties"].get("notes", r["properties"].get("description"))[0])[1] \
                in stored.events
            assert all(p in arts for p in r["properties"].get("proof", []))


# ---- one story exported alone agrees with its part of the whole ----

def test_one_story_csv_agrees_with_the_whole_database_csv(stored, tmp_path):
    whole = export(stored, "csv", tmp_path / "all")
    for sid, members in stored.stories.items():
        one = export(stored, "csv", tmp_path / sid, story=sid)
        for name in ("stories", "articles", "mentions", "quotes", "amounts", "times", "event_mentions"):
            mine = [r for r in _rows(whole, name) if r.get("story", r.get("id")) == sid]
            assert _rows(one, name) == mine, (sid, name)
        for name in ("events", "timeline", "discrepancies"):
            assert _rows(one, name) == [r for r in _rows(whole, name) if r["stories"] == sid], (sid, name)
        assert {r["article"] for r in _rows(one, "mentions")} <= members
        entities = {r["id"]: r for r in _rows(whole, "entities")}
        for r in _rows(one, "entities"):
            assert r["stories"] == sid and r["name"] == entities[r["id"]]["name"]
            if stored.entity_stories[r["id"]] == {sid}:
                assert r == entities[r["id"]]
            else:  # the whole database counts every story's mentions of it
                assert int(r["mentions"]) < int(entities[r["id"]]["mentions"])


@pytest.mark.parametrize("fmt", ["jsonld", "timelinejs", "graphml", "ftm"])
def test_one_story_export_agrees_with_the_whole_database_export(stored, fmt, tmp_path):
    def read(path: Path) -> dict[str, object]:
        """id -> record, for the records of the export whose content is its story's alone."""
        if fmt == "jsonld":
            return {n["@id"]: n for n in json.loads(path.read_text(encoding="utf-8"))["@graph"]}
        if fmt == "timelinejs":
            return {s["unique_id"]: s for s in json.loads(path.read_text(encoding="utf-8"))["events"]}
        if fmt == "graphml":
            g = nx.read_graphml(path)
            out: dict[str, object] = dict(g.nodes(data=True))
            for u, v, a in g.edges(data=True):  # the whole export prefixes edge ids with the story
                out[f"{u}>{v}:{a['kind']}:{a['provenance']}"] = {k: x for k, x in a.items() if k != "id"}
            return out
        return {r["id"]: r for r in map(json.loads, path.read_text(encoding="utf-8").splitlines())}

    whole = read(export(stored, fmt, tmp_path / f"all.{fmt}"))
    shared = {e for e, s in stored.entity_stories.items() if len(s) > 1}
    for sid in stored.stories:
        one = read(export(stored, fmt, tmp_path / f"{sid}.{fmt}", story=sid))
        assert one or (fmt == "timelinejs" and not stored.timeline.get(sid))
        for key, rec in one.items():
            assert key in whole, (sid, key)
            entity = key.removeprefix("urn:storyline:") in shared or key in shared or \
                key in {_fid("entity", e) for e in shared}
            if not entity:  # a shared entity's record in the whole export holds every story's mentions
                assert rec == whole[key], (sid, key)
