"""The relation model's two logits for many candidate pairs at once, equal to the pair-by-pair
``RelationModel.proba_from_parts`` to the last bit.

Why not a sparse feature matrix: the per-pair sum ``partial`` adds its terms in the feature
dict's order, and a float sum depends on its order. Here every term is added to a float64
column in that same order (adding an absent feature's 0.0 changes nothing), so the vectorised
logits are the very numbers the per-pair code computes, and links stay byte-identical. The
features that depend on one text (``side_features``, the child's ``cw_dir`` words) are
looked up once per claim; the pair part is a handful of table look-ups per pair.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .relation_model import SENTIMENT_TERMS, PairContext, RelationModel, TextCues

_POSITIONS = ("reply", "across", "adj_after", "adj_before", "near_after", "far_after",
              "near_before", "far_before")
_CONNECTIVES = ("none", "attack", "backward", "forward", "additive")
_FLAGS = ("parent_first", "parent_last", "child_first", "cconcession", "pconcession",
          "cdisagree", "cagree")


def position_index(ctx: PairContext) -> int:
    """Index in ``_POSITIONS`` of ``relation_model._position(ctx)``."""
    if not ctx.same_post:
        return 0 if ctx.reply or ctx.quoted else 1
    d = ctx.distance
    if d == 1:
        return 2
    if d == -1:
        return 3
    return (4 if abs(d) <= 3 else 5) + (0 if d > 0 else 2)


class BatchScorer:
    """Both heads of one model as look-up tables (rows: attach, stance)."""

    def __init__(self, model: RelationModel) -> None:
        self.heads = (model.attach, model.stance)
        self.intercepts = tuple(h.intercept for h in self.heads)
        self.pos = self._table(lambda p: f"pos:{p}")
        self.cconn = np.stack([self._table(lambda p, c=c: f"pos:{p}|cconn:{c}")
                               for c in _CONNECTIVES], axis=2)  # head x pos x conn
        self.pconn = np.stack([self._table(lambda p, c=c: f"pos:{p}|pconn:{c}")
                               for c in _CONNECTIVES], axis=2)
        self.flags = np.stack([self._table(lambda p, f=f: f"pos:{p}|{f}") for f in _FLAGS],
                              axis=2)
        self.scalars = {name: tuple(h.weights.get(name, 0.0) for h in self.heads)
                        for name in ("sim", "sim_zero", "neg_mismatch", "polarity_x_direction",
                                     *SENTIMENT_TERMS)}
        self.words = {role: self._prefixed(f"{role}w:") for role in ("c", "p")}
        self.cw_dir = self._prefixed("cw_dir:")

    def _table(self, name_of) -> np.ndarray:
        return np.asarray([[h.weights.get(name_of(p), 0.0) for p in _POSITIONS]
                           for h in self.heads], dtype=np.float64)

    def _prefixed(self, prefix: str) -> dict[str, tuple[float, float]]:
        out: dict[str, list[float]] = {}
        for n, head in enumerate(self.heads):
            for name, weight in head.weights.items():
                if name.startswith(prefix):
                    out.setdefault(name[len(prefix):], [0.0, 0.0])[n] = weight
        return {word: (w[0], w[1]) for word, w in out.items()}

    def side(self, cues: TextCues, role: str) -> tuple[float, float]:
        """``RelationModel.side_scores``, term for term in ``side_features`` order."""
        a = s = 0
        words = self.words[role]
        for t in cues.content:
            w = words.get(t)
            if w is not None:
                a, s = a + w[0], s + w[1]
        feats: list[tuple[str, float]] = []
        if cues.tokens:
            feats.append((f"{role}start:{cues.tokens[0]}", 1.0))
        if len(cues.tokens) > 1:
            feats.append((f"{role}start2:{cues.tokens[0]}_{cues.tokens[1]}", 1.0))
        feats.append((f"{role}conn:{cues.connective_class or 'none'}", 1.0))
        for name, value in (
            ("disagree", len(cues.disagree)), ("agree", len(cues.agree)),
            ("neg", len(cues.negations)), ("concession", len(cues.concession)),
            ("normative", cues.normative), ("question", cues.question),
            ("concessive_opener", cues.concessive_opener),
        ):
            if value:
                feats.append((f"{role}{name}", float(min(int(value), 3))))
        feats.append((f"{role}len", math.log1p(len(cues.tokens)) / 4.0))
        ha, hs = self.heads
        for name, value in feats:
            a += ha.weights.get(name, 0.0) * value
            s += hs.weights.get(name, 0.0) * value
        return a, s

    def logits(self, cues: Sequence[TextCues], children: np.ndarray, parents: np.ndarray,
               contexts: Sequence[PairContext]) -> tuple[np.ndarray, np.ndarray]:
        """(attach logit, stance logit) per pair, as ``proba_from_parts`` sums them."""
        # pairs may share one context object (the same placement in a post): read it once
        distinct = {id(x): x for x in contexts}
        row_of = {key: k for k, key in enumerate(distinct)}
        row = np.fromiter((row_of[id(x)] for x in contexts), np.int64, len(contexts))
        return self.logits_by_row(cues, children, parents, list(distinct.values()), row)

    def logits_by_row(self, cues: Sequence[TextCues], children: np.ndarray,
                      parents: np.ndarray, unique: Sequence[PairContext], row: np.ndarray,
                      ) -> tuple[np.ndarray, np.ndarray]:
        """``logits`` with pair k's context given as ``unique[row[k]]``."""
        used = np.unique(np.concatenate([children, parents]))
        side_c = np.zeros((len(cues), 2))
        side_p = np.zeros((len(cues), 2))
        seen: dict[int, tuple] = {}  # claims with the same text share one TextCues
        for i in used.tolist():
            both = seen.get(id(cues[i]))
            if both is None:
                both = seen[id(cues[i])] = (self.side(cues[i], "c"), self.side(cues[i], "p"))
            side_c[i], side_p[i] = both
        n = len(row)
        m = len(unique)
        pos = _positions(unique)[row]
        flag_values = np.column_stack([
            np.fromiter((x.parent_first for x in unique), bool, m),
            np.fromiter((x.parent_last for x in unique), bool, m),
            np.fromiter((x.child_first for x in unique), bool, m)]).reshape(m, 3)[row]
        sims = np.fromiter((np.nan if x.similarity is None else x.similarity
                            for x in unique), np.float64, m)[row]
        missing = np.nonzero(np.isnan(sims))[0]
        sims[missing] = _content_cosines(cues, children[missing], parents[missing])
        claim = _claim_columns(cues)
        cconn, pconn = claim["conn"][children], claim["conn"][parents]
        flags = np.column_stack([flag_values, claim["concession"][children],
                                 claim["concession"][parents], claim["disagree"][children],
                                 claim["agree"][children]])
        neg_mismatch = claim["negated"][children] != claim["negated"][parents]
        direction = claim["direction"][parents]
        polarity = (claim["polarity"][children] * direction).astype(np.float64)
        signed = direction.astype(np.float64)
        terms = (claim["sentiment"][children] * signed,
                 np.minimum(claim["positive"][children], 3) * signed,
                 np.minimum(claim["negative"][children], 3) * signed,
                 claim["sentiment"][parents] * claim["sentiment"][children])
        words = self._cw_dir_table(cues, children)
        out = []
        for h in range(2):
            acc = (self.intercepts[h] + side_p[parents, h]) + side_c[children, h]
            pair = np.zeros(n)
            pair += self.pos[h, pos]
            pair += self.cconn[h, pos, cconn]
            pair += self.pconn[h, pos, pconn]
            pair += self.scalars["sim"][h] * sims
            pair += self.scalars["sim_zero"][h] * (sims == 0.0)
            pair += self.scalars["neg_mismatch"][h] * neg_mismatch
            for f in range(len(_FLAGS)):
                pair += self.flags[h, pos, f] * flags[:, f]
            pair += self.scalars["polarity_x_direction"][h] * polarity
            for name, column in zip(SENTIMENT_TERMS, terms, strict=True):
                pair += self.scalars[name][h] * column
            self._add_cw_dir(pair, words, children, direction.astype(np.float64), h)
            out.append(acc + pair)
        return out[0], out[1]

    def _cw_dir_table(self, cues: Sequence[TextCues], children: np.ndarray):
        """Per claim: how many weighted ``cw_dir`` words it has, where they start in ``flat``
        (rows: the words in content order; columns: the two heads)."""
        lengths = np.zeros(len(cues), dtype=np.int64)
        rows: list[tuple[float, float]] = []
        get = self.cw_dir.get
        for i in np.unique(children).tolist():  # ascending, as the offsets
            weights = [w for t in cues[i].content if (w := get(t))]
            lengths[i] = len(weights)
            rows.extend(weights)
        offsets = np.zeros(len(cues) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        flat = np.asarray(rows, dtype=np.float64).reshape(len(rows), 2)
        return lengths, offsets, flat

    @staticmethod
    def _add_cw_dir(pair: np.ndarray, words, children: np.ndarray, direction: np.ndarray,
                    head: int) -> None:
        """The child's ``cw_dir`` words times the parent's direction, added one word position
        at a time in the child's content order (words without a weight add nothing)."""
        lengths, offsets, flat = words
        active = np.nonzero(lengths[children] > 0)[0]
        j = 0
        while len(active):
            pair[active] += flat[offsets[children[active]] + j, head] * direction[active]
            j += 1
            active = active[lengths[children[active]] > j]


def _content_cosines(cues: Sequence[TextCues], children: np.ndarray,
                     parents: np.ndarray) -> np.ndarray:
    """``similarity_of`` for many pairs: shared content words / sqrt(product of the set sizes),
    the shared count by set intersection (exact integers, so the same floats)."""
    n = len(children)
    if not n:
        return np.zeros(0)
    content = [c.content for c in cues]
    shared = np.fromiter((len(content[c] & content[p]) for c, p in
                          zip(children.tolist(), parents.tolist(), strict=True)), np.float64, n)
    sizes = np.fromiter((len(c) for c in content), np.int64, len(content))
    product = (sizes[children] * sizes[parents]).astype(np.float64)
    out = np.zeros(n)
    ok = product > 0
    out[ok] = shared[ok] / np.sqrt(product[ok])
    return out


def _positions(contexts: Sequence[PairContext]) -> np.ndarray:
    """``position_index`` of every context, from three columns."""
    n = len(contexts)
    same = np.fromiter((x.same_post for x in contexts), bool, n)
    answers = np.fromiter((x.reply or x.quoted for x in contexts), bool, n)
    d = np.fromiter((x.distance for x in contexts), np.int64, n)
    inside = np.where(d == 1, 2, np.where(d == -1, 3, np.where(np.abs(d) <= 3, 4, 5)
                                                               + np.where(d > 0, 0, 2)))
    return np.where(same, inside, np.where(answers, 0, 1)).astype(np.int64)


def _claim_columns(cues: Sequence[TextCues]) -> dict[str, np.ndarray]:
    conn_index = {c: n for n, c in enumerate(_CONNECTIVES)}
    return {
        "conn": np.asarray([conn_index[c.connective_class or "none"] for c in cues], np.int64),
        "concession": np.asarray([bool(c.concession) for c in cues], bool),
        "disagree": np.asarray([bool(c.disagree) for c in cues], bool),
        "agree": np.asarray([bool(c.agree) for c in cues], bool),
        "negated": np.asarray([bool(c.negations) for c in cues], bool),
        "direction": np.asarray([c.direction for c in cues], np.int64),
        "polarity": np.asarray([c.polarity for c in cues], np.int64),
        "sentiment": np.asarray([c.sentiment for c in cues], np.float64),
        "positive": np.asarray([c.positive for c in cues], np.int64),
        "negative": np.asarray([c.negative for c in cues], np.int64),
    }


__all__ = ["BatchScorer", "position_index"]
