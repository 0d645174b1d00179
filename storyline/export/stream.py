"""Exports of a whole database, written one stored story at a time: memory holds one story (plus,
for GraphML, the graph itself, and for CSV, JSON-LD and FtM one record per entity), never every
article at once.
An entity found in several stories has one registry id, so it is written once and its counts add up."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import networkx as nx

from ..model import Dossier
from ..store import Store
from .ftm import ftm_entities, load_model
from .graph import to_graph
from .jsonld import to_jsonld
from .tables import csv_tables
from .timelinejs import to_timelinejs

ViewOf = Callable[[Store, str], Dossier]


def _views(store: Store, view_of: ViewOf, progress: Callable[[int], None] | None) -> Iterator[Dossier]:
    for sid in store.story_ids():
        yield view_of(store, sid)
        if progress:
            progress(1)


def export_db(store: Store, fmt: str, path: Path, view_of: ViewOf,
              progress: Callable[[int], None] | None = None) -> Path:
    # one read snapshot: the stories read after an ingest batch commits must not show its articles
    # when the ones read before it did not
    with store.snapshot():
        _export(_views(store, view_of, progress), fmt, path)
    return path


def _export(views: Iterator[Dossier], fmt: str, path: Path) -> None:
    if fmt == "csv":
        _csv(views, path)
    elif fmt == "jsonld":
        _jsonld(views, path)
    elif fmt == "ftm":
        _ftm(views, path)
    elif fmt == "graphml":
        _graphml(views, path)
    elif fmt == "timelinejs":
        _timelinejs(views, path)
    else:
        raise ValueError(f"unknown export format {fmt!r}")


def _csv(views: Iterator[Dossier], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, tuple[object, csv.Writer]] = {}  # type: ignore[name-defined]
    entities: dict[str, list[object]] = {}
    header: list[str] = []
    try:
        for v in views:
            for name, (cols, rows) in csv_tables(v).items():
                if name == "entities":  # one row per registry entity: counts and stories add up
                    header = cols
                    for r in rows:
                        have = entities.get(str(r[0]))
                        if have is None:
                            entities[str(r[0])] = list(r)
                        else:
                            have[5] = int(have[5]) + int(r[5])  # type: ignore[call-overload]
                            have[6] = "; ".join(x for x in (str(have[6]), str(r[6])) if x)
                    continue
                if name not in files:
                    fh = open(folder / f"{name}.csv", "w", newline="", encoding="utf-8")  # noqa: SIM115
                    files[name] = (fh, csv.writer(fh))
                    files[name][1].writerow(cols)
                files[name][1].writerows(rows)
        with open(folder / "entities.csv", "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(header or ["id", "name", "type", "aliases", "descriptors", "mentions", "stories"])
            w.writerows(sorted(entities.values(), key=lambda r: (-int(r[5]), str(r[1]))))  # type: ignore[call-overload]
    finally:
        for fh, _ in files.values():
            fh.close()  # type: ignore[attr-defined]


def _union(have: dict[str, Any], new: dict[str, Any], fields: tuple[str, ...]) -> None:
    """Add ``new``'s values of the list ``fields`` to ``have`` (an entity another story named too)."""
    for k in fields:
        if k in new:
            old = have.setdefault(k, [])
            old.extend(x for x in new[k] if x not in old)


def _ftm(views: Iterator[Dossier], path: Path) -> None:
    """Articles and events belong to one story and are written as they come; a person or
    organisation named in several stories (one registry id, so one FtM id) is written once, at the
    end, with every story's aliases and provenance."""
    load_model()  # fail before the file is created
    seen: set[str] = set()
    entities: dict[str, dict[str, Any]] = {}
    with open(path, "w", encoding="utf-8") as fh:
        for v in views:
            for rec in ftm_entities(v):
                if rec["schema"] in {"Person", "Organization", "LegalEntity"}:
                    if rec["id"] in entities:
                        _union(entities[rec["id"]]["properties"], rec["properties"], ("alias", "notes"))
                    else:
                        entities[rec["id"]] = rec
                elif rec["id"] not in seen:
                    seen.add(rec["id"])
                    fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        for rec in entities.values():
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")


def _jsonld(views: Iterator[Dossier], path: Path) -> None:
    """Nodes of one story are written as they come; an entity named in several stories (one
    registry id) is written once, at the end, with every story's names and provenance."""
    seen: set[str] = set()
    entities: dict[str, dict[str, Any]] = {}
    context = to_jsonld(Dossier([]))["@context"]
    with open(path, "w", encoding="utf-8") as fh:
        fh.write('{"@context": ' + json.dumps(context) + ', "@graph": [\n')
        n = 0
        for v in views:
            ids = {f"urn:storyline:{e.id}" for e in v.entities}
            for node in to_jsonld(v)["@graph"]:
                if node["@id"] in ids:
                    if node["@id"] in entities:
                        _union(entities[node["@id"]], node, ("alternateName", "provenance"))
                    else:
                        entities[node["@id"]] = node
                elif node["@id"] not in seen:
                    seen.add(node["@id"])
                    fh.write((",\n" if n else "") + json.dumps(node, ensure_ascii=False))
                    n += 1
        for node in entities.values():
            fh.write((",\n" if n else "") + json.dumps(node, ensure_ascii=False))
            n += 1
        fh.write("\n]}\n")


def _graphml(views: Iterator[Dossier], path: Path) -> None:
    g = nx.MultiDiGraph()
    for v in views:
        h = to_graph(v)
        for node, attrs in h.nodes(data=True):
            if node in g and attrs.get("kind") == "entity":
                have = g.nodes[node]
                have["mentions"] += attrs["mentions"]
                have["stories"] = " ".join(dict.fromkeys((have["stories"] + " " + attrs["stories"]).split()))
                have["first"] = min(x for x in (have["first"], attrs["first"]) if x) if have["first"] or attrs["first"] else ""
                have["last"] = max(have["last"], attrs["last"])
            else:
                g.add_node(node, **attrs)
        story = v.stories[0].id if v.stories else "x"
        for u, w, key, attrs in h.edges(keys=True, data=True):
            g.add_edge(u, w, key=f"{story}-{key}", **attrs)
    nx.write_graphml(g, path)


def _timelinejs(views: Iterator[Dossier], path: Path) -> None:
    slides: list[dict[str, object]] = []
    seen: set[str] = set()
    articles = 0
    for v in views:
        articles += len(v.analyses)
        for s in to_timelinejs(v)["events"]:  # type: ignore[attr-defined]
            uid, k = str(s["unique_id"]), 1
            while uid in seen:
                k += 1
                uid = f"{s['unique_id']}-{k}"
            seen.add(uid)
            s["unique_id"] = uid
            slides.append(s)
    title = {"text": {"headline": "Timeline",
                      "text": f"<p>{len(slides)} dated events from {articles} article{'s' if articles != 1 else ''}</p>"}}
    path.write_text(json.dumps({"title": title, "events": slides}, ensure_ascii=False, indent=1), encoding="utf-8")
