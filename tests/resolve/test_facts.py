"""Grouping facts across articles and the verdicts of their discrepancies (records built by hand,
with values and wordings taken from the ECB+ articles of facts-ecbplus-dev)."""

from storyline.model import Article, ArticleAnalysis, Fact
from storyline.resolve.facts import compatible, discrepancies_of, is_rounding, resolve_facts


def fact(article: str, text: str, value, *, measure: str = "people|kill", kind: str = "count", qualifier=None,
         by: str = "outlet", sentence: int = 0, unit=None, period=None, start: int = 0) -> Fact:
    noun, _, pred = measure.partition("|")
    return Fact(id=f"{article}:f{start}", article=article, text=text, start=start, end=start + len(text), kind=kind,
                measure=measure, value=value, unit=unit, qualifier=qualifier, asserted_by=by, sentence=sentence,
                noun=noun, predicate=pred, period=period)


def run(facts: list[Fact], published: dict[str, str] | None = None):
    published = published or {}
    texts = {f.article: "x" * 500 for f in facts}
    return discrepancies_of(facts, {a: published.get(a, "") for a in texts}, texts)


def test_values_a_qualifier_allows_are_consistent():
    fs = [fact("a", "more than 40", 40, qualifier="more_than"), fact("b", "42", 42), fact("c", "at least 41", 41, qualifier="at_least")]
    assert run(fs) == []


def test_rounding():
    assert is_rounding(fact("a", "612", 612), fact("b", "600", 600))
    assert is_rounding(fact("a", "$13.9 billion", 13.9e9, kind="money", unit="USD"),
                       fact("b", "nearly $14 billion", 14e9, kind="money", unit="USD", qualifier="about"))
    assert not is_rounding(fact("a", "19", 19, measure="wife|have"), fact("b", "20", 20, measure="wife|have"))
    [d] = run([fact("a", "612", 612), fact("b", "612", 612), fact("c", "600", 600)])
    assert d.verdict == "rounding" and d.measure == "people|kill"


def test_a_rising_toll_in_later_articles_is_an_update():
    fs = [fact("a", "at least three", 3, qualifier="at_least"), fact("a2", "three", 3),
          fact("b", "10", 10), fact("c", "Ten", 10)]
    [d] = run(fs, {"a": "2005-11-27", "a2": "2005-11-27", "b": "2005-11-28", "c": "2005-11-28"})
    assert d.verdict == "update"
    assert [v.value for v in d.values] == ["at least 3", "3", "10"]


def test_two_outlets_disagreeing_is_a_conflict_and_a_quoted_figure_a_claim():
    [d] = run([fact("a", "five", 5, measure="people|injure"), fact("b", "two", 2, measure="people|injure")])
    assert d.verdict == "conflict"
    [d] = run([fact("a", "7.6", 7.6, measure="magnitude|", kind="quantity", unit="magnitude"),
               fact("b", "7.6", 7.6, measure="magnitude|", kind="quantity", unit="magnitude"),
               fact("c", "7.7", 7.7, measure="magnitude|", kind="quantity", unit="magnitude", by="Captain Manrosan")])
    assert d.verdict == "claim"
    assert d.values[-1].asserted_by == ["Captain Manrosan"]


def test_killed_and_injured_never_meet():
    assert run([fact("a", "10", 10), fact("b", "80", 80, measure="people|injure")]) == []


def test_two_values_of_one_article_are_two_things():
    # "two quakes, measuring 7.6 and 7.4" in one article, 7.5 in another: the 7.4 and 7.6 stay apart
    q = {"measure": "magnitude|", "kind": "quantity", "unit": "magnitude"}
    fs = [fact("a", "7.6", 7.6, **q, start=0), fact("a", "7.4", 7.4, **q, start=10),
          fact("b", "7.6", 7.6, **q), fact("c", "7.5", 7.5, **q)]
    for d in run(fs):
        values = {v.value for v in d.values}
        assert not {"7.6", "7.4"} <= values


def test_far_apart_figures_are_different_facts():
    # this quake's toll and an old disaster's, both "people killed"
    assert run([fact("a", "10", 10), fact("b", "612", 612), fact("c", "at least 3", 3, qualifier="at_least")]) == []


def test_a_year_pins_a_figure_to_its_period():
    fs = [fact("a", "170,000", 170000, period="2004"), fact("b", "230,000", 230000, period="2005")]
    assert run(fs) == []


def test_ages_are_never_compared():
    fs = [fact("a", "42", 42, measure="age|man", kind="age"), fact("b", "47", 47, measure="age|man", kind="age")]
    assert run(fs) == []


