"""The fact extractor on real news sentences (most from ECB+ and MEANTIME articles, some shortened)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storyline.extract import analyze_article
from storyline.extract.facts import parse_number
from storyline.model import Article, ArticleAnalysis


def facts(text: str):
    return analyze_article(Article(id="t", text=text)).facts


def one(text: str, kind: str | None = None):
    found = [f for f in facts(text) if kind is None or f.kind == kind]
    assert len(found) == 1, [(f.text, f.kind, f.measure) for f in found]
    return found[0]


@pytest.mark.parametrize(
    "sentence",
    [
        "A bomb exploded in the market on Friday, killing 12 people.",
        "Twelve people were killed when a bomb exploded in the market.",
        "The death toll from the explosion rose to 12.",
        "The blast left 12 people dead and dozens hurt in the market.",
    ],
)
def test_outlets_wordings_of_a_toll_meet(sentence):
    f = one(sentence, "count")
    assert f.measure == "people|kill" and f.value == 12


def test_killed_and_injured_are_two_measures():
    fs = facts("A powerful earthquake hit southern Iran, killing at least 10 people and injuring 80.")
    by = {f.measure: f for f in fs if f.kind == "count"}
    assert by["people|kill"].value == 10 and by["people|kill"].qualifier == "at_least"
    assert by["people|kill"].text == "at least 10"
    assert by["people|injure"].value == 80


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        ("Police said a 42-year-old man was arrested at the scene.", 42),
        ("Eric Allen Kirkpatrick, 61, opened fire at the office party.", 61),
        ("The victim, aged 37, died in hospital.", 37),
    ],
)
def test_ages_are_ages_not_counts(sentence, value):
    fs = facts(sentence)
    assert [f.value for f in fs if f.kind == "age"] == [value]
    assert not [f for f in fs if f.kind == "count" and f.value == value]


def test_a_sentence_of_twenty_years_is_a_duration():
    f = one("The judge handed Smith a 20-year sentence for the robbery.", "duration")
    assert f.value == "P20Y" and f.noun == "sentence"


@pytest.mark.parametrize(
    "sentence",
    [
        "He was placed on the FBI's 10 Most Wanted list last year.",
        "The third suspect was arrested in 2003.",
        "Call the tip line at 555-0123 with any information.",
        "Chelsea beat Arsenal 3-1 on Sunday.",
        "The pirates carried AK-47 rifles.",
    ],
)
def test_list_names_ordinals_years_phones_scores_are_not_counts(sentence):
    assert not [f for f in facts(sentence) if f.kind == "count"]


def test_a_year_that_dates_an_event_is_a_date():
    f = one("Blackmore was ousted from the sect in 2002 by its leader.", "date")
    assert f.value == "2002" and f.measure == "date|expel"


def test_magnitude_and_distance_with_its_conversion():
    fs = facts("A 5.6 magnitude earthquake struck seven km (4 miles) east of Dargahan.")
    kinds = sorted((f.kind, f.unit, f.value) for f in fs)
    assert kinds == [("quantity", "km", 7.0), ("quantity", "magnitude", 5.6)]  # "4 miles" is the conversion
    dist = next(f for f in fs if f.unit == "km")
    assert dist.measure == "distance|dargahan"


def test_money_measured_by_what_it_pays_for():
    f = one("Hewlett-Packard agreed to buy the outsourcing company for $13.9 billion.", "money")
    assert f.value == 13.9e9 and f.unit == "USD" and f.measure == "|price"


def test_no_casualties_is_a_zero_toll():
    f = one("Aid workers said there were no casualties in the camp.", "count")
    assert f.value == 0 and f.measure == "people|kill"


def test_who_asserts_a_value():
    f = one("Five people were injured in the quake, Iranian media said.", "count")
    assert f.asserted_by == "Iranian media"
    f = one("At least four bombs were dropped on the camp.", "count")
    assert f.asserted_by == "outlet"
    f = one('"Two people from Zinbi village were hurt," the governor told reporters.', "count")
    assert f.asserted_by != "outlet"


def test_parts_of_a_total_are_not_totals():
    fs = facts("Police said two women and one man died at a branch of the bank.")
    assert not [f for f in fs if f.kind == "count"]


def test_a_background_figure_keeps_its_year():
    f = one("In 2004 a tsunami killed 170,000 people in the province.", "count")
    assert f.period == "2004" and f.agent == "tsunami"


def test_offsets_point_at_the_value():
    text = "Officials said at least 24 people were killed and more than 200 injured."
    for f in facts(text):
        assert text[f.start : f.end] == f.text


def test_analyses_stored_before_facts_still_load():
    an = analyze_article(Article(id="t", text="The quake killed 10 people."))
    data = an.to_json()
    assert ArticleAnalysis.from_json(data).facts == an.facts
    data.pop("facts")
    assert ArticleAnalysis.from_json(data).facts == []


@given(st.integers(min_value=0, max_value=10**12))
def test_numbers_with_thousands_separators(n):
    assert parse_number(f"{n:,}") == n
    assert parse_number(str(n)) == n


_UNITS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


@given(st.integers(min_value=2, max_value=9), st.integers(min_value=1, max_value=9))
def test_compound_number_words(tens, unit):
    assert parse_number(f"{_TENS[tens - 2]}-{_UNITS[unit - 1]}") == tens * 10 + unit


@given(st.sampled_from(["million", "billion"]), st.integers(min_value=1, max_value=999), st.integers(min_value=0, max_value=9))
def test_scaled_decimals(scale, whole, tenth):
    expected = (whole + tenth / 10) * {"million": 1e6, "billion": 1e9}[scale]
    assert parse_number(f"{whole}.{tenth} {scale}") == pytest.approx(expected)


@pytest.mark.parametrize("text", ["1,00", "foo", "12,34,5"])
def test_not_numbers(text):
    assert parse_number(text) is None


@pytest.mark.parametrize(
    ("sentence", "agent"),
    [
        ("The first quake, magnitude 7.6, struck at 4:43 a.m. local time.", "quake#1"),
        ("Another strong quake, magnitude 6.1, hit the region on Wednesday.", "quake#+"),
        ("A 5.6 magnitude earthquake hit an island off Iran.", "quake"),
    ],
)
def test_a_magnitude_knows_which_quake(sentence, agent):
    assert one(sentence, "quantity").agent == agent


def test_a_breakdown_by_nationality_is_not_a_total():
    fs = facts("The pirates apprehended included 12 Somalis and 11 Yemenis.")
    assert not [f for f in fs if f.kind == "count"]


def test_a_count_mislabelled_as_a_percentage_is_still_a_count():
    fs = [f for f in facts("Seven AK-47s, three other automatic rifles and 13 loaded magazines were seized.")
          if f.kind == "count"]
    assert [(f.value, f.noun) for f in fs] == [(7, "ak47"), (3, "rifle~other"), (13, "magazine")]


def test_a_district_is_the_place_of_its_figure():
    [f] = [x for x in facts("In neighbouring Central Aceh district, 10 people were killed.") if x.value == 10]
    assert f.place.endswith("district") and "aceh" in f.place


def test_two_counts_of_one_noun_are_a_breakdown_but_a_model_number_is_not():
    fs = facts("Marine commandos boarded the boat to nab 12 Somali and 11 Yemeni pirates.")
    assert not [f for f in fs if f.kind == "count" and f.value in (11, 12)]
    f = one("The navy seized six AK 47 rifles from the boat.", "count")
    assert f.value == 6


def test_a_participle_clause_takes_the_year_of_the_clause_it_hangs_on():
    f = one("The latest quakes in Manokwari occurred on Oct. 10, 2002, killing three people.", "count")
    assert f.value == 3 and f.period == "2002"


def test_a_magnitude_written_in_one_token_with_its_word():
    f = one("Iran's state television says a magnitude-5.2 quake has injured three people.", "quantity")
    assert f.value == 5.2 and f.text == "5.2" and f.unit == "magnitude"


# --- facts3: what a count measures -------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Five soldiers died on Wednesday, bringing to 10 the number of Israelis who have been killed.",
        "The total number of Israelis killed now stands at 10.",
        "The number of dead rose to 10 on Friday.",
    ],
)
def test_the_number_of_x_killed_counts_x(sentence):
    [f] = [f for f in facts(sentence) if f.value == 10]
    assert f.measure == "people|kill"


def test_the_worst_hit_and_the_critically_hurt_are_subsets_with_their_own_measure():
    worst = one("Ziranag is one of the 12 worst-hit villages, the governor said.", "count")
    assert worst.noun == "village~most"
    plain = one("The earthquake destroyed seven villages on the island.", "count")
    assert plain.noun == "village"
    fs = facts("The UN said it had confirmed 30 dead and 55 wounded, 15 critically.")
    assert {f.value: f.measure for f in fs if f.kind == "count"} == {30: "people|kill", 55: "people|injure",
                                                                      15: "people~severe|injure"}
    # a partitive kept out as "a part of a value stated before" is a count when it says how badly
    [crit] = [f for f in facts("The attack left 50 people with serious injuries, 10 of whom remain critical.")
              if f.value == 10]
    assert crit.measure == "people~severe|injure"


def test_a_partitive_counts_its_noun_unless_it_is_part_of_a_stated_total():
    [f] = [f for f in facts("At least 12 of one family were killed in the strike.") if f.value == 12]
    assert f.noun == "family" and f.predicate == "kill"
    # "30 of the 80 wounded" is a part of the 80, not a toll of 30
    assert [f.value for f in facts("He said 30 of the 80 wounded remained in hospital.") if f.measure == "people|injure"] == [80]


def test_vague_dozens_are_no_value_and_two_dozen_is_24():
    assert [f for f in facts("Several dozen people were wounded, hospital officials said.") if f.kind == "count"] == []
    assert one("Two dozen people were hurt in the blast.", "count").value == 24
    assert one("A dozen people were hurt in the blast.", "count").value == 12


def test_a_conversion_in_parentheses_is_not_a_second_amount():
    [f] = [f for f in facts("She urged them to pass the country's share of the bailout euro22 billion ($28 billion) by Friday.")
           if f.kind == "money"]
    assert f.unit == "EUR" and f.value == 22e9


def test_more_than_is_a_bound_not_an_extra_count():
    # the parser hangs "more" on the number as an adjective: still "more than 300", not "300 more"
    f = one("It hit the school, where more than 300 Palestinians had taken shelter from fighting.", "count")
    assert f.value == 300 and f.qualifier == "more_than" and f.text == "more than 300"
    assert f.measure == "people|shelter"  # "taking shelter" and "sheltering" meet
    assert [f for f in facts("Four more people died in hospital on Monday.") if f.kind == "count"] == []
    f = one("On Saturday, more than a dozen people were killed by a quake in eastern China.", "count")
    assert f.value == 12 and f.qualifier == "more_than" and f.text == "more than a dozen"


# --- facts4: what a figure belongs to --------------------------------------------------------


def test_other_items_are_counted_besides_the_named_set():
    # "seven AK-47s, three other automatic rifles": the three are not the rifles' count
    fs = [f for f in facts("The navy seized seven assault rifles and three other rifles from the pirates.") if f.kind == "count"]
    by = {f.value: f for f in fs}
    assert by[7].measure == "rifle|seize"
    assert by[3].measure == "rifle~other|seize"


def test_the_place_of_a_figure_is_its_own_place_phrase_not_a_conjuncts():
    f = [x for x in facts("In 2004 a massive tremor sparked a tsunami that killed 170,000 people in the province "
                          "and tens of thousands more in countries around the Indian Ocean.")
         if x.kind == "count" and x.value == 170000][0]
    assert f.place == "province"
    g = [x for x in facts("A strong quake triggered a tsunami that killed 230,000 people in 13 countries around "
                          "the Indian Ocean in 2004.") if x.kind == "count" and x.value == 230000][0]
    assert g.place == "country"


def test_coordinated_figures_share_the_district_either_clause_names():
    fs = [f for f in facts("Twelve people were killed and 70 others were injured by a landslide or collapsing "
                           "buildings in Bener Meriah district, said Sutopo Purwo Nugroho of the agency.")
          if f.kind == "count"]
    assert {f.value for f in fs} == {12, 70}
    assert all(f.place.endswith("district") and "meriah" in f.place for f in fs), [(f.value, f.place) for f in fs]
    # a single clause with no place phrase of its own gets no place from elsewhere
    f = one("Twelve people were killed by a landslide, said Sutopo Purwo Nugroho of the agency.", "count")
    assert f.place == ""


def test_a_raised_participle_reports_about_its_subject_not_for_it():
    text = ('Winston Blackmore and James Oler were arrested Wednesday. Blackmore, alleged to have 19 wives, '
            'is charged with "practicing polygamy".')
    assert one(text, "count").asserted_by == "outlet"
    # a reporting verb with its own subject still names the source
    assert one("Oppal said Blackmore has 20 wives.", "count").asserted_by == "Oppal"


def test_a_distance_that_locates_a_named_town_is_the_towns():
    town = one("The temblor struck at 2:09 a.m. and was centered in Geyserville, about 20 miles north of Santa Rosa, "
               "according to the U.S. Geological Survey.", "quantity")
    quake = one("The temblor struck about 26 miles north of Santa Rosa in the Geysers area.", "quantity")
    assert quake.measure.startswith("distance|") and "geyserville" not in quake.measure
    assert town.measure != quake.measure and "geyserville" in town.measure


def test_a_counts_own_toll_word_wins_over_its_conjuncts():
    fs = [f for f in facts("Shooting at Accounting Firm Leaves Woman Dead and 2 Hurt.") if f.kind == "count"]
    assert [(f.value, f.measure) for f in fs] == [(2, "people|injure")]


def test_a_noun_the_parser_coordinates_with_a_verb_takes_no_predicate_from_it():
    fs = [f for f in facts('A female receptionist died and two men, believed to be "management level employees," '
                           "underwent surgery for wounds.") if f.kind == "count"]
    assert all(f.predicate != "kill" for f in fs), [(f.value, f.measure) for f in fs]
    # a real coordination of clauses keeps each verb: "killing 12 and injuring 80"
    by = {f.value: f.measure for f in facts("A bomb exploded, killing 12 people and injuring 80.") if f.kind == "count"}
    assert by[12] == "people|kill" and by[80] == "people|injure"


@pytest.mark.parametrize(
    "sentence",
    [
        "Police recovered 12 AK 47 guns from the house.",
        "Soldiers found six AK-47 rifles in the truck.",
        "The soldiers seized seven AK-47 assault rifles at the checkpoint.",
        "The rebels handed over nine AK-47s on Monday.",
    ],
)
def test_a_model_name_is_what_is_counted_whatever_class_noun_follows(sentence):
    f = one(sentence, "count")
    assert f.noun == "ak47" and f.value in {12, 6, 7, 9}


def test_a_running_total_of_things_is_not_one_hauls_count():
    assert one("So far this year, the coast guard has seized 40 rifles from smugglers.", "count").noun == "rifle~total"
    [f] = [x for x in facts("The border unit has seized a total of 40 rifles during its three raids.") if x.value == 40]
    assert f.noun == "rifle~total"
    assert [x.noun for x in facts("The two trucks carried a total of 40 rifles.") if x.value == 40] == ["rifle"]
    assert one("So far, 11 people have been killed in the fighting.", "count").measure == "people|kill"


@pytest.mark.parametrize(
    ("sentence", "town"),
    [
        ("A strong quake rocked Bam, a city of about 80,000 people in Kerman province 630 miles southeast of Tehran.", "bam"),
        ("Shiraz, located 680 kilometers south of Tehran, was spared.", "shiraz"),
        ("Mashhad, located 900 kilometers east of Tehran, has a busy port.", "mashhad"),
    ],
)
def test_a_distance_describing_a_named_town_is_that_towns(sentence, town):
    f = one(sentence, "quantity")
    assert f.measure == f"distance|tehran~{town}"


def test_people_living_somewhere_are_its_population_but_living_people_evacuated_are_evacuated():
    assert one("About 900 people live in the valley town.", "count").measure == "people|population"
    assert one("Some 5,000 people living near the volcano were evacuated.", "count").measure == "people|evacuate"


def test_a_relative_clause_takes_the_year_of_the_clause_that_brings_its_noun_about():
    [f] = [x for x in facts("In 1998, a strong quake off the coast triggered a landslide that killed 2,100 people.")
           if x.kind == "count"]
    assert f.period == "1998" and f.measure == "people|kill"
    [g] = [x for x in facts("The landslide that killed 2,100 people buried the village on Monday.") if x.kind == "count"]
    assert g.period is None


@pytest.mark.parametrize(
    ("sentence", "thing"),
    [
        ("The smugglers fled in a 12-metre trawler.", "trawler"),
        ("Rescuers reached the 40-foot-long barge at dawn.", "barge"),
    ],
)
def test_a_length_modifying_a_noun_is_the_size_of_that_thing(sentence, thing):
    f = one(sentence, "quantity")
    assert f.measure == f"length|{thing}" and f.text.endswith(("metre", "foot"))


def test_a_passive_reporting_verbs_subject_is_what_is_reported_on_not_who_reports():
    f = one("The second boat was described as a 30-foot skiff.", "quantity")
    assert f.asserted_by == "outlet"
    f = one("The governor was quoted as saying that 12 people had died.", "count")
    assert f.asserted_by == "The governor"


def test_places_counted_to_date_are_how_many_there_are_not_a_running_total():
    assert one("To date, 19 states have banned the practice.", "count").noun == "state"


def test_the_number_in_a_bills_name_is_not_a_count():
    assert [f.value for f in facts("Lawmakers passed the bill, known as SB 1062, and 12 other bills.") if f.kind == "count"] == [12]


def test_a_bare_kind_listed_after_a_model_of_it_is_the_other_ones():
    fs = {f.value: f.noun for f in facts("Troops recovered 12 AK-47 guns, three rifles and 40 magazines.") if f.kind == "count"}
    assert fs == {12: "ak47", 3: "rifle~other", 40: "magazine"}
