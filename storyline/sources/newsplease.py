"""news-please records (and storyline's own JSON fields) to articles.

news-please writes one JSON object per article with ``title``, ``maintext``, ``date_publish``
("2017-02-16 14:00:00"), ``source_domain``, ``url``, ``authors``, ``description``, ``language``, ...;
its Common Crawl mode writes the same objects one per line. storyline's own fields (``text``,
``source``, ``published``) are read from the same records, and win where both are given.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from ..model import IngestProblem
from ..readers import Item, _metadata, decode, make_articles

# news-please field -> storyline field
FIELD_MAP = {"maintext": "text", "date_publish": "published", "source_domain": "source"}


def from_record(record: object, path: str, defaults: dict[str, str], line: int | None = None) -> Iterator[Item]:
    """One JSON object as an article, or a problem naming the file (and line)."""
    if not isinstance(record, dict):
        yield IngestProblem(path, "not a JSON object", line)
        return
    fields = {FIELD_MAP[k]: v for k, v in record.items() if k in FIELD_MAP and v not in (None, "")}
    fields.update({k: v for k, v in record.items() if k not in FIELD_MAP and v not in (None, "")})
    text = fields.get("text")
    if not isinstance(text, str) or not text.strip():
        yield IngestProblem(path, 'no "text" (or news-please "maintext") field', line)
        return
    merged = {**defaults, **{k: v for k, v in fields.items() if k != "text"}}
    meta, problems = _metadata(merged, path, line)
    yield from problems
    yield from make_articles(text, meta, path, line)


def read_json_file(path: Path, defaults: dict[str, str]) -> Iterator[Item]:
    """A .json file: one news-please article object, or a list of them."""
    text, problem = decode(path.read_bytes(), str(path))
    if problem:
        yield problem
    if text is None:
        return
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield IngestProblem(str(path), f"not valid JSON ({exc.msg} at line {exc.lineno})")
        return
    if isinstance(data, list):
        for n, record in enumerate(data, start=1):
            for item in from_record(record, str(path), defaults):
                if isinstance(item, IngestProblem):
                    item.message = f"record {n}: {item.message}"
                else:
                    item.path = f"{path}#{n}"
                yield item
    else:
        yield from from_record(data, str(path), defaults)
