"""Renderers: Markdown, HTML and JSON dossiers."""

from __future__ import annotations

from collections.abc import Callable

from ..model import Dossier
from .html import render_html
from .json import render_json
from .markdown import render_markdown

RENDERERS: dict[str, Callable[[Dossier], str]] = {
    "json": render_json,
    "md": render_markdown,
    "html": render_html,
}


def render(d: Dossier, fmt: str) -> str:
    if fmt not in RENDERERS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(RENDERERS)}")
    return RENDERERS[fmt](d)