def test_units_convert_before_comparing():
    km = {"measure": "distance|geysers", "kind": "quantity", "unit": "km"}
    assert compatible(fact("a", "10 km", 10.0, **km), fact("b", "6 miles", 9.656, **km))


def test_resolve_facts_keeps_stories_apart():
    def an(aid: str, f: Fact) -> ArticleAnalysis:
        return ArticleAnalysis(Article(id=aid, text="x" * 100), facts=[f])
    analyses = [an("a", fact("a", "five", 5)), an("b", fact("b", "two", 2))]
    assert resolve_facts(analyses, {"s1": ["a"], "s2": ["b"]}) == []
    [d] = resolve_facts(analyses, {"s1": ["a", "b"]})
    assert d.story == "s1" and d.field == "amount" and d.kind == "count"


def test_the_first_quake_and_another_are_two_facts():
    q = {"measure": "magnitude|", "kind": "quantity", "unit": "magnitude"}
    first, other = fact("a", "7.6", 7.6, **q), fact("b", "7.4", 7.4, **q)
    first.agent, other.agent = "quake#1", "quake#+"
    assert run([first, other]) == []
    other.agent = "quake"  # unordered: may be either
    assert len(run([first, other])) == 1


def test_a_district_figure_is_not_the_whole_toll():
    # "In neighbouring Central Aceh district, 10 people were killed" vs "Five people died" (the whole
    # quake's toll): a part and the total, not two versions of one figure
    district = fact("a", "10", 10)
    district.place = "central aceh district"
    assert run([district, fact("b", "Five", 5)]) == []
    # two outlets giving the same district's toll still meet
    other = fact("c", "12", 12)
    other.place = "central aceh district"
    [d] = run([district, other])
    assert {v.value for v in d.values} == {"10", "12"}


def test_every_two_values_of_a_group_are_close():
    # 8 is close to 12 and 12 to 28, but 8 and 28 are not versions of one figure: no chain 8-12-28
    fs = [fact("a", "8", 8), fact("b", "12", 12), fact("c", "28", 28)]
    for d in run(fs):
        values = {v.value for v in d.values}
        assert not {"8", "28"} <= values


def test_one_article_reporting_two_parties_figures_is_a_dispute_not_two_things():
    # "aid workers said no one was killed" and "the commissioner said 12 were killed" in one article
    fs = [fact("a", "no", 0, by="five aid workers in the Yida camp", start=10),
          fact("a", "12", 12, by="Miabek Lang", start=90), fact("b", "no", 0, start=5)]
    [d] = run(fs)
    assert {v.value for v in d.values} == {"0", "12"} and d.verdict == "claim"
    # the outlet's own two figures stay two things ("quakes of 7.6 and 7.4")
    assert run([fact("a", "7", 7, start=1), fact("a", "12", 12, start=50), fact("b", "12", 12)]) == []


def test_two_epicentres_distances_are_not_one_distance():
    km = {"measure": "distance|manokwari", "kind": "quantity", "unit": "km"}
    # 75 km (the Wednesday quake) and about 135 km (the first quake) from one city: two facts
    assert run([fact("a", "75 kilometers", 75.0, **km), fact("b", "about 135 kilometers", 135.0, qualifier="about", **km)]) == []
    # 20 and 26 miles north of one city: outlets disagreeing on one distance
    [d] = run([fact("a", "about 20 miles", 32.2, qualifier="about", **km), fact("b", "about 26 miles", 41.8, qualifier="about", **km)])
    assert d.kind == "quantity"


def test_an_earlier_years_figure_is_background_in_a_later_story():
    # "The latest quakes occurred on Oct. 10, 2002, ..., killing three people" in a 2009 story: the 2002
    # toll is not a version of this quake's toll of one
    fs = [fact("a", "one", 1), fact("b", "at least one", 1, qualifier="at_least"), fact("c", "three", 3, period="2002")]
    assert run(fs, {"a": "2009-01-05", "b": "2009-01-05", "c": "2009-01-06"}) == []
    # a year that is the story's own does not set a figure apart
    fs = [fact("a", "one", 1), fact("c", "three", 3, period="2009")]
    [d] = run(fs, {"a": "2009-01-05", "c": "2009-01-06"})
    assert {v.value for v in d.values} == {"1", "3"}


