"""Story clustering: same event across outlets together, time-aware, robust to famous names,
incremental (stored stories continue exactly as an uninterrupted run), blocked, with headline titles."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from storyline.eval.runner import data_dir
from storyline.eval.stories import baseline_clusters, basil_stream, bcubed, pairwise, storyline_clusters
from storyline.extract import analyze_articles
from storyline.model import Article
from storyline.resolve import stories as S


def art(aid: str, published: str | None, title: str, body: str, source: str = "") -> Article:
    return Article(id=aid, text=f"{title}\n\n{body}", title=title, published=published, source=source)


# Real-ish news: two events with a shared famous cast (Trump, the White House), a bombing told by
# three outlets, and a story that comes back years later with the same people but a new event.
STREAM = [
    art("tariff-a", "2018-03-08", "Trump orders steel and aluminum tariffs",
        "President Donald Trump on Thursday signed orders imposing tariffs of 25 percent on imported steel and "
        "10 percent on aluminum, brushing aside warnings from trading partners. Canada and Mexico were "
        "exempted for now. The White House said the tariffs protect national security.", "NYT"),
    art("tariff-b", "2018-03-09", "Trump slaps tariffs on steel, aluminum imports",
        "Donald Trump imposed steel tariffs of 25 percent and aluminum tariffs of 10 percent at a White House "
        "ceremony with steelworkers. The European Union threatened retaliation against the tariffs on "
        "steel and aluminum, and Canada and Mexico were spared while trade talks continue.", "Fox News"),
    art("kabul-a", "2018-03-09", "Suicide bomber kills 9 near Kabul mosque",
        "A suicide bomber blew himself up near a Shiite mosque in western Kabul on Friday, killing nine "
        "people and wounding 18, Afghan police said. The Islamic State group claimed the bombing.", "Reuters"),
    art("kabul-b", "2018-03-09", "Kabul mosque bombing leaves nine dead",
        "Nine people were killed when a suicide bomber struck near a mosque in Kabul, the Afghan capital, "
        "police said. Eighteen were wounded. Islamic State said its bomber carried out the attack on the "
        "Shiite mosque.", "AP"),
    art("kabul-c", "2018-03-10", "IS claims Kabul suicide bombing near Shiite mosque",
        "The Islamic State group claimed a suicide bombing near a Shiite mosque in Kabul that killed nine "
        "people. Afghan police said the bomber was stopped at a checkpoint before he reached the mosque.", "BBC"),
    art("summit-a", "2018-03-09", "Trump agrees to meet Kim Jong Un",
        "Donald Trump accepted an invitation to meet North Korean leader Kim Jong Un, South Korean officials "
        "said at the White House. The summit would be the first between a sitting American president and "
        "a North Korean leader; Kim pledged to refrain from nuclear and missile tests.", "NYT"),
    art("summit-b", "2018-03-10", "Trump-Kim summit: North Korea leader invites president",
        "North Korean leader Kim Jong Un invited President Trump to a summit, and Trump accepted. Kim "
        "committed to denuclearization and promised no more nuclear or missile tests before the meeting, "
        "South Korean envoys said at the White House.", "Fox News"),
    # two years on: the same cast and the word "tariffs", a different event
    art("tariff-2020", "2020-01-24", "Trump expands steel tariffs to nails and wire",
        "President Donald Trump extended his steel and aluminum tariffs to nails, staples and wire, the White "
        "House said, two years after he first imposed the duties on imported metal.", "NYT"),
]


@pytest.fixture(scope="module")
def analyses():
    return analyze_articles(STREAM)


def clusters(index: S.StoryIndex) -> dict[str, str]:
    return {a: st.id for st in index.stories for a in st.articles}


def test_outlets_of_one_event_form_one_story_and_shared_names_do_not_merge(analyses):
    got = clusters(S.assign_all(analyses))
    assert got["kabul-a"] == got["kabul-b"] == got["kabul-c"]
    assert got["tariff-a"] == got["tariff-b"]
    assert got["summit-a"] == got["summit-b"]
    # Trump and the White House are in both: they weigh little once they are in several stories
    assert got["tariff-a"] != got["summit-a"] and got["kabul-a"] not in {got["tariff-a"], got["summit-a"]}


def test_a_story_quiet_for_years_needs_the_same_continuing_thing(analyses):
    got = clusters(S.assign_all(analyses))
    assert got["tariff-2020"] != got["tariff-a"]
    # the same article dated the next day would have joined: it is time that keeps it apart
    moved = [an for an in analyses if an.article.id != "tariff-2020"]
    late = next(an for an in analyses if an.article.id == "tariff-2020")
    index = S.assign_all(moved)
    best, score = index.best(S.article_profile(late), "2018-03-10")
    assert best is not None and index.stories[best].id == got["tariff-a"]
    assert index.best(S.article_profile(late), "2020-01-24")[0] is None
    assert S.THRESHOLD <= score < S.CONTINUING


def test_required_similarity_rises_with_quiet_days():
    bars = [S.required(g) for g in range(0, 1000)]
    assert bars[0] == S.THRESHOLD and bars[-1] == S.CONTINUING
    assert bars[1] < 0.25 < bars[30] < S.CONTINUING  # a week's pause is fine, a month's needs more
    assert all(a <= b for a, b in zip(bars, bars[1:], strict=False))
    assert S.required(None) == S.UNDATED


def test_an_undated_article_joins_a_dated_story_only_when_close(analyses):
    prof = {an.article.id: S.article_profile(an) for an in analyses}
    index = S.assign_all([an for an in analyses if an.article.id.startswith("kabul")])
    kabul = index.stories[0]
    assert index.best(prof["kabul-c"], None)[0] == 0  # a third telling of the same bombing
    assert index.similarity(prof["kabul-c"], kabul) >= S.UNDATED
    assert index.best(prof["summit-a"], None)[0] is None


def test_stored_stories_continue_as_one_uninterrupted_run(analyses):
    """Ingest stores stories between batches (StoryState JSON) and the dossier clusters in one go:
    the two must agree."""
    whole = clusters(S.assign_all(analyses))
    ordered = S.in_order(analyses)
    first = S.assign_all(ordered[:4])
    stored = [S.StoryState.from_json(st.id, list(st.articles), st.to_json()) for st in first.stories]
    resumed = S.assign_all(ordered[4:], stored)
    assert clusters(resumed) == whole


def test_old_stored_profiles_still_load():
    st = S.StoryState.from_json("s0", ["a1"], json.dumps({"dan reyes": 2, "vexa": 1}))
    assert st.profile["@dan reyes"] == 2 and st.first is None


def test_blocking_scores_only_stories_sharing_rare_terms():
    # 300 stored stories: every one has "said" and "police", and two words of its own
    index = S.StoryIndex([S.StoryState(f"s{n}", [f"a{n}"], Counter({"said": 0.5, "police": 0.5, f"uniq{n}": 0.5,
                                                                    f"other{n}": 0.5}), "2020-01-01", "2020-01-01")
                          for n in range(300)])
    cands = index.candidates({"said": 0.5, "police": 0.5, "uniq7": 0.7})
    assert cands == [index.position["s7"]]
    assert len(index.candidates({"said": 0.7, "police": 0.7})) <= S.MAX_CANDIDATES


def test_titles_are_the_headline_of_the_most_central_article(analyses):
    stories = S.cluster_stories(analyses)
    kabul = next(s for s in stories if "kabul-a" in s.articles)
    assert kabul.title in {a.title for a in STREAM if a.id.startswith("kabul")}
    assert all(s.title and not s.title.startswith("Untitled") for s in stories)


def test_scores():
    gold = {"a": "x", "b": "x", "c": "y", "d": "y"}
    assert bcubed(gold, gold)["f1"] == 1.0 and pairwise(gold, gold)["f1"] == 1.0
    single = {k: k for k in gold}
    assert bcubed(single, gold) == {"precision": 1.0, "recall": 0.5, "f1": 0.6667}
    assert pairwise(single, gold)["recall"] == 0.0
    one = {k: "z" for k in gold}
    assert bcubed(one, gold)["precision"] == 0.5 and pairwise(one, gold)["precision"] == pytest.approx(2 / 6, abs=1e-4)


BASIL = data_dir() / "basil-dev"


@pytest.mark.skipif(not BASIL.exists(), reason=f"{BASIL} absent (set STORYLINE_DATA)")
def test_floor_on_a_quick_basil_subset():
    """CI floor: the first 10 BASIL dev stories (30 articles) in date order. Measured 1.00 for
    storyline (0.986 on all 50) and 0.95 for the baseline; thresholds were tuned on basil-dev."""
    arts, gold = basil_stream(data_dir(), limit=30)
    ours = storyline_clusters(analyze_articles(arts))
    base = baseline_clusters(arts)
    assert bcubed(ours, gold)["f1"] >= 0.96
    assert bcubed(ours, gold)["f1"] >= bcubed(base, gold)["f1"]
    assert pairwise(ours, gold)["f1"] >= 0.90


def test_the_database_index_assigns_as_the_in_memory_one(tmp_path):
    """Ingest in small batches reads the story index from tables; on articles in publication order
    it makes the same stories as one in-memory pass."""
    import json

    from storyline import pipeline
    from storyline.extract import analyze_articles
    from storyline.readers import read_articles
    from storyline.store import Store
    from storyline.synth import synthetic_articles

    records = sorted(synthetic_articles(60, seed=11), key=lambda r: (r["published"], r["id"]))
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    db = tmp_path / "s.db"
    pipeline.ingest([src], db, batch_size=7)
    with Store(db, readonly=True) as store:
        stored = sorted(sorted(st.articles) for st in store.story_states())
    arts = [a for a in read_articles([src]) if not isinstance(a, pipeline.IngestProblem)]
    index = S.assign_all(analyze_articles(arts))
    assert stored == sorted(sorted(st.articles) for st in index.stories if st.articles)


def test_one_acronym_for_two_bodies_does_not_join_their_stories():
    """Short acronyms are reused by unrelated bodies; where the article defines its acronym, the
    defined name is what it shares with a story, not the three letters."""
    a = art("dha-1", "2024-03-04", "Health body seeks funds",
            "The Dadasu Health Association (DHA) said on Monday it would seek $13 billion for clinics. "
            "DHA officials said the money was needed.")
    b = art("dha-2", "2024-03-05", "Harbour authority plans dredging",
            "The Dover Harbour Authority (DHA) said on Tuesday it would dredge the channel. "
            "DHA engineers said the work starts in May.")
    ans = analyze_articles([a, b])
    profiles = [S.article_profile(an) for an in ans]
    assert "@Dadasu Health Association" in profiles[0] and "@DHA" not in profiles[0]
    assert "dha" not in profiles[0] and "dha" not in profiles[1]
    index = S.assign_all(ans)
    assert len({st.id for st in index.stories if st.articles}) == 2


def test_a_dateline_is_the_place_of_the_text_and_places_weigh_less_than_people():
    a = art("nwp", "2024-03-04", "Union seeks funds",
            "NEWPORT - The Vokari Trade Union said on Monday it would seek money for homes damaged in "
            "Newport, director Maria Gonzalez said. Maria Gonzalez spoke to reporters.")
    prof = S.article_profile(analyze_articles([a])[0])
    assert "@Newport" in prof and "@NEWPORT" not in prof
    assert prof["@Newport"] < prof["@Maria Gonzalez"]
