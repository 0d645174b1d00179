"""The command line: parses, calls library functions, prints. Diagnostics go to stderr."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .model import IngestProblem
from .sqldb import redact
from .store import DEFAULT_DB, Store, StoreError

if TYPE_CHECKING:
    from .engine import Engine

# The pipeline, the engine and the renderers are imported by the commands that use them: every
# command, `serve` and the table readers above all, would otherwise pay for loading the whole
# resolution stack on start (0.15 s of `storyline serve`'s first second).

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Turn news articles into a cited story dossier.")
out = Console()
err = Console(stderr=True)


class Fmt(StrEnum):
    json = "json"
    md = "md"
    html = "html"


DbOpt = Annotated[str, typer.Option("--db", help="SQLite database file, or a PostgreSQL URL (postgresql://...).")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress output.")]
WorkersOpt = Annotated[int, typer.Option("--workers", "-w", help="Worker processes for extraction.")]
EngineOpt = Annotated[str, typer.Option("--engine", help="local or dask.")]
SchedulerOpt = Annotated[str | None, typer.Option("--scheduler", help="Dask scheduler address (tcp://host:port).")]


def _report(problem: IngestProblem) -> None:
    err.print(str(problem), style="red" if problem.severity == "error" else "yellow", highlight=False, markup=False, soft_wrap=True)


@contextmanager
def _progress(quiet: bool, label: str):  # type: ignore[no-untyped-def]
    if quiet:
        yield lambda n: None
        return
    with Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True) as prog:
        task = prog.add_task(label, total=None)
        yield lambda n: prog.advance(task, n)


def _engine(engine: str, workers: int, scheduler: str | None) -> Engine:
    from .engine import Engine

    try:
        return Engine(engine, workers, scheduler)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files, folders or URLs: .txt .md .html .jsonl, news-please .json, "
                                                    ".warc(.gz), RSS/Atom feeds and sitemaps, URL lists (.urls or .txt).")],
    db: DbOpt = DEFAULT_DB,
    published: Annotated[str | None, typer.Option(help="Publication date for files that lack one.")] = None,
    source: Annotated[str | None, typer.Option(help="Outlet for files that lack one.")] = None,
    offline: Annotated[bool, typer.Option("--offline", help="Fetch nothing: feed items without full text and URLs are reported, not read.")] = False,
    workers: WorkersOpt = 1, engine: EngineOpt = "local", scheduler: SchedulerOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Read articles into the database; what is already there is skipped."""
    from . import pipeline

    with _progress(quiet, "ingesting") as tick, _engine(engine, workers, scheduler) as eng:
        result = pipeline.ingest(paths, db, published=published, source=source, engine=eng,
                                 report=_report, progress=tick, offline=offline)
    if not quiet:
        err.print(f"{result.added} article(s) added, {result.skipped} already in {redact(db)}, "
                  f"{len(result.errors)} file(s) or line(s) could not be read")
    if result.added == 0 and result.skipped == 0 and result.errors:
        raise typer.Exit(1)


