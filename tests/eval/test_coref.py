import pytest

from storyline.eval.coref import conll

# Pradhan et al. (2014), worked example (section 3): key {a,b,c},{d,e,f,g}; response {a,b},{c,d},{f,g,h,i}
KEY = [{"a", "b", "c"}, {"d", "e", "f", "g"}]
RESPONSE = [{"a", "b"}, {"c", "d"}, {"f", "g", "h", "i"}]


def test_published_worked_example() -> None:
    s = conll(KEY, RESPONSE)
    assert s["muc"]["recall"] == pytest.approx(0.40)
    assert s["muc"]["precision"] == pytest.approx(0.40)
    assert s["b3"]["recall"] == pytest.approx(0.4167, abs=1e-4)
    assert s["b3"]["precision"] == pytest.approx(0.50)
    assert s["ceafe"]["recall"] == pytest.approx(0.65)
    assert s["ceafe"]["precision"] == pytest.approx(0.4333, abs=1e-4)
    assert s["ceafe"]["f1"] == pytest.approx(0.52)


def test_identical_partitions_score_one() -> None:
    s = conll(KEY, KEY)
    assert all(s[m]["f1"] == pytest.approx(1.0) for m in ("muc", "b3", "ceafe", "conll"))


def test_all_singletons_have_zero_muc() -> None:
    s = conll(KEY, [{m} for k in KEY for m in k])
    assert s["muc"]["f1"] == 0.0
    assert s["b3"]["precision"] == pytest.approx(1.0)


def test_disjoint_mentions_score_zero() -> None:
    s = conll(KEY, [{"x", "y"}])
    assert s["conll"]["f1"] == 0.0
