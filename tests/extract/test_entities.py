"""Entity mentions in one article: real news sentences and the names, labels and aliases they give."""

import pytest

from storyline.countries import country
from storyline.extract import analyze_article
from storyline.extract.entities import _product_like, _spells
from storyline.model import Article


def names(text):
    an = analyze_article(Article(id="t", text=text, published="2009-06-01"))
    return [m for m in an.mentions if m.kind == "name"], an


def by_text(text):
    ms, _ = names(text)
    return {m.text: m for m in ms}


def test_defined_acronym_points_to_its_long_name():
    text = "General Motors Corporation (GM) said on Monday it would file for bankruptcy. GM shares fell."
    ms, an = names(text)
    defined = [m for m in ms if m.text == "GM" and m.ref_start is not None]
    assert len(defined) == 1
    assert text[defined[0].ref_start : defined[0].ref_end] == "General Motors Corporation"
    # the later, bare GM is a name of its own; resolution joins it
    assert [m for m in ms if m.text == "GM" and m.ref_start is None]


def test_defined_acronym_that_is_not_initials():
    text = ("Members of the Fundamentalist Church of Jesus Christ of Latter-Day Saints (FLDS) were "
            "arrested in Texas. The FLDS denied the charges.")
    ms, _ = names(text)
    flds = [m for m in ms if m.text == "FLDS" and m.ref_start is not None]
    assert flds and text[flds[0].ref_start : flds[0].ref_end].endswith("Latter-Day Saints")


def test_brackets_that_define_nothing_are_left_alone():
    ms, _ = names("Shares of Ford Motor Co. (NYSE) rose while Boeing Co (GM) fell.")
    assert not [m for m in ms if m.ref_start is not None]


def test_spells():
    assert _spells("GM", "General Motors Corporation")
    assert _spells("EADS", "European Aeronautic Defence and Space")
    assert not _spells("GM", "Ford Motor")
    assert not _spells("SIA", "Airbus")


def test_us_with_dots_is_a_place_name():
    m = by_text("The U.S. and the European Union agreed on Monday.")
    assert m["U.S."].label == "GPE"


@pytest.mark.parametrize(("text", "expected"), [
    ("US", "United States"), ("U.S.", "United States"), ("the United States of America", "United States"),
    ("America", "United States"), ("Britain", "United Kingdom"), ("UK", "United Kingdom"),
    ("Russia", "Russian Federation"), ("South Korea", "South Korea"), ("Republic of Korea", "South Korea"),
    ("AI", None), ("IT", None), ("Apple", None),
])
def test_country_aliases(text, expected):
    assert country(text) == expected


def test_title_makes_a_person_and_is_not_part_of_the_name():
    m = by_text("Mr. Altman said the board had lost confidence. Dr. Sanjay Gupta declined the post.")
    assert m["Altman"].label == "PERSON" and m["Altman"].cue == "title"
    assert "Sanjay Gupta" in m and m["Sanjay Gupta"].label == "PERSON"


def test_corporate_suffix_makes_an_organisation():
    m = by_text("Vexa Inc. said it would cut 300 jobs.")
    assert m["Vexa Inc."].label == "ORG" and m["Vexa Inc."].cue == "suffix"


def test_shops_and_products_are_not_people():
    m = by_text("The Beatles sued Apple over the iTunes Music Store.")
    assert m["iTunes Music Store"].label != "PERSON"
    assert m["Apple"].label == "ORG"


@pytest.mark.parametrize(("words", "product"), [
    (["iPhone", "4"], True), (["A380"], True), (["iPod"], True), (["Windows", "7"], True),
    (["Steve", "Jobs"], False), (["Apple"], False), (["McDonald"], False),
])
def test_product_cues(words, product):
    assert _product_like(words) is product


def test_ai_is_not_a_place():
    m = by_text("OpenAI said it would invest $1 billion in AI research.")
    assert m["AI"].label not in {"GPE", "LOC"}


def test_nationality_adjective_is_no_entity_mention():
    m = by_text("The European airframer Airbus signed a deal with American Airlines.")
    assert "European" not in m
    assert "Airbus" in m and "American Airlines" in m


def test_dateline_glued_to_a_name_is_cut_off():
    ms = by_text("FRANKLIN - The Vokari Trade Union (VTU) said on Friday that it would seek $43.1 billion.")
    assert "Vokari Trade Union" in ms and not [t for t in ms if t.startswith("FRANKLIN")]
    assert ms["VTU"].ref_start is not None


def test_a_name_ner_missed_is_found_by_the_acronym_it_defines():
    text = "SPRINGFIELD - The Lone Transport Union (LTU) said on Friday that it would seek $600 billion."
    ms = by_text(text)
    assert ms["Lone Transport Union"].label == "ORG"
    assert text[ms["LTU"].ref_start : ms["LTU"].ref_end] == "Lone Transport Union"


def test_capitals_that_do_not_spell_the_acronym_define_nothing():
    ms, _ = names("The ministry said Monday Blue Report (LTU) was late, and a spokesman (AP) agreed.")
    assert not [m for m in ms if m.ref_start is not None]
