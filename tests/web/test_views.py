"""The timeline layout, a pure function: dates to positions, lanes and rows."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from storyline.model import Event, Span, TimelineEntry
from storyline.web.views import LABEL_WIDTH, date_span, timeline_layout


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 1)))
def test_date_span_covers_the_date_at_every_granularity(d):
    for value in (d.isoformat(), f"{d.year}-{d.month:02d}", str(d.year),
                  f"{d.isocalendar()[0]}-W{d.isocalendar()[1]:02d}", f"{d.year}-Q{(d.month + 2) // 3}"):
        lo, hi = date_span(value)
        assert lo <= d < hi, value
    assert date_span("PRESENT_REF") is None and date_span("2025-13") is None


def _link(article, offset=None):
    return {"href": f"/article/{article}#s0", "text": "[1:0]"}


def test_layout_places_lanes_rows_and_background():
    events = {f"v{i}": Event(f"v{i}", "offer", "03", "offer", actors=["a" if i % 2 else "b"],
                             mentions=[Span("art", i, i + 1)]) for i in range(8)}
    dates = ["2025-10-01", "2025-10-01", "2025-10-02", "2025-10-20", "2025-10", "2025-11-05", "2009", "PRESENT_REF"]
    entries = [TimelineEntry(d, f"v{i}", f"event {i}", ["art"], background=d == "2009") for i, d in enumerate(dates)]
    lay = timeline_layout(entries, events, {"a": "Alpha", "b": "Beta"}, _link)
    assert {lane.name for lane in lay.lanes} == {"Alpha", "Beta"}
    assert [i.entry.date for i in lay.background] == ["2009"] and [i.entry.date for i in lay.unplaced] == ["PRESENT_REF"]
    items = [i for lane in lay.lanes for i in lane.items]
    at = {i.entry.date: i.left for i in items}
    assert at["2025-10-01"] < at["2025-10-02"] < at["2025-10-20"] < at["2025-11-05"]
    month = next(i for i in items if i.entry.date == "2025-10")
    assert month.width > 0 and month.left <= at["2025-10-01"]  # October as a bar from its first day
    for lane in lay.lanes:  # no two labels in one row overlap
        for r in range(lane.rows):
            row = sorted((i for i in lane.items if i.row == r), key=lambda i: i.box)
            assert all(a.box + a.box_width <= b.box + 1e-9 for a, b in zip(row, row[1:], strict=False))
    assert all(0 <= i.box and i.box + i.box_width <= 100 + 1e-9 and i.box_width >= LABEL_WIDTH for i in items)
    assert all(i.href.startswith("/article/") for i in items)
