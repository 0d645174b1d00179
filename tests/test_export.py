"""Every export read back with the library of its format."""

import csv
import json
import re
import sys

import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pyld import jsonld

from storyline.export import ExportUnavailable, export
from storyline.export.ftm import confidence
from storyline.export.timelinejs import tl_date
from storyline.model import Amount, Event, EventMention, Span


@pytest.fixture(scope="module")
def d(sample_dossier):
    return sample_dossier


@pytest.fixture(scope="module")
def texts(d):
    return {a.article.id: a.article.text for a in d.analyses}


def _graphml(d, tmp_path):
    return export(d, "graphml", tmp_path / "s.graphml")


def test_graphml_round_trip_networkx(d, texts, tmp_path):
    path = _graphml(d, tmp_path)
    g = nx.read_graphml(path)
    reyes = g.nodes["e-dan-reyes"]
    assert reyes["label"] == "Dan Reyes" and reyes["type"] == "PERSON"
    art, span = reyes["provenance"].split()[0].split(":")
    start, end = map(int, span.split("-"))
    forms = {m.text for e in d.entities if e.id == "e-dan-reyes" for m in e.mentions}
    assert texts[art][start:end] in forms
    offers = [n for n, a in g.nodes(data=True) if a.get("type") == "offer"]
    assert offers and any(g.has_edge("e-orbital-dynamics", o) for o in offers)
    assert any(a.get("amount") == 43.1e9 for _, a in g.nodes(data=True))
    ids = re.findall(r'<edge [^>]*\bid="([^"]+)"', path.read_text())
    assert len(ids) == g.number_of_edges() and len(set(ids)) == len(ids)


def test_graphml_entity_edges_have_weights_and_dates(d, texts, tmp_path):
    g = nx.read_graphml(_graphml(d, tmp_path))
    kinds = {a["kind"] for _, _, a in g.edges(data=True)}
    assert {"actor", "target", "co-mention", "acts-on", "quoted-about"} <= kinds
    co = [(u, v, a) for u, v, a in g.edges(data=True) if a["kind"] == "co-mention"]
    pair = next(a for u, v, a in co if {u, v} == {"e-orbital-dynamics", "e-vexa"})
    assert pair["weight"] >= 5 and "2025-10-01" <= pair["first"] <= pair["last"] <= "2025-12-31"
    for _, _, a in co:  # every co-mention span is one sentence that names both ends
        art, span = a["provenance"].split()[0].split(":")
        start, end = map(int, span.split("-"))
        assert a["weight"] >= 1 and texts[art][start:end].strip()
    said = [a for u, v, a in g.edges(data=True) if a["kind"] == "quoted-about"]
    assert all(a["weight"] >= 1 and a["first"] for a in said)
    entities = [n for n, a in g.nodes(data=True) if a["kind"] == "entity"]
    lonely = [n for n in entities if g.degree(n) == 0]
    assert len(lonely) <= len(entities) // 4, lonely


def test_graphml_reads_in_igraph(d, tmp_path):
    igraph = pytest.importorskip("igraph", reason="python-igraph (dev extra) is not installed")
    path = _graphml(d, tmp_path)
    g = igraph.Graph.Read_GraphML(str(path))
    ref = nx.read_graphml(path)
    assert (g.vcount(), g.ecount()) == (ref.number_of_nodes(), ref.number_of_edges())
    assert g.is_directed()
    names = g.vs["id"]
    assert "e-vexa" in names and set(g.es["kind"]) >= {"co-mention", "actor"}
    assert all(w >= 1 for w in g.es["weight"])


def test_jsonld_expands_to_schema_org(d, tmp_path):
    doc = json.loads(export(d, "jsonld", tmp_path / "s.jsonld").read_text())
    expanded = jsonld.expand(doc)
    types = {t for node in expanded for t in node.get("@type", [])}
    assert {"https://schema.org/Person", "https://schema.org/Event", "https://schema.org/Quotation",
            "https://schema.org/NewsArticle"} <= types
    person = next(n for n in expanded if n["@id"] == "urn:storyline:e-dan-reyes")
    assert person["https://schema.org/name"][0]["@value"] == "Dan Reyes"
    assert person["https://storyline.invalid/ns#provenance"]


