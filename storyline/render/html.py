"""The dossier as one self-contained HTML page (no external assets, all text escaped)."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from ..model import Dossier
from .cite import Citer
from .speakers import quotes_by_speaker
from .summary import summarize_stories

_env = Environment(loader=PackageLoader("storyline.render", "templates"), autoescape=select_autoescape())


def render_html(d: Dossier) -> str:
    cite = Citer(d)

    def link(c: str) -> Markup:
        n = c.strip("[]").split(":")[0]
        return Markup(f'<a class="cite" href="#a{escape(n)}">{escape(c)}</a>')

    return _env.get_template("dossier.html").render(
        d=d, cite=cite, link=link, summaries=summarize_stories(d, cite),
        quotes_by_speaker=quotes_by_speaker(d),
        events={e.id: e for e in d.events},
    )
