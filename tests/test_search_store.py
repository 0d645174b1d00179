"""Search and ask read the store's rows (registry, entity mentions, sentences, the candidate
articles' analyses), never a resolved dossier: checked on databases filled by `ingest`, with every
whole-collection reader made to fail, and against the dossier of the same database as the oracle."""

import pytest

from storyline import dossier, pipeline
from storyline.ask import CANDIDATES, answer
from storyline.extract import analyze_articles
from storyline.model import Article
from storyline.pipeline import add_analyses, dossier_from_db
from storyline.render.cite import Citer
from storyline.search import SearchError, entity_named, search
from storyline.store import Store, fts_terms


@pytest.fixture(scope="module")
def oracle(sample_db):
    """The whole sample dossier, built once, only to check what search and ask read on their own."""
    return dossier_from_db(sample_db)


def _no_dossier(monkeypatch):
    def refuse(*_a, **_k):
        raise AssertionError("search and ask must not resolve or load the whole collection")

    for mod, name in [(dossier, "build_dossier"), (dossier, "resolve_story"), (dossier, "combine"),
                      (pipeline, "resolve_story"), (pipeline, "dossier_from_db"), (pipeline, "stored_story"),
                      (pipeline, "combine")]:
        monkeypatch.setattr(mod, name, refuse)
    monkeypatch.setattr(Store, "analyses", refuse)  # every stored analysis at once


def test_search_and_ask_on_an_ingested_database_read_rows_only(sample_db, monkeypatch):
    _no_dossier(monkeypatch)
    read: list[str] = []
    real = Store.analysis

    def analysis(self, aid):
        read.append(aid)
        return real(self, aid)

    monkeypatch.setattr(Store, "analysis", analysis)
    with Store(sample_db, readonly=True) as store:
        a = answer(store, "How much did Orbital first offer for Vexa?")
        assert a.answered and any("$43.1 billion" in h.text for h in a.hits)
        assert any(x.value == 43.1e9 for x in a.amounts)
        # only the articles of the candidate sentences, each once
        terms = ["Orbital", "first", "offer", "Vexa", *["offered", "bid", "proposal", "proposed"]]
        candidates = {str(r["article"]) for r in store.match_sentences(terms, CANDIDATES)}
        assert read and set(read) <= candidates and len(read) == len(set(read))
        no = answer(store, "How much did Blue Origin offer for Vexa?")
        assert not no.answered and no.hits
        who = answer(store, "What did Lina Park say?")
        assert who.hits and all(h.citation.startswith("[") for h in who.hits)
        hits = search(store, "offer", entity="Dan Reyes", source="the ledger", date_from="2025-09-01")
        assert hits and {h.source for h in hits} == {"The Ledger"} and all(h.published >= "2025-09-01" for h in hits)
        assert search(store, "", entity="Lina Park")
        with pytest.raises(SearchError, match="did you mean 'Lina Park'"):
            search(store, "bid", entity="Lina Prk")


def test_search_hits_are_cited_like_the_dossier(sample_db, oracle):
    cite = Citer(oracle)
    arts = {an.article.id: an for an in oracle.analyses}
    with Store(sample_db, readonly=True) as store:
        hits = search(store, "Orbital offer", limit=30)
    assert len(hits) >= 10
    for h in hits:
        an = arts[h.article]
        s = an.sentences[h.sentence]
        assert (h.start, h.end, h.text) == (s.start, s.end, an.article.text[s.start : s.end])
        assert h.citation == cite(h.article, h.start)
        assert (h.title, h.source, h.published) == (an.article.title, an.article.source, an.article.published[:10])
        assert h.score > 0 and "\x02" in h.snippet
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_entity_filter_keeps_every_sentence_that_mentions_it(sample_db, oracle):
    """The filter runs before the limit: the hits are exactly the matching sentences holding one of
    the entity's mentions (the dossier's mentions mapped to sentences by the citer)."""
    cite = Citer(oracle)
    with Store(sample_db, readonly=True) as store:
        for e in oracle.entities[:6]:
            where = {(m.article, cite.sentence(m.article, m.start)) for m in e.mentions}
            everything = store.match_sentences(fts_terms("said the company"), 10_000)
            expected = {(str(r["article"]), int(str(r["sentence"]).rsplit(":s", 1)[1])) for r in everything}
            got = search(store, "said the company", entity=e.id, limit=10_000)
            assert {(h.article, h.sentence) for h in got} == expected & where, e.name
            listed = store.entity_sentences(e.id, limit=10_000)
            assert {(str(r["article"]), int(r["n"])) for r in listed} == where, e.name  # type: ignore[call-overload]
            # pages join up, in order of publication
            pages = [r for off in range(0, len(listed), 3) for r in store.entity_sentences(e.id, limit=3, offset=off)]
            assert pages == listed
            days = [str(r["published"] or "") for r in listed]
            assert days == sorted(days)