def test_clock_times_hours_apart_are_two_moments_and_minutes_apart_one():
    t = {"measure": "time|happen", "kind": "date"}
    # 7:48 a.m. (the Wednesday quake) and 4:43 a.m. (the first quake): two events of one story
    assert run([fact("a", "7:48 a.m.", "XXXX-XX-XXT07:48", **t), fact("b", "4:43 a.m.", "XXXX-XX-XXT04:43", **t)]) == []
    # "about 9:30 a.m." and "9:27 a.m." twice, once "approximately 9:27": outlets rounding one time
    [d] = run([fact("a", "about 9:30 a.m.", "XXXX-XX-XXT09:30", qualifier="about", **t),
               fact("b", "9:27 a.m.", "XXXX-XX-XXT09:27", **t),
               fact("c", "approximately 9:27 a.m.", "XXXX-XX-XXT09:27", qualifier="about", **t)])
    assert d.verdict == "rounding"


def test_tolls_told_with_two_different_magnitudes_are_two_quakes():
    # "a 5.6 magnitude earthquake ... injuring five" vs "a magnitude-5.2 quake has injured three"
    mag = {"measure": "magnitude|", "kind": "quantity", "unit": "magnitude"}
    fs = [fact("a", "5.6", 5.6, sentence=1, start=1, **mag), fact("a", "five", 5, measure="people|injure", sentence=1, start=40),
          fact("b", "5.2", 5.2, sentence=0, start=1, **mag), fact("b", "three", 3, measure="people|injure", sentence=0, start=40)]
    assert [d for d in run(fs) if d.kind == "count"] == []
    # 5.9 and 6.1 for one quake (two agencies) do not set its tolls apart
    fs[2] = fact("b", "6.1", 6.1, sentence=0, start=1, **mag)
    fs[0] = fact("a", "5.9", 5.9, sentence=1, start=1, **mag)
    assert [d for d in run(fs) if d.kind == "count"]


# --- facts3: who reports a figure, updates the text states, ties ------------------------------


def test_news_media_and_unnamed_officials_report_figures_a_named_party_claims_them():
    from storyline.resolve.facts import _reports

    for who in ("outlet", "Iran's state television", "State media", "IRNA", "the student ISNA news agency",
                "officials", "Iranian officials", "news agency reports", "Shifa Hospital", "Doctors in Gaza"):
        assert _reports(who), who
    for who in ("Miabek Lang", "UNHCR spokesman Adrian Edwards", "the Enough Project", "Police chief Smith"):
        assert not _reports(who), who
    inj = {"measure": "people|injure"}
    # two injured in the outlet's voice, three on state television: two reports conflict
    [d] = run([fact("a", "two", 2, **inj), fact("b", "three", 3, by="Iran's state television", **inj)])
    assert d.verdict == "conflict"
    # ... while a figure only a named party gives is that party's claim
    [d] = run([fact("a", "two", 2, **inj), fact("b", "three", 3, by="Governor Mehdi Irannejad", **inj)])
    assert d.verdict == "claim"


def test_a_text_that_says_the_toll_rose_is_an_update_without_dates():
    fs = [fact("a", "Nine", 9, start=0), fact("b", "10", 10, start=60)]
    texts = {"a": "Nine Israelis have been killed.",
             "b": "Five soldiers died on Wednesday, bringing to 10 the number of Israelis who have been killed."}
    fs[1].start, fs[1].end = texts["b"].index("10"), texts["b"].index("10") + 2
    [d] = discrepancies_of(fs, {"a": "", "b": ""}, texts)
    assert d.verdict == "update"
    # "the deadliest strike so far" does not say a figure rose
    texts["b"] = "The strike, which also wounded 10 people, was the deadliest of the offensive so far."
    fs[1].start, fs[1].end = texts["b"].index("10"), texts["b"].index("10") + 2
    [d] = discrepancies_of(fs, {"a": "", "b": ""}, texts)
    assert d.verdict == "conflict"


def test_a_zero_as_far_from_two_tolls_joins_the_better_attested_one():
    # "no casualties" (five reports) is as far from 7 (another bombing) as from 12; the outlet gives 7
    # and 12 in one article, so they are two things, and the zero joins the better-attested 12
    fs = [fact(f"z{i}", "no", 0, by=f"aid worker {i}") for i in range(5)]
    fs += [fact("s", "seven", 7, start=0), fact("s", "12", 12, start=50), fact("l1", "12", 12, by="Miabek Lang")]
    joined = [{v.value for v in d.values} for d in run(fs)]
    assert any({"0", "12"} <= vs and "7" not in vs for vs in joined), joined


