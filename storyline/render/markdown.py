"""The dossier as Markdown: every line ends with its citations, [article:sentence]."""

from __future__ import annotations

from ..model import Dossier
from .cite import Citer
from .speakers import quotes_by_speaker
from .summary import summarize_stories


def _money(text: str) -> str:
    return text.replace("$", "\\$")


def render_markdown(d: Dossier, title: str = "Story dossier", level: int = 1) -> str:
    """``level`` 2 renders a part of a longer document (one story of a database, render/stream.py)."""
    cite = Citer(d)
    h = "#" * level
    lines: list[str] = [f"{h} {title}", ""]
    lines.append(f"{len(d.analyses)} articles, {len(d.entities)} entities, {len(d.quotes)} quotes, "
                 f"{len(d.events)} events, {len(d.discrepancies)} discrepancies."
                 + (" Citations read [article:sentence]; articles are listed under Sources." if level == 1 else ""))
    lines.append("")
    for s in summarize_stories(d, cite):
        lines += [f"{h}# Story: {s.story.title}", ""]
        lines.append(f"- **When:** {s.when}, {len(s.story.articles)} articles from {s.outlets} outlets")
        if s.who:
            lines.append("- **Who:** " + "; ".join(f"{e.name} {c}" for e, c in s.who))
        for what, c in s.what:
            lines.append(f"- **What:** {_money(what)} {c}")
        if s.how_much:
            lines.append("- **How much:** " + "; ".join(f"{_money(t)} {c}" for t, c in s.how_much))
        lines.append("")
    lines += [f"{h}# Key entities", ""]
    for e in d.entities[:25]:
        first = e.mentions[0]
        extra = []
        if e.descriptors:
            extra.append("described as " + ", ".join(e.descriptors[:4]))
        if e.aliases:
            extra.append("also " + ", ".join(e.aliases[:5]))
        lines.append(f"- **{e.name}** ({e.type}, {len(e.mentions)} mentions"
                     + (f"; {'; '.join(extra)}" if extra else "") + f") {cite(first.article, first.start)}")
    lines += ["", f"{h}# Quotes by speaker", ""]
    # a quote several outlets report is listed once, with every source
    group_of = {qid: g for g in d.quote_groups for qid in g.quotes}
    quote_at = {q.id: q for q in d.quotes}
    for who, qs in quotes_by_speaker(d):
        lines.append(f"{h}## {who}")
        for q in qs:
            g = group_of.get(q.id)
            if g is not None and g.quotes[0] != q.id:
                continue
            mark = f"“{q.text}”" if q.direct else q.text
            refs = " ".join(cite(quote_at[x].article, quote_at[x].start) for x in g.quotes) if g else cite(q.article, q.start)
            note = ""
            if g is not None:
                note = f", {len(g.articles)} outlets" + (f", wording differs (similarity {g.similarity:.0f}%)" if g.wording_differs else "")
            lines.append(f"- {_money(mark)} ({q.cue or 'continued'}{note}) {refs}")
        lines.append("")
    lines += [f"{h}# Timeline", ""]
    for t in d.timeline:
        ev = next(e for e in d.events if e.id == t.event)
        tag = " *(background)*" if t.background else ""
        refs = " ".join(cite(m.article, m.start) for m in ev.mentions[:5])
        backing = f" (reported by {ev.outlets} outlet{'s' if ev.outlets != 1 else ''}, {ev.independent} independent)" \
            if ev.outlets > 1 else ""
        claimed = [w for w in ev.asserted_by if w != "outlet"]
        if claimed and "outlet" not in ev.asserted_by:
            backing += f" (claimed by {', '.join(claimed)})"
        lines.append(f"- **{t.date}** {_money(t.summary)}{tag}{backing} {refs}")
    lines += ["", f"{h}# Discrepancies", ""]
    if not d.discrepancies:
        lines.append("None found.")
    for x in d.discrepancies:
        ev = next((e for e in d.events if e.id == x.event), None)
        what = x.about or (_money(ev.summary) if ev else x.measure)
        vals = "; ".join(
            f"{_money(v.mentions[0].text or v.value) if v.mentions else v.value}"
            + (f" (said by {', '.join(w for w in v.asserted_by if w != 'outlet')})"
               if v.asserted_by and "outlet" not in v.asserted_by else "")
            + " in " + " ".join(cite(m.article, m.start) for m in v.mentions)
            for v in x.values
        )
        lines.append(f"- **{x.verdict}** on {what}: {vals}")
    if d.wire:
        lines += ["", f"{h}# Wire copies", ""]
        for w in d.wire:
            lines.append(f"- {cite(w.canonical)} republished as " + ", ".join(cite(c) for c in w.copies)
                         + f" (similarity ≥ {w.similarity:.2f}); counted once")
    lines += ["", f"{h}# Dates that could not be resolved", ""]
    unresolved = [t for t in d.times if t.value is None]
    lines += [f"- “{t.text}”: {t.note} {cite(t.article, t.start)}" for t in unresolved] or ["None."]
    lines += ["", f"{h}# Sources", ""]
    for a in d.analyses:
        art = a.article
        lines.append(f"{cite.number[art.id]}. {art.title} — {art.source or 'unknown outlet'}, {art.published or 'undated'}"
                     + (f" <{art.url}>" if art.url else "") + f" (`{art.id}`)")
    return "\n".join(lines) + "\n"
