"""Every export read back with the library of its format."""

import csv
import json

import networkx as nx
import pytest
from followthemoney import model
from pyld import jsonld

from storyline.export import export


@pytest.fixture(scope="module")
def d(sample_dossier):
    return sample_dossier


def test_graphml_round_trip(d, tmp_path):
    g = nx.read_graphml(export(d, "graphml", tmp_path / "s.graphml"))
    reyes = g.nodes["e-dan-reyes"]
    assert reyes["label"] == "Dan Reyes" and reyes["type"] == "PERSON"
    art, span = reyes["provenance"].split()[0].split(":")
    start, end = map(int, span.split("-"))
    texts = {a.article.id: a.article.text for a in d.analyses}
    forms = {m.text for e in d.entities if e.id == "e-dan-reyes" for m in e.mentions}
    assert texts[art][start:end] in forms
    offers = [n for n, a in g.nodes(data=True) if a.get("type") == "offer"]
    assert offers and any(g.has_edge("e-orbital-dynamics", o) for o in offers)
    assert any(a.get("amount") == 43.1e9 for _, a in g.nodes(data=True))


def test_ftm_round_trip_validates(d, tmp_path):
    path = export(d, "ftm", tmp_path / "s.ftm.jsonl")
    records = [json.loads(line) for line in path.read_text().splitlines()]
    proxies = [model.get_proxy(r, cleaned=False) for r in records]
    schemata = {p.schema.name for p in proxies}
    assert {"Article", "Person", "Organization", "Event", "Payment"} <= schemata
    by_id = {p.id: p for p in proxies}
    pay = next(p for p in proxies if p.schema.name == "Payment" and "43100000000" in str(p.get("amount")))
    assert pay.get("currency") == ["USD"]
    assert by_id[pay.get("payer")[0]].get("name") == ["Orbital Dynamics"]
    for p in proxies:  # every reference points at an exported entity
        for prop, value in p.itervalues():
            if prop.type.name == "entity":
                assert value in by_id, (p.schema.name, prop.name)


def test_jsonld_expands_to_schema_org(d, tmp_path):
    doc = json.loads(export(d, "jsonld", tmp_path / "s.jsonld").read_text())
    expanded = jsonld.expand(doc)
    types = {t for node in expanded for t in node.get("@type", [])}
    assert {"https://schema.org/Person", "https://schema.org/Event", "https://schema.org/Quotation",
            "https://schema.org/NewsArticle"} <= types
    person = next(n for n in expanded if n["@id"] == "urn:storyline:e-dan-reyes")
    assert person["https://schema.org/name"][0]["@value"] == "Dan Reyes"
    assert person["https://storyline.invalid/ns#provenance"]


def test_csv_tables_round_trip(d, tmp_path):
    folder = export(d, "csv", tmp_path / "csv")
    with open(folder / "quotes.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(d.quotes)
    texts = {a.article.id: a.article.text for a in d.analyses}
    for r in rows:
        assert texts[r["article"]][int(r["start"]) : int(r["end"])] == r["text"]
    with open(folder / "amounts.csv", newline="", encoding="utf-8") as fh:
        assert {float(r["value"]) for r in csv.DictReader(fh) if r["value"]} >= {43.1e9}


def test_unknown_format_is_refused(d, tmp_path):
    with pytest.raises(ValueError, match="unknown export format"):
        export(d, "xlsx", tmp_path / "x")
