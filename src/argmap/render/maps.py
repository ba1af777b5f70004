"""Every map of one thread, drawn with ``dot`` a few at a time, each failure kept to itself.

Which maps a thread gets: the main map (``.svg``, also inlined in the HTML report); the topic
overview (``.overview.svg``) once there are ``OVERVIEW_MIN_TOPICS`` real topics; one map per
topic (``.topic-<id>.svg``) once the main map had to leave claims out; and, when
``render.min_confidence`` hides relations, the HTML report's own copy of the main map that
carries them hidden. Each is drawn by ``draw.draw_map`` (fit the aspect, retry simpler); one
that still cannot be drawn becomes a ``MapFailure`` naming it, and the others are unaffected.
Without a ``dot`` on PATH nothing is run: every map is a failure that says how to install it.

The maps of a thread are independent, so they are drawn ``render.dot_jobs`` at a time (threads
waiting on ``dot`` subprocesses); results are collected by name, so the order they finish in
never shows in the output.
"""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from argmap.errors import MissingDependency, RenderError
from argmap.model import Analysis, ArgumentMap
from argmap.options import RenderOptions
from argmap.render.dot import to_dot
from argmap.render.draw import Drawing, MakeDot, draw_map
from argmap.render.map_index import MapIndex, map_index
from argmap.render.overview import overview_dot
from argmap.render.svg import INSTALL_HINT, stop_drawing

OVERVIEW_MIN_TOPICS = 3  # below this an overview of topics says nothing the map does not
MAX_DOT_JOBS = 4
MAIN, OVERVIEW, HTML_MAP = ".svg", ".overview.svg", "html-map"


@dataclass(frozen=True, slots=True)
class MapFailure:
    """A map that was not drawn: which (by output suffix), what it is, and why."""

    key: str  # the output suffix (".svg", ".overview.svg", ".topic-t03.svg") or "html-map"
    what: str  # "the main map", "the topic overview", "the map of topic 't03: ...'"
    reason: str
    missing_dot: bool = False


@dataclass(frozen=True, slots=True)
class ThreadMaps:
    """The drawings that came out, by key, and the maps that did not."""

    drawings: dict[str, Drawing]
    failures: tuple[MapFailure, ...]


def planned_maps(
    amap: ArgumentMap, analysis: Analysis, options: RenderOptions, *, main: bool = True,
    topic_maps: bool = True, html_map: bool = False,
) -> dict[str, tuple[str, MakeDot]]:
    """Key -> (what it is, how to write its DOT for an aspect and a simple flag), in order."""
    plan: dict[str, tuple[str, MakeDot]] = {}
    index = map_index(amap, analysis)
    if main:
        plan[MAIN] = ("the main map", lambda aspect, simple: to_dot(
            amap, analysis, options, aspect=aspect, simple=simple, index=index))
    if html_map and any(r.confidence < options.min_confidence for r in amap.relations):
        plan[HTML_MAP] = ("the HTML report's map", lambda aspect, simple: to_dot(
            amap, analysis, options, aspect=aspect, simple=simple, uncertain=True, index=index))
    topics = [t for t in amap.topics if not t.is_other]
    if len(topics) >= OVERVIEW_MIN_TOPICS:
        plan[OVERVIEW] = ("the topic overview", lambda aspect, simple: overview_dot(
            amap, analysis, options, aspect=aspect, simple=simple))
    if topic_maps and len(amap.claims) > options.max_claims_per_map:
        for topic in topics:
            plan[f".topic-{topic.id}.svg"] = (
                f"the map of topic {topic.id} ({topic.label})", _topic_maker(
                    amap, analysis, options, topic.id, index))
    return plan


def _topic_maker(
    amap: ArgumentMap, analysis: Analysis, options: RenderOptions, topic_id: str,
    index: MapIndex,
) -> MakeDot:
    return lambda aspect, simple: to_dot(amap, analysis, options, topic_id=topic_id,
                                         aspect=aspect, simple=simple, index=index)


def draw_maps(plan: dict[str, tuple[str, MakeDot]], options: RenderOptions) -> ThreadMaps:
    """Draw every planned map; failures are returned, never raised."""
    if not plan:
        return ThreadMaps({}, ())
    if shutil.which("dot") is None:
        return ThreadMaps({}, tuple(MapFailure(key, what, INSTALL_HINT, missing_dot=True)
                                    for key, (what, _) in plan.items()))
    jobs = options.dot_jobs or min(MAX_DOT_JOBS, os.cpu_count() or 1)
    timeout = options.dot_timeout

    def one(item: tuple[str, tuple[str, MakeDot]]) -> Drawing | MapFailure:
        key, (what, make) = item
        return _draw_one(key, what, make, timeout)

    if jobs <= 1 or len(plan) == 1:
        results = [one(item) for item in plan.items()]
    else:
        pool = ThreadPoolExecutor(max_workers=min(jobs, len(plan)))
        try:
            results = list(pool.map(one, plan.items()))
        except BaseException:  # Ctrl-C: stop the dots now rather than wait out their timeouts
            stop_drawing()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
    drawings = {key: r for key, r in zip(plan, results, strict=True) if isinstance(r, Drawing)}
    failures = tuple(r for r in results if isinstance(r, MapFailure))
    return ThreadMaps(drawings, failures)


def _draw_one(key: str, what: str, make: MakeDot, timeout: float) -> Drawing | MapFailure:
    try:
        return draw_map(make, what, timeout=timeout)
    except MissingDependency as exc:
        return MapFailure(key, what, str(exc), missing_dot=True)
    except RenderError as exc:
        return MapFailure(key, what, getattr(exc, "reason", str(exc)))
    except Exception as exc:  # noqa: BLE001 - one map's bug must not lose the thread's outputs
        return MapFailure(key, what, f"internal error: {type(exc).__name__}: {exc}")


def drawing_svg(maps: ThreadMaps, key: str) -> str | None:
    """A drawing's SVG as text, or None when that map was not drawn."""
    drawing = maps.drawings.get(key)
    return drawing.svg.decode("utf-8") if drawing else None