def _rows(folder, name):
    with open(folder / f"{name}.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_csv_tables_carry_story_and_sentence_text(d, texts, tmp_path):
    folder = export(d, "csv", tmp_path / "csv")
    stories = {s.id for s in d.stories}
    quotes = _rows(folder, "quotes")
    assert len(quotes) == len(d.quotes)
    for r in quotes:
        assert texts[r["article"]][int(r["start"]) : int(r["end"])] == r["text"]
    checked = 0
    for name in ("mentions", "quotes", "amounts", "times", "event_mentions"):
        for r in _rows(folder, name):
            assert r["story"] in stories
            s, e = int(r["sentence_start"]), int(r["sentence_end"])
            assert r["sentence"] == texts[r["article"]][s:e] and r["sentence"].strip()
            assert s <= int(r["start"]) < e
            checked += 1
    assert checked > 100
    assert {float(r["value"]) for r in _rows(folder, "amounts") if r["value"]} >= {43.1e9}
    assert all(r["story"] in stories for r in _rows(folder, "articles"))
    assert all(r["stories"] for r in _rows(folder, "events"))


def test_timelinejs_fields(d, tmp_path):
    doc = json.loads(export(d, "timelinejs", tmp_path / "t.json").read_text())
    assert doc["title"]["text"]["headline"]
    events = doc["events"]
    assert len(events) == len([t for t in d.timeline if tl_date(t.date)]) > 5
    assert len({e["unique_id"] for e in events}) == len(events)
    for e in events:
        sd = e["start_date"]
        assert isinstance(sd["year"], int) and 1 <= sd.get("month", 1) <= 12 and 1 <= sd.get("day", 1) <= 31
        assert e["text"]["headline"] and "<cite>" in e["text"]["text"] and e["group"]
    offer = next(e for e in events if e["start_date"] == {"year": 2025, "month": 10, "day": 1})
    assert "The Ledger" in offer["text"]["text"] and "$43.1 billion" in offer["text"]["text"]
    assert any(e["group"] == "Background" and e.get("background") for e in events)


@pytest.mark.parametrize("value,expected", [
    ("2025-10-01", {"year": 2025, "month": 10, "day": 1}), ("2025-10", {"year": 2025, "month": 10}),
    ("2014", {"year": 2014}), ("2025-W46", {"year": 2025, "month": 11, "day": 10, "display_date": "week 46, 2025"}),
    ("2025-Q2", {"year": 2025, "month": 4, "display_date": "Q2 2025"}), ("P3Y", None), ("PRESENT_REF", None),
    ("XXXX-10-01", None), ("2025-13", None),
])
def test_tl_date(value, expected):
    assert tl_date(value) == expected


@given(st.text(max_size=20))
def test_tl_date_never_raises(value):
    out = tl_date(value)
    assert out is None or isinstance(out["year"], int)


def _frame(article, actors, targets, amount=None, negated=False):
    return EventMention(id=f"{article}:e0", article=article, type="acquire", cameo="06", trigger="buy", start=0,
                        end=3, sentence=0, sentence_start=0, sentence_end=10,
                        actors=[Span(article, 0, 1, a) for a in actors], targets=[Span(article, 2, 3, t) for t in targets],
                        amount=amount, negated=negated)


def _amount(aid, value):
    return Amount(id=aid, article=aid.split(":")[0], text="$1", start=0, end=2, value=value, unit="USD", qualifier=None)


def test_confidence_rules():
    amounts = {"a:m0": _amount("a:m0", 43.1e9), "b:m0": _amount("b:m0", 43e9), "c:m0": _amount("c:m0", 45.5e9)}
    ev = Event(id="ev", type="acquire", cameo="06", trigger="buy", actors=["e1"], targets=["e2"], independent=2)
    two = [_frame("a", ["X"], ["Y"], "a:m0"), _frame("b", ["X"], [], "b:m0")]
    assert confidence(ev, two, amounts).ok  # two reports, rounding apart
    clash = [_frame("a", ["X"], ["Y"], "a:m0"), _frame("c", ["X"], ["Y"], "c:m0")]
    assert "disagree" in confidence(ev, clash, amounts).reason
    assert not confidence(ev, [_frame("a", ["X"], ["Y"], "a:m0", negated=True)], amounts).ok
    one = Event(id="ev", type="acquire", cameo="06", trigger="buy", actors=["e1"], targets=["e2"], independent=1)
    assert confidence(one, [_frame("a", ["X"], ["Y"], "a:m0")], amounts).ok  # one full frame
    assert not confidence(one, [_frame("a", ["X"], ["Y"])], amounts).ok  # a payment needs its amount
    loose = [_frame("a", ["X"], []), _frame("b", [], ["Y"])]
    assert "no participant named by two" in confidence(ev, loose, amounts).reason
    shared = [_frame("a", ["X"], []), _frame("b", ["X"], [])]
    assert confidence(ev, shared, amounts).ok  # two reports name the same actor
    assert not confidence(ev, shared, amounts, who=lambda sp: sp.article).ok  # ... unless they are two entities


def test_ftm_round_trip_validates(d, tmp_path):
    ftm = pytest.importorskip("followthemoney", reason="the aleph extra (followthemoney) is not installed")
    path = export(d, "ftm", tmp_path / "s.ftm.jsonl")
    records = [json.loads(line) for line in path.read_text().splitlines()]
    proxies = [ftm.model.get_proxy(r, cleaned=False) for r in records]
    schemata = {p.schema.name for p in proxies}
    assert {"Article", "Person", "Organization", "Event", "Payment"} <= schemata
    by_id = {p.id: p for p in proxies}
    pays = [p for p in proxies if p.schema.name == "Payment"]
    # the acquisition (two reports, $45.5bn and $46bn) is a payment; the offer and the lawsuit are not
    assert len(pays) == 1 and float(pays[0].first("amount")) in {45.5e9, 46e9}
    pay = pays[0]
    assert pay.get("currency") == ["USD"]
    assert by_id[pay.get("payer")[0]].get("name") == ["Orbital Dynamics"]
    assert by_id[pay.get("beneficiary")[0]].get("name") == ["Vexa"]
    events = [p for p in proxies if p.schema.name == "Event"]
    assert 0 < len(events) < len(d.events) and all("confident" in p.first("notes") for p in events)
    for p in proxies:  # every reference points at an exported entity
        for prop, value in p.itervalues():
            if prop.type.name == "entity":
                assert value in by_id, (p.schema.name, prop.name)


def test_ftm_without_the_extra_says_how_to_get_it(d, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "followthemoney", None)  # import now fails as on a base install
    with pytest.raises(ExportUnavailable, match=r"storyline\[aleph\]"):
        export(d, "ftm", tmp_path / "s.ftm.jsonl")
    assert not (tmp_path / "s.ftm.jsonl").exists()


def test_unknown_format_is_refused(d, tmp_path):
    with pytest.raises(ValueError, match="unknown export format"):
        export(d, "xlsx", tmp_path / "x")


def test_cli_export_timelinejs_of_one_story(sample_db, tmp_path):
    from typer.testing import CliRunner

    from storyline.cli import app
    from storyline.store import Store

    with Store(sample_db, readonly=True) as s:
        story = s.rows("SELECT id FROM stories LIMIT 1")[0]["id"]
    out = tmp_path / "t.json"
    r = CliRunner().invoke(app, ["export", "--format", "timelinejs", "--story", story, "-o", str(out), "--db", str(sample_db)])
    assert r.exit_code == 0, r.output
    doc = json.loads(out.read_text())
    assert doc["title"]["text"]["headline"] and doc["events"][0]["start_date"]["year"]
    r = CliRunner().invoke(app, ["export", "--format", "timelinejs", "--story", "nope", "-o", str(out), "--db", str(sample_db)])
    assert r.exit_code == 1 and "nope" in r.output
