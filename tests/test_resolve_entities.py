"""Cross-article entity resolution on real news sentences, and its cost on names that recur."""

import random
import time

import pytest

from storyline.extract import analyze_articles
from storyline.model import Article, ArticleAnalysis, Mention
from storyline.resolve.entities import acronym_key, initials_variants, resolve_entities


def resolve(*texts, sources=None):
    arts = [Article(id=f"a{n}", text=t, published="2009-06-01", source=(sources or [""] * len(texts))[n])
            for n, t in enumerate(texts)]
    entities, _ = resolve_entities(analyze_articles(arts))
    return entities


def owner(entities, form):
    found = [e for e in entities if any(m.text == form and m.kind == "name" for m in e.mentions)]
    assert found, (form, [(e.name, [m.text for m in e.mentions]) for e in entities])
    return found


def same(entities, *forms):
    ids = {e.id for f in forms for e in owner(entities, f)}
    return len(ids) == 1


@pytest.fixture(scope="module")
def news():
    return resolve(
        "General Motors Corporation (GM) said on Monday it would file for bankruptcy protection in New York.",
        "GM shares fell 20 percent. General Motors said the U.S. government would take a 60 percent stake.",
        "The United States and Canada will lend GM $30 billion. America has never owned a carmaker.",
        "Amazon said Amazon Web Services grew 40 percent. Amazon shares rose in the US.",
        "Singapore Airlines flew the first A380 from Singapore to Sydney on Thursday.",
        "Apple unveiled a new iPod. The Apple Music Store will sell songs from the Beatles.",
    )


def test_acronym_defined_in_one_article_joins_everywhere(news):
    assert same(news, "General Motors Corporation", "GM", "General Motors")


def test_country_aliases_join(news):
    assert same(news, "U.S.", "United States", "America", "US")
    [us] = owner(news, "America")
    assert us.name == "United States" and us.type == "GPE"


def test_longer_different_bodies_stay_apart(news):
    assert not same(news, "Amazon", "Amazon Web Services")
    assert not same(news, "Singapore", "Singapore Airlines")
    assert not same(news, "Apple", "Apple Music Store")


def test_company_and_its_new_division_stay_apart():
    ents = resolve("Vexa Labs, its new division, will sell chips. Vexa said the unit would hire 200 people.",
                   "Vexa shares rose after Vexa Inc. reported a profit.")
    assert same(ents, "Vexa", "Vexa Inc.")
    assert not same(ents, "Vexa", "Vexa Labs")


def test_type_is_voted_with_cues():
    ents = resolve("Mr. Altman said the board had lost confidence in him.",
                   "Altman returned to the company on Wednesday.",
                   "Investors cheered as Altman came back.")
    [e] = owner(ents, "Altman")
    assert e.type == "PERSON"


def m(article, start, text, label="PERSON"):
    return Mention(article, start, start + len(text), text, label, "name")


def analyses_of(spec):
    """Articles as lists of (name, label): mentions without parsing, for the resolution alone."""
    out = []
    for aid, names in spec.items():
        text = " ".join(n for n, _ in names)
        pos, mentions = 0, []
        for name, label in names:
            mentions.append(m(aid, pos, name, label))
            pos += len(name) + 1
        out.append(ArticleAnalysis(Article(id=aid, text=text), mentions=mentions))
    return out


def test_shared_surname_joins_the_full_name_of_its_own_article():
    ents, _ = resolve_entities(analyses_of({
        "a": [("John Smith", "PERSON"), ("Smith", "PERSON")],
        "b": [("Mary Smith", "PERSON"), ("Smith", "ORG")],
        "c": [("Mary Smith", "PERSON"), ("Smith", "PERSON")],
        "d": [("Smith", "PERSON")],
    }))
    john = next(e for e in ents if e.name == "John Smith")
    mary = next(e for e in ents if e.name == "Mary Smith")
    assert {x.article for x in john.mentions if x.text == "Smith"} == {"a"}
    assert {x.article for x in mary.mentions if x.text == "Smith"} == {"b", "c"}
    # the bare Smith of article d is unresolved, and names Mary Smith (seen in more articles) first
    [bare] = [e for e in ents if e.name == "Smith"]
    assert [x.article for x in bare.mentions] == ["d"]
    assert [c.other for c in bare.candidates] == [mary.id, john.id]
    assert bare.candidates[0].score > bare.candidates[1].score


def test_middle_initial_variant_is_the_same_person():
    ents, _ = resolve_entities(analyses_of({
        "a": [("Regina M. Benjamin", "PERSON"), ("Benjamin", "PERSON")],
        "b": [("Regina Benjamin", "PERSON")],
    }))
    assert len(ents) == 1


def test_acronym_with_two_meanings_stays_apart_with_ranked_candidates():
    ents, _ = resolve_entities(analyses_of({
        "a": [("Madison Mining Agency", "ORG")],
        "b": [("Madison Mining Agency", "ORG")],
        "c": [("Miven Mining Authority", "ORG")],
        "d": [("MMA", "ORG")],
    }))
    [mma] = [e for e in ents if e.name == "MMA"]
    madison = next(e for e in ents if e.name == "Madison Mining Agency")
    assert len(mma.mentions) == 1 and mma.candidates[0].other == madison.id


@pytest.mark.parametrize(("key", "acr"), [("GM", "GM"), ("U.S", "US"), ("EADS", "EADS"), ("AT&T", "ATT"),
                                          ("Apple", None), ("iPod", None), ("General Motors", None)])
def test_acronym_key(key, acr):
    assert acronym_key(key) == acr


def test_initials_drop_corporate_suffixes():
    assert {"GMC", "GM"} <= initials_variants("General Motors Corporation".split())
    assert "USAF" in initials_variants("United States Air Force".split())


def _recurring(n, seed=3):
    """Names that recur like real news: 100 surnames shared by many people, acronyms with many
    meanings, one new organisation per article."""
    rng = random.Random(seed)
    surnames = [f"Sur{i}" for i in range(100)]
    spec = {}
    for a in range(n):
        s = rng.choice(surnames)
        org = f"Org{a} Mining Agency"
        spec[f"a{a}"] = [(f"First{rng.randrange(50)} {s}", "PERSON"), (s, "PERSON"), (org, "ORG"),
                         ("OMA", "ORG"), (rng.choice(surnames), "PERSON")]
    return analyses_of(spec)


def test_resolution_grows_linearly_on_recurring_names():
    small, large = _recurring(1000), _recurring(4000)

    def cpu(analyses):
        best = float("inf")
        for _ in range(2):
            t = time.process_time()
            resolve_entities(analyses)
            best = min(best, time.process_time() - t)
        return best

    ratio = cpu(large) / cpu(small)
    # four times the articles: linear is 4, the old quadratic loops gave well over 10
    assert ratio < 7, ratio