def test_a_strict_bound_well_above_an_exact_toll_counts_something_larger():
    # "more than 50" (the school and the housing strikes together) is not a version of the school's 43
    assert run([fact("a", "more than 50", 50, qualifier="more_than"), fact("b", "43", 43)]) == []
    # "at least 43" beside 40 is outlets disagreeing on one toll
    [d] = run([fact("a", "at least 43", 43, qualifier="at_least"), fact("b", "40", 40), fact("c", "40", 40)])
    assert d.verdict == "conflict"
    # ... and an exact figure published before the bound is an earlier count of a growing toll
    [d] = run([fact("a", "three", 3), fact("b", "more than 10", 10, qualifier="more_than")],
              {"a": "2005-11-27", "b": "2005-11-28"})
    assert d.verdict == "update"


# --- facts4: superseded figures, another quake's figure ---------------------------------------


def test_a_figure_the_text_calls_the_first_one_is_an_update_not_a_self_contradiction():
    # 38_3ecb: "The 4.2-magnitude earthquake ... according to the USGS, which originally had rated
    # the quake as 4.4"; another article: "a preliminary magnitude of 4.4"
    q = {"measure": "magnitude|", "kind": "quantity", "unit": "magnitude", "by": "USGS"}
    a_text = "The 4.2-magnitude earthquake struck Sunday, according to the USGS, which originally had rated the quake as 4.4 in magnitude."
    b_text = "An earthquake with a preliminary magnitude of 4.4 struck this morning."
    c_text = "A 4.2 magnitude earthquake shook a remote area on Sunday."
    fs = [fact("a", "4.2", 4.2, start=a_text.index("4.2"), **q), fact("a", "4.4", 4.4, start=a_text.index("4.4"), **q),
          fact("b", "4.4", 4.4, start=b_text.index("4.4"), **q), fact("c", "4.2", 4.2, start=c_text.index("4.2"), **q)]
    texts = {"a": a_text, "b": b_text, "c": c_text}
    [d] = discrepancies_of(fs, dict.fromkeys(texts, ""), texts)
    assert d.verdict == "update"
    # without the marker, one article's two magnitudes are two quakes and nothing is joined across
    texts["a"] = a_text.replace("originally had rated", "rated")
    texts["b"] = b_text.replace("preliminary ", "")
    assert all(d.verdict != "update" for d in discrepancies_of(fs, dict.fromkeys(texts, ""), texts))


def test_a_figure_told_with_another_quakes_magnitude_is_that_quakes():
    # most articles tell the 6.1 quake's toll; one recalls "a 6.4-magnitude earthquake jolted Maluku,
    # but caused no casualties": that zero is the other quake's, not a version of the toll
    mag = {"measure": "magnitude|", "kind": "quantity", "unit": "magnitude"}
    fs = [fact("a", "6.1", 6.1, sentence=0, start=1, **mag), fact("a", "11", 11, sentence=1, start=40),
          fact("b", "6.1", 6.1, sentence=0, start=1, **mag), fact("b", "12", 12, sentence=0, start=40),
          fact("c", "6.1", 6.1, sentence=0, start=1, **mag), fact("c", "12", 12, sentence=0, start=40),
          fact("d", "6.4", 6.4, sentence=3, start=1, **mag), fact("d", "no", 0, sentence=3, start=40)]
    [d] = [d for d in run(fs) if d.kind == "count"]
    assert sorted(v.value for v in d.values) == ["11", "12"]
    # with no magnitude most articles agree on, the zero may join
    fs = [f for f in fs if f.article not in {"b", "c"} or f.unit != "magnitude"]
    assert any("0" in [v.value for v in d.values] for d in run(fs) if d.kind == "count")


def test_years_two_apart_are_two_happenings():
    y = {"measure": "date|strike", "kind": "date"}
    assert run([fact("a", "2004", "2004", **y), fact("b", "2002", "2002", **y)]) == []
    [d] = run([fact("a", "2019", "2019", **y), fact("b", "2018", "2018", **y)])
    assert d.kind == "date"


def test_things_a_list_includes_are_counted_people_it_includes_are_not():
    [d] = run([fact("a", "seven", 7, measure="bridge|"), fact("b", "8", 8, measure="bridge|include")])
    assert {v.value for v in d.values} == {"7", "8"}
    assert run([fact("a", "seven", 7, measure="people|include"), fact("b", "nine", 9)]) == []


def test_who_seized_things_does_not_make_two_hauls_but_who_killed_makes_two_tolls():
    def with_agent(f: Fact, agent: str) -> Fact:
        f.agent = agent
        return f

    hauls = [with_agent(fact("a", "seven", 7, measure="ak47|seize"), "navy"),
             with_agent(fact("b", "12", 12, measure="ak47|seize"), "commando")]
    assert len(run(hauls)) == 1
    tolls = [with_agent(fact("a", "seven", 7), "militant"), with_agent(fact("b", "nine", 9), "force")]
    assert run(tolls) == []
    causes = [with_agent(fact("a", "seven", 7, measure="house|"), "quake"),
              with_agent(fact("b", "nine", 9, measure="house|"), "tsunami")]
    assert run(causes) == []


