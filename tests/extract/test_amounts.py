import pytest
from hypothesis import given
from hypothesis import strategies as st

from storyline.extract.amounts import parse_amount, qualifier_before


@pytest.mark.parametrize(
    ("text", "value", "unit", "vmax"),
    [
        ("$43.1 billion", 43.1e9, "USD", None),
        ("$6.2bn", 6.2e9, "USD", None),
        ("€2.5m", 2.5e6, "EUR", None),
        ("USD 3 million", 3e6, "USD", None),
        ("£120,000", 120000, "GBP", None),
        ("300 million euros", 3e8, "EUR", None),
        ("$2-3 billion", 2e9, "USD", 3e9),
        ("$2 billion to $3 billion", 2e9, "USD", 3e9),
        ("5%", 5, "%", None),
    ],
)
def test_parse(text, value, unit, vmax):
    p = parse_amount(text)
    assert p is not None
    assert p.value == pytest.approx(value) and p.unit == unit
    assert (p.value_max == pytest.approx(vmax)) if vmax else p.value_max is None


@pytest.mark.parametrize(
    ("prefix", "qual"),
    [("more than ", "more than"), ("around ", "about"), ("nearly ", "about"), ("at least ", "at least"), ("", None)],
)
def test_qualifier(prefix, qual):
    text = f"a bid of {prefix}$250 million"
    assert qualifier_before(text, text.index("$"))[0] == qual


@given(st.decimals(min_value="0.1", max_value="999.9", places=1), st.sampled_from(["million", "billion", "bn", "m"]))
def test_scaled_dollars_roundtrip(num, scale):
    p = parse_amount(f"${num} {scale}" if len(scale) > 2 else f"${num}{scale}")
    factor = {"million": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9}[scale]
    assert p is not None and p.value == pytest.approx(float(num) * factor) and p.unit == "USD"


@pytest.mark.parametrize(
    ("text", "value"),
    [("22 billion Euros", 22e9), ("110 billion euro", 110e9), ("euro22 billion", 22e9), ("euro1.5 million", 1.5e6)],
)
def test_euros_as_news_writes_them(text, value):
    # capitalized, singular, and AP's "euro22 billion" for the euro sign
    p = parse_amount(text)
    assert p is not None and p.unit == "EUR" and p.value == value
    assert parse_amount("the European 5") is None
