"""``to_dict`` skips asdict's deep copy for speed; it must give what asdict gives, on real records."""

import json
from dataclasses import asdict, fields

import pytest

from storyline.model import Article, Dossier, to_dict


def test_every_record_of_the_sample_dossier_converts_as_asdict(sample_dossier):
    checked = 0
    for f in fields(Dossier):
        value = getattr(sample_dossier, f.name)
        for rec in value if isinstance(value, list) else []:
            if hasattr(rec, "__dataclass_fields__"):
                assert json.dumps(to_dict(rec)) == json.dumps(asdict(rec))
                checked += 1
    assert checked > 50
    assert len(sample_dossier.analyses) == 10  # each a record holding every extracted record of its article
    for an in sample_dossier.analyses:
        assert json.dumps(an.to_json()) == json.dumps(asdict(an))


def test_odd_values_convert_as_asdict():
    art = Article(id="a", text="t")
    art.title = ("a", ["b", {"c": (1, 2)}])  # type: ignore[assignment]  # not what records hold, still the same
    assert to_dict(art) == asdict(art)
    assert to_dict(art)["title"] is not art.title


def test_a_non_record_is_refused_as_asdict_refuses_it():
    with pytest.raises(TypeError):
        to_dict({"a": 1})
    with pytest.raises(TypeError):
        to_dict(Article)