@app.command()
def analyze(
    paths: Annotated[list[Path], typer.Argument(help="Files or directories.")],
    format: Annotated[Fmt, typer.Option("--format", "-f")] = Fmt.md,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")] = None,
    published: Annotated[str | None, typer.Option()] = None,
    source: Annotated[str | None, typer.Option()] = None,
    workers: WorkersOpt = 1, engine: EngineOpt = "local", scheduler: SchedulerOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """One shot: analyse files and print a dossier, leaving nothing behind."""
    from . import pipeline
    from .render import render

    with _progress(quiet, "analysing") as tick, _engine(engine, workers, scheduler) as eng:
        d = pipeline.analyze(paths, published=published, source=source, engine=eng, report=_report, progress=tick)
    if not d.analyses:
        err.print("no article could be read")
        raise typer.Exit(1)
    _emit(render(d, format.value), output)


def _emit(text: str, output: Path | None) -> None:
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def _open(db: str) -> Store:
    try:
        return Store(db, readonly=True)
    except StoreError as exc:
        err.print(str(exc), soft_wrap=True, highlight=False, markup=False)  # one line, whatever the width
        raise typer.Exit(1) from None


@app.command()
def dossier(
    db: DbOpt = DEFAULT_DB,
    format: Annotated[Fmt, typer.Option("--format", "-f")] = Fmt.md,
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
    story: Annotated[str | None, typer.Option("--story", help="Only this story (ids from `storyline stories`), resolved on its own.")] = None,
) -> None:
    """Print the dossier of everything in the database (json and md are written story by story), or of one story."""
    from . import pipeline
    from .render import render

    _open(db).close()
    if story:
        try:
            d = pipeline.story_dossier(db, story)
        except KeyError as exc:
            err.print(str(exc.args[0]))
            raise typer.Exit(1) from None
    elif format.value in ("json", "md"):  # streamed story by story: memory stays that of one story
        from .render.stream import write_dossier_json, write_dossier_markdown

        write = write_dossier_json if format.value == "json" else write_dossier_markdown
        with _open(db) as store:
            if output:
                with open(output, "w", encoding="utf-8") as fh:
                    write(store, fh, pipeline.stored_story)
            else:
                write(store, sys.stdout, pipeline.stored_story)
        return
    else:
        d = pipeline.dossier_from_db(db)
    _emit(render(d, format.value), output)


@app.command()
def stories(db: DbOpt = DEFAULT_DB, limit: int = 50, page: int = 1,
            entity: Annotated[str | None, typer.Option(help="Only stories naming this entity (id or name).")] = None) -> None:
    """List the stories articles were grouped into on ingest, latest first, a page at a time."""
    with _open(db) as store:
        eid = store.find_registry(entity) if entity else None
        if entity and eid is None:
            err.print(f"no entity {entity!r} in {redact(db)}")
            raise typer.Exit(1)
        rows = store.story_list(limit=limit, offset=(max(page, 1) - 1) * limit, entity=eid)
        total = store.story_count()
    _table(f"stories (page {max(page, 1)}, {total} in all)", ["story", "articles", "outlets", "first", "last", "title"],
           [[str(r["id"]) + (" (updating)" if r["stale"] else ""), r["articles"], r["outlets"], r["first"], r["last"],
             r["title"]] for r in rows])


@app.command()
def resolve(db: DbOpt = DEFAULT_DB, quiet: QuietOpt = False) -> None:
    """Resolve the stories whose stored resolution is behind (an interrupted ingest, or a database
    made by an older storyline)."""
    from . import pipeline

    with _open(db) as store:
        n = len(store.stale_stories())
    with _progress(quiet, "resolving stories") as advance:
        problems = pipeline.resolve_pending(db, progress=advance)
    for p in problems:
        _report(p)
    err.print(f"{n} stor{'y' if n == 1 else 'ies'} resolved", highlight=False)


def _table(title: str, columns: list[str], rows: list[list[object]]) -> None:
    t = Table(title=title)
    for c in columns:
        t.add_column(c)
    for r in rows:
        t.add_row(*["" if v is None else str(v) for v in r])
    out.print(t)


@app.command()
def entities(db: DbOpt = DEFAULT_DB, limit: int = 50) -> None:
    """List resolved entities (the registry across stories), most mentioned first."""
    with _open(db) as store:
        rows = store.entity_list(limit=limit)
        details = {str(r["id"]): store.entity_records(str(r["id"]), limit=3) for r in rows}
    table = []
    for r in rows:
        recs = [e for _, e in details[str(r["id"])]]
        aliases = list(dict.fromkeys(a for e in recs for a in e.aliases))
        descriptors = list(dict.fromkeys(x for e in recs for x in e.descriptors))
        table.append([r["id"], r["name"], r["type"], r["mentions"], r["stories"], ", ".join(aliases),
                      ", ".join(descriptors[:3])])
    _table("Entities", ["id", "name", "type", "mentions", "stories", "aliases", "descriptors"], table)


@app.command()
def quotes(db: DbOpt = DEFAULT_DB, limit: int = 100) -> None:
    """List quotes with their speakers."""
    with _open(db) as s:
        rows = s.quote_rows(limit)
    _table("Quotes", ["id", "speaker", "cue", "direct", "text"],
           [[r["id"], r["speaker"], r["cue"], bool(r["direct"]), r["text"]] for r in rows])


@app.command()
def amounts(db: DbOpt = DEFAULT_DB, limit: int = 100) -> None:
    """List money and number amounts."""
    with _open(db) as s:
        rows = s.amount_rows(limit)
    _table("Amounts", ["id", "text", "value", "max", "unit", "qualifier"],
           [[r["id"], r["text"], f"{r['value']:,.2f}" if r["value"] is not None else None,
             r["value_max"], r["unit"], r["qualifier"]] for r in rows])


@app.command()
def dates(db: DbOpt = DEFAULT_DB, limit: int = 100) -> None:
    """List time expressions with their TIMEX3 values (unresolved ones say why)."""
    with _open(db) as s:
        rows = s.time_rows(limit)
    _table("Dates", ["id", "text", "type", "value", "published", "note"],
           [[r["id"], r["text"], r["type"], r["value"], r["published"], r["note"]] for r in rows])


class EvalFmt(StrEnum):
    table = "table"
    json = "json"


@app.command("eval")
def eval_cmd(
    corpus: Annotated[str, typer.Argument(help="tempeval3, meantime, ecbplus, quotes, semeval2015, polnear, facts, stories, ask, or all.")],
    data: Annotated[Path | None, typer.Option("--data", help="Folder of corpora (default: $STORYLINE_DATA or ../shared/data).")] = None,
    limit: Annotated[int | None, typer.Option("--limit", help="Only the first N documents (a quick check).")] = None,
    fmt: Annotated[EvalFmt, typer.Option("--format", help="table or json.")] = EvalFmt.table,
    write_docs: Annotated[Path | None, typer.Option("--write-docs", help="Also write the Markdown report here.")] = None,
    quiet: QuietOpt = False,
) -> None:
    """Score storyline against the gold corpora, beside the best published scores."""
    from .eval import report, runner

    names = list(runner.CORPORA) if corpus == "all" else [corpus]
    reports = []
    for name in names:
        try:
            if quiet:
                reports += runner.run(name, data, limit)
            else:
                with err.status(f"evaluating on {name} ..."):
                    reports += runner.run(name, data, limit)
        except runner.CorpusMissing as exc:
            err.print(f"skipped {name}: {exc}", highlight=False)
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from None
    if not reports:
        raise typer.Exit(1)
    if fmt == EvalFmt.json:
        out.print_json(report.to_json(reports))
    else:
        for r in reports:
            t = Table("task", "metric", "storyline", "best published", title=f"{r.corpus} ({r.docs} docs, {r.seconds:.0f} s)")
            for row in r.rows:
                t.add_row(row.task, row.metric, f"{100 * row.score:.1f}{report.TUNED if row.tuned_on else ''}", row.best)
            if any(row.tuned_on for row in r.rows):
                t.caption = report.TUNED_NOTE
            out.print(t)
    if write_docs:
        cmd = "storyline eval " + corpus + (f" --limit {limit}" if limit else "") + f" --write-docs {write_docs}"
        report.write_docs(reports, write_docs, cmd)
        err.print(f"wrote {write_docs}")


@app.command()
def serve(
    db: DbOpt = DEFAULT_DB,
    host: Annotated[str, typer.Option(help="Address to bind; the default serves this machine only.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    read_only: Annotated[bool, typer.Option("--read-only", help="No fix forms (merge, split, set-date...): for a shared deployment.")] = False,
) -> None:
    """Browse the database in a web UI (stories, entities, articles, graph, search, ask, fixes) and a JSON API."""
    import uvicorn

    from .web.app import create_app

    try:
        application = create_app(db, read_only=read_only)
    except StoreError as exc:
        err.print(str(exc), soft_wrap=True, highlight=False, markup=False)  # one line, whatever the width
        raise typer.Exit(1) from None
    err.print(f"storyline: open http://{host}:{port}/ (JSON API under /api, schema at /docs)")
    uvicorn.run(application, host=host, port=port, log_level="warning")


def _override(db: str, kind: str, a: str, b: str | None) -> None:
    from . import pipeline

    # the stories the fix re-resolves: what it could not do is stored with them, so the command
    # reads those, not every story of the database
    with _open(db) as s:
        affected = pipeline.override_stories(s, a, b)
    try:
        pipeline.add_override(db, kind, a, b)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    with _open(db) as s:
        problems = [IngestProblem("overrides", m, severity="warning") for m in pipeline.override_problems(s)]
        problems += [p for p in s.story_problems(affected) if p.path == "overrides" and p not in problems]
    for p in problems:
        _report(p)
    err.print(f"recorded: {kind} {a!r}" + (f" {b!r}" if b else "") + "; it applies to every later resolution")


@app.command()
def merge(a: Annotated[str, typer.Argument(help="Entity id, name or alias that stays.")],
          b: Annotated[str, typer.Argument(help="Entity id, name or alias merged into it.")],
          db: DbOpt = DEFAULT_DB) -> None:
    """Merge two entities the automatic pass kept apart (stored; survives re-ingest)."""
    _override(db, "merge", a, b)


@app.command()
def split(entity: Annotated[str, typer.Argument(help="Entity id, name or alias.")],
          alias: Annotated[str, typer.Option("--alias", help="The form whose mentions become an entity of their own.")],
          db: DbOpt = DEFAULT_DB) -> None:
    """Split the mentions written as ALIAS out of ENTITY (stored; survives re-ingest)."""
    _override(db, "split", entity, alias)


@app.command("not-same")
def not_same(a: Annotated[str, typer.Argument()], b: Annotated[str, typer.Argument()], db: DbOpt = DEFAULT_DB) -> None:
    """Record that A and B are different: undo a merge of them and refuse later ones."""
    _override(db, "not-same", a, b)


@app.command("set-date")
def set_date(target: Annotated[str, typer.Argument(help="Article id (or its unique prefix, or the input's id); "
                                                   "with --outlet an outlet, with --story a story id.")],
             date: Annotated[str, typer.Argument(help="The correct publication date, e.g. 2024-03-06.")],
             outlet: Annotated[bool, typer.Option("--outlet", help="TARGET is an outlet: date all its articles.")] = False,
             story: Annotated[bool, typer.Option("--story", help="TARGET is a story (`storyline stories`): date all its articles.")] = False,
             db: DbOpt = DEFAULT_DB) -> None:
    """Correct publication dates; relative dates and the timeline follow. Undo with `storyline undo`."""
    from . import pipeline

    _open(db).close()
    try:
        if outlet or story:
            ids = pipeline.articles_of(db, outlet=target if outlet else None, story=target if story else None)
            done = pipeline.set_dates(db, ids, date, scope=("outlet " if outlet else "story ") + target)
        else:
            done = pipeline.set_dates(db, [target], date)
    except (KeyError, ValueError) as exc:
        err.print(str(exc.args[0] if exc.args else exc), highlight=False, markup=False)
        raise typer.Exit(1) from None
    for an in done:
        err.print(f"{an.article.id}: published {an.article.published}; {len(an.times)} time expression(s) read again",
                  highlight=False)


@app.command("overrides")
def overrides_cmd(db: DbOpt = DEFAULT_DB) -> None:
    """List the fixes made by hand (merge, split, not-same, set-date), with their time and undo state."""
    with _open(db) as s:
        rows = s.override_records()
    _table("Overrides", ["id", "at", "kind", "a", "b", "batch", "undone"],
           [[o.id, o.at, o.kind, o.a, o.b, o.scope or o.batch, o.undone] for o in rows])


@app.command()
def undo(override: Annotated[int, typer.Argument(help="Override id (from `storyline overrides`).")],
         db: DbOpt = DEFAULT_DB) -> None:
    """Take back an override (and the rest of its batch); a corrected date goes back to what it was."""
    from . import pipeline

    _open(db).close()
    try:
        gone = pipeline.undo_override(db, override)
    except (KeyError, ValueError) as exc:
        err.print(str(exc.args[0] if exc.args else exc), highlight=False, markup=False)
        raise typer.Exit(1) from None
    err.print(f"undone: {len(gone)} override(s)", highlight=False)


@app.command()
def why(entity: Annotated[str, typer.Argument(help="Entity id, name or alias.")], db: DbOpt = DEFAULT_DB) -> None:
    """Why these mentions are one entity: the rules and scores that joined them, and the mentions."""
    from . import pipeline
    from .dossier import combine
    from .render.cite import Citer

    with _open(db) as store:
        eid = store.find_registry(entity)
        if eid is None:
            err.print(f"no entity {entity!r} in {redact(db)}")
            raise typer.Exit(1)
        d = combine([pipeline.stored_story(store, sid) for sid, _ in store.entity_records(eid, limit=20)])
    e = d.entity(eid)
    cite = Citer(d)
    out.print(f"[bold]{e.name}[/bold] ({e.id}, {e.type}); aliases: {', '.join(e.aliases) or 'none'}", highlight=False)
    out.print("Joined because:", highlight=False)
    for reason in e.evidence or ["a single name form; nothing to join"]:
        out.print(f"  - {reason}", highlight=False, markup=False)
    for c in e.candidates:
        out.print(f"  - kept apart from {c.other} (score {c.score:.2f}): {c.reason}", highlight=False, markup=False)
    out.print(f"Mentions ({len(e.mentions)}):", highlight=False)
    for m in e.mentions:
        out.print(f"  {cite(m.article, m.start)} {m.kind}: {m.text}", highlight=False, markup=False)
    evs = [ev for ev in d.events if e.id in ev.actors or e.id in ev.targets]
    if evs:
        out.print("Events, and why their mentions were fused:", highlight=False)
        for ev in evs:
            out.print(f"  {ev.id} {ev.summary}: {'; '.join(ev.evidence) or 'one mention'}", highlight=False, markup=False)


@app.command("export")
def export_cmd(
    fmt: Annotated[str, typer.Option("--format", "-f", help="graphml, ftm, jsonld, csv or timelinejs.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write (a folder for csv).")],
    db: DbOpt = DEFAULT_DB,
    story: Annotated[str | None, typer.Option("--story", help="Only this story (ids from `storyline stories`).")] = None,
) -> None:
    """Export entities, events, quotes and amounts, with provenance, for Gephi, Aleph, RDF tools, a
    spreadsheet or a TimelineJS page."""
    from . import pipeline
    from .export import ExportUnavailable, export
    from .export.stream import export_db

    _open(db).close()
    try:
        d = pipeline.story_dossier(db, story) if story else None
    except KeyError as exc:
        err.print(str(exc.args[0]), highlight=False)
        raise typer.Exit(1) from None
    try:
        if d is not None:
            path = export(d, fmt, output)
        else:  # the whole database, one stored story at a time
            with _open(db) as store:
                path = export_db(store, fmt, output, pipeline.stored_story)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    except ExportUnavailable as exc:
        err.print(f"error: {exc}", highlight=False, markup=False, soft_wrap=True)
        raise typer.Exit(1) from None
    err.print(f"wrote {path}")


def _hit_lines(hits: list) -> None:  # type: ignore[type-arg]
    for h in hits:
        where = " · ".join(x for x in (h.title or h.article, h.source, h.published) if x)
        out.print(f"{h.citation} {where} (score {h.score:.2f})", highlight=False, markup=False, style="bold",
                  soft_wrap=True)
        out.print("   " + " ".join(h.text.split()), highlight=False, markup=False, soft_wrap=True)


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="A plain question, e.g. \"How much did Orbital offer for Vexa?\"")],
    db: DbOpt = DEFAULT_DB,
    limit: Annotated[int, typer.Option("--limit", "-n", help="Sentences to cite.")] = 3,
    fmt: Annotated[EvalFmt, typer.Option("--format", help="table or json (the /api/ask fields).")] = EvalFmt.table,
) -> None:
    """Answer from the articles with cited sentences, or say the articles do not answer it."""
    import dataclasses
    import json

    from .ask import answer

    with _open(db) as store:
        a = answer(store, question, limit=limit)
    if fmt == EvalFmt.json:
        sys.stdout.write(json.dumps(dataclasses.asdict(a), ensure_ascii=False, indent=1) + "\n")
        return
    if a.answered:
        out.print(f"Answer (score {a.score:.2f}), from the articles:", highlight=False)
    else:
        out.print(f"{a.message} (best score {a.score:.2f})" + ("; the closest sentences:" if a.hits else ""),
                  highlight=False, markup=False)
    _hit_lines(a.hits)
    for x in a.amounts:
        out.print(f"  amount: {x.text} = {x.value:,.2f} {x.unit or ''} {x.qualifier or ''}".rstrip()
                  if x.value is not None else f"  amount: {x.text}", highlight=False, markup=False)
    for t in a.times:
        out.print(f"  date: {t.text} = {t.value}", highlight=False, markup=False)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Words to find (may be empty with --entity).")] = "",
    db: DbOpt = DEFAULT_DB,
    entity: Annotated[str, typer.Option("--entity", "-e", help="Only sentences naming this entity (name, alias or id).")] = "",
    source: Annotated[str, typer.Option("--source", "-s", help="Only this outlet.")] = "",
    date_from: Annotated[str, typer.Option("--from", help="Published on or after this day (YYYY-MM-DD).")] = "",
    date_to: Annotated[str, typer.Option("--to", help="Published on or before this day (YYYY-MM-DD).")] = "",
    limit: Annotated[int, typer.Option("--limit", "-n")] = 20,
) -> None:
    """Full-text search over sentences, each cited with its article's title, outlet and day."""
    from .search import SearchError
    from .search import search as find

    with _open(db) as store:
        try:
            hits = find(store, query, entity, source, date_from, date_to, limit=limit)
        except SearchError as exc:
            err.print(f"error: {exc}", highlight=False, markup=False, soft_wrap=True)
            raise typer.Exit(1) from None
    if not hits:
        err.print("no sentence matches", highlight=False)
        raise typer.Exit(1)
    _hit_lines(hits)


