"""Confidence as a probability: the linker's score of an edge mapped to the probability that the
edge is right (a gold relation with its stance), as a product of two parts:

    P(right) = P(attached | route, score) x P(stance right | attached, route, stance)

Why two parts: "is there a relation between these claims" and "which way does it go" are
learned from different licence-clean data. The only licence-clean corpus with claims inside
posts (CDCP) annotates supports alone, so a single map of "right" per (route, stance) fitted
there gave every within-post attack ~0.04: an attack could never be right in that data, which
is a fact about the annotation scheme, not about attacks (on the microtexts within-post attacks
have the right stance ~75 % of the time). The attachment part ``attach:<route>`` is an
isotonic step map of the score fitted on whether the edge is a gold relation at all, whatever
its stance (CDCP inside posts, CreateDebate across posts); the stance part ``stance_right``
is the share of attached edges whose stance is right, per (route, stance), measured where the
data can say it: supports inside a post on CDCP, every stance across posts and every attack on
licence-clean stance data (CreateDebate Disputed/Supported links, IBM claim stance pairs).
Why isotonic: the score is monotone in how likely an edge is attached but not linear; pooled
adjacent violators give a step map that keeps that order (ties inside a step keep the score's
order, because the step's value is the same for all of them and the linker breaks ties by
score).

Post-level decisions (``post``, ``post:<stance>``) and calibrations of the first format (one
map per ``<route>`` / ``<route>:<stance>``) map the score to P(right) directly.

Fitted by ``tools/calibrate.py`` out of fold (each fold's edges scored by a model trained
without that fold) on the study parts of the corpora whose licence permits a derived model
(``training.LICENCES``), and shipped as JSON beside the relation model
(``resources/calibration.json``). No file: scores pass through unchanged.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from argmap.files import canonical_json, write_atomic

CALIBRATION_FORMAT = "argmap-calibration/2"
_FORMATS = ("argmap-calibration/1", CALIBRATION_FORMAT)
DEFAULT_CALIBRATION_PATH = Path(__file__).parents[1] / "resources" / "calibration.json"
ROUTES = ("within", "reply", "quote", "similarity", "cross_thread")
# The default drawing threshold on calibrated confidence (``render.min_confidence``): an edge
# is drawn when it is more likely right than wrong. On the sealed parts this draws edges right
# 50 % of the time on CDCP maps (the licence-clean threads the attachment maps come from), 75 %
# of microtext gold-unit pairs, 67 % of IBM claim-stance pairs, 27 % on CMV maps (README
# "Quality", tools/choose_threshold.py); the rest stay in JSON/tables.
DRAW_THRESHOLD = 0.5
MIN_BLOCK = 40  # examples per step at least: fewer make a staircase of noise


@dataclass(frozen=True, slots=True)
class StepMap:
    """Scores at or above ``starts[k]`` (and below ``starts[k + 1]``) map to ``values[k]``.
    A score below ``starts[0]``, the lowest score the fitting data held, maps to
    ``min(values[0], score)``: the data says nothing about it (the linker keeps no edge that
    low, but a reply that takes no side is scored down to there), so it is not lifted."""

    starts: tuple[float, ...]
    values: tuple[float, ...]
    examples: int = 0

    def __call__(self, score: float) -> float:
        k = bisect.bisect_right(self.starts, score) - 1
        return self.values[k] if k >= 0 else min(self.values[0], score)

    def many(self, scores: np.ndarray) -> np.ndarray:
        scores = np.asarray(scores, dtype=np.float64)
        k = np.searchsorted(np.asarray(self.starts), scores, side="right") - 1
        values = np.asarray(self.values, dtype=np.float64)[np.maximum(k, 0)]
        # below the fitted range: the map's first value (not the first looked-up row's)
        return np.where(k >= 0, values, np.minimum(self.values[0], scores))


def fit_steps(scores: Sequence[float], right: Sequence[bool], min_block: int = MIN_BLOCK,
              ) -> StepMap:
    """Isotonic (non-decreasing) step map from scores to the share right, by pooled adjacent
    violators over the sorted scores, with blocks of at least ``min_block`` examples (equal
    scores never straddle two blocks). Deterministic: sorting by (score, label)."""
    pairs = sorted(zip((float(s) for s in scores), (bool(r) for r in right), strict=True))
    if not pairs:
        return StepMap((0.0,), (0.0,), 0)
    # initial blocks: runs of equal scores, merged until each holds min_block examples
    blocks: list[list[float]] = []  # [start score, sum right, count]
    for score, is_right in pairs:
        if blocks and (blocks[-1][0] == score or blocks[-1][2] < min_block):
            blocks[-1][1] += is_right
            blocks[-1][2] += 1
        else:
            blocks.append([score, float(is_right), 1.0])
    if len(blocks) > 1 and blocks[-1][2] < min_block:  # a short last block joins the one before
        last = blocks.pop()
        blocks[-1][1] += last[1]
        blocks[-1][2] += last[2]
    pooled: list[list[float]] = []
    for block in blocks:
        pooled.append(list(block))
        while len(pooled) > 1 and pooled[-2][1] / pooled[-2][2] >= pooled[-1][1] / pooled[-1][2]:
            top = pooled.pop()
            pooled[-1][1] += top[1]
            pooled[-1][2] += top[2]
    return StepMap(tuple(round(b[0], 6) for b in pooled),
                   tuple(round(b[1] / b[2], 4) for b in pooled), len(pairs))


class Calibration:
    """Step maps (``attach:<route>[:<stance>]``, ``post``, ``post:<stance>``; first format: ``<route>``,
    ``<route>:<stance>``) and the share of attached edges whose stance is right
    (``stance_right``: ``<route>:<stance>``, else ``within:<stance>`` / ``across:<stance>``),
    saved and loaded as JSON text."""

    def __init__(self, maps: dict[str, StepMap], meta: dict[str, Any],
                 stance_right: dict[str, float] | None = None) -> None:
        self.maps = maps
        self.meta = meta
        self.stance_right = dict(stance_right or {})

    def for_edge(self, route: str, stance: str) -> StepMap | None:
        """The direct map of edges of this route and stance ("within:attack"), else of the
        route (post decisions; calibrations of the first format)."""
        return self.maps.get(f"{route}:{stance}") or self.maps.get(route)

    def stance_factor(self, route: str, stance: str) -> float:
        """P(stance right | attached) for an edge of this route and stance (1.0: unknown)."""
        group = "within" if route == "within" else "across"
        return self.stance_right.get(f"{route}:{stance}",
                                     self.stance_right.get(f"{group}:{stance}", 1.0))

    def attach_map(self, route: str, stance: str) -> StepMap | None:
        """P(attached | score) of edges of this route that the linker gave this stance
        (``attach:within:attack``: what made it an attack, a "but", is a feature of the edge,
        not a gold label), else of every edge of the route."""
        return self.maps.get(f"attach:{route}:{stance}") or self.maps.get(f"attach:{route}")

    def apply(self, route: str, stance: str, score: float) -> float:
        attach = self.attach_map(route, stance)
        if attach is not None:  # the product of its rounded parts, rounded: same bytes anywhere
            return round(attach(score) * self.stance_factor(route, stance), 4)
        steps = self.for_edge(route, stance)
        return score if steps is None else steps(score)

    def apply_many(self, routes: np.ndarray, attack: np.ndarray, scores: np.ndarray,
                   ) -> np.ndarray:
        """Calibrated confidence per row; ``routes`` holds indices into ``ROUTES``,
        ``attack`` the stance (True: attack). Equal to ``apply`` row by row."""
        out = np.asarray(scores, dtype=np.float64).copy()
        for code, route in enumerate(ROUTES):
            for is_attack, stance in ((False, "support"), (True, "attack")):
                rows = np.nonzero((routes == code) & (attack == is_attack))[0]
                if not len(rows):
                    continue
                attach = self.attach_map(route, stance)
                if attach is not None:
                    factor = self.stance_factor(route, stance)
                    out[rows] = [round(v * factor, 4) for v in attach.many(out[rows]).tolist()]
                    continue
                steps = self.for_edge(route, stance)
                if steps is not None:
                    out[rows] = steps.many(out[rows])
        return out

    def to_json(self) -> dict[str, Any]:
        return {"format": CALIBRATION_FORMAT, **self.meta, "routes": {
            route: {"starts": list(m.starts), "values": list(m.values), "examples": m.examples}
            for route, m in sorted(self.maps.items())},
            "stance_right": dict(sorted(self.stance_right.items()))}

    def save(self, path: str | Path) -> None:
        write_atomic(path, canonical_json(self.to_json()))

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Calibration:
        if data.get("format") not in _FORMATS:
            raise ValueError(f"not an argmap calibration (format {data.get('format')!r})")
        maps = {route: StepMap(tuple(float(x) for x in m["starts"]),
                               tuple(float(x) for x in m["values"]), int(m.get("examples", 0)))
                for route, m in data["routes"].items()}
        stance_right = {k: float(v) for k, v in data.get("stance_right", {}).items()}
        meta = {k: v for k, v in data.items() if k not in ("format", "routes", "stance_right")}
        return cls(maps, meta, stance_right)

    @classmethod
    def load(cls, path: str | Path) -> Calibration:
        return cls.from_json(orjson.loads(Path(path).read_bytes()))


_DEFAULT: dict[str, Calibration | None] = {}


def default_calibration() -> Calibration | None:
    """The shipped calibration, loaded once; None when the resource file is absent."""
    if "calibration" not in _DEFAULT:
        _DEFAULT["calibration"] = (Calibration.load(DEFAULT_CALIBRATION_PATH)
                                   if DEFAULT_CALIBRATION_PATH.is_file() else None)
    return _DEFAULT["calibration"]
