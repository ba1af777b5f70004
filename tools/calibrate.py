"""Fit the shipped calibration (``resources/calibration.json``): the linker's edge scores mapped,
per route and stance, to the share of edges that are right, out of fold, on licence-clean data.

Usage: python tools/calibrate.py [--data ../shared/data] [--folds 5] [-o PATH]

What is fitted on what (only corpora whose licence permits a derived model, and only their
study parts: the sealed parts stay for scoring):

* maps of ``cdcp`` and ``createdebate_argmin2016`` threads built by the real pipeline (posts
  segmented by argmap, as ``argmap map`` does; ``evaluation.maps``): each edge is right when
  its two claims stand for the two units of a gold relation with its stance. CDCP gives the
  within-post edges; CreateDebate, where each post is one gold unit, the reply, quote and
  similarity edges (right: the two posts are linked in gold with that stance). CDCP annotates
  supports only, so its attack edges count as right when they are a gold relation at all.
* post-level decisions (``post_stance``) on the same CreateDebate maps, keys ``post`` and
  ``post:agree`` / ``post:disagree`` / ``post:none``: right when the gold post link has that
  stance (none: no link, or "Clarified").
* out of fold: the study records of every corpus are cut into ``--folds`` folds by group; the
  edges of fold k are scored by a relation model trained (as the shipped one) on the study
  parts minus fold k, so no edge is scored by a model that learned from it.

A (route, stance) with fewer than ``MIN_EDGES`` edges gets no map of its own (the route's
pooled map serves it); an across-post route with fewer than ``MIN_EDGES`` edges takes the map
of all across-post edges (the licence-clean threads hold few quotes and similarity links).
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
from argmap.evaluation.maps import _post_gold, _prefix, edge_outcomes, map_records
from argmap.evaluation.splits import group_of
from argmap.link import relation_model
from argmap.link.calibration import DEFAULT_CALIBRATION_PATH, ROUTES, Calibration, fit_steps
from argmap.link.relation_model import RelationModel
from argmap.link.training import LICENCES, fit_model
from argmap.options import Options

SHIPPABLE = ("argkp", "cdcp", "createdebate_argmin2016", "ibm_claim_stance")
MAPPED = ("cdcp", "createdebate_argmin2016")
MIN_EDGES = 80
MIN_POST_DECISIONS = 20  # the licence-clean threads hold ~90 replies: a stance gets a map at 20
# CDCP annotates supports only: an attack edge on a gold relation may be right or wrong in
# stance, so it counts as right when it is a gold relation at all (an upper bound)
SUPPORT_ONLY = ("cdcp",)


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
                for rel, route, right, attached in edge_outcomes(record, amap):
                    if corpus in SUPPORT_ONLY and rel.stance.value == "attack":
                        right = attached  # the corpus annotates no attacks: stance unknowable
                    edges.append((route, rel.stance.value, rel.confidence, bool(right)))
                edges.extend(post_outcomes(record, amap))
        print(f"fold {k + 1}/{folds}: {len(edges)} edges so far", file=sys.stderr, flush=True)
    return edges


def post_outcomes(record: dict, amap) -> list[tuple[str, str, float, bool]]:
    """("post", stance, score, right) of each post-level decision: agree is right when the gold
    relations from the reply to the post it answers are mostly supports, disagree when mostly
    attacks, none when there is no such gold relation or only ones with no stance
    (CreateDebate's "Clarified")."""
    prefix = _prefix(record, amap)
    gold = _post_gold(record, prefix)
    out = []
    for decision in amap.post_relations:
        stances = gold.get((decision.source, decision.target), set())
        want = {"agree": "support", "disagree": "attack"}.get(decision.stance.value)
        right = (want in stances) if want else not stances
        out.append(("post", decision.stance.value, decision.confidence, right))
    return out


def fit(edges: list[tuple[str, str, float, bool]], folds: int) -> Calibration:
    by_key: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    for route, stance, score, right in edges:
        by_key[route].append((score, right))
        by_key[f"{route}:{stance}"].append((score, right))
    maps = {}
    for key, rows in sorted(by_key.items()):
        least = MIN_POST_DECISIONS if key.startswith("post") else MIN_EDGES
        if len(rows) >= least or ":" not in key:
            maps[key] = fit_steps([s for s, _ in rows], [r for _, r in rows])
    # a route with too few edges of its own takes the map of every across-post edge
    across = [(score, right) for route, _stance, score, right in edges
              if route not in ("within", "post")]
    borrowed = {}
    for route in ROUTES[1:]:
        if len(by_key.get(route, ())) < MIN_EDGES:
            borrowed[route] = f"all across-post edges ({len(by_key.get(route, ()))} of its own)"
            for key in [k for k in maps if k == route or k.startswith(route + ":")]:
                del maps[key]
            maps[route] = fit_steps([s for s, _ in across], [r for _, r in across])
    missing = [r for r in (*ROUTES, "post") if r not in maps]
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
