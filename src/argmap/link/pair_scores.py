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
from itertools import chain

import numpy as np

from argmap.link.contexts import PairContexts
from argmap.link.relation_model import (
    LEXICON_PREFIX,
    SENTIMENT_TERMS,
    PairContext,
    RelationModel,
    TextCues,
    lexicon_terms,
)
from argmap.link.sentiment import _SCOPED_WORDS

_POSITIONS = ("reply", "across", "adj_after", "adj_before", "near_after", "far_after",
              "near_before", "far_before")
_CONNECTIVES = ("none", "attack", "backward", "forward", "additive")
_FLAGS = ("parent_first", "parent_last", "child_first", "cconcession", "pconcession",
          "cdisagree", "cagree")
# ``side_features``' count and flag features, in its order (the sum order)
_SIDE_FLAGS = ("disagree", "agree", "neg", "concession", "normative", "question",
               "concessive_opener")
_ZERO = (0.0, 0.0)


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
        # "cw_dir:" (the child's words through the parent's direction) is no feature any more
        # (it only fitted the study data: sealed claim stance +0.027 without it); the weights
        # of an older model file are ignored here as ``pair_features`` ignores them
        self.cw_dir: dict[str, tuple[float, float]] = {}
        self.lexicon = self._prefixed(LEXICON_PREFIX)  # the learned word polarities
        self.lexicon_words = frozenset(self.lexicon)
        # per content word, its (cw, pw, cw_dir) weights: one look-up a word, not three
        # (cw_dir rows carry the value 1.0 beside their two weights, as ``lex:`` rows carry
        # theirs, so one table and one loop add both: d * 1.0 == d, the same floats)
        self.by_word = {w: (self.words["c"].get(w), self.words["p"].get(w),
                            None if w not in self.cw_dir else (*self.cw_dir[w], 1.0))
                        for w in (*self.words["c"], *self.words["p"], *self.cw_dir)}
        # the other ``side_features`` weights per role, their names built once here
        self.start = {r: self._prefixed(f"{r}start:") for r in ("c", "p")}
        self.start2 = {r: self._prefixed(f"{r}start2:") for r in ("c", "p")}
        self.conn = {r: {c: self._pair(f"{r}conn:{c}") for c in _CONNECTIVES} for r in "cp"}
        self.side_flags = {r: tuple(self._pair(f"{r}{f}") for f in _SIDE_FLAGS) for r in "cp"}
        self.length = {r: self._pair(f"{r}len") for r in "cp"}

    def _pair(self, name: str) -> tuple[float, float]:
        return self.heads[0].weights.get(name, 0.0), self.heads[1].weights.get(name, 0.0)

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

    def sides(self, cues: TextCues) -> tuple[float, float, float, float, list]:
        """``RelationModel.side_scores`` of both roles (child attach, stance, parent attach,
        stance) and the text's ``cw_dir`` weights in content order, from one pass over its
        content words. Each role's sum adds the terms of ``side_features`` in its order (the
        words, start, start2, conn, the counts and flags, len), so the floats are the same;
        the feature names are resolved once in ``__init__``, not built per text."""
        ca = cs = pa = ps = 0.0
        directed = []
        by_word = self.by_word
        for t in cues.content:
            w = by_word.get(t)
            if w is not None:
                c, p, d = w
                if c is not None:
                    ca, cs = ca + c[0], cs + c[1]
                if p is not None:
                    pa, ps = pa + p[0], ps + p[1]
                if d is not None:
                    directed.append(d)
        tokens = cues.tokens
        feats: list[tuple[tuple[float, float], tuple[float, float], float]] = []
        if tokens:
            feats.append((self.start["c"].get(tokens[0], _ZERO),
                          self.start["p"].get(tokens[0], _ZERO), 1.0))
        if len(tokens) > 1:
            pair = f"{tokens[0]}_{tokens[1]}"
            feats.append((self.start2["c"].get(pair, _ZERO), self.start2["p"].get(pair, _ZERO),
                          1.0))
        conn = cues.connective_class or "none"
        feats.append((self.conn["c"][conn], self.conn["p"][conn], 1.0))
        fc, fp = self.side_flags["c"], self.side_flags["p"]
        for k, value in enumerate((
            len(cues.disagree), len(cues.agree), len(cues.negations), len(cues.concession),
            cues.normative, cues.question, cues.concessive_opener,
        )):
            if value:
                feats.append((fc[k], fp[k], float(min(int(value), 3))))
        feats.append((self.length["c"], self.length["p"], math.log1p(len(tokens)) / 4.0))
        for wc, wp, amount in feats:
            ca += wc[0] * amount
            cs += wc[1] * amount
            pa += wp[0] * amount
            ps += wp[1] * amount
        return ca, cs, pa, ps, directed

    def lexicon_rows(self, cues: TextCues) -> list[tuple[float, float, float]]:
        """``[(*lexicon[w], v) for w, v in lexicon_terms(cues) if w in lexicon]``: the text's
        learned-polarity words, each with its two weights and its value. A text with no
        negation or decrease word (most: ``signed_words``' own test) signs every content word
        +1, so its rows are the lexicon's words among its content, sorted, each with
        ``1 / sqrt(len(content) + 1)``, made without the other words' terms or the cache."""
        tokens, content, lexicon = cues.tokens, cues.content, self.lexicon
        if _SCOPED_WORDS.isdisjoint(tokens) and "n't " not in " ".join(tokens) + " ":
            value = 1 / math.sqrt(len(content) + 1)
            return [(*lexicon[w], value) for w in sorted(self.lexicon_words.intersection(
                content))]
        return [(*lexicon[w], v) for w, v in lexicon_terms(cues) if w in lexicon]

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
        used = _used(len(cues), children, parents)
        # claims with the same text share one TextCues: score each object once (their order
        # here is the objects' ids; each object's numbers do not depend on it)
        used_cues = [cues[i] for i in used.tolist()]
        ids = np.fromiter(map(id, used_cues), np.uint64, len(used_cues))
        _, first, of_used = np.unique(ids, return_index=True, return_inverse=True)
        per_object = [self.sides(used_cues[k]) for k in first.tolist()]
        lexicon = self.lexicon
        per_object_lex = [self.lexicon_rows(used_cues[k]) for k in first.tolist()] \
            if lexicon else None
        sides = np.asarray([x[:4] for x in per_object], dtype=np.float64).reshape(-1, 4)
        side_c = np.zeros((len(cues), 2))
        side_p = np.zeros((len(cues), 2))
        side_c[used] = sides[of_used, 0:2]
        side_p[used] = sides[of_used, 2:4]
        n = len(row)
        m = len(unique)
        columns = PairContexts.of(unique)
        pos = _positions(columns)[row]
        flag_values = np.column_stack([columns.parent_first, columns.parent_last,
                                       columns.child_first]).reshape(m, 3)[row]
        sims = columns.similarity[row]
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
        words = _word_table(len(cues), used, of_used, [x[4] for x in per_object])
        direction_f = direction.astype(np.float64)
        parts = []
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
            parts.append((acc, pair))
        _add_words(parts[0][1], parts[1][1], words, children, direction_f)
        if per_object_lex is not None:
            _add_words(parts[0][1], parts[1][1],
                       _word_table(len(cues), used, of_used, per_object_lex),
                       children, direction_f)
        return parts[0][0] + parts[0][1], parts[1][0] + parts[1][1]


