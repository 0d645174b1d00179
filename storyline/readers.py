"""Readers for articles: files, folders, feeds, sitemaps, WARC archives, news-please JSON and URLs.

Each reader yields ``Article`` records or ``IngestProblem`` records, one at a time, so a huge JSONL
file or WARC archive streams and one bad file never stops the others. An article's id is a hash of
its normalized text and its outlet: the same text from the same outlet twice is one article, a
verbatim reprint by another outlet is a separate report.

Nothing touches the network unless the input names URLs: a URL argument, or a feed, sitemap or
URL list (their pages are fetched through ``sources.fetch``, unless ``offline``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from .model import Article, IngestProblem
from .pubdate import DateError, ambiguous_dates, infer_published, parse_published

if TYPE_CHECKING:
    from collections.abc import Callable

    from .sources.fetch import Fetcher
    from .sources.web import Reach

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
JSON_SUFFIXES = {".json"}  # news-please: one article object (or a list of them) per file
WARC_SUFFIXES = {".warc", ".warc.gz", ".arc", ".arc.gz"}
FEED_SUFFIXES = {".rss", ".atom", ".xml", ".rdf", ".xml.gz"}
URL_LIST_SUFFIXES = {".urls"}
SUFFIXES = (TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | JSON_SUFFIXES | WARC_SUFFIXES
            | FEED_SUFFIXES | URL_LIST_SUFFIXES)

# Files a folder of news often holds beside articles; named with what to do instead.
UNSUPPORTED = {
    ".pdf": "PDF is not read; convert it to text first (e.g. pdftotext)",
    ".docx": "Word documents are not read; save as .txt or .html",
    ".doc": "Word documents are not read; save as .txt or .html",
    ".odt": "OpenDocument files are not read; save as .txt or .html",
    ".rtf": "RTF is not read; save as .txt",
    ".epub": "EPUB is not read",
    ".zip": "archives are not unpacked; extract them first",
    ".tar": "archives are not unpacked; extract them first",
    ".gz": "compressed files are not read (except .warc.gz); decompress first",
    ".tgz": "archives are not unpacked; extract them first",
    ".7z": "archives are not unpacked; extract them first",
}

# A file past this is not one article and is not read at all.
MAX_ARTICLE_BYTES = 8_000_000
# Article text past this is cut (at a paragraph or sentence end) with a warning naming the file:
# about 170,000 words, far beyond any news article; long texts are analysed in pieces up to it.
MAX_ARTICLE_CHARS = 2_000_000

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*\n", re.S)
_WS = re.compile(r"\s+")
FIELDS = ("id", "title", "source", "url", "published", "text")

Item = Article | IngestProblem


def suffix_of(name: str) -> str:
    """The lowercased suffix, two deep for compressed archives (``.warc.gz``)."""
    lower = name.lower()
    for double in (".warc.gz", ".arc.gz", ".xml.gz"):
        if lower.endswith(double):
            return double
    return os.path.splitext(lower)[1]


def outlet_key(source: str) -> str:
    """An outlet name reduced to what identifies it: "The Ledger" and "the  ledger" are one outlet."""
    folded = unicodedata.normalize("NFKC", source).casefold()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in folded).split())


def article_id(text: str, source: str = "") -> str:
    """Content hash of the normalized text and the outlet: whitespace and Unicode form do not change
    identity, the outlet does (a verbatim reprint elsewhere is another report). Without an outlet
    the hash is of the text alone, as every id was before outlets counted, so older databases
    keep their ids."""
    norm = _WS.sub(" ", unicodedata.normalize("NFC", text)).strip()
    outlet = outlet_key(source)
    key = f"{norm}\x1f{outlet}" if outlet else norm
    return "a" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:15]


def legacy_id(article: Article) -> str:
    """The id this article had when ids hashed the text alone (databases made before outlets counted)."""
    return article_id(article.text)


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


def _limit(text: str) -> tuple[str, str | None]:
    """Cut text past MAX_ARTICLE_CHARS at the last paragraph or sentence end before it."""
    if len(text) <= MAX_ARTICLE_CHARS:
        return text, None
    head = text[:MAX_ARTICLE_CHARS]
    cut = max(head.rfind("\n\n"), head.rfind(". "))
    if cut < MAX_ARTICLE_CHARS // 2:
        cut = MAX_ARTICLE_CHARS
    else:
        cut += 1
    return head[:cut].rstrip(), (f"text is {len(text):,} characters, over the {MAX_ARTICLE_CHARS:,}-character "
                                 f"article limit: only the first {cut:,} are read")


def make_articles(text: str, meta: dict[str, str], path: str, line: int | None = None) -> Iterator[Item]:
    """The article (with a warning first if its text was cut at the size limit), or why there is none."""
    text = clean_text(text)
    if not text:
        yield IngestProblem(path, "no text", line)
        return
    text, cut = _limit(text)
    if cut:
        yield IngestProblem(path, cut, line, "warning")
    yield make_article(text, meta, path, line)


def make_article(
    text: str, meta: dict[str, str], path: str, line: int | None = None
) -> Article | IngestProblem:
    text = clean_text(text)
    if not text:
        return IngestProblem(path, "no text", line)
    title = meta.get("title") or text.split("\n", 1)[0][:200].lstrip("# ").strip()
    return Article(
        id=article_id(text, meta.get("source", "")),
        text=text,
        title=title,
        source=meta.get("source", ""),
        url=meta.get("url", ""),
        published=meta.get("published"),
        path=f"{path}:{line}" if line is not None else path,
        external_id=meta.get("id", ""),
    )


def _read_decoded(path: Path) -> tuple[str | None, list[IngestProblem]]:
    """A file's text (None when it cannot be read as text) and what decoding it had to say."""
    text, problem = decode(path.read_bytes(), str(path))
    return text, [problem] if problem else []


