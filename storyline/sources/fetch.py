"""HTTP for feeds and pages: one polite client.

A clear User-Agent, robots.txt honoured (urllib.robotparser), a delay between requests to one host,
timeouts, a size limit, conditional GET (If-None-Match / If-Modified-Since) from stored validators,
and every failure as one ``FetchError`` line. Only http and https; nothing else is fetched.
"""

from __future__ import annotations

import os
import time
import urllib.error
import urllib.request
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from urllib.parse import urlsplit


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("storyline")
    except PackageNotFoundError:
        return "0.1.0"


def default_user_agent() -> str:
    """``storyline/VERSION (+CONTACT)``: set STORYLINE_CONTACT to a URL or address site owners can reach."""
    contact = os.environ.get("STORYLINE_CONTACT", "").strip()
    return f"storyline/{_version()} (+{contact or 'news dossier tool; no contact set'})"


AGENT_TOKEN = "storyline"  # the name robots.txt rules address
TIMEOUT = 20.0
MAX_BYTES = 10_000_000  # a news page or feed is far smaller; more is not an article
DELAY = 1.0  # seconds between two requests to one host


class FetchError(RuntimeError):
    """A URL that could not be fetched; the message is one line and names the URL."""


class Disallowed(FetchError):
    """robots.txt asks storyline not to fetch this URL: a site's wish, not a failure."""


@dataclass
class Validators:
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class Response:
    url: str  # after redirects
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def validators(self) -> Validators:
        return Validators(self.headers.get("etag"), self.headers.get("last-modified"))

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        msg = Message()
        msg["content-type"] = self.headers.get("content-type", "")
        return msg.get_param("charset")  # type: ignore[return-value]


def is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


class Fetcher:
    """Fetches URLs politely. ``clock`` and ``sleep`` are injectable so tests need not wait."""

    def __init__(self, user_agent: str | None = None, timeout: float = TIMEOUT, max_bytes: int = MAX_BYTES,
                 delay: float = DELAY, robots: bool = True,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
        self.user_agent = user_agent or default_user_agent()
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.delay = delay
        self.robots = robots
        self.clock = clock
        self.sleep = sleep
        self.requests = 0
        self._last: dict[str, float] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        # no proxies from the environment: a loopback test server must be reached directly
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def allowed(self, url: str) -> bool:
        """Whether robots.txt of the URL's host lets storyline fetch it."""
        if not self.robots:
            return True
        parts = urlsplit(url)
        root = f"{parts.scheme}://{parts.netloc}"
        if root not in self._robots:
            self._robots[root] = self._load_robots(root)
        rp = self._robots[root]
        return True if rp is None else rp.can_fetch(AGENT_TOKEN, url)

    def _load_robots(self, root: str) -> urllib.robotparser.RobotFileParser | None:
        rp = urllib.robotparser.RobotFileParser(root + "/robots.txt")
        try:
            resp = self._request(root + "/robots.txt", {})
        except FetchError:
            return None  # unreachable robots.txt: no rules known
        if resp.status in (401, 403):
            rp.disallow_all = True  # the same reading as RobotFileParser.read
        elif 200 <= resp.status < 300:
            rp.parse(resp.body.decode("utf-8", errors="replace").splitlines())
        else:
            return None  # 404 and the like: everything allowed
        return rp

    def get(self, url: str, validators: Validators | None = None) -> Response:
        """GET a URL; a 304 comes back as a Response with ``not_modified``; errors raise FetchError."""
        if not is_url(url):
            raise FetchError(f"{url}: only http and https URLs are fetched")
        if not self.allowed(url):
            raise Disallowed(f"{url}: disallowed by robots.txt; not fetched")
        headers = {}
        if validators and validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators and validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
        resp = self._request(url, headers)
        if resp.status == 304 or 200 <= resp.status < 300:
            return resp
        raise FetchError(f"{url}: HTTP {resp.status}")

    def _wait(self, host: str) -> None:
        last = self._last.get(host)
        if last is not None:
            gap = self.delay - (self.clock() - last)
            if gap > 0:
                self.sleep(gap)
        self._last[host] = self.clock()

    def _request(self, url: str, headers: dict[str, str]) -> Response:
        self._wait(urlsplit(url).netloc.lower())
        req = urllib.request.Request(url, headers={"User-Agent": self.user_agent, "Accept-Encoding": "identity",
                                                   **headers})
        self.requests += 1
        try:
            with self._opener.open(req, timeout=self.timeout) as fh:
                return Response(fh.geturl(), fh.status, self._read(fh, url), _headers(fh.headers))
        except urllib.error.HTTPError as exc:
            return Response(url, exc.code, b"", _headers(exc.headers))
        except urllib.error.URLError as exc:
            raise FetchError(f"{url}: cannot connect ({exc.reason})") from None
        except TimeoutError:
            raise FetchError(f"{url}: no answer within {self.timeout:g} s") from None
        except OSError as exc:
            raise FetchError(f"{url}: {exc.strerror or exc}") from None

    def _read(self, fh: object, url: str) -> bytes:
        length = getattr(fh, "headers", {}).get("Content-Length")
        if length and length.isdigit() and int(length) > self.max_bytes:
            raise FetchError(f"{url}: {int(length):,} bytes, over the {self.max_bytes:,}-byte limit; not fetched")
        chunks, total = [], 0
        # the socket timeout bounds each read; this bounds a server that drips bytes forever
        deadline = time.monotonic() + self.timeout * 3
        while True:
            chunk = fh.read(65536)  # type: ignore[attr-defined]
            if not chunk:
                break
            if time.monotonic() > deadline:
                raise FetchError(f"{url}: still sending after {self.timeout * 3:g} s; not fetched")
            total += len(chunk)
            if total > self.max_bytes:
                raise FetchError(f"{url}: over the {self.max_bytes:,}-byte limit; not fetched")
            chunks.append(chunk)
        return b"".join(chunks)


def _headers(msg: Message | None) -> dict[str, str]:
    return {k.lower(): v for k, v in msg.items()} if msg is not None else {}
