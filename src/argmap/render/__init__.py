"""Rendering: argument maps as Graphviz DOT, SVG (via the system ``dot``) and an HTML report."""

from __future__ import annotations

from argmap.render.dot import to_dot
from argmap.render.html import render_html
from argmap.render.labels import dot_text
from argmap.render.overview import overview_dot
from argmap.render.svg import render_svg, svg_size

__all__ = ["dot_text", "overview_dot", "render_html", "render_svg", "svg_size", "to_dot"]
