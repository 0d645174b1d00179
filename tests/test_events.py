"""Events on real sentences: fusion blocked by a role or time conflict, each event dated by its own
time expression, and news-line titles."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storyline.dossier import build_dossier
from storyline.extract import analyze_articles
from storyline.extract.events import headline, present
from storyline.model import Article
from storyline.nlp import get_nlp
from storyline.resolve.events import roles_compatible, time_interval, times_compatible

THURSDAY = "2023-11-16"


def _dossier(*texts: str, published: str = THURSDAY):
    arts = [Article(id=f"a{n}", text=t, published=published, source=f"outlet{n}") for n, t in enumerate(texts)]
    return build_dossier(analyze_articles(arts))


def _events_with(d, *names: str):
    ids = {e.id for e in d.entities if any(n in [e.name, *e.aliases] for n in names)}
    return [ev for ev in d.events if ids & set(ev.actors + ev.targets)]


# ---- fusion -----------------------------------------------------------------------------------


def test_two_reports_of_one_lawsuit_fuse():
    d = _dossier("Microsoft sued Google in a federal court in Seattle, the company said.",
                 "Microsoft has sued Google over a patent, a spokesman said.")
    sue = [ev for ev in d.events if ev.type == "sue"]
    assert len(sue) == 1 and sue[0].articles == ["a0", "a1"], [(e.type, e.articles) for e in d.events]


def test_one_founder_two_companies_do_not_fuse():
    # the case: a shared type and one shared actor is not enough
    d = _dossier("Steve Jobs and Steve Wozniak founded Apple Computer in a garage.",
                 "Steve Jobs founded NeXT after leaving the company.")
    founded = [ev for ev in d.events if ev.type == "found"]
    assert len(founded) == 2, [(e.actors, e.targets, e.articles) for e in founded]
    assert all(len(ev.articles) == 1 for ev in founded)


def test_crossed_roles_do_not_fuse():
    d = _dossier("Microsoft sued Google over a patent, the company said.",
                 "Google sued Microsoft over a patent, the company said.")
    sue = [ev for ev in d.events if ev.type == "sue"]
    assert len(sue) == 2, [(e.actors, e.targets) for e in sue]


def test_times_that_do_not_overlap_block_fusion():
    d = _dossier("Microsoft sued Google on March 3, 2023, over a patent.",
                 "Microsoft sued Google on May 5, 2023, over a patent.")
    sue = [ev for ev in d.events if ev.type == "sue"]
    assert sorted(ev.time for ev in sue) == ["2023-03-03", "2023-05-05"]


def test_a_chain_through_an_undated_mention_does_not_join_two_dates():
    d = _dossier("Microsoft sued Google on March 3, 2023, over a patent.",
                 "Microsoft sued Google over a patent, the company said.",
                 "Microsoft sued Google on May 5, 2023, over a patent.")
    sue = [ev for ev in d.events if ev.type == "sue"]
    assert len(sue) == 2 and sorted(len(ev.articles) for ev in sue) == [1, 2]


def test_roles_compatible_rules():
    assert roles_compatible("sue", {"a"}, {"b"}, set(), {"b"})  # "B was sued"
    assert not roles_compatible("found", {"jobs"}, {"apple"}, {"jobs"}, {"next"})
    assert not roles_compatible("found", {"jobs"}, {"apple"}, {"jobs"}, set())  # "Jobs founded" what?
    assert not roles_compatible("statement", {"apple"}, set(), {"apple"}, set())
    assert not roles_compatible("offer", {"msft"}, {"yhoo"}, {"goog"}, {"yhoo"})
    assert not roles_compatible("sue", {"a"}, {"b"}, {"b"}, {"a"})
    # symmetric types: one side's participants all take part in the other
    assert roles_compatible("meet", {"obama"}, {"putin"}, {"putin", "obama"}, set())
    assert not roles_compatible("meet", {"obama"}, {"putin"}, {"obama"}, {"merkel"})


def test_time_intervals():
    assert time_interval("2023-W46") == (dt.date(2023, 11, 13), dt.date(2023, 11, 19))
    assert time_interval("2023-02") == (dt.date(2023, 2, 1), dt.date(2023, 2, 28))
    assert time_interval("2023-Q4") == (dt.date(2023, 10, 1), dt.date(2023, 12, 31))
    assert time_interval("PRESENT_REF") is None
    assert times_compatible("2023-W46", "2023-11-16")
    assert not times_compatible("2023-W46", "2023-11-20")
    assert not times_compatible("2023-11", "2023-12-01")
    assert times_compatible(None, "2023-12-01")


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
       st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_time_compatibility_is_symmetric_and_holds_inside_a_period(a, b):
    day, other = a.isoformat(), b.isoformat()
    assert times_compatible(day, other) == times_compatible(other, day) == (a == b)
    year, week, _ = a.isocalendar()
    for period in (day[:7], day[:4], f"{year}-W{week:02d}"):
        assert times_compatible(period, day) and times_compatible(day, period)


# ---- dating -----------------------------------------------------------------------------------


def test_event_is_dated_by_its_own_time_expression():
    # Friday is when the suit was filed; Tuesday is when it was said
    d = _dossier("Microsoft filed the suit against Google on Friday, a spokesman said on Tuesday.")
    ev = next(ev for ev in d.events if ev.trigger in {"file", "suit"})
    assert ev.time == "2023-11-10" and ev.time_source == "text"
    entry = next(t for t in d.timeline if t.event == ev.id)
    assert entry.date == "2023-11-10" and entry.time_source == "text"


def test_nominal_event_dated_by_its_participle():
    d = _dossier("The lawsuit against Google, filed Friday in federal court, accuses it of fraud.")
    ev = next(ev for ev in d.events if ev.trigger == "lawsuit")
    assert ev.time == "2023-11-10"


def test_undated_event_is_marked_as_reported_on_publication():
    d = _dossier("Microsoft sued Google over a patent, a spokesman said on Tuesday.")
    ev = next(ev for ev in d.events if ev.type == "sue")
    assert ev.time is None and ev.time_source == "published"
    entry = next(t for t in d.timeline if t.event == ev.id)
    assert entry.date == THURSDAY and entry.time_source == "published"
    assert "first report" in entry.summary


# ---- titles -----------------------------------------------------------------------------------


def _headline(sentence: str, word: str) -> str:
    doc = get_nlp()(sentence)
    tok = next(t for t in doc if t.text == word)
    skip = {t.i for ent in doc.ents if ent.label_ in {"DATE", "TIME"} for t in ent}
    return headline(tok, [], skip)


@pytest.mark.parametrize(("sentence", "word", "line"), [
    ("General Motors filed for bankruptcy protection on Monday.", "filed", "General Motors files for bankruptcy protection"),
    ("Three men were arrested in Paris on Monday.", "arrested", "Three men arrested in Paris"),
    ("Orbital will buy Vexa for $3 billion.", "buy", "Orbital to buy Vexa for $3 billion"),
    ("Orbital agreed on Wednesday to acquire Vexa.", "acquire", "Orbital agrees to acquire Vexa"),
    ("Yahoo's board rejected on Monday the offer that Microsoft made in January.", "rejected",
     "Yahoo's board rejects the offer"),
    ("Microsoft made a bid for Yahoo in February.", "bid", "Microsoft makes a bid for Yahoo"),
])
def test_headlines_read_like_news_lines(sentence, word, line):
    assert _headline(sentence, word) == line


def test_present_tense():
    assert [present(v) for v in ("file", "be", "have", "push", "deny", "say", "veto")] == \
        ["files", "is", "has", "pushes", "denies", "says", "vetoes"]
    assert present("file", plural=True) == "file"


def test_timeline_titles_are_news_lines_not_labels():
    d = _dossier("Israel demanded that Hamas release the soldiers on Sunday.",
                 "Microsoft sued Google over a patent, a spokesman said.")
    lines = [t.summary for t in d.timeline]
    assert any(s.startswith("Israel demands that Hamas release the soldiers") for s in lines), lines
    assert any(s.startswith("Microsoft sues Google") for s in lines), lines
    assert not any("(" in s.split(" (date of first report)")[0] for s in lines), lines


# ---- eval rows --------------------------------------------------------------------------------


def test_rows_measured_on_tuning_data_are_marked():
    from storyline.eval.records import Report, Row
    from storyline.eval.report import TUNED_NOTE, to_markdown

    page = to_markdown([Report("tempeval3-platinum", 1, 1.0, [Row("time expressions", "value F1", 0.8, tuned_on=True),
                                                              Row("quotes", "quote F1", 0.5)])], "cmd")
    assert "| time expressions | value F1 | 80.0 † |" in page
    assert "| quotes | quote F1 | 50.0 |" in page and TUNED_NOTE in page
    plain = to_markdown([Report("x", 1, 1.0, [Row("quotes", "quote F1", 0.5)])], "cmd")
    assert TUNED_NOTE not in plain
