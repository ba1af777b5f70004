"""The sealed split, the vector cache and the topic, summary, linking and cost comparisons of
tools/eval_embeddings.py (which adds stance and prints the table). See that file's docstring.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import orjson
from minilm import load_encoder
from sklearn.cluster import KMeans
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score, v_measure_score

import argmap
from argmap.analysis import summarize as summarize_module
from argmap.evaluation.data import document_topic, gold_document
from argmap.evaluation.splits import select
from argmap.evaluation.summaries import coverage_and_redundancy, pick_argmap
from argmap.evaluation.topics import ARGUMENT_OPTIONS, KeyPointGroup, key_point_groups
from argmap.evaluation.topics import topic_group_figures as classic_topic_rows
from argmap.link.candidates import generate_candidates
from argmap.link.relation_model import RelationModel, pair_features
from argmap.link.training import fit_model
from argmap.model import Claim
from argmap.options import LinkOptions
from argmap.topics.clustering import _choose_k

PAIR_CORPORA = ("ibm_claim_stance", "debatepedia_pairs", "argkp", "subreddit_agreement")
SHIPPABLE = ("cdcp", "createdebate_argmin2016", "ibm_claim_stance", "argkp")
FOLDS = 5
Log = Callable[[str], None]


# --- the split: the project's sealed rule (argmap.evaluation.splits) ----------------------
def load_split(data: Path, corpus: str) -> tuple[list[dict], list[dict]]:
    """(study, sealed) records of one dev corpus."""
    path = data / corpus / f"{corpus}.dev.jsonl"
    records = [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]
    return select(corpus, records, "study"), select(corpus, records, "sealed")


@lru_cache(maxsize=2)
def study_model(data: Path) -> RelationModel:
    """The classic relation model trained like the shipped one, on the study parts only."""
    return fit_model({c: load_split(data, c)[0] for c in SHIPPABLE})[0]


def fold_of(group: str) -> int:
    return int.from_bytes(hashlib.sha256(group.encode()).digest()[:4], "big") % FOLDS


# --- vectors -----------------------------------------------------------------------------
class Vectors:
    """Text -> unit vector (float64 rows), each distinct text encoded once; optionally kept
    in an .npz between runs (plain arrays, loaded without pickle)."""

    def __init__(self, cache: Path | None) -> None:
        self.cache, self.rows = cache, np.zeros((0, 384), np.float32)
        self.index: dict[str, int] = {}
        if cache and cache.is_file():
            with np.load(cache, allow_pickle=False) as saved:
                self.rows = saved["rows"]
                self.index = {str(t): i for i, t in enumerate(saved["texts"])}

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        missing = sorted({t for t in texts if t not in self.index})
        if missing:
            self.rows = np.vstack([self.rows, load_encoder().encode(missing)])
            for text in missing:
                self.index[text] = len(self.index)
            if self.cache:
                names = sorted(self.index, key=self.index.__getitem__)
                np.savez(self.cache, rows=self.rows, texts=np.array(names, dtype=str))
        return self.rows[[self.index[t] for t in texts]].astype(np.float64)


def unit(matrix: np.ndarray) -> np.ndarray:
    return matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)


def centred(vectors: Vectors, texts: Sequence[str]) -> np.ndarray:
    """Unit vectors after removing the group mean: the debate's own subject, shared by every
    argument of a group, otherwise dominates every cosine (study V-measure 0.284 -> 0.313)."""
    rows = vectors(texts)
    return unit(rows - rows.mean(axis=0))


# --- topics ------------------------------------------------------------------------------
def vector_topics(points: np.ndarray) -> list[str]:
    """Spherical k-means with the classic k rule and the classic small-topic rule."""
    k = _choose_k(len(points), ARGUMENT_OPTIONS)
    if k < 2:
        return ["0"] * len(points)
    restarts = max(1, min(10, 5_000 // len(points)))
    km = KMeans(n_clusters=k, init="k-means++", n_init=restarts, random_state=0).fit(points)
    labels = (points @ unit(km.cluster_centers_).T).argmax(axis=1)
    sizes = np.bincount(labels, minlength=k)
    return [str(x) if sizes[x] >= ARGUMENT_OPTIONS.min_topic_size else "other" for x in labels]


def _topic_v(records: list[dict], vectors: Vectors) -> tuple[float, float]:
    classic = float(np.mean([r["topic_v_measure"] for r in
                             classic_topic_rows(records, baselines=False)]))
    found = []
    for group in key_point_groups(records):
        single = [(a, t) for a, t in group.arguments if len(group.matches[a]) == 1]
        if len(single) < 2:
            continue
        truth = [group.matches[a][0] for a, _ in single]
        found.append(v_measure_score(truth, vector_topics(centred(vectors, [t for _, t in single]))))
    return classic, float(np.mean(found))


def topic_rows(data: Path, vectors: Vectors, log: Log) -> list[dict]:
    rows = []
    for part, records in zip(("study", "sealed"), load_split(data, "argkp"), strict=True):
        classic, embedded = _topic_v(records, vectors)
        rows.append({"task": "topics", "corpus": f"argkp ({part})", "figure": "V-measure",
                     "classic": classic, "embeddings": embedded})
        log(f"topics: {part}")
    return rows


# --- summaries ---------------------------------------------------------------------------
def _allowed(texts: Sequence[str], k: int) -> np.ndarray:
    """The classic quality floor (8..60 words, relaxed when too few claims pass)."""
    facts = [summarize_module._facts(t) for t in texts]
    for floor in (summarize_module.MIN_WORDS, summarize_module.FALLBACK_MIN_WORDS, 0):
        allowed = np.array([floor == 0 or summarize_module._passes_floor(f, len(set(f.stems)),
                                                                         floor) for f in facts])
        if allowed.sum() >= k:
            break
    return allowed


def facility_location(group: KeyPointGroup, k: int, vectors: Vectors) -> list[str]:
    texts = [t for _, t in group.arguments]
    points = centred(vectors, texts)
    sims, allowed = points @ points.T, _allowed(texts, k)
    best, taken = np.full(len(texts), -1.0), []
    for _ in range(k):
        gain = np.maximum(sims - best[:, None], 0).sum(axis=0)
        gain[~allowed | np.isin(np.arange(len(texts)), taken)] = -np.inf
        pick = int(np.argmax(gain))
        taken.append(pick)
        best = np.maximum(best, sims[:, pick])
    return [group.arguments[i][0] for i in taken]


def concept_mmr(group: KeyPointGroup, k: int, vectors: Vectors, damping: float = 0.3
                ) -> list[str]:
    """The classic concept gain times (1 - damping * cosine to the nearest chosen claim)."""
    texts = [t for _, t in group.arguments]
    facts = [summarize_module._facts(t) for t in texts]
    matrix, weight = summarize_module._concepts(
        summarize_module._term_counts([f.stems for f in facts]))
    points, allowed = centred(vectors, texts), _allowed(texts, k)
    uncovered, unseen, nearest, taken = weight.copy(), np.ones(weight.size), np.zeros(len(texts)), []
    for _ in range(k):
        both = matrix @ np.column_stack((uncovered, unseen))
        score = (both[:, 0] + 1e-4 * both[:, 1]) * (1 - damping * np.clip(nearest, 0, 1))
        score[~allowed | np.isin(np.arange(len(texts)), taken)] = -np.inf
        pick = int(np.argmax(score))
        taken.append(pick)
        nearest = np.maximum(nearest, points @ points[pick])
        words = matrix.indices[matrix.indptr[pick]:matrix.indptr[pick + 1]]
        uncovered[words] = unseen[words] = 0.0
    return [group.arguments[i][0] for i in taken]


def density_prior(group: KeyPointGroup, k: int, vectors: Vectors) -> list[str]:
    """The classic choice, each claim weighted 0.5..1 by how close its 5 nearest are."""
    points = centred(vectors, [t for _, t in group.arguments])
    near = np.sort(points @ points.T, axis=1)[:, -6:-1].mean(axis=1)
    spread = max(float(near.max() - near.min()), 1e-9)
    claims = [Claim(id=a, post_id=a, start=0, end=len(t), text=t) for a, t in group.arguments]
    weights = {c.id: 0.5 + 0.5 * float(x - near.min()) / spread for c, x in zip(claims, near,
                                                                               strict=True)}
    ordered = sorted(claims, key=lambda c: c.id)
    return [ordered[i].id for i in summarize_module.choose(ordered, k, weights)]


SUMMARY_VARIANTS = {"facility location": facility_location, "concept gain damped": concept_mmr,
                    "density prior": density_prior}


def summary_rows(data: Path, vectors: Vectors, log: Log) -> list[dict]:
    rows = []
    for part, records in zip(("study", "sealed"), load_split(data, "argkp"), strict=True):
        groups = [g for g in key_point_groups(records)
                  if g.key_points and len(g.arguments) >= len(g.key_points)]

        def coverage(pick: Callable[[KeyPointGroup, int], list[str]],
                     groups: list[KeyPointGroup] = groups) -> float:
            return float(np.mean([coverage_and_redundancy(pick(g, len(g.key_points)), g.matches,
                                                          g.key_points)[0] for g in groups]))

        classic = coverage(lambda g, k: pick_argmap(g, k, 0)[0])
        variants = {name: coverage(lambda g, k, f=f: f(g, k, vectors))
                    for name, f in SUMMARY_VARIANTS.items()}
        best = "density prior"  # the best of the three on study (0.703 against classic 0.691)
        rows.append({"task": "summaries", "corpus": f"argkp ({part})",
                     "figure": "key-point coverage", "classic": classic,
                     "embeddings": variants["facility location"], "stacked": variants[best],
                     "note": "embeddings: facility location; best variant: density prior; "
                             f"concept gain damped {variants['concept gain damped']:.3f}"})
        log(f"summaries: {part}")
    return rows


# --- linking -----------------------------------------------------------------------------
def candidate_rows(corpus: str, records: list[dict], model: RelationModel,
                   vectors: Vectors) -> np.ndarray:
    """Per candidate pair of the linker: classic attachment logit, vector cosine, same post,
    and whether it is a gold relation."""
    out = []
    for record in records:
        doc = gold_document(record, corpus)
        if not doc.claims:
            continue
        layout, cands = generate_candidates([doc.thread], doc.claims, [document_topic(doc)],
                                            LinkOptions())
        points = vectors([c.text for c in layout.claims])
        for (child, parent), cand in sorted(cands.items()):
            pc, cc = layout.cues[parent], layout.cues[child]
            p = model.proba_from_parts(model.side_scores(pc, "p"), model.side_scores(cc, "c"),
                                       pair_features(pc, cc, cand.ctx))["attach"]
            p = min(max(p, 1e-6), 1 - 1e-6)
            gold = (doc.unit_of_claim[layout.claims[child].id],
                    doc.unit_of_claim[layout.claims[parent].id]) in doc.gold
            out.append((math.log(p / (1 - p)), float(points[child] @ points[parent]),
                        float(cand.ctx.same_post), float(gold)))
    return np.array(out)


def _stack_features(rows: np.ndarray) -> np.ndarray:
    return np.column_stack([rows[:, 0], rows[:, 1], rows[:, 1] * rows[:, 2]])


def linking_rows(data: Path, vectors: Vectors, log: Log) -> list[dict]:
    model = study_model(data)
    corpora = ("arg_microtexts", "arg_microtexts_part2", "cmv_hidey2017")
    parts = {c: load_split(data, c) for c in corpora}
    study = np.vstack([candidate_rows(c, parts[c][0], model, vectors) for c in corpora])
    stacker = LogisticRegression().fit(_stack_features(study), study[:, 3])
    rows = []
    for corpus in corpora:
        sealed = candidate_rows(corpus, parts[corpus][1], model, vectors)
        gold, stacked = sealed[:, 3], stacker.decision_function(_stack_features(sealed))
        for figure, score in (("candidate AUC", roc_auc_score),
                              ("candidate avg. precision", average_precision_score)):
            rows.append({"task": "linking", "corpus": f"{corpus} (sealed)", "figure": figure,
                         "classic": float(score(gold, sealed[:, 0])),
                         "embeddings": float(score(gold, sealed[:, 1])),
                         "stacked": float(score(gold, stacked)),
                         "note": "stack fitted in-domain on study (not shippable)"})
        log(f"linking: {corpus}")
    return rows


# --- cost --------------------------------------------------------------------------------
def cost_rows(data: Path, vectors: Vectors, log: Log) -> list[dict]:
    """Encoding the claims of the seed documents (a fresh encoder, no cache) against building
    their map, in the same process: a ratio holds on a busy machine, seconds do not."""
    seeds = sorted((Path(__file__).resolve().parents[1] / "corpora").glob("*.txt"))
    threads = argmap.read_threads(seeds).threads
    best_build = math.inf
    for _ in range(3):
        start = time.perf_counter()
        amap = argmap.build_map(threads)
        best_build = min(best_build, time.perf_counter() - start)
    texts = [c.text for c in amap.claims] * 4
    load_encoder.cache_clear()
    start = time.perf_counter()
    encoder = load_encoder()
    loaded = time.perf_counter() - start
    best_encode = math.inf
    for _ in range(3):
        encoder.tokenizer._pieces.cache_clear()
        start = time.perf_counter()
        encoder.encode([f"{n} {t}" for n, t in enumerate(texts)])
        best_encode = min(best_encode, (time.perf_counter() - start) / 4)
    log("cost")
    claims = len(amap.claims)
    return [{"task": "cost", "corpus": f"seed documents ({claims} claims)",
             "figure": "encode / build_map time", "classic": 1.0,
             "embeddings": best_encode / best_build,
             "note": f"{claims / best_encode:.0f} claims/s encoded; model load {loaded:.2f} s"}]