def read_text_file(path: Path, defaults: dict[str, str]) -> Iterator[Item]:
    text, problems = _read_decoded(path)
    yield from problems
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
    yield from make_articles(text, meta, path)


def html_articles(html: str, where: str, defaults: dict[str, str], wins: dict[str, object] | None = None,
                  url: str | None = None) -> Iterator[Item]:
    """The main text of an HTML page (trafilatura) with its metadata. ``defaults`` fill the gaps
    the page leaves; ``wins`` (what a feed item or WARC record says) overrides the page."""
    import trafilatura

    doc = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, favor_recall=True,
        # dates from the page's markup only: a year guessed from the body text is worse than none
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    body = getattr(doc, "text", None) if doc is not None else None
    if not body or not body.strip():
        yield IngestProblem(where, "no article text found in the HTML")
        return
    raw: dict[str, object] = {
        "title": getattr(doc, "title", None),
        "source": getattr(doc, "sitename", None),
        "url": getattr(doc, "url", None) or url,
        "published": getattr(doc, "date", None),
    }
    raw.update({k: v for k, v in (wins or {}).items() if v not in (None, "")})
    yield from _finish(body, raw, defaults, where)


def read_html_file(path: Path, defaults: dict[str, str]) -> Iterator[Item]:
    html, problems = _read_decoded(path)
    yield from problems
    if html is None:
        return
    yield from html_articles(html, str(path), defaults)


def read_jsonl_file(path: Path, defaults: dict[str, str]) -> Iterator[Item]:
    from .sources.newsplease import from_record

    with path.open("rb") as fh:
        for lineno, raw_line in enumerate(fh, start=1):
            if not raw_line.strip():
                continue
            if len(raw_line) > MAX_ARTICLE_BYTES:
                yield IngestProblem(
                    str(path), f"line is {len(raw_line):,} bytes, over the {MAX_ARTICLE_BYTES:,}-byte limit", lineno
                )
                continue
            try:
                record = json.loads(raw_line.decode("utf-8", errors="replace"))
            except json.JSONDecodeError as exc:
                yield IngestProblem(str(path), f"not valid JSON ({exc.msg})", lineno)
                continue
            yield from from_record(record, str(path), defaults, lineno)