def test_two_sentences_listing_the_same_things_tell_one_haul_however_far_apart_the_numbers():
    def listed(article: str, values: tuple[int, int, int]) -> list[Fact]:
        return [fact(article, str(v), v, measure=f"{noun}|seize", sentence=3, start=10 * i)
                for i, (noun, v) in enumerate(zip(("rifle", "magazine", "round"), values, strict=True))]

    out = run(listed("a", (6, 12, 300)) + listed("b", (14, 31, 923)))
    assert sorted(d.measure for d in out) == ["magazine|", "rifle|", "round|"]
    # the same numbers told in sentences that are not one list stay apart
    alone = [fact("a", "12", 12, measure="magazine|seize"), fact("b", "31", 31, measure="magazine|seize", sentence=2)]
    assert run(alone) == []


def test_a_crowds_size_differs_with_who_counts_it_but_other_counts_do_not_stretch():
    [d] = run([fact("a", "20,000", 20000, measure="people|march"), fact("b", "about 50,000", 50000, measure="people|march")])
    assert d.verdict == "conflict"
    assert run([fact("a", "20,000", 20000, measure="people|evacuate"), fact("b", "50,000", 50000, measure="people|evacuate")]) == []
    assert run([fact("a", "20,000", 20000, measure="people|march"), fact("b", "200,000", 200000, measure="people|march")]) == []


def test_one_clock_reading_as_gmt_and_as_local_time_is_a_conflict_but_other_zones_times_stay_apart():
    t = {"measure": "time|happen", "kind": "date"}
    [d] = run([fact("a", "0412 GMT", "XXXX-XX-XXT04:12Z", **t), fact("b", "4:12 a.m. local time", "XXXX-XX-XXT04:12L", **t)])
    assert d.verdict == "conflict"
    assert run([fact("a", "0412 GMT", "XXXX-XX-XXT04:12Z", **t), fact("b", "11:12 a.m. local time", "XXXX-XX-XXT11:12L", **t)]) == []
    assert run([fact("a", "0412 GMT", "XXXX-XX-XXT04:12Z", **t), fact("b", "4:20 a.m. local time", "XXXX-XX-XXT04:20L", **t)]) == []


def test_two_officials_of_one_agency_are_one_source_but_an_agency_named_nearby_is_not_a_title():
    fs = [fact("a", "about 300", 300, qualifier="about", measure="people|evacuate", by="Maria Lopez"),
          fact("b", "350", 350, measure="people|evacuate", by="Tom Berger")]

    def verdict(texts: dict[str, str]) -> str:
        [d] = discrepancies_of(fs, {"a": "", "b": ""}, texts)
        return d.verdict

    titled = {"a": "Red Cross Agency spokeswoman Maria Lopez said about 300 people had left.",
              "b": "Tom Berger, regional director for the Red Cross Agency, said 350 people had been evacuated."}
    assert verdict(titled) == "conflict"
    nearby = {"a": "Maria Lopez, a nurse, said about 300 people had left as the Red Cross Agency arrived.",
              "b": "Tom Berger said 350 people had been evacuated. The Red Cross Agency sent tents."}
    assert verdict(nearby) == "claim"


def test_a_duration_of_an_activity_verb_meets_the_same_activity_named_by_its_noun():
    t = {"kind": "duration"}
    fs = [fact("a", "40 hours", "PT40H", measure="|deliberate", by="two jurors", **t),
          fact("b", "30 hours", "PT30H", measure="deliberation|come", **t)]
    [d] = run(fs)
    assert d.verdict == "claim"
    # a verb that names no activity keeps its duration to itself
    assert run([fact("a", "40 hours", "PT40H", measure="|wait", **t), fact("b", "30 hours", "PT30H", measure="deliberation|come", **t)]) == []


def test_durations_join_nearest_first():
    t = {"kind": "duration", "measure": "deliberation|"}
    fs = [fact("a", "12 hours", "PT12H", start=10, **t), fact("a", "40 hours", "PT40H", by="two jurors", start=90, **t),
          fact("b", "30 hours", "PT30H", **t), fact("c", "more than 30 hours", "PT30H", qualifier="more_than", **t)]
    [d] = run(fs)
    assert sorted(v.value for v in d.values) == ["PT30H", "PT40H", "more than PT30H"]
