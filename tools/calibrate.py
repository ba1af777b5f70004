"""Fit the shipped calibration (``resources/calibration.json``): the linker's edge scores mapped,
per route and stance, to the share of edges that are right, out of fold, on licence-clean data.

Usage: python tools/calibrate.py [--data ../shared/data] [--folds 5] [-o PATH]

What is fitted on what (only corpora whose licence permits a derived model, and only their
study parts: the sealed parts stay for scoring):

* maps of ``cdcp`` and ``createdebate_argmin2016`` threads built by the real pipeline (posts
  segmented by argmap, as ``argmap map`` does; ``evaluation.maps``): each edge is right when
  its two claims stand for the two units of a gold relation with its stance. CDCP gives the
  within-post edges; CreateDebate, where each post is one gold unit, the reply, quote and
  similarity edges (right: the two posts are linked in gold with that stance).
* out of fold: the study records of every corpus are cut into ``--folds`` folds by group; the
  edges of fold k are scored by a relation model trained (as the shipped one) on the study
  parts minus fold k, so no edge is scored by a model that learned from it.

A (route, stance) with fewer than ``MIN_EDGES`` edges gets no map of its own (the route's
pooled map serves it); a route with none borrows: quote <- reply, cross_thread <- similarity.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from argmap.evaluation import load_corpora
from argmap.evaluation.maps import edge_outcomes, map_records
from argmap.evaluation.splits import group_of
from argmap.link import relation_model
from argmap.link.calibration import DEFAULT_CALIBRATION_PATH, ROUTES, Calibration, fit_steps
from argmap.link.relation_model import RelationModel
from argmap.link.training import LICENCES, fit_model
from argmap.options import Options

SHIPPABLE = ("argkp", "cdcp", "createdebate_argmin2016", "ibm_claim_stance")
MAPPED = ("cdcp", "createdebate_argmin2016")
MIN_EDGES = 80
BORROW = {"quote": "reply", "cross_thread": "similarity"}


def fold_of(corpus: str, record: dict, folds: int) -> int:
    digest = hashlib.sha256(f"fold\0{corpus}\0{group_of(corpus, record)}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % folds


@contextlib.contextmanager
def default_model_is(model: RelationModel) -> Iterator[None]:
    """The pipeline loads the default model: point it at the fold's model meanwhile."""
    saved = dict(relation_model._DEFAULT)
    relation_model._DEFAULT["model"] = model
    try:
        yield
    finally:
        relation_model._DEFAULT.clear()
        relation_model._DEFAULT.update(saved)


def out_of_fold_edges(data: Path, folds: int) -> list[tuple[str, str, float, bool]]:
    """(route, stance, score, right) of every edge of the mapped corpora's study parts."""
    corpora = load_corpora([data / c / f"{c}.dev.jsonl" for c in SHIPPABLE], "study")
    options = Options()
    options = replace(options, link=replace(options.link, calibrate=False))
    edges = []
    for k in range(folds):
        train = {c: [r for r in records if fold_of(c, r, folds) != k]
                 for c, records in corpora.items()}
        model, _ = fit_model(train, part="study")
        for corpus in MAPPED:
            test = [r for r in corpora[corpus] if fold_of(corpus, r, folds) == k]
            with default_model_is(model):
                maps = map_records(test, options)
            for record in test:
                amap = maps.get(str(record["id"]))
                if amap is None:
                    continue
                for rel, route, right, _attached in edge_outcomes(record, amap):
                    edges.append((route, rel.stance.value, rel.confidence, bool(right)))
        print(f"fold {k + 1}/{folds}: {len(edges)} edges so far", file=sys.stderr, flush=True)
    return edges


def fit(edges: list[tuple[str, str, float, bool]], folds: int) -> Calibration:
    by_key: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    for route, stance, score, right in edges:
        by_key[route].append((score, right))
        by_key[f"{route}:{stance}"].append((score, right))
    maps = {}
    for key, rows in sorted(by_key.items()):
        if len(rows) >= MIN_EDGES or ":" not in key:
            maps[key] = fit_steps([s for s, _ in rows], [r for _, r in rows])
    borrowed = {}
    for route, source in BORROW.items():
        if route not in maps and source in maps:
            borrowed[route] = source
            for key in [k for k in maps if k == source or k.startswith(source + ":")]:
                maps[route + key[len(source):]] = maps[key]
    missing = [r for r in ROUTES if r not in maps]
    meta = {
        "name": "argmap edge calibration",
        "fitted_on": [{"name": c, "licence": LICENCES[c], "part": "study"} for c in MAPPED],
        "relation_model_trained_on": [{"name": c, "part": "study"} for c in SHIPPABLE],
        "out_of_fold": folds,
        "right_means": "the edge's two claims stand for the units of a gold relation with "
                       "its stance (span overlap >= half of the shorter span)",
        "borrow": borrowed,
        "uncalibrated_routes": missing,
    }
    return Calibration(maps, meta)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path,
                        default=Path(__file__).resolve().parents[2] / "shared" / "data")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("-o", "--out", type=Path, default=DEFAULT_CALIBRATION_PATH)
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        args.data = Path("/work/shared/data")
    edges = out_of_fold_edges(args.data, args.folds)
    calibration = fit(edges, args.folds)
    calibration.save(args.out)
    for key, steps in sorted(calibration.maps.items()):
        print(f"{key:24} {steps.examples:6} edges  " + "  ".join(
            f"{s:.3f}->{v:.3f}" for s, v in zip(steps.starts, steps.values, strict=True)))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
