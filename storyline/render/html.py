"""The dossier as one self-contained HTML page (no external assets, all text escaped)."""

from __future__ import annotations

from collections import defaultdict

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from ..model import Dossier, Quote
from .cite import Citer
from .summary import summarize_stories

_env = Environment(loader=PackageLoader("storyline.render", "templates"), autoescape=select_autoescape())


def render_html(d: Dossier) -> str:
    cite = Citer(d)

    def link(c: str) -> Markup:
        n = c.strip("[]").split(":")[0]
        return Markup(f'<a class="cite" href="#a{escape(n)}">{escape(c)}</a>')

    names = {e.id: e.name for e in d.entities}
    by_speaker: dict[str, list[Quote]] = defaultdict(list)
    for q in d.quotes:
        by_speaker[names.get(q.speaker or "") or q.speaker_name or q.speaker_text or "Unattributed"].append(q)
    return _env.get_template("dossier.html").render(
        d=d, cite=cite, link=link, summaries=summarize_stories(d, cite),
        quotes_by_speaker=sorted(by_speaker.items(), key=lambda kv: -len(kv[1])),
        events={e.id: e for e in d.events},
    )
