"""Publication dates read from datelines and URLs, and numeric dates that could be read two ways."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.model import Article, IngestProblem
from storyline.pubdate import DateError, ambiguous_dates, infer_published, parse_published, url_date
from storyline.readers import read_articles

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2039, 12, 31))


@pytest.mark.parametrize("text,url,value,how", [
    ("Oil spill\nAugust 10, 2011--Updated 0947\nThe well was capped.", "", "2011-08-10", "dateline"),
    ("WASHINGTON, March 3 (Reuters) - The Senate voted.", "http://www.reuters.com/article/2011/us-senate",
     "2011-03-03", "year of the URL"),
    ("Shooting at Accounting Firm\nPublished: 2009-03-02\nA man opened fire.", "", "2009-03-02", "dateline"),
    ("New Zealand: British Climber Killed In Fall\n8:05am UK, Monday 16 September 2013\nA climber died.", "",
     "2013-09-16", "dateline"),
    ("Hey, Jamal Williams\nThursday, Apr 2, 2009 | Updated 1:23 PM PDT\nThe lineman was arrested.", "",
     "2009-04-02", "dateline"),
    ("A story with no date in its text.", "http://www.foxnews.com/politics/2010/08/16/white-house-mosque/",
     "2010-08-16", "URL"),
    ("Ellen to host.", "http://www.theguardian.com/film/2013/aug/02/ellen-degeneres-host-oscars", "2013-08-02", "URL"),
    ("Woman killed.", "http://www.dnainfo.com/new-york/20130914/richmond-hill/hit-and-run", "2013-09-14", "URL"),
    ("Obama nominates.", "http://www.scientificamerican.com/post.cfm?id=new-surgeon-general-2009-07-13",
     "2009-07-13", "URL"),
    # 8/2/13 is August 2 or February 8: the URL's /2013/08/ settles it
    ("5 Thoughts\n8/2/13 at 1:30 PM\nThe Academy picked Ellen.", "http://www.vulture.com/2013/08/5-thoughts.html",
     "2013-08-02", "URL dates it"),
])
def test_dateline_and_url_forms(text, url, value, how):
    found = infer_published(text, url)
    assert found is not None and found.value == value and how in found.how


@pytest.mark.parametrize("text,url", [
    ("Monthly figures\n03-02-2009\nSales rose.", ""),  # ambiguous and nothing settles it
    ("WASHINGTON, March 3 (Reuters) - The Senate voted.", ""),  # no year anywhere
    ("Five thoughts on the Oscars.", "http://www.vulture.com/2013/08/5-thoughts.html"),  # a month is not a day
    ("The attacks of Sept. 11, 2001, were recalled by speakers at a long ceremony held in the rain today.", ""),
])
def test_no_guess(text, url):
    assert infer_published(text, url) is None


def test_a_date_inside_a_long_sentence_is_not_a_dateline():
    text = "Republican candidates said on Monday that the site of the attacks of Sept. 11, 2001, was hallowed."
    assert infer_published(text) is None


@given(dates, st.sampled_from(["{M} {d}, {y}", "{m}. {d}, {y}", "{d} {M} {y}", "{M} {d} {y}"]), st.booleans())
def test_written_datelines_round_trip(day, form, caps):
    written = form.format(M=MONTHS[day.month - 1], m=MONTHS[day.month - 1][:3], d=day.day, y=day.year)
    if caps:
        written = written.upper()
    found = infer_published(f"Headline of the story\n{written}\nBody text follows here.")
    assert found is not None and found.value == day.isoformat()


@given(dates, st.sampled_from(["/{y}/{m:02d}/{d:02d}/slug", "/{y}/{m}/{d}/", "/{y}/{b}/{d:02d}/slug",
                                "/slug-{y}-{m:02d}-{d:02d}"]))
def test_url_dates_round_trip(day, form):
    url = "https://example.com/news" + form.format(y=day.year, m=day.month, d=day.day,
                                                   b=MONTHS[day.month - 1][:3].lower())
    assert url_date(url)[0] == day


@given(dates)
def test_numeric_dates_are_refused_when_day_and_month_could_swap(day):
    for text in (f"{day.month:02d}-{day.day:02d}-{day.year}", f"{day.day}/{day.month}/{day.year}"):
        if day.day <= 12 and day.day != day.month:
            with pytest.raises(DateError, match="ambiguous"):
                parse_published(text)
            assert ambiguous_dates(f"Title\n{text}\nBody")
            assert infer_published(f"Title\n{text}\nBody") is None
        else:
            assert parse_published(text) == day.isoformat()


@settings(max_examples=200)
@given(st.text(max_size=300), st.text(max_size=80))
def test_inference_never_raises_and_returns_a_real_date(text, url):
    found = infer_published(text, url)
    if found is not None:
        dt.date.fromisoformat(found.value)


def _read(tmp_path, files):
    for name, body in files.items():
        (tmp_path / name).write_text(body, encoding="utf-8")
    items = list(read_articles([tmp_path]))
    return ([i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, IngestProblem)])


def test_ingest_fills_a_missing_date_and_says_from_what(tmp_path):
    arts, probs = _read(tmp_path, {
        "dated.txt": "Oil well capped\nAugust 10, 2011--Updated 0947\nEngineers capped the well on Tuesday.",
        "given.txt": "---\npublished: 2020-05-01\n---\nThe council met.\nAugust 10, 2011\n",
        "undated.txt": "The council met on Tuesday and voted to close the library.",
        "swap.txt": "Monthly report\n03-02-2009\nSales rose.",
    })
    by = {a.path.rsplit("/", 1)[-1]: a for a in arts}
    assert by["dated.txt"].published == "2011-08-10" and "dateline" in (by["dated.txt"].published_inferred or "")
    assert by["given.txt"].published == "2020-05-01" and by["given.txt"].published_inferred is None
    assert by["undated.txt"].published is None and by["swap.txt"].published is None
    warned = {p.path.rsplit("/", 1)[-1]: p for p in probs}
    assert set(warned) == {"undated.txt", "swap.txt"}
    assert all(p.severity == "warning" and "no publication date" in p.message for p in warned.values())
    assert "03-02-2009" in warned["swap.txt"].message


def test_ingest_into_a_database_keeps_the_inferred_date_and_the_warning(tmp_path):
    from storyline.pipeline import dossier_from_db, ingest

    src = tmp_path / "in"
    src.mkdir()
    (src / "dated.txt").write_text("Oil well capped\nAugust 10, 2011--Updated 0947\nEngineers capped the well on "
                                   "Tuesday, the company said.", encoding="utf-8")
    (src / "undated.txt").write_text("The council met on Tuesday and voted to close the library.", encoding="utf-8")
    result = ingest([src], tmp_path / "s.db")
    assert result.added == 2
    assert [p.path.rsplit("/", 1)[-1] for p in result.problems] == ["undated.txt"]
    arts = {a["title"]: a for a in dossier_from_db(tmp_path / "s.db").to_json()["articles"]}
    capped = arts["Oil well capped"]
    assert capped["published"] == "2011-08-10" and capped["published_inferred"].startswith("dateline")
    # "on Tuesday" resolves against the inferred date: the Tuesday before Wednesday 2011-08-10
    d = dossier_from_db(tmp_path / "s.db")
    assert "2011-08-09" in {t.value for t in d.times if t.article == capped["id"]}


def test_two_digit_years_pivot_like_strptime():
    from storyline.pubdate import infer_published

    assert infer_published("Posted 25/12/98\nThe council met on Monday.").value == "1998-12-25"
    assert infer_published("Posted 25/12/08\nThe council met on Monday.").value == "2008-12-25"
