"""CSV tables for a spreadsheet: one file per record kind. Every row that comes from text carries
its story, article, offsets, and the sentence it sits in (start, end and text, so a reader sees
the context without opening the article)."""

from __future__ import annotations

import csv
from pathlib import Path

from ..model import Dossier
from .common import Index, prov

SENTENCE_COLS = ["sentence_start", "sentence_end", "sentence"]


def _join(items: list[str]) -> str:
    return "; ".join(dict.fromkeys(items))


def csv_tables(d: Dossier) -> dict[str, tuple[list[str], list[list[object]]]]:
    ix = Index.of(d)
    amounts = {a.id: a for a in d.amounts}
    names = {e.id: e.name for e in d.entities}

    def story(article: str) -> str:
        return ix.story_of.get(article, "")

    def stories(articles: list[str]) -> str:
        return _join([ix.story_of[a] for a in articles if a in ix.story_of])

    def sent(article: str, offset: int) -> list[object]:
        return ix.sentence_cols(article, offset)

    ev_mentions = []
    for ev in d.events:
        for m in ev.mentions:
            ev_mentions.append([ev.id, story(m.article), m.article, m.start, m.end,
                                ix.text.get(m.article, "")[m.start : m.end], *sent(m.article, m.start)])
    return {
        "stories": (["id", "title", "articles"], [[s.id, s.title, len(s.articles)] for s in d.stories]),
        # number: the article's citation number, [number:sentence] in the CLI, the dossier and the web UI
        "articles": (["id", "story", "title", "source", "published", "url", "path", "number"],
                     [[a.article.id, story(a.article.id), a.article.title, a.article.source, a.article.published,
                       a.article.url, a.article.path, a.article.number] for a in d.analyses]),
        "entities": (["id", "name", "type", "aliases", "descriptors", "mentions", "stories"],
                     [[e.id, e.name, e.type, "; ".join(e.aliases), "; ".join(e.descriptors), len(e.mentions),
                       stories([m.article for m in e.mentions])] for e in d.entities]),
        "mentions": (["entity", "story", "article", "start", "end", "text", "kind", *SENTENCE_COLS],
                     [[e.id, story(m.article), m.article, m.start, m.end, m.text, m.kind, *sent(m.article, m.start)]
                      for e in d.entities for m in e.mentions]),
        "quotes": (["id", "story", "article", "start", "end", "text", "speaker", "speaker_name", "speaker_text", "cue",
                    "direct", *SENTENCE_COLS],
                   [[q.id, story(q.article), q.article, q.start, q.end, q.text, q.speaker, names.get(q.speaker or "", ""),
                     q.speaker_text, q.cue, q.direct, *sent(q.article, q.start)] for q in d.quotes]),
        "amounts": (["id", "story", "article", "start", "end", "text", "value", "value_max", "unit", "qualifier", "kind",
                     *SENTENCE_COLS],
                    [[a.id, story(a.article), a.article, a.start, a.end, a.text, a.value, a.value_max, a.unit,
                      a.qualifier, a.kind, *sent(a.article, a.start)] for a in d.amounts]),
        "times": (["id", "story", "article", "start", "end", "text", "type", "value", "mod", "note", *SENTENCE_COLS],
                  [[t.id, story(t.article), t.article, t.start, t.end, t.text, t.type, t.value, t.mod, t.note,
                    *sent(t.article, t.start)] for t in d.times]),
        "events": (["id", "stories", "type", "cameo", "summary", "date", "actors", "targets", "amount", "currency",
                    "reports", "independent", "mentions"],
                   [[ev.id, stories(ev.articles), ev.type, ev.cameo, ev.summary, ev.time,
                     "; ".join(names.get(x, x) for x in ev.actors), "; ".join(names.get(x, x) for x in ev.targets),
                     amounts[ev.amount].value if ev.amount in amounts else None,
                     amounts[ev.amount].unit if ev.amount in amounts else None,
                     len(set(ev.articles)), ev.independent,
                     " ".join(prov(m.article, m.start, m.end) for m in ev.mentions)] for ev in d.events]),
        "event_mentions": (["event", "story", "article", "start", "end", "trigger", *SENTENCE_COLS], ev_mentions),
        "discrepancies": (["id", "event", "stories", "field", "measure", "verdict", "value", "articles"],
                          [[x.id, x.event, stories(v.articles), x.field, x.measure, x.verdict, v.value,
                            "; ".join(v.articles)]
                           for x in d.discrepancies for v in x.values]),
        "timeline": (["date", "event", "stories", "summary", "background", "articles"],
                     [[t.date, t.event, stories(t.articles), t.summary, t.background, "; ".join(t.articles)]
                      for t in d.timeline]),
    }


def write_csv(d: Dossier, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, (header, rows) in csv_tables(d).items():
        with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(header)
            w.writerows(rows)
