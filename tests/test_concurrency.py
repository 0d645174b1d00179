"""Two writers at once: two ingests into one database (SQLite and PostgreSQL), each batch one write
transaction under the write lock (BEGIN IMMEDIATE, or a PostgreSQL advisory lock), their batches
interleaving (tests/writers.py).
Nothing is lost, no writer fails with "database is locked", and the stored stories stay the sum of
their members (no writer overwrote another's story under the same id)."""

import json
import re
import sys
from collections import Counter
from pathlib import Path

from storyline import pipeline
from storyline.render.cite import Citer
from storyline.render.html import render_html
from storyline.render.markdown import render_markdown
from storyline.resolve.stories import article_profile
from storyline.store import Store
from storyline.synth import synthetic_articles

from .writers import added, batch_times, writer

BIN = Path(sys.executable).parent / "storyline"


def _write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_two_concurrent_ingests_keep_every_article_and_story(tmp_path, db_url):
    # 130 articles each, more than two batches (pipeline.BATCH), interleaving the same 26 stories,
    # so both writers place articles into shared stories, batch after batch
    n = 260
    assert n // 2 > 2 * pipeline.BATCH
    db = db_url
    go = tmp_path / "go"
    procs = [writer(db, n, parity, go) for parity in (0, 1)]  # even articles, odd articles
    for p in procs:  # both loaded and waiting
        assert p.stdout is not None and p.stdout.readline().startswith("ready"), p.stderr.read() if p.stderr else ""
    go.touch()
    stored: list[list[float]] = []
    for p in procs:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
        assert "locked" not in err and added(out) == (n // 2, 0), (out, err)
        stored.append(batch_times(out))
    a, b = stored
    assert len(a) == len(b) == 3
    # the two runs overlapped: each stored a batch while the other was between its first and last batch
    assert any(a[0] < t < a[-1] for t in b) and any(b[0] < t < b[-1] for t in a), stored

    with Store(db, readonly=True) as store:
        assert store.count("articles") == n
        states = store.story_states()
        members = [art for st in states for art in st.articles]
        assert sorted(members) == sorted(store.known_ids())  # every article in exactly one story
        # the writers grew the same stories: most hold articles of both
        both = [st.id for st in states if len({int(x.rsplit("-", 1)[1]) % 2 for x in st.articles}) == 2]
        assert len(both) >= len(states) // 2, both
        for st in states:  # a story's stored profile is the sum of its members' profiles
            expected: Counter[str] = Counter()
            for an in store.analyses_of(st.articles):
                expected.update(article_profile(an))
            assert set(+st.profile) == set(+expected), st.id
            assert all(abs(st.profile[k] - expected[k]) < 1e-6 for k in expected), st.id
        numbers = [r["number"] for r in store.rows("SELECT number FROM articles")]
        assert sorted(numbers) == list(range(1, n + 1))
        listing = {st.id: sorted(st.articles) for st in states}
        # a story is either resolved from exactly its members or marked stale (another writer grew
        # it after this one's run ended); `resolve` then brings every story up to date
        stale = set(store.stale_stories())
        for st in states:
            res = store.story_resolution(st.id)
            assert st.id in stale or (res is not None and sorted(res.story.articles) == sorted(st.articles)), st.id
    assert pipeline.resolve_pending(db) == []
    with Store(db, readonly=True) as store:
        assert store.stale_stories() == []
        for st in store.story_states():
            assert sorted(store.story_resolution(st.id).story.articles) == sorted(st.articles), st.id

    # the dossier shows the stories the database holds, under the same ids
    d = pipeline.dossier_from_db(db)
    assert {s.id: sorted(s.articles) for s in d.stories} == listing


def test_story_and_citation_ids_agree_across_readers(tmp_path, db_url):
    records = list(synthetic_articles(20, seed=5))
    db = db_url
    pipeline.ingest([_write(tmp_path / "in.jsonl", records)], db)
    full = pipeline.dossier_from_db(db)
    cite_full = Citer(full)
    story = full.stories[-1]
    one = pipeline.story_dossier(db, story.id)
    assert [s.id for s in one.stories] == [story.id]
    cite_one = Citer(one)
    for art in story.articles:
        assert cite_one(art, 0) == cite_full(art, 0)
    # the JSON dossier carries the stored article numbers, and the rendered dossiers cite by them
    with Store(db, readonly=True) as store:
        stored_numbers = {a: store.number_of(a) for a in store.known_ids()}
    assert {a["id"]: a["number"] for a in full.to_json()["articles"]} == stored_numbers
    md = render_markdown(one)
    body, sources = md.split("## Sources")
    listed = set(re.findall(r"^(\d+)\. ", sources, re.M))
    assert set(re.findall(r"\[(\d+):", body)) <= listed == {str(stored_numbers[a]) for a in story.articles}
    page = render_html(one)
    assert set(re.findall(r'href="#a(\d+)"', page)) <= set(re.findall(r'id="a(\d+)"', page))

    # a corrected date re-reads the article but keeps its citation number and its story
    art = story.articles[0]
    with Store(db, readonly=True) as store:
        before = (store.number_of(art), store.story_of(art))
    pipeline.set_date(db, art, "2031-01-02")
    with Store(db, readonly=True) as store:
        assert (store.number_of(art), store.story_of(art)) == before
        assert store.analysis(art).article.published.startswith("2031-01-02")
        assert ("set-date", art, "2031-01-02") in [(k, a, (b or "")[:10]) for k, a, b in store.overrides()]
