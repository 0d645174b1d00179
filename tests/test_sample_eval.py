"""Extraction scored against the hand-made gold of the sample corpus (floors just under today)."""

from storyline.eval.sample import score_sample

from .conftest import GOLD


def test_sample_scores_meet_floors(sample_dossier):
    s = score_sample(sample_dossier, GOLD)
    assert s["quotes"]["precision"] >= 0.9 and s["quotes"]["recall"] >= 0.9
    assert s["quote_speakers"]["accuracy"] >= 0.9
    assert s["amounts"]["precision"] >= 0.9 and s["amounts"]["recall"] >= 0.9
    assert s["times"]["precision"] >= 0.85 and s["times"]["recall"] >= 0.85


def test_dossier_resolves_the_story(sample_dossier):
    d = sample_dossier
    names = {e.name: e for e in d.entities}
    reyes = names["Dan Reyes"]
    assert "Reyes" in reyes.aliases and reyes.type == "PERSON"
    assert any("orbital ceo" in x for x in reyes.descriptors)
    assert "Orbital" in names["Orbital Dynamics"].aliases
    assert names["Lina Park"].type == "PERSON"
    verdicts = sorted(x.verdict for x in d.discrepancies if x.field == "amount")
    assert verdicts.count("rounding") >= 2  # $43.1bn vs $43bn, $45.5bn vs $46bn
    dates = [t.date for t in d.timeline]
    assert dates == sorted(dates)
    assert len(d.stories) == 1


def test_json_contract(sample_dossier):
    j = sample_dossier.to_json()
    assert j["schema"] == "storyline.dossier/1"
    for key in ("articles", "entities", "quotes", "amounts", "times", "events", "discrepancies", "timeline", "stories"):
        assert j[key], key
    texts = {a["id"]: a["text"] for a in j["articles"]}
    for q in j["quotes"]:
        assert texts[q["article"]][q["start"] : q["end"]] == q["text"]
    for a in j["amounts"]:
        assert texts[a["article"]][a["start"] : a["end"]] == a["text"]
    for e in j["entities"]:
        for m in e["mentions"]:
            assert texts[m["article"]][m["start"] : m["end"]] == m["text"]
