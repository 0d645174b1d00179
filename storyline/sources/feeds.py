"""RSS 0.9x/1.0/2.0, Atom and sitemap documents (with the Google News extension) to feed items.

Pure: bytes in, records out, nothing fetched. Parsed with lxml (a trafilatura dependency) with
entity expansion and network access off, and in recovery mode, since real feeds are often
slightly broken XML.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from lxml import etree

FEED_KINDS = ("rss", "atom", "sitemap", "sitemapindex")


@dataclass
class FeedItem:
    url: str
    title: str = ""
    published: str | None = None  # as the feed writes it; parsed by the reader
    source: str = ""  # outlet, when the item names one (<source>, news:publication)
    content: str = ""  # HTML or text of the full article, when the feed carries it
    summary: str = ""


@dataclass
class Feed:
    kind: str  # rss | atom | sitemap | sitemapindex
    title: str = ""
    link: str = ""
    items: list[FeedItem] = field(default_factory=list)


class FeedError(ValueError):
    pass


_TAG = re.compile(r"<[^>]+>")


def html_to_text(fragment: str) -> str:
    """Text of an HTML fragment, paragraphs kept as blank lines (for feed-embedded content)."""
    if "<" not in fragment:
        return html.unescape(fragment).strip()
    try:
        root = etree.fromstring(f"<div>{fragment}</div>", etree.HTMLParser(no_network=True))
    except (etree.ParserError, ValueError):
        return html.unescape(_TAG.sub(" ", fragment)).strip()
    if root is None:
        return ""
    for bad in root.xpath("//script|//style"):
        bad.getparent().remove(bad)
    for el in root.iter("br"):
        el.tail = "\n" + (el.tail or "")
    for el in root.iter("p", "h1", "h2", "h3", "h4", "h5", "li", "blockquote", "tr"):
        el.tail = "\n\n" + (el.tail or "")
    text = "".join(root.itertext())
    blocks = []
    for line in text.split("\n\n"):
        line = re.sub(r"[ \t\r\f\v]+", " ", line).strip()
        if line:
            blocks.append(line)
    return "\n\n".join(blocks)


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _child(el: etree._Element, *names: str) -> etree._Element | None:
    for c in el:
        if _local(c.tag) in names:
            return c
    return None


def _text(el: etree._Element | None) -> str:
    if el is None:
        return ""
    return "".join(el.itertext()).strip()


def _atom_content(el: etree._Element | None) -> str:
    """Atom text constructs: type="xhtml" holds markup as elements, html and text as text."""
    if el is None:
        return ""
    if el.get("type") == "xhtml":
        return "".join(etree.tostring(c, encoding="unicode") for c in el)
    return (el.text or "").strip()


def parse_feed(data: bytes, base_url: str = "") -> Feed:
    """A feed or sitemap from its bytes; ``FeedError`` with a one-line reason for anything else."""
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    data = gunzip(data)
    try:
        root = etree.fromstring(data.lstrip(), parser)
    except etree.XMLSyntaxError as exc:
        raise FeedError(f"not XML ({exc.msg})") from None
    if root is None:
        raise FeedError("not XML")
    kind = _local(root.tag)
    if kind == "rss" or kind == "rdf":
        return _rss(root, base_url)
    if kind == "feed":
        return _atom(root, base_url)
    if kind in ("urlset", "sitemapindex"):
        return _sitemap(root, "sitemap" if kind == "urlset" else kind, base_url)
    raise FeedError(f"XML root <{kind}> is not an RSS/Atom feed or a sitemap")


def _rss(root: etree._Element, base: str) -> Feed:
    channel = _child(root, "channel")
    feed = Feed("rss", _text(_child(channel, "title")) if channel is not None else "",
                _text(_child(channel, "link")) if channel is not None else "")
    # RSS 2.0 puts items inside <channel>, RSS 1.0 (RDF) beside it
    holders = [channel, root] if channel is not None else [root]
    for holder in holders:
        for el in holder:
            if _local(el.tag) != "item":
                continue
            link = _text(_child(el, "link"))
            guid = _child(el, "guid")
            if not link and guid is not None and guid.get("isPermaLink", "true") != "false":
                link = _text(guid)
            if not link:
                link = el.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about", "")
            if not link:
                continue
            src = _child(el, "source")
            feed.items.append(FeedItem(
                url=urljoin(feed.link or base, link),
                title=html.unescape(_text(_child(el, "title"))),
                published=_text(_child(el, "pubdate", "date", "published", "issued")) or None,
                source=_text(src),
                content=_text(_child(el, "encoded")),
                summary=_text(_child(el, "description", "summary")),
            ))
    return feed


def _atom(root: etree._Element, base: str) -> Feed:
    def link_of(el: etree._Element) -> str:
        best = ""
        for c in el:
            if _local(c.tag) == "link" and c.get("href"):
                if c.get("rel", "alternate") == "alternate":
                    return c.get("href", "")
                best = best or c.get("href", "")
        return best

    feed = Feed("atom", _text(_child(root, "title")), link_of(root))
    for el in root:
        if _local(el.tag) != "entry":
            continue
        link = link_of(el)
        if not link:
            continue
        src = _child(el, "source")
        feed.items.append(FeedItem(
            url=urljoin(base, link),
            title=html.unescape(_text(_child(el, "title"))),
            published=_text(_child(el, "published", "issued", "updated", "date")) or None,
            source=_text(_child(src, "title")) if src is not None else "",
            content=_atom_content(_child(el, "content")),
            summary=_atom_content(_child(el, "summary")),
        ))
    return feed


def _sitemap(root: etree._Element, kind: str, base: str) -> Feed:
    feed = Feed(kind)
    for el in root:
        if _local(el.tag) not in ("url", "sitemap"):
            continue
        loc = _text(_child(el, "loc"))
        if not loc:
            continue
        news = _child(el, "news")
        title, published, source = "", _text(_child(el, "lastmod")) or None, ""
        if news is not None:  # Google News sitemaps: <news:news> with title, date and publication
            title = _text(_child(news, "title"))
            published = _text(_child(news, "publication_date")) or published
            pub = _child(news, "publication")
            source = _text(_child(pub, "name")) if pub is not None else ""
        feed.items.append(FeedItem(url=urljoin(base, loc), title=title, published=published, source=source))
    return feed


def gunzip(data: bytes, limit: int = 50_000_000) -> bytes:
    """Sitemaps are often served gzipped (``sitemap.xml.gz``); anything else passes unchanged.
    Decompression stops at ``limit`` bytes, so a small bomb cannot fill the memory."""
    if not data.startswith(b"\x1f\x8b"):
        return data
    import zlib

    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = d.decompress(data, limit)
    except zlib.error as exc:
        raise FeedError(f"broken gzip data ({exc})") from None
    if d.unconsumed_tail:
        raise FeedError(f"gzip data unpacks to more than {limit:,} bytes; not read")
    return out


def looks_like_feed(data: bytes) -> bool:
    """A cheap sniff of the first bytes: XML whose root is a feed or sitemap element."""
    if data.startswith(b"\x1f\x8b"):
        data = _gunzip_head(data)
    head = data[:2048].lstrip().lower()
    if not head.startswith(b"<"):
        return False
    return any(t in head for t in (b"<rss", b"<feed", b"<rdf:rdf", b"<urlset", b"<sitemapindex"))


def _gunzip_head(data: bytes) -> bytes:
    import zlib

    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data, 4096)
    except zlib.error:
        return b""
