"""Fit the shipped calibration (``resources/calibration.json``): the linker's edge scores mapped,
per route and stance, to the share of edges that are right, out of fold, on licence-clean data.

Usage: python tools/calibrate.py [--data ../shared/data] [--folds 5] [-o PATH] [--edges JSON]

What is fitted on what (only corpora whose licence permits a derived model, and only their
study parts: the sealed parts stay for scoring). A map edge's probability is
P(attached | route, score) x P(stance right | attached, route, stance) (``link.calibration``):

* ``attach:<route>``: maps of ``cdcp`` and ``createdebate_argmin2016`` threads built by the real
  pipeline (posts segmented by argmap, as ``argmap map`` does; ``evaluation.maps``); an edge is
  attached when its two claims stand for the two units of a gold relation, whatever its
  stance. CDCP gives the within-post edges (CreateDebate's units are whole posts: it annotates
  no structure inside a post, so its within-post edges are left out); CreateDebate the reply,
  quote and similarity edges (attached: the two posts are linked in gold).
* ``stance_right``: among attached edges, the share whose stance is right, per stance.
  ``within:support`` from CDCP (which annotates supports only: an upper bound, and the reason
  attacks cannot be measured there); ``across:<stance>`` from CreateDebate's attached across-post
  edges and the IBM claim stance pairs (the pair is a relation by construction: only the stance
  is judged); ``within:attack`` from the same licence-clean stance data, the only licence-clean
  evidence of how often an attack decision has the right stance.
* post-level decisions (``post_stance``) on the same CreateDebate maps, keys ``post`` and
  ``post:agree`` / ``post:disagree`` / ``post:none``: P(right) directly (right when the gold
  post link has that stance; none: no link, or "Clarified").
* out of fold: the study records of every corpus are cut into ``--folds`` folds by group; the
  edges (and IBM pairs) of fold k are scored by a relation model trained (as the shipped one)
  on the study parts minus fold k, so no edge is scored by a model that learned from it.

An across-post route with fewer than ``MIN_EDGES`` edges takes the attachment map of all
across-post edges (the licence-clean threads hold few quotes and similarity links).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from argmap.evaluation import load_corpora
from argmap.evaluation.data import gold_pair, shared_data
from argmap.evaluation.maps import _post_gold, _prefix, edge_outcomes, map_records
from argmap.evaluation.splits import group_of
from argmap.evaluation.stance import predict_labels
from argmap.link import relation_model
from argmap.link.calibration import DEFAULT_CALIBRATION_PATH, ROUTES, Calibration, fit_steps
from argmap.link.relation_model import RelationModel
from argmap.link.training import LICENCES, fit_model
from argmap.options import Options

SHIPPABLE = ("argkp", "cdcp", "createdebate_argmin2016", "ibm_claim_stance")
MAPPED = ("cdcp", "createdebate_argmin2016")
STANCE_PAIRS = ("ibm_claim_stance",)  # licence-clean pairs: a relation, its stance judged
# corpora whose units are whole posts: no gold structure inside a post
NO_WITHIN = ("createdebate_argmin2016",)
MIN_EDGES = 80
# attachment fitted per stance the linker gave the edge, where a route has MIN_EDGES of it
PER_STANCE_ATTACH = True
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


Edge = tuple[str, str, float, bool, bool]  # route, stance, score, right, attached


def out_of_fold_edges(data: Path, folds: int) -> list[Edge]:
    """(route, stance, score, right, attached) of every edge of the mapped corpora's study
    parts, and ("pair", stance, score, right, True) of every licence-clean stance pair."""
    corpora = load_corpora([data / c / f"{c}.dev.jsonl" for c in SHIPPABLE], "study")
    options = Options()
    options = replace(options, link=replace(options.link, calibrate=False))
    edges: list[Edge] = []
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
                    if route == "within" and corpus in NO_WITHIN:
                        continue
                    if corpus in SUPPORT_ONLY and rel.stance.value == "attack":
                        right = False  # never counted for a stance: the corpus has no attacks
                    edges.append((route, rel.stance.value, rel.confidence, bool(right),
                                  bool(attached) or bool(right)))
                edges.extend((*p, True) for p in post_outcomes(record, amap))
        for corpus in STANCE_PAIRS:
            pairs = [gold_pair(r, corpus) for r in corpora[corpus]
                     if fold_of(corpus, r, folds) == k]
            judged: list = []
            predict_labels(pairs, options.link, model, ("support", "attack"), judged)
            gold = [{"support": "support", "pro": "support", "attack": "attack",
                     "con": "attack"}.get(p.label.lower(), p.label) for p in pairs]
            edges.extend(("pair", stance, score, stance == want, True)
                         for (stance, score), want in zip(judged, gold, strict=True))
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


def _share(rows: list[bool]) -> float:
    return round(sum(rows) / len(rows), 4) if rows else 1.0


def fit(edges: list[Edge], folds: int, per_stance_attach: bool = PER_STANCE_ATTACH,
        ) -> Calibration:
    maps = {}
    posts: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    for route, stance, score, right, _attached in edges:
        if route == "post":
            posts["post"].append((score, right))
            posts[f"post:{stance}"].append((score, right))
    for key, rows in sorted(posts.items()):
        if len(rows) >= MIN_POST_DECISIONS or ":" not in key:
            maps[key] = fit_steps([s for s, _ in rows], [r for _, r in rows])
    # attachment: score -> "a gold relation at all", per route; a route with few edges takes
    # the map of every across-post edge
    mapped = [e for e in edges if e[0] in ROUTES]
    across = [(score, attached) for route, _s, score, _r, attached in mapped if route != "within"]
    borrowed = {}
    for route in ROUTES:
        rows = [(score, attached) for r, _s, score, _r, attached in mapped if r == route]
        if route != "within" and len(rows) < MIN_EDGES:
            borrowed[route] = f"all across-post edges ({len(rows)} of its own)"
            rows = across
        maps[f"attach:{route}"] = fit_steps([s for s, _ in rows], [a for _, a in rows])
        if not per_stance_attach or route in borrowed:
            continue
        for stance in ("support", "attack"):  # the linker's stance: a feature of the edge
            rows = [(score, attached) for r, st, score, _r, attached in mapped
                    if r == route and st == stance]
            if len(rows) >= MIN_EDGES:
                maps[f"attach:{route}:{stance}"] = fit_steps([s for s, _ in rows],
                                                             [a for _, a in rows])
    # stance: among attached edges (and the stance pairs, relations by construction), the
    # share whose stance is right, per stance
    within_support = [right for route, stance, _sc, right, attached in mapped
                      if route == "within" and stance == "support" and attached]
    across_rows = {stance: [right for route, st, _sc, right, attached in edges
                            if st == stance and attached
                            and (route == "pair" or route in ROUTES[1:])]
                   for stance in ("support", "attack")}
    stance_right = {"within:support": _share(within_support),
                    "across:support": _share(across_rows["support"]),
                    "across:attack": _share(across_rows["attack"]),
                    "within:attack": _share(across_rows["attack"])}
    counts = {"within:support": len(within_support),
              "across:support": len(across_rows["support"]),
              "across:attack": len(across_rows["attack"]),
              "within:attack": len(across_rows["attack"])}
    meta = {
        "name": "argmap edge calibration",
        "fitted_on": [{"name": c, "licence": LICENCES[c], "part": "study"}
                      for c in (*MAPPED, *STANCE_PAIRS)],
        "relation_model_trained_on": [{"name": c, "part": "study"} for c in SHIPPABLE],
        "out_of_fold": folds,
        "right_means": "the edge's two claims stand for the units of a gold relation with "
                       "its stance (span overlap >= half of the shorter span)",
        "probability": "attach:<route>(score) x stance_right[<route or within/across>:<stance>]",
        "attached_means": "the edge's two claims stand for the units of a gold relation, "
                          "whatever its stance",
        "stance_right_from": {
            "within:support": "cdcp attached within-post edges (cdcp annotates supports only)",
            "across:*": "createdebate_argmin2016 attached across-post edges and "
                        "ibm_claim_stance pairs",
            "within:attack": "as across:attack: no licence-clean corpus annotates attacks "
                             "inside a post"},
        "stance_right_examples": counts,
        "attach_per_stance": per_stance_attach,
        "borrow": borrowed,
    }
    return Calibration(maps, meta, stance_right)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path,
                        default=shared_data(__file__))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("-o", "--out", type=Path, default=DEFAULT_CALIBRATION_PATH)
    parser.add_argument("--pooled-attach", action="store_true",
                        help="one attachment map per route, whatever stance the linker gave")
    parser.add_argument("--edges", type=Path,
                        help="JSON file of the out-of-fold edges: read when it exists (refit "
                             "without mapping again), else written")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        args.data = Path("/work/shared/data")
    if args.edges is not None and args.edges.is_file():
        edges = [tuple(e) for e in json.loads(args.edges.read_text())]
    else:
        edges = out_of_fold_edges(args.data, args.folds)
        if args.edges is not None:
            args.edges.write_text(json.dumps(edges))
    calibration = fit(edges, args.folds, per_stance_attach=not args.pooled_attach)
    calibration.save(args.out)
    for key, share in sorted(calibration.stance_right.items()):
        print(f"stance_right {key:12} {share:.3f}")
    for key, steps in sorted(calibration.maps.items()):
        print(f"{key:24} {steps.examples:6} edges  " + "  ".join(
            f"{s:.3f}->{v:.3f}" for s, v in zip(steps.starts, steps.values, strict=True)))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
