"""The dossier as Markdown: every line ends with its citations, [article:sentence]."""

from __future__ import annotations

from collections import defaultdict

from ..model import Dossier
from .cite import Citer
from .summary import summarize_stories


def _money(text: str) -> str:
    return text.replace("$", "\\$")


def render_markdown(d: Dossier) -> str:
    cite = Citer(d)
    lines: list[str] = ["# Story dossier", ""]
    lines.append(f"{len(d.analyses)} articles, {len(d.entities)} entities, {len(d.quotes)} quotes, "
                 f"{len(d.events)} events, {len(d.discrepancies)} discrepancies. "
                 "Citations read [article:sentence]; articles are listed under Sources.")
    lines.append("")
    for s in summarize_stories(d, cite):
        lines += [f"## Story: {s.story.title}", ""]
        lines.append(f"- **When:** {s.when}, {len(s.story.articles)} articles from {s.outlets} outlets")
        if s.who:
            lines.append("- **Who:** " + "; ".join(f"{e.name} {c}" for e, c in s.who))
        for what, c in s.what:
            lines.append(f"- **What:** {_money(what)} {c}")
        if s.how_much:
            lines.append("- **How much:** " + "; ".join(f"{_money(t)} {c}" for t, c in s.how_much))
        lines.append("")
    lines += ["## Key entities", ""]
    for e in d.entities[:25]:
        first = e.mentions[0]
        extra = []
        if e.descriptors:
            extra.append("described as " + ", ".join(e.descriptors[:4]))
        if e.aliases:
            extra.append("also " + ", ".join(e.aliases[:5]))
        lines.append(f"- **{e.name}** ({e.type}, {len(e.mentions)} mentions"
                     + (f"; {'; '.join(extra)}" if extra else "") + f") {cite(first.article, first.start)}")
    lines += ["", "## Quotes by speaker", ""]
    by_speaker: dict[str, list] = defaultdict(list)
    names = {e.id: e.name for e in d.entities}
    for q in d.quotes:
        who = names.get(q.speaker or "", None) or q.speaker_name or q.speaker_text or "Unattributed"
        by_speaker[who].append(q)
    for who, qs in sorted(by_speaker.items(), key=lambda kv: -len(kv[1])):
        lines.append(f"### {who}")
        for q in qs:
            mark = f"“{q.text}”" if q.direct else q.text
            lines.append(f"- {_money(mark)} ({q.cue or 'continued'}) {cite(q.article, q.start)}")
        lines.append("")
    lines += ["## Timeline", ""]
    for t in d.timeline:
        ev = next(e for e in d.events if e.id == t.event)
        tag = " *(background)*" if t.background else ""
        refs = " ".join(cite(m.article, m.start) for m in ev.mentions[:5])
        lines.append(f"- **{t.date}** {_money(t.summary)}{tag} {refs}")
    lines += ["", "## Discrepancies", ""]
    if not d.discrepancies:
        lines.append("None found.")
    for x in d.discrepancies:
        ev = next(e for e in d.events if e.id == x.event)
        vals = "; ".join(
            f"{_money(v.mentions[0].text or v.value) if v.mentions else v.value} in "
            + " ".join(cite(m.article, m.start) for m in v.mentions)
            for v in x.values
        )
        lines.append(f"- **{x.verdict}** on the {x.field} of “{_money(ev.summary)}”: {vals}")
    lines += ["", "## Dates that could not be resolved", ""]
    unresolved = [t for t in d.times if t.value is None]
    lines += [f"- “{t.text}”: {t.note} {cite(t.article, t.start)}" for t in unresolved] or ["None."]
    lines += ["", "## Sources", ""]
    for n, a in enumerate(d.analyses, start=1):
        art = a.article
        lines.append(f"{n}. {art.title} — {art.source or 'unknown outlet'}, {art.published or 'undated'}"
                     + (f" <{art.url}>" if art.url else "") + f" (`{art.id}`)")
    return "\n".join(lines) + "\n"
