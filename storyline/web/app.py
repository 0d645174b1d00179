"""FastAPI app: server-rendered pages and a JSON API over one storyline database.

Pages read the database read-only; only the fix forms (merge, split, not-same, set-date, undo) open
it for writing, through the same library functions the CLI uses, and only when the server was not
started read-only. Each form carries a CSRF token bound to the browser's session cookie. The dossier
is resolved once and kept until the database changes (or a fix lands). Every page escapes article
text (Jinja2 autoescape); bad ids give a 404 page and bad parameters a 422 page, never a traceback.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import re
import secrets
from pathlib import Path
from threading import Lock
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import pipeline
from ..ask import answer
from ..dossier import build_dossier
from ..model import Dossier
from ..pubdate import DateError
from ..render.cite import Citer
from ..render.speakers import quotes_by_speaker
from ..render.summary import StorySummary, summarize_stories
from ..search import SearchError
from ..search import search as search_sentences
from ..sqldb import is_url
from ..store import MARK_CLOSE, MARK_OPEN, Store
from . import views

_env = Environment(loader=PackageLoader("storyline.web", "templates"), autoescape=select_autoescape(["html"]))


@dataclasses.dataclass
class Snapshot:
    """One resolution of the database and what every page derives from it, computed once."""

    dossier: Dossier
    citer: Citer
    entity_at: dict[tuple[str, int], str]
    summaries: list[StorySummary]


class Data:
    """The database and its resolved dossier, rebuilt when the file changes."""

    def __init__(self, db: str | Path) -> None:
        self.db: str | Path = db if is_url(db) else Path(db)
        Store(self.db, readonly=True).close()  # fail early on a missing or newer database
        self._lock = Lock()
        self._stamp: tuple[float, ...] | None = None
        self._snapshot: Snapshot | None = None

    def _files_stamp(self) -> tuple[float, ...]:
        if is_url(self.db):  # PostgreSQL: the count of committed writes
            with self.store() as s:
                return (float(s.changes() or 0),)
        return tuple(p.stat().st_mtime if p.exists() else 0.0 for p in (self.db, Path(f"{self.db}-wal")))

    def store(self) -> Store:
        return Store(self.db, readonly=True)

    def snapshot(self) -> Snapshot:
        with self._lock:
            stamp = self._files_stamp()
            if self._snapshot is None or stamp != self._stamp:
                with self.store() as s:
                    d = build_dossier(list(s.analyses()), overrides=s.overrides(), stored_stories=s.story_states())
                citer = Citer(d)
                self._snapshot = Snapshot(d, citer, views.entity_index(d), summarize_stories(d, citer))
                self._stamp = stamp
            return self._snapshot

    def dossier(self) -> Dossier:
        return self.snapshot().dossier

    def invalidate(self) -> None:
        """Forget the resolution: a fix just landed, and a file time may not have moved yet."""
        with self._lock:
            self._snapshot = None


SESSION = "storyline_session"
FIX_ACTIONS = ("merge", "split", "not-same", "set-date", "undo")


class Guard:
    """CSRF protection: a token per browser session, an HMAC of the session cookie under a secret
    made when the server starts (so a restart invalidates every old form)."""

    def __init__(self) -> None:
        self._secret = secrets.token_bytes(32)

    def token(self, session: str) -> str:
        return hmac.new(self._secret, session.encode(), hashlib.sha256).hexdigest()

    def check(self, session: str | None, token: str | None) -> bool:
        return bool(session and token) and hmac.compare_digest(self.token(session or ""), token or "")


def _local(path: str, fallback: str = "/") -> str:
    """Where to go after a fix: a path on this site only, never another host."""
    parts = urlsplit(path)
    if path.startswith("/") and not path.startswith("//") and not parts.scheme and not parts.netloc and "\\" not in path:
        return path
    return fallback


def _day(value: str, name: str) -> str:
    """A date filter from a form: empty means none; anything else must be a real ISO date."""
    if not value:
        return ""
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise HTTPException(422, f"{name}: {value!r} is not a date (YYYY-MM-DD)") from None


def _plain(obj: Any) -> Any:
    return dataclasses.asdict(obj) if dataclasses.is_dataclass(obj) else obj


def create_app(db: str | Path, read_only: bool = False) -> FastAPI:
    data = Data(db)
    guard = Guard()
    flashes: dict[str, list[str]] = {}
    app = FastAPI(title="storyline", description="Story dossiers from news articles, every statement cited.",
                  version="0.1.0")

    @app.middleware("http")
    async def session_cookie(request: Request, call_next: Any) -> Any:
        session = request.cookies.get(SESSION)
        fresh = session is None or not re.fullmatch(r"[A-Za-z0-9_-]{20,64}", session)
        request.state.session = secrets.token_urlsafe(24) if fresh else session
        response = await call_next(request)
        if fresh and not request.url.path.startswith("/api/"):
            response.set_cookie(SESSION, request.state.session, httponly=True, samesite="strict", path="/")
        return response

    def page(name: str, status: int = 200, request: Request | None = None, **ctx: Any) -> HTMLResponse:
        session = getattr(request.state, "session", "") if request is not None else ""
        ctx.update(fixes=not read_only and request is not None, csrf=guard.token(session) if session else "",
                   flashes=flashes.pop(session, []) if session else [], here=request.url.path if request else "/")
        return HTMLResponse(_env.get_template(name).render(**ctx), status_code=status)

    def citer_link(snap: Snapshot) -> Any:
        cite = snap.citer

        def link(article: str, offset: int | None = None) -> dict[str, str]:
            n = cite.sentence(article, offset) if offset is not None else 0
            return {"href": f"/article/{article}#s{n}", "text": cite(article, offset)}
        return link

    def cite_links(snap: Snapshot) -> Any:
        """'[3:1] [4:0]' as links to those sentences."""
        by_number = {str(n): aid for aid, n in snap.citer.number.items()}

        def links(text: str) -> Markup:
            out = []
            for n, sent in re.findall(r"\[(\d+):(\d+)\]", text):
                if n in by_number:
                    out.append(f'<a class="cite" href="/article/{escape(by_number[n])}#s{sent}">[{n}:{sent}]</a>')
            return Markup(" ".join(out))
        return links

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Any:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        return page("error.html", exc.status_code, code=exc.status_code, message=str(exc.detail))  # no forms on errors

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Any:
        msg = "; ".join(f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in exc.errors())
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": msg}, status_code=422)
        return page("error.html", 422, code=422, message=msg)

    def story_or_404(snap: Snapshot, story_id: str) -> Any:
        for s in snap.summaries:
            if s.story.id == story_id:
                return s
        raise HTTPException(404, f"no story {story_id!r}")

    def entity_or_404(d: Dossier, entity_id: str) -> Any:
        for e in d.entities:
            if e.id == entity_id:
                return e
        raise HTTPException(404, f"no entity {entity_id!r}")

    def article_or_404(d: Dossier, article_id: str) -> Any:
        for an in d.analyses:
            if an.article.id == article_id:
                return an
        raise HTTPException(404, f"no article {article_id!r}")

    # ---- pages ----------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request) -> Any:
        snap = data.snapshot()
        return page("index.html", request=request, d=snap.dossier, summaries=snap.summaries)

    @app.get("/story/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story(request: Request, story_id: str) -> Any:
        snap = data.snapshot()
        d = snap.dossier
        s = story_or_404(snap, story_id)
        arts = set(s.story.articles)
        names = {e.id: e.name for e in d.entities}
        timeline = [t for t in d.timeline if arts & set(t.articles)]
        events = {e.id: e for e in d.events}
        discrepancies = [x for x in d.discrepancies if arts & {a for v in x.values for a in v.articles}]
        who = [e for e, _ in s.who]
        entities = who + [e for e in d.entities if e.type in {"PERSON", "ORG"} and e not in who
                          and arts & {m.article for m in e.mentions}][:10]
        articles = [an.article for an in d.analyses if an.article.id in arts]
        return page("story.html", request=request, d=d, s=s, link=citer_link(snap), links=cite_links(snap),
                    timeline=timeline, events=events, layout=views.timeline_layout(timeline, events, names, citer_link(snap)),
                    entities=entities, quotes_by_speaker=quotes_by_speaker(d, arts),
                    discrepancies=discrepancies, sources={a.article.id: a.article for a in d.analyses},
                    articles=articles, outlets=sorted({a.source for a in articles if a.source}))

    @app.get("/story/{story_id}/timeline", response_class=HTMLResponse, include_in_schema=False)
    def story_timeline(request: Request, story_id: str, lanes: str = Query("actor", pattern="^(actor|type)$")) -> Any:
        snap = data.snapshot()
        d = snap.dossier
        s = story_or_404(snap, story_id)
        arts = set(s.story.articles)
        timeline = [t for t in d.timeline if arts & set(t.articles)]
        events = {e.id: e for e in d.events}
        names = {e.id: e.name for e in d.entities}
        return page("timeline.html", request=request, s=s, timeline=timeline, events=events, lanes=lanes,
                    link=citer_link(snap), layout=views.timeline_layout(timeline, events, names, citer_link(snap), lanes))

    @app.get("/entity/{entity_id}", response_class=HTMLResponse, include_in_schema=False)
    def entity(request: Request, entity_id: str) -> Any:
        snap = data.snapshot()
        d = snap.dossier
        e = entity_or_404(d, entity_id)
        quotes = [q for q in d.quotes if q.speaker == e.id]
        titles = {a.article.id: a.article.title for a in d.analyses}
        # the names a merge form suggests: the most mentioned, so the page stays small on a large collection
        others = sorted(sorted((x for x in d.entities if x.id != e.id), key=lambda x: -len(x.mentions))[:500],
                        key=lambda x: x.name.lower())
        return page("entity.html", request=request, d=d, e=e, link=citer_link(snap), quotes=quotes,
                    events=views.events_of(d, e), cooc=views.cooccurring(d, e), titles=titles, others=others,
                    names={x.id: x.name for x in d.entities})

    @app.get("/article/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article(request: Request, article_id: str) -> Any:
        snap = data.snapshot()
        an = article_or_404(snap.dossier, article_id)
        return page("article.html", request=request, an=an, body=views.highlight(an, snap.entity_at))

    @app.get("/graph", response_class=HTMLResponse, include_in_schema=False)
    def graph(request: Request) -> Any:
        return page("graph.html", request=request, g=views.graph_svg(data.dossier()))

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(request: Request, q: str = Query("", max_length=500), entity: str = "", source: str = "",
                    date_from: str = Query("", alias="from"), date_to: str = Query("", alias="to")) -> Any:
        d = data.dossier()
        # a bad date is a 422 even before anything is searched
        _day(date_from, "from")
        _day(date_to, "to")
        problem, hits = "", []
        if q.strip() or entity.strip():
            try:
                hits = _search(d, q, entity, source, date_from, date_to)
            except SearchError as exc:
                problem = str(exc)
        names = sorted({x for e in d.entities for x in [e.name, *e.aliases]}, key=str.casefold)
        return page("search.html", request=request, q=q, hits=hits, entity=entity, source=source, date_from=date_from or "",
                    date_to=date_to or "", entity_names=names, problem=problem,
                    sources=sorted({a.article.source for a in d.analyses if a.article.source}))

    @app.get("/ask", response_class=HTMLResponse, include_in_schema=False)
    def ask_page(request: Request, q: str = Query("", max_length=500)) -> Any:
        snap = data.snapshot()
        ans = None
        if q.strip():
            with data.store() as s:
                ans = answer(s, q)
        return page("ask.html", request=request, q=q, ans=ans, link=citer_link(snap))

    def _search(d: Dossier, q: str, entity: str, source: str, date_from: str, date_to: str) -> list[dict]:
        with data.store() as s:
            hits = search_sentences(s, q, entity, source, date_from, date_to)
        out = []
        for h in hits:
            snippet = str(escape(h.snippet or h.text)).replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>")
            out.append({"article": h.article, "title": h.title, "source": h.source, "published": h.published,
                        "snippet": Markup(snippet), "text": h.text, "href": f"/article/{h.article}#s{h.sentence}",
                        "sentence": f"{h.article}:s{h.sentence}", "start": h.start, "end": h.end,
                        "citation": h.citation, "score": h.score})
        return out


    # ---- fixes made in the browser ------------------------------------------------------------
    @app.get("/fixes", response_class=HTMLResponse, include_in_schema=False)
    def fixes_page(request: Request) -> Any:
        snap = data.snapshot()
        d = snap.dossier
        with data.store() as s:
            records = s.override_records()
        titles = {an.article.id: an.article.title or an.article.id for an in d.analyses}
        batches: dict[int, list[Any]] = {}
        shown = []
        for o in reversed(records):  # newest first; a batch shows as one line
            if o.batch is not None:
                if o.batch in batches:
                    batches[o.batch].append(o)
                    continue
                batches[o.batch] = [o]
            shown.append(o)
        problems = [p.message for p in d.problems if p.path == "overrides"]
        return page("fixes.html", request=request, records=shown, batches=batches, titles=titles, problems=problems,
                    names={e.id: e.name for e in d.entities})

    @app.post("/fix/{action}", include_in_schema=False)
    async def fix(request: Request, action: str) -> Any:
        if read_only:
            raise HTTPException(403, "this server is read-only: fixes are made where it was started without --read-only")
        body = await request.body()
        if len(body) > 65536:
            raise HTTPException(413, "form too large")
        form = {k: v[-1] for k, v in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items()}
        origin = request.headers.get("origin")
        if origin and origin != "null" and urlsplit(origin).netloc != request.headers.get("host"):
            raise HTTPException(403, "cross-site form refused")
        if not guard.check(request.cookies.get(SESSION), form.get("csrf")):
            raise HTTPException(403, "missing or stale form token: reload the page and try again")
        if action not in FIX_ACTIONS:
            raise HTTPException(404, f"no fix {action!r}")
        back = _local(form.get("next", "/"))
        try:
            message, back = await run_in_threadpool(_apply_fix, action, form, back)
        except (KeyError, ValueError, DateError) as exc:
            message = f"{action} not recorded: {exc.args[0] if exc.args else exc}"
        finally:
            data.invalidate()
        snap = await run_in_threadpool(data.snapshot)  # resolve now: the next page shows the fix and what it could not do
        messages = [message] + [f"note: {p.message}" for p in snap.dossier.problems
                                if p.path == "overrides" and action != "undo" and p.message.startswith(f"{action} ")]
        flashes.setdefault(request.cookies.get(SESSION, ""), []).extend(messages[:5])
        return RedirectResponse(back, status_code=303)

    def _apply_fix(action: str, form: dict[str, str], back: str) -> tuple[str, str]:
        if action == "set-date":
            date = form.get("date", "")
            scope = form.get("scope", "article")
            if scope == "story":
                story = next((s for s in data.dossier().stories if s.id == form.get("story")), None)
                if story is None:
                    raise KeyError(f"no story {form.get('story')!r}")
                ids, label = story.articles, f"story {story.id} ({story.title})"
            elif scope == "outlet":
                ids, label = pipeline.articles_of(data.db, outlet=form.get("outlet", "")), f"outlet {form.get('outlet')}"
            else:
                ids, label = [form.get("article", "")], None
            done = pipeline.set_dates(data.db, ids, date, scope=label)
            return f"set-date: {len(done)} article(s) now dated {done[0].article.published}", back
        if action == "undo":
            gone = pipeline.undo_override(data.db, int(form.get("id", "0") or 0))
            return f"undone: {gone[0].kind} {gone[0].a}" + (f" and {len(gone) - 1} more" if len(gone) > 1 else ""), back
        a, b = form.get("a", ""), form.get("b", "")
        names = {e.id: e.name for e in data.dossier().entities}
        pipeline.add_override(data.db, action, a, b)
        if action == "merge" and back == f"/entity/{b}":  # the entity merged away has no page any more
            back = f"/entity/{a}"
        return f"recorded: {action} {names.get(a, a)!r} {names.get(b, b)!r}", back

    # ---- JSON API -------------------------------------------------------------------------
    @app.get("/api/stories")
    def api_stories() -> list[dict]:
        d = data.dossier()
        return [{"id": s.id, "title": s.title, "articles": s.articles} for s in d.stories]

    @app.get("/api/stories/{story_id}")
    def api_story(story_id: str) -> dict:
        snap = data.snapshot()
        d = snap.dossier
        s = story_or_404(snap, story_id)
        arts = set(s.story.articles)
        return {"id": s.story.id, "title": s.story.title, "when": s.when, "articles": s.story.articles,
                "who": [{"entity": e.id, "name": e.name, "cite": c} for e, c in s.who],
                "what": [{"summary": w, "cite": c} for w, c in s.what],
                "timeline": [_plain(t) for t in d.timeline if arts & set(t.articles)],
                "discrepancies": [_plain(x) for x in d.discrepancies if arts & {a for v in x.values for a in v.articles}]}

    @app.get("/api/entities")
    def api_entities() -> list[dict]:
        return [{"id": e.id, "name": e.name, "type": e.type, "aliases": e.aliases, "mentions": len(e.mentions)}
                for e in data.dossier().entities]

    @app.get("/api/entities/{entity_id}")
    def api_entity(entity_id: str) -> dict:
        return _plain(entity_or_404(data.dossier(), entity_id))

    @app.get("/api/articles/{article_id}")
    def api_article(article_id: str) -> dict:
        return article_or_404(data.dossier(), article_id).to_json()

    @app.get("/api/search")
    def api_search(q: str = Query("", max_length=500), entity: str = "", source: str = "",
                   date_from: str = Query("", alias="from"), date_to: str = Query("", alias="to")) -> list[dict]:
        if not q.strip() and not entity.strip():
            raise HTTPException(422, "q: give words to find, or an entity whose sentences to list")
        _day(date_from, "from")
        _day(date_to, "to")
        try:
            hits = _search(data.dossier(), q, entity, source, date_from, date_to)
        except SearchError as exc:
            raise HTTPException(404, str(exc)) from None
        return [{k: (str(v) if k == "snippet" else v) for k, v in h.items()} for h in hits]

    @app.get("/api/ask")
    def api_ask(q: str = Query(..., min_length=1, max_length=500)) -> dict:
        with data.store() as s:
            ans = answer(s, q)
        return _plain(ans)

    return app
