"""Readers for .txt, .md, .html/.htm and .jsonl files and directories of them.

Each reader yields ``Article`` records or ``IngestProblem`` records, one at a time, so a huge JSONL
file streams and one bad file never stops the others. An article's id is a hash of its normalized
text, so the same text ingested twice is the same article.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

import yaml

from .model import Article, IngestProblem
from .pubdate import DateError, ambiguous_dates, infer_published, parse_published

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES

# One news article is a few thousand words; a single file past this is not an article, and
# parsing it would hold the whole pipeline. JSONL files may be any size (they stream), but
# each line obeys the same limit.
MAX_ARTICLE_BYTES = 2_000_000

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*\n", re.S)
_WS = re.compile(r"\s+")
FIELDS = ("id", "title", "source", "url", "published", "text")

Item = Article | IngestProblem


def article_id(text: str) -> str:
    """Content hash of the normalized text: whitespace and Unicode form do not change identity."""
    norm = _WS.sub(" ", unicodedata.normalize("NFC", text)).strip()
    return "a" + hashlib.sha256(norm.encode("utf-8")).hexdigest()[:15]


def clean_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    text = unicodedata.normalize("NFC", text)
    return text.strip()


def decode(data: bytes, path: str) -> tuple[str | None, IngestProblem | None]:
    """Bytes to text. UTF-8 first; a legacy encoding is read with a warning; binary is refused."""
    if not data.strip():
        return None, IngestProblem(path, "file is empty")
    sample = data[:4096]
    if b"\x00" in sample:
        return None, IngestProblem(path, "binary file (NUL bytes), not text")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        bad_at = exc.start
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    if controls > len(sample) * 0.05:
        return None, IngestProblem(path, "binary file (control bytes), not text")
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    # Mostly-UTF-8 files with a few broken bytes are far more common than real cp1252 files
    # that happen to decode: if UTF-8 breaks late, keep UTF-8 and replace the bad bytes.
    valid_prefix = bad_at > len(data) * 0.5
    if best is None or valid_prefix:
        text = data.decode("utf-8", errors="replace")
        count = text.count("\ufffd")
        return text, IngestProblem(
            path, f"broken UTF-8 at byte {bad_at}: {count} byte(s) replaced", severity="warning"
        )
    enc = best.encoding
    return str(best), IngestProblem(path, f"not UTF-8; decoded as {enc}", severity="warning")


def _metadata(
    raw: dict[str, object], where: str, line: int | None
) -> tuple[dict[str, str], list[IngestProblem]]:
    meta: dict[str, str] = {}
    problems: list[IngestProblem] = []
    for key in ("title", "source", "url", "id"):
        if raw.get(key) is not None:
            meta[key] = str(raw[key]).strip()
    if raw.get("published") not in (None, ""):
        try:
            meta["published"] = parse_published(raw["published"])
        except DateError as exc:
            problems.append(
                IngestProblem(where, f"{exc}; relative dates stay unresolved", line, "warning")
            )
    return meta, problems


def make_article(
    text: str, meta: dict[str, str], path: str, line: int | None = None
) -> Article | IngestProblem:
    text = clean_text(text)
    if not text:
        return IngestProblem(path, "no text", line)
    title = meta.get("title") or text.split("\n", 1)[0][:200].lstrip("# ").strip()
    return Article(
        id=article_id(text),
        text=text,
        title=title,
        source=meta.get("source", ""),
        url=meta.get("url", ""),
        published=meta.get("published"),
        path=f"{path}:{line}" if line is not None else path,
        external_id=meta.get("id", ""),
    )


def read_text_file(path: Path, defaults: dict[str, str]) -> Iterator[Item]:
    data = path.read_bytes()
    text, problem = decode(data, str(path))
    if problem:
        yield problem
    if text is None:
        return
    raw: dict[str, object] = {}
    m = _FRONT_MATTER.match(text.lstrip("\ufeff"))
    if m:
        try:
            loaded = yaml.safe_load(m.group(1))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 2 if mark is not None else None
            yield IngestProblem(str(path), "front matter is not valid YAML", line)
            return
        if not isinstance(loaded, dict):
            yield IngestProblem(str(path), "front matter is not a mapping of fields", 2)
            return
        raw = loaded
        text = text.lstrip("\ufeff")[m.end() :]
    yield from _finish(text, raw, defaults, str(path))


def _finish(text: str, raw: dict[str, object], defaults: dict[str, str], path: str) -> Iterator[Item]:
    """What the file says wins; ``defaults`` (the --published/--source flags) fill the gaps."""
    merged = {**defaults, **{k: v for k, v in raw.items() if v not in (None, "")}}
    meta, problems = _metadata(merged, path, None)
    yield from problems
    yield make_article(text, meta, path)


def read_html_file(path: Path, defaults: dict[str, str]) -> Iterator[Item]:
    import trafilatura

    data = path.read_bytes()
    html, problem = decode(data, str(path))
    if problem:
        yield problem
    if html is None:
        return
    doc = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, favor_recall=True
    )
    body = getattr(doc, "text", None) if doc is not None else None
    if not body or not body.strip():
        yield IngestProblem(str(path), "no article text found in the HTML")
        return
    raw: dict[str, object] = {
        "title": getattr(doc, "title", None),
        "source": getattr(doc, "sitename", None),
        "url": getattr(doc, "url", None),
        "published": getattr(doc, "date", None),
    }
    yield from _finish(body, raw, defaults, str(path))


def read_jsonl_file(path: Path, defaults: dict[str, str]) -> Iterator[Item]:
    with path.open("rb") as fh:
        for lineno, raw_line in enumerate(fh, start=1):
            if not raw_line.strip():
                continue
            if len(raw_line) > MAX_ARTICLE_BYTES:
                yield IngestProblem(
                    str(path), f"line is {len(raw_line):,} bytes, over the article limit", lineno
                )
                continue
            try:
                record = json.loads(raw_line.decode("utf-8", errors="replace"))
            except json.JSONDecodeError as exc:
                yield IngestProblem(str(path), f"not valid JSON ({exc.msg})", lineno)
                continue
            if not isinstance(record, dict):
                yield IngestProblem(str(path), "not a JSON object", lineno)
                continue
            text = record.get("text")
            if not isinstance(text, str) or not text.strip():
                yield IngestProblem(str(path), "no \"text\" field", lineno)
                continue
            merged = {**defaults, **{k: v for k, v in record.items() if v not in (None, "")}}
            meta, problems = _metadata(merged, str(path), lineno)
            yield from problems
            yield make_article(text, meta, str(path), lineno)


def read_file(path: Path, defaults: dict[str, str] | None = None) -> Iterator[Item]:
    """Articles (or problems) from one file, never raising for bad content."""
    defaults = defaults or {}
    suffix = path.suffix.lower()
    try:
        if suffix in JSONL_SUFFIXES:
            yield from read_jsonl_file(path, defaults)
            return
        size = path.stat().st_size
        if size > MAX_ARTICLE_BYTES:
            yield IngestProblem(
                str(path), f"file is {size:,} bytes, over the {MAX_ARTICLE_BYTES:,}-byte article limit"
            )
        elif suffix in HTML_SUFFIXES:
            yield from read_html_file(path, defaults)
        else:
            yield from read_text_file(path, defaults)
    except OSError as exc:
        yield IngestProblem(str(path), f"cannot read: {exc.strerror or exc}")


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path | IngestProblem]:
    for p in map(Path, paths):
        if p.is_dir():
            for child in sorted(p.rglob("*")):
                hidden = any(part.startswith(".") for part in child.relative_to(p).parts)
                if child.is_file() and not hidden and child.suffix.lower() in SUFFIXES:
                    yield child
        elif p.is_file():
            yield p
        else:
            yield IngestProblem(str(p), "no such file or directory")


def read_articles(
    paths: Iterable[str | Path],
    published: str | None = None,
    source: str | None = None,
) -> Iterator[Item]:
    """Stream articles and problems from files and directories.

    ``published`` and ``source`` fill in what a file does not say itself. Duplicates within one
    run are reported as warnings and yielded once.
    """
    defaults: dict[str, str] = {}
    if published:
        defaults["published"] = published
    if source:
        defaults["source"] = source
    seen: dict[str, str] = {}
    for item in iter_files(paths):
        if isinstance(item, IngestProblem):
            yield item
            continue
        for art in read_file(item, defaults):
            if isinstance(art, Article):
                if art.id in seen:
                    yield IngestProblem(
                        art.path, f"duplicate of {seen[art.id]} (same text); skipped", severity="warning"
                    )
                    continue
                seen[art.id] = art.path
                yield from dated(art)
                continue
            yield art


def dated(art: Article) -> Iterator[Item]:
    """An article without a publication date gets the one its dateline or URL gives, marked as
    inferred; with none, it goes on undated and a warning names the file."""
    if art.published:
        yield art
        return
    found = infer_published(art.text, art.url)
    if found:
        yield dataclasses.replace(art, published=found.value, published_inferred=found.how)
        return
    odd = ambiguous_dates(art.text)
    why = f"; {odd[0]!r} could be read two ways (day and month swap)" if odd else ""
    yield IngestProblem(art.path, f"no publication date: none given, no dateline or dated URL found{why}; "
                        "relative dates stay unresolved (set one with --published or set-date)", severity="warning")
    yield art