def read_file(path: Path, defaults: dict[str, str] | None = None, reach: Reach | None = None) -> Iterator[Item]:
    """Articles (or problems) from one file, never raising for bad content."""
    defaults = defaults or {}
    if reach is None:
        from .sources.web import Reach

        reach = Reach()
    suffix = suffix_of(path.name)
    try:
        if suffix in JSONL_SUFFIXES:
            yield from read_jsonl_file(path, defaults)
            return
        if suffix in WARC_SUFFIXES:
            from .sources.warc import read_warc

            yield from read_warc(path, defaults)
            return
        if suffix in UNSUPPORTED:
            yield IngestProblem(str(path), f"skipped: {UNSUPPORTED[suffix]}", severity="warning")
            return
        size = path.stat().st_size
        if size > MAX_ARTICLE_BYTES:
            yield IngestProblem(
                str(path), f"file is {size:,} bytes, over the {MAX_ARTICLE_BYTES:,}-byte article limit; not read"
            )
        elif suffix in HTML_SUFFIXES:
            yield from read_html_file(path, defaults)
        elif suffix in JSON_SUFFIXES:
            from .sources.newsplease import read_json_file

            yield from read_json_file(path, defaults)
        elif suffix in FEED_SUFFIXES or suffix in URL_LIST_SUFFIXES:
            from .sources.web import read_listing

            yield from read_listing(path, defaults, reach)
        elif suffix in TEXT_SUFFIXES or suffix == "":
            from .sources.web import read_listing, sniff_listing

            # a feed saved as text, or (.txt only, not Markdown notes) a plain list of URLs
            if sniff_listing(path, urls=suffix in {".txt", ""}):
                yield from read_listing(path, defaults, reach)
            else:
                yield from read_text_file(path, defaults)
        else:
            yield IngestProblem(str(path), f"skipped: unsupported file type ({suffix})", severity="warning")
    except OSError as exc:
        yield IngestProblem(str(path), f"cannot read: {exc.strerror or exc}")


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path | str | IngestProblem]:
    """Files named, and the files under folders named (symlinks followed, each real folder once,
    so a link back to a parent ends the walk instead of looping); URLs pass through."""
    for raw in paths:
        if isinstance(raw, str) and raw.startswith(("http://", "https://")):
            yield raw
            continue
        p = Path(raw)
        if p.is_dir():
            yield from _walk(p)
        elif p.is_file():
            yield p
        elif str(p).startswith(("http:/", "https:/")):  # a URL that went through Path()
            yield str(p).replace(":/", "://", 1)
        else:
            yield IngestProblem(str(p), "no such file or directory")


def _walk(top: Path) -> Iterator[Path | IngestProblem]:
    seen: set[tuple[int, int]] = set()
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            st = folder.stat()
        except OSError as exc:
            yield IngestProblem(str(folder), f"cannot read folder: {exc.strerror or exc}")
            continue
        if (st.st_dev, st.st_ino) in seen:
            if folder != top:
                yield IngestProblem(str(folder), "folder already read through another path (symlink loop); "
                                    "skipped", severity="warning")
            continue
        seen.add((st.st_dev, st.st_ino))
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            yield IngestProblem(str(folder), f"cannot read folder: {exc.strerror or exc}")
            continue
        subdirs = []
        for entry in entries:
            if entry.name.startswith("."):
                continue  # hidden: .git, .DS_Store, editors' swap files
            path = Path(entry.path)
            try:
                if entry.is_dir():
                    subdirs.append(path)
                elif entry.is_file():
                    suffix = suffix_of(entry.name)
                    if suffix in SUFFIXES:
                        yield path
                    else:  # named, never skipped silently; a file named on the command line is tried anyway
                        why = UNSUPPORTED.get(suffix) or f"unsupported file type ({suffix or 'no suffix'})"
                        yield IngestProblem(str(path), f"skipped: {why}", severity="warning")
                elif entry.is_symlink():
                    yield IngestProblem(str(path), "broken symlink; skipped", severity="warning")
            except OSError as exc:
                yield IngestProblem(str(path), f"cannot read: {exc.strerror or exc}")
        stack.extend(reversed(subdirs))


def read_articles(
    paths: Iterable[str | Path],
    published: str | None = None,
    source: str | None = None,
    fetcher: Fetcher | None = None,
    offline: bool = False,
    known_url: Callable[[str], bool] | None = None,
) -> Iterator[Item]:
    """Stream articles and problems from files, folders, feeds, archives and URLs.

    ``published`` and ``source`` fill in what an input does not say itself. Duplicates within one
    run are reported as warnings and yielded once. URLs (given, or in a feed, sitemap or URL list)
    are fetched with ``fetcher`` (a polite default one is made when needed); ``offline`` refuses them;
    pages whose URL ``known_url`` says is stored are not fetched again.
    """
    from .sources.web import Reach, read_url

    reach = Reach(fetcher, offline, known_url)
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
        if isinstance(item, str):
            arts: Iterable[Item] = read_url(item, defaults, reach)
        else:
            arts = read_file(item, defaults, reach)
        for art in arts:
            if isinstance(art, Article):
                if art.id in seen:
                    outlet = f" from {art.source}" if art.source else ""
                    yield IngestProblem(
                        art.path, f"duplicate of {seen[art.id]} (same text{outlet}); skipped", severity="warning"
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
