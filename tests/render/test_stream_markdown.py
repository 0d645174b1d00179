"""`storyline dossier --format md` on a whole database streams story by story (each stored story's
own dossier under one header) and says what the in-memory dossier of every story said: the same
stories, lines and citations, only grouped by story."""

import re
from collections import Counter

import pytest
from typer.testing import CliRunner

from storyline import pipeline
from storyline.cli import app
from storyline.render.markdown import render_markdown

from ..conftest import ROOT, SAMPLES

COUNTS = re.compile(r"\d+ articles?[ ,]")


@pytest.fixture(scope="module")
def two_stories(tmp_path_factory):
    db = tmp_path_factory.mktemp("md") / "s.db"
    pipeline.ingest([SAMPLES, ROOT / "samples" / "second-story"], db)
    return db


def _lines(md: str) -> tuple[Counter[str], set[str]]:
    """Body lines (less the count lines and the "none" of an empty section), and heading texts."""
    body = Counter(x for x in md.splitlines() if x.strip() and not x.startswith("#") and not COUNTS.match(x)
                   and x not in ("None.", "None found."))
    return body, {x.lstrip("#").strip() for x in md.splitlines() if x.startswith("#")}


def test_markdown_dossier_streams_the_stored_stories(two_stories, monkeypatch):
    whole = render_markdown(pipeline.dossier_from_db(two_stories))
    monkeypatch.setattr(pipeline, "dossier_from_db", lambda *a, **k: pytest.fail("loaded every story at once"))
    r = CliRunner().invoke(app, ["dossier", "--db", str(two_stories)])
    assert r.exit_code == 0, r.output + repr(r.exception)
    streamed = r.stdout
    old_body, old_heads = _lines(whole)
    new_body, new_heads = _lines(streamed)
    assert new_body == old_body  # every story line, quote, timeline entry and source, with its citations
    stories = sorted(h for h in old_heads if h.startswith("Story: "))
    assert len(stories) == 2 and stories == sorted(h for h in new_heads if h.startswith("Story: "))
    assert old_heads <= new_heads
    assert streamed.startswith("# Story dossier\n\n14 articles in 2 stories")
    assert [x for x in streamed.splitlines() if x.startswith("## ")] == ["## Story s0", "## Story s1"]
