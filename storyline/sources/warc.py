"""WARC (and ARC) archives, as written by Common Crawl's CC-NEWS and web archiving tools.

Each HTML ``response`` record (a ``resource`` record too) is one page: its main text comes out
through trafilatura, its URL is the record's WARC-Target-URI and its date the page's own
publication date, else the WARC-Date (when it was captured). Other records (requests, metadata,
images, redirects) are passed over; a broken record is named with its offset and the rest read.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..model import IngestProblem
from ..readers import MAX_ARTICLE_BYTES, Item, html_articles

HTML_TYPES = ("text/html", "application/xhtml+xml")


def read_warc(path: Path, defaults: dict[str, str]) -> Iterator[Item]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    pages = 0
    try:
        with path.open("rb") as fh:
            records = ArchiveIterator(fh, arc2warc=True)
            for record in records:
                if record.rec_type not in ("response", "resource"):
                    continue
                uri = record.rec_headers.get_header("WARC-Target-URI") or ""
                if record.rec_type == "response":
                    if record.http_headers is None:
                        continue
                    status = record.http_headers.get_statuscode() or ""
                    if not status.startswith("2"):
                        continue  # redirects, not-found pages: no article there
                    ctype = record.http_headers.get_header("Content-Type") or ""
                else:
                    ctype = record.rec_headers.get_header("Content-Type") or ""
                if not ctype.lower().startswith(HTML_TYPES):
                    continue
                body = record.content_stream().read(MAX_ARTICLE_BYTES + 1)
                where = f"{path}@{records.get_record_offset()}"  # after the read: asking earlier loses the body
                if len(body) > MAX_ARTICLE_BYTES:
                    yield IngestProblem(where, f"{uri}: page over the {MAX_ARTICLE_BYTES:,}-byte limit; not read")
                    continue
                pages += 1
                html = body.decode(_charset(ctype) or "utf-8", errors="replace")
                captured = (record.rec_headers.get_header("WARC-Date") or "")[:10] or None
                # the page's own date wins over the capture date, which only bounds it from above
                page_defaults = {**defaults, **({"published": captured} if captured and "published" not in defaults else {})}
                for item in html_articles(html, where, page_defaults, {"url": uri}, url=uri or None):
                    if isinstance(item, IngestProblem) and uri:
                        item.message = f"{uri}: {item.message}"
                    yield item
    except ArchiveLoadFailed as exc:
        yield IngestProblem(str(path), f"not a readable WARC/ARC archive ({str(exc).splitlines()[0][:120]})")
        return
    except (OSError, EOFError, ValueError) as exc:
        yield IngestProblem(str(path), f"archive breaks off: {exc}")
        return
    if pages == 0:
        yield IngestProblem(str(path), "no HTML response records in the archive", severity="warning")


def _charset(ctype: str) -> str | None:
    for part in ctype.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            import codecs

            try:
                return codecs.lookup(value.strip("\"'")).name
            except LookupError:
                return None
    return None