def _used(n: int, children: np.ndarray, parents: np.ndarray) -> np.ndarray:
    """``np.unique`` of the claims in some pair, by a mask rather than a sort (1M indices)."""
    mask = np.zeros(n, dtype=bool)
    mask[children] = True
    mask[parents] = True
    return np.flatnonzero(mask)


def _word_table(n: int, used: np.ndarray, of_used: np.ndarray, rows: list[list]):
    """Per claim: how many weighted word rows it has and where they start in ``flat`` (rows:
    attach weight, stance weight, value before the parent's direction; 1.0 for ``cw_dir``
    words, the signed length-normalised value for ``lex:`` words), in the order the per-pair
    reference adds them. ``rows`` holds the words of each distinct TextCues; claims sharing
    one point at the same rows."""
    object_lengths = np.fromiter(map(len, rows), np.int64, len(rows))
    starts = np.zeros(len(rows), dtype=np.int64)
    np.cumsum(object_lengths[:-1], out=starts[1:])
    values = chain.from_iterable(chain.from_iterable(rows))
    flat = np.fromiter(values, np.float64, 3 * int(object_lengths.sum())).reshape(-1, 3)
    lengths = np.zeros(n, dtype=np.int64)
    offsets = np.zeros(n, dtype=np.int64)
    lengths[used] = object_lengths[of_used]
    offsets[used] = starts[of_used]
    return lengths, offsets, flat


def _add_words(attach: np.ndarray, stance: np.ndarray, table, children: np.ndarray,
               direction: np.ndarray) -> None:
    """The child's word rows, weight x (parent's direction x value) as ``pair_features`` makes
    the ``cw_dir`` and ``lex:`` features, added to both heads one word position at a time."""
    lengths, offsets, flat = table
    active = np.nonzero(lengths[children] > 0)[0]
    j = 0
    while len(active):
        at = offsets[children[active]] + j
        value = direction[active] * flat[at, 2]
        attach[active] += flat[at, 0] * value
        stance[active] += flat[at, 1] * value
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
    columns = PairContexts.of(contexts)
    same, answers, d = columns.same_post, columns.reply | columns.quoted, columns.distance
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
