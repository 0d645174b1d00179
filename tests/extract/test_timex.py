import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storyline.extract.timex import WEEKDAYS, normalize

THU = dt.date(2023, 11, 16)


@pytest.mark.parametrize(
    ("text", "tense", "value"),
    [
        ("On Monday", "past", "2023-11-13"),
        ("Friday", "past", "2023-11-10"),
        ("Thursday", "past", "2023-11-16"),  # the publication weekday is that day, not a week back
        ("next Tuesday", "past", "2023-11-21"),
        ("in June", "past", "2023-06"),
        ("December", "past", "2022-12"),
        ("December", "future", "2023-12"),
        ("earlier this month", "past", "2023-11"),
        ("late February", "past", "2023-02"),
        ("in June last year", "past", "2022-06"),
        ("mid-2023", "past", "2023"),
        ("last year", "past", "2022"),
        ("three years", "past", "P3Y"),
        ("March 6, 2024", "past", "2024-03-06"),
        ("6 March 2024", "past", "2024-03-06"),
        ("two weeks ago", "past", "2023-W44"),
        ("the first quarter", "past", "2023-Q1"),
        ("the second quarter of next year", "past", "2024-Q2"),
        ("yesterday", "past", "2023-11-15"),
        ("now", "past", "PRESENT_REF"),
        ("every week", "past", "P1W"),
    ],
)
def test_normalize(text, tense, value):
    assert normalize(text, THU, tense).value == value


def test_unresolvable_is_said_not_guessed():
    n = normalize("Feb. 30, 2024", THU)
    assert n.value is None and "impossible" in n.note
    n = normalize("on Monday", None)
    assert n.value is None and "no publication date" in n.note


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 1, 1)), st.sampled_from(sorted(WEEKDAYS)))
def test_past_weekday_is_within_the_last_week(dct, day):
    value = normalize(day, dct, "past").value
    d = dt.date.fromisoformat(value)
    assert 0 <= (dct - d).days < 7 and d.weekday() == WEEKDAYS[day]


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 1, 1)), st.integers(1, 12))
def test_month_without_year_is_most_recent(dct, month):
    name = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
            "october", "november", "december"][month - 1]
    value = normalize(f"in {name}", dct, "past").value
    y, m = map(int, value.split("-"))
    assert m == month and (y, m) <= (dct.year, dct.month) and (y, m) > (dct.year - 1, dct.month)
