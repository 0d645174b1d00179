"""A real HTTP server on 127.0.0.1 for the source tests: serves pages, feeds and robots.txt,
honours If-None-Match / If-Modified-Since, and counts every request by path."""

from __future__ import annotations

import html
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from ..conftest import SAMPLES


def sample(name: str) -> tuple[dict[str, str], str]:
    """Front matter and body of a sample article."""
    raw = (SAMPLES / name).read_text(encoding="utf-8")
    _, head, body = raw.split("---", 2)
    meta = dict(line.split(": ", 1) for line in head.strip().splitlines())
    return meta, body.strip()


def page(title: str, body: str, site: str = "") -> str:
    paras = "".join(f"<p>{html.escape(p)}</p>" for p in body.split("\n\n"))
    og = f'<meta property="og:site_name" content="{html.escape(site)}">' if site else ""
    return (f"<html><head><title>{html.escape(title)}</title>{og}</head><body><nav><a href='/'>Home</a></nav>"
            f"<article><h1>{html.escape(title)}</h1>{paras}</article><footer>(c) site</footer></body></html>")


def rss(items: list[tuple[str, str, str]], base: str) -> str:
    """items: (path, title, RFC 822 date)."""
    out = "".join(f"<item><title>{html.escape(t)}</title><link>{base}{p}</link><pubDate>{d}</pubDate>"
                  f"<description>Teaser only.</description></item>" for p, t, d in items)
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Test feed</title><link>{base}/</link>'
            f"{out}</channel></rss>")


class Site:
    def __init__(self) -> None:
        self.files: dict[str, tuple[bytes, str, str | None]] = {}  # path -> body, type, etag
        self.hits: Counter[str] = Counter()
        self.agents: list[str] = []
        self.not_modified = 0
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                site.hits[self.path] += 1
                site.agents.append(self.headers.get("User-Agent", ""))
                if self.path not in site.files:
                    self.send_error(404)
                    return
                body, ctype, etag = site.files[self.path]
                inm, ims = self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")
                # If-None-Match, when sent, decides alone (RFC 9110 13.2.2)
                if etag and (inm == etag if inm is not None else ims == f"{etag} date"):
                    site.not_modified += 1
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                if etag:
                    self.send_header("ETag", etag)
                    self.send_header("Last-Modified", f"{etag} date")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def put(self, path: str, body: str | bytes, ctype: str = "text/html; charset=utf-8", etag: str | None = None) -> None:
        self.files[path] = (body.encode("utf-8") if isinstance(body, str) else body, ctype, etag)

    def __enter__(self) -> Site:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
