"""Drawing a map with ``dot`` so that it comes out, and comes out readable.

One map is drawn in up to three steps, each deterministic (same DOT in, same SVG out):

1. **Fit.** The DOT is planned for width / height ``ASPECT`` (``layout.plan_layout``), drawn,
   and measured; when the SVG falls outside 1:3..3:1 the plan is redone with the aspect target
   corrected by the error (twice at most), and if it is still outside, the closest drawing is
   redrawn with Graphviz's ``ratio`` set to the bound (dot then stretches the short side; the
   boxes keep their size).
2. **Simplify.** When dot crashes, times out or writes something that is not an SVG, the map is
   drawn again in the simple layout (fewer claims, no clusters, straight edges).
3. **Give up on this map only.** If that fails too, ``MapNotDrawn`` names the map and both
   errors; the caller writes every other output and reports it (exit 3). A missing ``dot`` is
   not retried: ``MissingDependency`` goes straight up.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from argmap.errors import RenderError
from argmap.render.dot import ASPECT
from argmap.render.svg import check_svg, render_svg

MIN_ASPECT, MAX_ASPECT = 1 / 3, 3.0
FIT_ATTEMPTS = 3  # drawings with a re-planned aspect before ``ratio`` is forced
RATIO_MARGIN = 0.97  # force a little inside the bound, so rounding cannot land outside it

MakeDot = Callable[[float, bool], str]  # (aspect, simple) -> DOT source


@dataclass(frozen=True, slots=True)
class Drawing:
    """One drawn map: the DOT that made it, the SVG, its size and how it was reached."""

    dot: str
    svg: bytes
    width: float
    height: float
    attempts: int  # dot runs it took
    simple: bool  # drawn in the fallback layout

    @property
    def aspect(self) -> float:
        return self.width / self.height


class MapNotDrawn(RenderError):
    """A map dot could not draw, even in the simple layout. Names the map."""

    def __init__(self, name: str, first: RenderError, second: RenderError) -> None:
        self.name = name
        self.reason = str(second) if str(second) == str(first) else f"{first}; simple layout: {second}"
        super().__init__(f"could not draw {name}: {self.reason}")


def draw_map(make: MakeDot, name: str, *, timeout: float) -> Drawing:
    """Draw the map ``make`` writes, fitted to 1:3..3:1, falling back to the simple layout."""
    try:
        return fit(lambda aspect: make(aspect, False), timeout=timeout, simple=False)
    except MapNotDrawn:
        raise
    except RenderError as first:
        try:
            return fit(lambda aspect: make(aspect, True), timeout=timeout, simple=True)
        except RenderError as second:
            raise MapNotDrawn(name, first, second) from second


def _outside(aspect: float) -> float:
    """How far (in log terms) an aspect lies outside the bounds; 0 inside."""
    return max(0.0, math.log(MIN_ASPECT / aspect), math.log(aspect / MAX_ASPECT))


def fit(make: Callable[[float], str], *, timeout: float, simple: bool) -> Drawing:
    """Draw, measure, re-plan with a corrected aspect target, and finally force ``ratio``."""
    target = ASPECT
    best: Drawing | None = None
    for attempt in range(1, FIT_ATTEMPTS + 1):
        source = make(target)
        svg = render_svg(source, timeout=timeout)
        width, height = check_svg(svg)
        drawing = Drawing(source, svg, width, height, attempt, simple)
        if best is None or _outside(drawing.aspect) < _outside(best.aspect):
            best = drawing
        if _outside(drawing.aspect) == 0.0:
            return drawing
        target = min(20.0, max(0.05, target * ASPECT / drawing.aspect))
    assert best is not None
    forced = with_ratio(best.dot, best.aspect)
    svg = render_svg(forced, timeout=timeout)
    width, height = check_svg(svg)
    return Drawing(forced, svg, width, height, FIT_ATTEMPTS + 1, simple)


def with_ratio(source: str, aspect: float) -> str:
    """The DOT with Graphviz's ``ratio`` (height / width) set so the drawing lands inside
    1:3..3:1: dot scales the short side up, never down."""
    wanted = MAX_ASPECT * RATIO_MARGIN if aspect > MAX_ASPECT else MIN_ASPECT / RATIO_MARGIN
    opening = source.index("{") + 1  # first in the root graph: later statements cannot undo it
    return f"{source[:opening]}\n  graph [ratio={1 / wanted:.4f}]{source[opening:]}"
