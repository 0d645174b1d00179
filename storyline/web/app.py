"""FastAPI app: server-rendered pages and a JSON API over one storyline database.

Pages read the stored state and never resolve anything: each request opens its own read-only
connection (SQLite WAL lets it read while an ingest writes) and reads only what it shows, a page
of stories, one story's rows, one entity's records and a page of its mentions, one article. The
graph is cached until the database changes. Only the fix forms (merge, split, not-same, set-date,
undo) write, through the same library functions the CLI uses (they re-resolve the stories a fix
touches), and only when the server was not started read-only. Each form carries a CSRF token
bound to the browser's session cookie. Every page escapes article text (Jinja2 autoescape); bad
ids give a 404 page and bad parameters a 422 page, never a traceback.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from pathlib import Path
from threading import Lock, Thread
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..model import Dossier, Entity
from ..pubdate import DateError
from ..render.cite import Citer
from ..render.speakers import quotes_by_speaker
from ..render.summary import StorySummary, summarize_stories
from ..search import SearchError
from ..search import search as search_sentences
from ..sqldb import is_url
from ..store import MARK_CLOSE, MARK_OPEN, Store, StoreError
from . import views

_env = Environment(loader=PackageLoader("storyline.web", "templates"), autoescape=select_autoescape(["html"]))

STORIES_PER_PAGE = 50
MENTIONS_PER_PAGE = 200
QUOTES_PER_PAGE = 50
RECORDS_PER_PAGE = 20  # an entity's per-story records read for its page
API_MAX = 200
RESOLVED_SCHEMA = 8  # the first schema that stores resolved stories (store.py migration 8)


class Data:
    """The database: a read-only connection per request, and the graph, kept until the file changes."""

    def __init__(self, db: str | Path) -> None:
        self.db: str | Path = db if is_url(db) else Path(db)
        with Store(self.db, readonly=True) as s:  # fail early on a missing, newer or older database
            if s.version < RESOLVED_SCHEMA:
                raise StoreError(f"{self.db}: schema {s.version} predates the stored resolution this server reads; "
                                 f"run `storyline resolve --db {self.db}` once, then serve it")
        self._lock = Lock()
        self._watch: Store | None = None  # PRAGMA data_version counts other connections' commits
        self._graph: tuple[int, dict] | None = None
        self.warm = False

    def warm_up(self) -> None:
        """Once, after the first page has gone out: load what the other pages need (the pipeline
        behind story pages and fixes, numpy behind the graph's first layout) off the request path.
        Started any earlier, it takes the one interpreter lock from the first page."""
        if not self.warm:
            self.warm = True
            Thread(target=self._warm, daemon=True).start()

    def _warm(self) -> None:
        from .. import ask, pipeline  # noqa: F401

        self.graph()

    def store(self) -> Store:
        return Store(self.db, readonly=True)

    def graph(self) -> dict:
        with self._lock:
            if self._watch is None:
                self._watch = self.store()
            version = self._watch.data_version()
            if self._graph is None or self._graph[0] != version:
                self._graph = (version, views.graph_svg(self._watch))
            return self._graph[1]

    def invalidate(self) -> None:
        """Forget the graph: a fix just landed."""
        with self._lock:
            self._graph = None


def citer_for(store: Store, articles: Iterable[str]) -> Citer:
    """Citations for the given articles only, from their stored numbers and sentence starts."""
    ids = list(dict.fromkeys(articles))
    heads = store.article_heads(ids)
    return Citer.from_rows({a: int(h["number"]) for a, h in heads.items() if h["number"] is not None},  # type: ignore[arg-type]
                           store.sentence_starts(ids))


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


def _story_summary(d: Dossier) -> StorySummary:
    return summarize_stories(d, Citer(d))[0]


def _entity_of(reg: dict[str, object], records: list[tuple[str, Entity]]) -> Entity:
    """A registry entity as one record: its stories' aliases, descriptors, evidence and candidates
    (the records read, a page of them), mentions left to the paged mention list."""
    e = Entity(str(reg["id"]), str(reg["name"]), str(reg["type"]))
    for _, r in records:
        e.aliases += [a for a in r.aliases if a not in e.aliases and a != e.name]
        e.descriptors += [x for x in r.descriptors if x not in e.descriptors]
        e.evidence += [x for x in r.evidence if x not in e.evidence]
        e.candidates += [c for c in r.candidates if c.other != e.id and all(c.other != k.other for k in e.candidates)]
        e.mentions += r.mentions
    return e


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
        return HTMLResponse(_env.get_template(name).render(**ctx), status_code=status,
                            background=None if data.warm else BackgroundTask(data.warm_up))

    def citer_link(cite: Citer) -> Any:
        def link(article: str, offset: int | None = None) -> dict[str, str]:
            n = cite.sentence(article, offset) if offset is not None else 0
            return {"href": f"/article/{article}#s{n}", "text": cite(article, offset)}
        return link

    def cite_links(cite: Citer) -> Any:
        """'[3:1] [4:0]' as links to those sentences."""
        by_number = {str(n): aid for aid, n in cite.number.items()}

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

    def story_or_404(store: Store, story_id: str) -> Dossier:
        from .. import pipeline  # imported on use: the first page does without it (Data.warm_up)

        try:
            return pipeline.stored_story(store, story_id, resolve=False)
        except KeyError:
            raise HTTPException(404, f"no story {story_id!r}") from None

    def entity_or_404(store: Store, entity_id: str) -> dict[str, object]:
        reg = store.registry_entity(entity_id)
        if reg is None:
            raise HTTPException(404, f"no entity {entity_id!r}")
        if not reg["stories"]:
            raise HTTPException(404, f"entity {entity_id!r} is in no story now (merged into another, or re-resolved)")
        return reg

    def entity_filter(store: Store, ref: str) -> str | None:
        if not ref.strip():
            return None
        eid = store.find_registry(ref.strip())
        if eid is None:
            raise HTTPException(404, f"no entity {ref.strip()!r}")
        return eid

    # ---- pages ----------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request, page_no: int = Query(1, alias="page", ge=1, le=100000), entity: str = Query("", max_length=200),
             date_from: str = Query("", alias="from"), date_to: str = Query("", alias="to")) -> Any:
        lo, hi = _day(date_from, "from"), _day(date_to, "to")
        with data.store() as s:
            eid = entity_filter(s, entity)
            rows = s.story_list(limit=STORIES_PER_PAGE + 1, offset=(page_no - 1) * STORIES_PER_PAGE, entity=eid,
                                since=lo or None, until=hi or None)
            more, rows = len(rows) > STORIES_PER_PAGE, rows[:STORIES_PER_PAGE]
            who = s.story_who([str(r["id"]) for r in rows])
            ctx = dict(stories=rows, who=who, articles=s.count("articles"), story_count=s.story_count(),
                       top=s.top_entities(40), latest=s.latest_articles(20),
                       filter_name=(s.registry_entity(eid) or {}).get("name") if eid else "")
        query = {k: v for k, v in (("entity", entity.strip()), ("from", lo), ("to", hi)) if v}
        nav = {"prev": f"/?{urlencode({**query, 'page': page_no - 1})}" if page_no > 1 else "",
               "next": f"/?{urlencode({**query, 'page': page_no + 1})}" if more else ""}
        return page("index.html", request=request, page_no=page_no, nav=nav, entity=entity, date_from=lo,
                    date_to=hi, **ctx)

    @app.get("/story/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story(request: Request, story_id: str) -> Any:
        with data.store() as st:
            d = story_or_404(st, story_id)
            stale = st.is_stale(story_id)
        s = _story_summary(d)
        cite = Citer(d)
        link = citer_link(cite)
        events = {e.id: e for e in d.events}
        names = {e.id: e.name for e in d.entities}
        who = [e for e, _ in s.who]
        entities = who + [e for e in d.entities if e.type in {"PERSON", "ORG"} and e not in who][:10]
        articles = [an.article for an in d.analyses]
        return page("story.html", request=request, d=d, s=s, link=link, links=cite_links(cite), stale=stale,
                    timeline=d.timeline, events=events, layout=views.timeline_layout(d.timeline, events, names, link),
                    entities=entities, quotes_by_speaker=quotes_by_speaker(d), discrepancies=d.discrepancies,
                    sources={a.id: a for a in articles}, articles=articles,
                    outlets=sorted({a.source for a in articles if a.source}))

    @app.get("/story/{story_id}/timeline", response_class=HTMLResponse, include_in_schema=False)
    def story_timeline(request: Request, story_id: str, lanes: str = Query("actor", pattern="^(actor|type)$")) -> Any:
        with data.store() as st:
            d = story_or_404(st, story_id)
        s = _story_summary(d)
        link = citer_link(Citer(d))
        events = {e.id: e for e in d.events}
        names = {e.id: e.name for e in d.entities}
        return page("timeline.html", request=request, s=s, timeline=d.timeline, events=events, lanes=lanes,
                    link=link, layout=views.timeline_layout(d.timeline, events, names, link, lanes))

    def entity_page(s: Store, entity_id: str, page_no: int, prefix: str) -> Any:
        """A registry entity's record, its per-story records and a page of its mentions; an entity
        merged into another across stories redirects to that one (under ``prefix``)."""
        reg = entity_or_404(s, entity_id)
        if reg["id"] != entity_id:
            return RedirectResponse(f"{prefix}{reg['id']}", status_code=303)
        records = s.entity_records(entity_id, limit=RECORDS_PER_PAGE)
        mentions = s.entity_mentions(entity_id, limit=MENTIONS_PER_PAGE, offset=(page_no - 1) * MENTIONS_PER_PAGE)
        return reg, records, _entity_of(reg, records), mentions

    @app.get("/entity/{entity_id}", response_class=HTMLResponse, include_in_schema=False)
    def entity(request: Request, entity_id: str, page_no: int = Query(1, alias="page", ge=1, le=100000)) -> Any:
        with data.store() as s:
            found = entity_page(s, entity_id, page_no, "/entity/")
            if isinstance(found, RedirectResponse):
                return found
            reg, records, e, mentions = found
            quotes = s.speaker_quotes(entity_id, limit=QUOTES_PER_PAGE, offset=(page_no - 1) * QUOTES_PER_PAGE)
            stories = s.story_list(entity=entity_id, limit=RECORDS_PER_PAGE, offset=(page_no - 1) * RECORDS_PER_PAGE)
            events = s.entity_events(entity_id, [sid for sid, _ in records])
            cited = [m.article for m in mentions] + [str(q["article"]) for q in quotes] + \
                [m.article for ev in events for m in ev.mentions[:3]]
            heads = s.article_heads(cited)
            cite = citer_for(s, cited)
            names = s.registry_names({c.other for c in e.candidates} | {x for ev in events for x in ev.actors + ev.targets})
            cooc = s.cooccurring(entity_id)
            # the names a merge form suggests: the most mentioned, so the page stays small on a large collection
            others = sorted((o for o in s.top_entities(500) if o["id"] != entity_id), key=lambda o: str(o["name"]).lower())
        more = len(mentions) == MENTIONS_PER_PAGE or len(quotes) == QUOTES_PER_PAGE or len(stories) == RECORDS_PER_PAGE
        nav = {"prev": f"?page={page_no - 1}" if page_no > 1 else "", "next": f"?page={page_no + 1}" if more else ""}
        return page("entity.html", request=request, e=e, reg=reg, link=citer_link(cite), quotes=quotes, events=events,
                    cooc=cooc, titles={a: h["title"] or a for a, h in heads.items()}, others=others, names=names,
                    mentions=mentions, stories=stories, nav=nav, page_no=page_no)

    @app.get("/article/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article(request: Request, article_id: str) -> Any:
        with data.store() as s:
            an = s.analysis(article_id)
            if an is None:
                raise HTTPException(404, f"no article {article_id!r}")
            at = s.entities_at(article_id)
            story_id = s.story_of(article_id)
        return page("article.html", request=request, an=an, body=views.highlight(an, at), story=story_id)

    @app.get("/graph", response_class=HTMLResponse, include_in_schema=False)
    def graph(request: Request) -> Any:
        return page("graph.html", request=request, g=data.graph())

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(request: Request, q: str = Query("", max_length=500), entity: str = "", source: str = "",
                    date_from: str = Query("", alias="from"), date_to: str = Query("", alias="to")) -> Any:
        # a bad date is a 422 even before anything is searched
        _day(date_from, "from")
        _day(date_to, "to")
        problem, hits = "", []
        with data.store() as s:
            if q.strip() or entity.strip():
                try:
                    hits = _search(s, q, entity, source, date_from, date_to)
                except SearchError as exc:
                    problem = str(exc)
            names = sorted((str(r["name"]) for r in s.top_entities(500)), key=str.casefold)
            sources = s.recent_outlets()
        return page("search.html", request=request, q=q, hits=hits, entity=entity, source=source, date_from=date_from or "",
                    date_to=date_to or "", entity_names=names, problem=problem, sources=sources)

    @app.get("/ask", response_class=HTMLResponse, include_in_schema=False)
    def ask_page(request: Request, q: str = Query("", max_length=500)) -> Any:
        from .. import ask

        ans, link = None, citer_link(Citer(Dossier([])))
        if q.strip():
            with data.store() as s:
                ans = ask.answer(s, q)
                link = citer_link(citer_for(s, [x.article for x in [*ans.amounts, *ans.times, *ans.quotes]]))
        return page("ask.html", request=request, q=q, ans=ans, link=link)

    def _search(s: Store, q: str, entity: str, source: str, date_from: str, date_to: str) -> list[dict]:
        out = []
        for h in search_sentences(s, q, entity, source, date_from, date_to):
            snippet = str(escape(h.snippet or h.text)).replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>")
            out.append({"article": h.article, "title": h.title, "source": h.source, "published": h.published,
                        "snippet": Markup(snippet), "text": h.text, "href": f"/article/{h.article}#s{h.sentence}",
                        "sentence": f"{h.article}:s{h.sentence}", "start": h.start, "end": h.end,
                        "citation": h.citation, "score": h.score})
        return out

    # ---- fixes made in the browser ------------------------------------------------------------
    @app.get("/fixes", response_class=HTMLResponse, include_in_schema=False)
    def fixes_page(request: Request) -> Any:
        from .. import pipeline

        with data.store() as s:
            records = s.override_records()
            refs = [x for o in records for x in (o.a, o.b) if x]
            arts = [o.a for o in records if o.kind == "set-date"] + \
                [o.b[1:].rpartition(":")[0] for o in records if o.kind == "split" and o.b and o.b.startswith("@")]
            titles = {a: str(h["title"] or a) for a, h in s.article_heads(arts).items()}
            names = s.registry_names(refs)
            live = [x for o in records if o.undone is None and o.kind != "set-date" for x in (o.a, o.b) if x]
            problems = [p.message for p in s.story_problems(s.stories_naming(live)) if p.path == "overrides"]
            # overrides naming nothing the database holds now: one registry lookup per override
            problems += pipeline.override_problems(s)
        batches: dict[int, list[Any]] = {}
        shown = []
        for o in reversed(records):  # newest first; a batch shows as one line
            if o.batch is not None:
                if o.batch in batches:
                    batches[o.batch].append(o)
                    continue
                batches[o.batch] = [o]
            shown.append(o)
        return page("fixes.html", request=request, records=shown, batches=batches, titles=titles,
                    problems=list(dict.fromkeys(problems)), names=names)

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
        affected: list[str] = []
        try:
            message, back, affected = await run_in_threadpool(_apply_fix, action, form, back)
        except (KeyError, ValueError, DateError) as exc:
            message = f"{action} not recorded: {exc.args[0] if exc.args else exc}"
        finally:
            data.invalidate()
        # what the fix could not do, as the re-resolved stories it touched stored it
        notes: list[str] = []
        if affected and action != "undo":
            with data.store() as s:
                notes = [f"note: {p.message}" for p in s.story_problems(affected)
                         if p.path == "overrides" and p.message.startswith(f"{action} ")]
        flashes.setdefault(request.cookies.get(SESSION, ""), []).extend([message, *notes][:5])
        return RedirectResponse(back, status_code=303)

    def _apply_fix(action: str, form: dict[str, str], back: str) -> tuple[str, str, list[str]]:
        from .. import pipeline

        if action == "set-date":
            date = form.get("date", "")
            scope = form.get("scope", "article")
            if scope == "story":
                sid = form.get("story", "")
                with data.store() as s:
                    head = s.story_head(sid)
                if head is None:
                    raise KeyError(f"no story {sid!r}")
                ids, label = pipeline.articles_of(data.db, story=sid), f"story {sid} ({head['title']})"
            elif scope == "outlet":
                ids, label = pipeline.articles_of(data.db, outlet=form.get("outlet", "")), f"outlet {form.get('outlet')}"
            else:
                ids, label = [form.get("article", "")], None
            done = pipeline.set_dates(data.db, ids, date, scope=label)
            with data.store() as s:
                affected = [x for x in dict.fromkeys(s.story_of(an.article.id) for an in done) if x]
            return f"set-date: {len(done)} article(s) now dated {done[0].article.published}", back, affected
        if action == "undo":
            gone = pipeline.undo_override(data.db, int(form.get("id", "0") or 0))
            return f"undone: {gone[0].kind} {gone[0].a}" + (f" and {len(gone) - 1} more" if len(gone) > 1 else ""), back, []
        a, b = form.get("a", ""), form.get("b", "")
        with data.store() as s:
            names = s.registry_names([a, b])
            affected = pipeline.override_stories(s, a, b)
        pipeline.add_override(data.db, action, a, b)
        if action == "merge" and back == f"/entity/{b}":  # the entity merged away has no page any more
            back = f"/entity/{a}"
        return f"recorded: {action} {names.get(a, a)!r} {names.get(b, b)!r}", back, affected

    # ---- JSON API -------------------------------------------------------------------------
    @app.get("/api/stories")
    def api_stories(page_no: int = Query(1, alias="page", ge=1, le=100000),
                    limit: int = Query(STORIES_PER_PAGE, ge=1, le=API_MAX), entity: str = "",
                    date_from: str = Query("", alias="from"), date_to: str = Query("", alias="to")) -> list[dict]:
        lo, hi = _day(date_from, "from"), _day(date_to, "to")
        with data.store() as s:
            rows = s.story_list(limit=limit, offset=(page_no - 1) * limit, entity=entity_filter(s, entity),
                                since=lo or None, until=hi or None)
            members = s.story_members([str(r["id"]) for r in rows])
        return [{"id": r["id"], "title": r["title"], "articles": members[str(r["id"])], "first": r["first"],
                 "last": r["last"], "outlets": r["outlets"], "stale": bool(r["stale"])} for r in rows]

    @app.get("/api/stories/{story_id}")
    def api_story(story_id: str) -> dict:
        with data.store() as st:
            d = story_or_404(st, story_id)
            stale = st.is_stale(story_id)
        s = _story_summary(d)
        return {"id": s.story.id, "title": s.story.title, "when": s.when, "articles": [an.article.id for an in d.analyses],
                "stale": stale, "who": [{"entity": e.id, "name": e.name, "cite": c} for e, c in s.who],
                "what": [{"summary": w, "cite": c} for w, c in s.what],
                "timeline": [_plain(t) for t in d.timeline], "discrepancies": [_plain(x) for x in d.discrepancies]}

    @app.get("/api/entities")
    def api_entities(page_no: int = Query(1, alias="page", ge=1, le=100000),
                     limit: int = Query(STORIES_PER_PAGE, ge=1, le=API_MAX), type: str = "") -> list[dict]:
        with data.store() as s:
            return s.entity_list(limit=limit, offset=(page_no - 1) * limit, type=type or None)

    @app.get("/api/entities/{entity_id}")
    def api_entity(entity_id: str, page_no: int = Query(1, alias="page", ge=1, le=100000)) -> dict:
        with data.store() as s:
            found = entity_page(s, entity_id, page_no, "/api/entities/")
            if isinstance(found, RedirectResponse):
                return found  # type: ignore[return-value]
            reg, records, e, mentions = found
        return {"id": e.id, "name": e.name, "type": e.type, "aliases": e.aliases, "descriptors": e.descriptors,
                "evidence": e.evidence, "candidates": [_plain(c) for c in e.candidates],
                "mention_count": reg["mentions"], "story_count": reg["stories"],
                "stories": [sid for sid, _ in records], "mentions": [_plain(m) for m in mentions], "page": page_no}

    @app.get("/api/articles/{article_id}")
    def api_article(article_id: str) -> dict:
        with data.store() as s:
            an = s.analysis(article_id)
        if an is None:
            raise HTTPException(404, f"no article {article_id!r}")
        return an.to_json()

    @app.get("/api/search")
    def api_search(q: str = Query("", max_length=500), entity: str = "", source: str = "",
                   date_from: str = Query("", alias="from"), date_to: str = Query("", alias="to")) -> list[dict]:
        if not q.strip() and not entity.strip():
            raise HTTPException(422, "q: give words to find, or an entity whose sentences to list")
        _day(date_from, "from")
        _day(date_to, "to")
        try:
            with data.store() as s:
                hits = _search(s, q, entity, source, date_from, date_to)
        except SearchError as exc:
            raise HTTPException(404, str(exc)) from None
        return [{k: (str(v) if k == "snippet" else v) for k, v in h.items()} for h in hits]

    @app.get("/api/ask")
    def api_ask(q: str = Query(..., min_length=1, max_length=500)) -> dict:
        from .. import ask

        with data.store() as s:
            ans = ask.answer(s, q)
        return _plain(ans)

    return app
