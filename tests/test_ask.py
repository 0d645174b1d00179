"""Ask and search over a real SQLite store of the sample corpus (and a small two-school corpus):
cited hits with title, outlet and day, answers that say no, subjects that must match, filters. Both
read the stored rows only; the dossier of the sample database is built here as the oracle."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from storyline.ask import NOT_FOUND, answer, parse_question
from storyline.cli import app
from storyline.eval.askset import QUESTIONS, _matches, load, score_questions
from storyline.eval.runner import CORPORA
from storyline.extract import analyze_articles
from storyline.model import Article
from storyline.pipeline import add_analyses
from storyline.search import SearchError, search
from storyline.store import Store
from storyline.web.app import create_app


@pytest.fixture(scope="module")
def sample(sample_db):
    from storyline.pipeline import dossier_from_db

    d = dossier_from_db(sample_db)
    with Store(sample_db, readonly=True) as store:
        yield store, d


def test_answer_cites_title_outlet_and_day(sample):
    store, d = sample
    a = answer(store, "How much did Orbital first offer for Vexa?")
    assert a.answered and a.message == "" and 0 < a.score <= 1
    arts = {an.article.id: an.article for an in d.analyses}
    for h in a.hits:
        art = arts[h.article]
        assert (h.title, h.source, h.published) == (art.title, art.source, art.published[:10])
        assert art.text[h.start : h.end] == h.text and h.citation.startswith("[") and 0 < h.score <= 1
    assert any("$43.1 billion" in h.text for h in a.hits)
    assert any(x.value == 43.1e9 for x in a.amounts)


@pytest.mark.parametrize("q", ["How much did Blue Origin offer for Vexa?", "How many employees does Halden Capital have?",
                               "When was Northgate Securities founded?"])
def test_unanswered_questions_say_so_with_the_closest_sentences(sample, q):
    store, _ = sample
    a = answer(store, q)
    assert not a.answered and a.message == NOT_FOUND
    assert a.hits and all(0 <= h.score <= 1 and h.title and h.source for h in a.hits)
    assert a.score == a.hits[0].score


def test_question_without_content_words(sample):
    store, _ = sample
    a = answer(store, "What is it?")
    assert not a.answered and a.message and a.hits == []


SCHOOLS = [
    Article(id="lakeview", title="Storm hits Lakeview Academy", source="North Post", published="2024-03-05",
            text="A storm destroyed the roof of Lakeview Academy on Monday. Nine students were injured at Lakeview "
                 "Academy, the principal said.\nThe school will stay closed for a week."),
    Article(id="pinecrest", title="Fire at Pinecrest School", source="South Herald", published="2024-03-06",
            text="A fire broke out at Pinecrest School on Tuesday. Four students were injured at Pinecrest School, "
                 "officials said.\nClasses resume next month."),
]


@pytest.fixture(scope="module")
def schools(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("schools") / "s.db")
    add_analyses(store, analyze_articles(SCHOOLS))
    yield store
    store.close()


def test_the_subject_of_the_question_is_matched(schools):
    store = schools
    a = answer(store, "How many students were injured at Pinecrest School?")
    assert a.answered and "Four students" in a.hits[0].text and a.hits[0].article == "pinecrest"
    b = answer(store, "How many students were injured at Lakeview Academy?")
    assert b.answered and "Nine students" in b.hits[0].text
    # a third school: neither toll answers it
    c = answer(store, "How many students were injured at Maple Grove School?")
    assert not c.answered and c.message == NOT_FOUND
    # the right school, a fact the articles do not give
    e = answer(store, "How many teachers were arrested at Pinecrest School?")
    assert not e.answered


def test_parse_question():
    q = parse_question("How many police officers were killed in the Woodburn bank bombing?")
    assert (q.wants, q.focus, q.predicate, q.subject) == ("quantity", "officers", "killed", [["Woodburn"]])
    assert parse_question("When was Vexa founded?").wants == "time"
    assert parse_question("How old is Brian Nichols?").wants == "age"
    assert parse_question("Who founded Vexa?").wants == "who"
    assert parse_question("How large is the EU-IMF bailout for Greece?").subject == [["EU", "IMF"], ["Greece"]]
    assert parse_question("What did Orbital's CEO say?").subject == [["Orbital"]]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=80))
def test_any_question_gets_an_answer_with_a_score(sample, q):
    store, _ = sample
    a = answer(store, q)
    assert isinstance(a.answered, bool) and 0 <= a.score <= 1
    assert a.answered or a.message


def test_search_filters_by_entity_name_outlet_and_dates(sample):
    store, d = sample
    park = next(e for e in d.entities if e.name == "Lina Park")
    hits = search(store, "company", entity="lina park")
    assert hits
    spans = {(m.article, m.start) for m in park.mentions}
    for h in hits:  # every hit's sentence mentions her (by name, descriptor or pronoun)
        assert any(a == h.article and h.start <= s < h.end for a, s in spans)
        assert h.title and h.source and h.published
    assert search(store, "company", entity=park.id) == hits
    ledger = search(store, "Orbital", source="the ledger")
    assert ledger and {h.source for h in ledger} == {"The Ledger"}
    october = search(store, "Orbital", date_from="2025-10-01", date_to="2025-10-31")
    assert october and all("2025-10-01" <= h.published <= "2025-10-31" for h in october)
    listed = search(store, "", entity="Dan Reyes")
    assert len(listed) >= 5 and [h.published for h in listed] == sorted(h.published for h in listed)


def test_search_refuses_unknown_filters_with_suggestions(sample):
    store, _ = sample
    with pytest.raises(SearchError, match="did you mean 'Lina Park'"):
        search(store, "bid", entity="Lina Prk")
    with pytest.raises(SearchError, match="no outlet named"):
        search(store, "bid", source="Nobody Times")
    with pytest.raises(SearchError, match="not a date"):
        search(store, "bid", date_from="last week")


def test_cli_ask_and_search(sample_db):
    r = CliRunner().invoke(app, ["ask", "How much did Orbital offer for Vexa?", "--db", str(sample_db)])
    assert r.exit_code == 0 and "The Ledger" in r.output and "2025-10-02" in r.output and "score" in r.output
    r = CliRunner().invoke(app, ["ask", "How much did Blue Origin offer for Vexa?", "--db", str(sample_db), "--format", "json"])
    a = json.loads(r.output)
    assert a["answered"] is False and a["message"] == NOT_FOUND and a["hits"][0]["title"]
    r = CliRunner().invoke(app, ["search", "offer", "--entity", "Dan Reyes", "--db", str(sample_db)])
    assert r.exit_code == 0 and "Reyes" in r.output
    r = CliRunner().invoke(app, ["search", "offer", "--entity", "Dan Reyse", "--db", str(sample_db)])
    assert r.exit_code == 1 and "did you mean 'Dan Reyes'" in r.output


@pytest.mark.filterwarnings("ignore:Using .httpx. with .starlette.testclient. is deprecated")
def test_api_and_pages(sample_db):
    # imported here, where its deprecation warning is filtered
    from fastapi.testclient import TestClient

    client = TestClient(create_app(sample_db))
    a = client.get("/api/ask", params={"q": "When did the SEC subpoena Orbital?"}).json()
    assert a["answered"] and a["score"] > 0
    assert {"article", "start", "end", "text", "citation", "score", "title", "source", "published"} <= set(a["hits"][0])
    assert a["hits"][0]["source"] == "Meridian Wire"
    no = client.get("/api/ask", params={"q": "What is the weather in Lisbon?"}).json()
    assert no["answered"] is False and no["message"] == NOT_FOUND
    hits = client.get("/api/search", params={"q": "offer", "entity": "Dan Reyes"}).json()
    assert hits and all(h["title"] and h["published"] for h in hits)
    listed = client.get("/api/search", params={"entity": "Lina Park"}).json()
    assert len(listed) >= 3 and all(h["score"] == 0 for h in listed)
    assert client.get("/api/search").status_code == 422
    page = client.get("/search", params={"q": "offer", "entity": "Dan Reye"})
    assert page.status_code == 200 and "did you mean" in page.text and '<datalist id="entity-names">' in page.text
    assert '<option value="Lina Park">' in page.text
    page = client.get("/ask", params={"q": "How much did Blue Origin offer for Vexa?"})
    assert NOT_FOUND in page.text and "The closest sentences" in page.text


def test_answer_strings_match_whole_numbers():
    assert _matches("more than 40 people died", ["40"]) and not _matches("about 400 people", ["40"])
    assert _matches("valued at $13.9 billion", ["$13.9 billion"]) and not _matches("3.5 million", ["3"])


def test_eval_ask_on_the_sample_questions(sample):
    store, _ = sample
    figures, outcomes = score_questions(store, load(QUESTIONS / "samples.json")["questions"])
    assert "ask" in CORPORA
    # measured 1.00 and 1.00 on this set (which the rules were written against); a floor, not the figure
    assert figures["accuracy"] >= 0.8 and figures["abstention"] >= 0.75, [o for o in outcomes if not o.right]
