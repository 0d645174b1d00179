"""``from_dict`` sets a record's fields without calling its __init__ when the data holds exactly its
fields (perf14: reading analyses back is paid on every re-resolution); it must rebuild what the
__init__ call rebuilt, on real analyses and on data that takes the other path."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields

from storyline.model import Article, ArticleAnalysis, Fact, Span, _plain_init, from_dict


def _by_init(cls, data):
    """The record as from_dict made it before perf14: known keys through __init__."""
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names})


def test_analyses_read_back_as_through_init(sample_dossier):
    checked = 0
    for an in sample_dossier.analyses:
        data = json.loads(json.dumps(an.to_json()))
        back = ArticleAnalysis.from_json(data)
        assert back == an
        assert json.dumps(back.to_json()) == json.dumps(an.to_json())
        for name in ("sentences", "mentions", "quotes", "amounts", "times", "facts"):
            for rec, raw in zip(getattr(back, name), data[name], strict=True):
                cls = type(rec)
                slow = _by_init(cls, raw)
                assert rec == slow and type(rec) is type(slow)
                assert [getattr(rec, f.name) for f in fields(cls)] == [getattr(slow, f.name) for f in fields(cls)]
                checked += 1
        for ev in back.events:
            assert all(isinstance(s, Span) for s in [*ev.actors, *ev.targets])
    assert checked > 200


def test_other_data_goes_through_init():
    # a key the record does not know (written by a newer version) is ignored
    assert from_dict(Article, {"id": "a", "text": "t", "later": 1}) == Article(id="a", text="t")
    # a key missing (written by an older version) takes its default
    fact = from_dict(Fact, {"id": "f", "article": "a", "text": "3", "start": 0, "end": 1, "kind": "count",
                            "measure": "people|kill", "value": 3})
    assert fact.asserted_by == "outlet" and fact.agent == "" and fact == _by_init(Fact, to_json_of(fact))
    # every field: the quick path, and a record like any other (its own dict, mutable)
    full = to_json_of(Article(id="a", text="t", published="2020-01-01"))
    a, b = from_dict(Article, full), from_dict(Article, dict(full))
    a.title = "changed"
    assert b.title == "" and a != b


def to_json_of(rec) -> dict:
    return {f.name: getattr(rec, f.name) for f in fields(rec)}


def test_records_with_more_than_assignments_in_init_keep_their_init():
    @dataclass
    class Checked:
        n: int
        double: int = 0

        def __post_init__(self) -> None:
            self.double = 2 * self.n

    @dataclass
    class Hidden:
        n: int
        seen: list = field(default_factory=list, init=False)

    @dataclass(frozen=True)
    class Frozen:
        n: int

    assert not _plain_init(Checked) and not _plain_init(Hidden) and not _plain_init(Frozen)
    assert from_dict(Checked, {"n": 2, "double": 0}).double == 4
    assert from_dict(Frozen, {"n": 2}) == Frozen(2)
    assert _plain_init(Article) and _plain_init(Fact)