@app.command()
def watch(
    feeds: Annotated[list[str], typer.Argument(help="RSS/Atom feed or sitemap URLs (or files) to poll.")],
    db: DbOpt = DEFAULT_DB,
    interval: Annotated[float, typer.Option("--interval", help="Seconds between polls.")] = 300.0,
    once: Annotated[bool, typer.Option("--once", help="Poll once and stop.")] = False,
    max_polls: Annotated[int | None, typer.Option("--max-polls", help="Stop after N polls.")] = None,
    delay: Annotated[float, typer.Option("--delay", help="Seconds between two requests to one host.")] = 1.0,
    quiet: QuietOpt = False,
) -> None:
    """Poll feeds; fetch new items' pages (robots.txt honoured, conditional GET) and ingest them."""
    from .sources.fetch import Fetcher
    from .sources.watch import watch as run_watch

    def said(r) -> None:  # type: ignore[no-untyped-def]
        if not quiet:
            err.print(f"poll {r.poll}: {r.feeds_changed} feed(s) changed, {r.feeds_unchanged} unchanged, "
                      f"{r.new_items} new item(s), {r.added} article(s) added", highlight=False)

    try:
        run_watch(feeds, db, interval, 1 if once else max_polls, Fetcher(delay=delay), _report, said)
    except KeyboardInterrupt:
        err.print("stopped")


def main() -> None:  # pragma: no cover
    app()


# last, so that `python -m storyline.cli` sees every command defined above
if __name__ == "__main__":  # pragma: no cover
    main()