def test_entity_names_resolve_through_the_registry(sample_db, oracle):
    with Store(sample_db, readonly=True) as store:
        reyes = store.find_registry("Dan Reyes")
        assert reyes and entity_named(store, "dan reyes") == reyes == entity_named(store, reyes)
        assert entity_named(store, "Reyes") == reyes  # a bare surname naming one entity
        with pytest.raises(SearchError, match="no entity named 'Nobody Atall'"):
            entity_named(store, "Nobody Atall")
        # LIKE fragments are text, never wildcards
        assert store.registry_like(["%"]) == [] and store.registry_like(["_"]) == []
        assert any(r["name"] == "Lina Park" for r in store.registry_like(["park"]))
        assert store.sources() == sorted({an.article.source for an in oracle.analyses if an.article.source})


LOPEZ = [
    Article(id="m1", title="Maria Lopez wins the Harbor race", source="North Post", published="2024-05-01",
            text="Maria Lopez won the Harbor marathon on Sunday. Maria Lopez said the wind was hard.\n"),
    Article(id="c1", title="Carlos Lopez elected mayor of Eastfield", source="South Herald", published="2024-06-10",
            text="Carlos Lopez was elected mayor of Eastfield on Tuesday. Carlos Lopez thanked the voters.\n"),
]


def test_a_word_that_names_several_entities_asks_which(tmp_path):
    with Store(tmp_path / "l.db") as store:
        add_analyses(store, analyze_articles(LOPEZ))
        names = {str(r["name"]) for r in store.registry_like(["lopez"])}
        assert {"Maria Lopez", "Carlos Lopez"} <= names
        with pytest.raises(SearchError, match="did you mean") as exc:
            search(store, "", entity="Lopez")
        assert "Maria Lopez" in str(exc.value) and "Carlos Lopez" in str(exc.value)
        maria = search(store, "", entity="maria lopez")
        assert maria and {h.article for h in maria} == {"m1"}


def test_schema_9_indexes_what_search_reads(tmp_path):
    with Store(tmp_path / "s.db") as store:
        assert store.version >= 9
        indexes = {r[1] for t in ("sentences", "articles") for r in store.conn.execute(f"PRAGMA index_list({t})")}
        assert {"sentences_article", "articles_source"} <= indexes
        plan = " ".join(str(r[3]) for r in store.conn.execute(
            "EXPLAIN QUERY PLAN SELECT DISTINCT source FROM articles"))
        assert "articles_source" in plan


def test_a_word_in_most_sentences_is_ranked_among_the_newest_matches(db_url, monkeypatch):
    """Ranking every match of a word every article uses costs seconds on a news day and ranks
    nothing; above RANK_ALL matches, the newest stored stretch holding about that many is ranked."""
    import storyline.store as store_mod

    arts = [Article(id=f"a{i}", title=f"Day {i}", published=f"2024-01-{i + 1:02d}", source="Wire",
                    text=f"The council said on day {i} that the bridge would close. Officials said repairs start soon.")
            for i in range(12)]
    with Store(db_url) as store:
        for an in analyze_articles(arts):  # one at a time: rowids and numbers follow the order stored
            store.add([an])
        everything = {h.article for h in search(store, "said", limit=100)}
        assert len(everything) == 12
        monkeypatch.setattr(store_mod, "RANK_ALL", 6)
        newest = {h.article for h in search(store, "said", limit=100)}
        assert newest and newest < everything
        assert all(int(a[1:]) >= 6 for a in newest), newest
        # a filtered search still ranks every match
        assert {h.article for h in search(store, "bridge", limit=100, source="Wire")} == everything


def test_a_fix_finds_the_stories_naming_it_by_index(tmp_path):
    with Store(tmp_path / "s.db") as store:
        plan = " ".join(str(r[3]) for r in store.conn.execute(
            "EXPLAIN QUERY PLAN SELECT DISTINCT story FROM entity_mentions WHERE text = ?", ("Smith",)))
        assert "entity_mentions_text" in plan and "SCAN" not in plan, plan
