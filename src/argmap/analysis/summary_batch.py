"""``summarize.summarize`` for all groups of one map's claims at once (threads, topics, camps).

Why a second path: analysis summarises about 1,300 groups at 10k posts (~166k claim
memberships), and ``summarize`` spends its time per claim in Python (sorting by id, text facts
and weights, the quality floor, equal texts) and per group in numpy and scipy call overhead
(about 1 ms a group). Here the per-claim facts are numpy columns computed once for the map,
and the groups are the diagonal blocks of one claim x term matrix: a group's rows (its claims
in id order) and its own term columns, laid out as ``summarize._term_counts`` lays them out.
Every row sum, column count and row norm is then the one the group alone gives, and the
sparse products run scipy's ``@`` (its ``csr_matvecs`` kernel) on the same entries in
the same order, so items and shares are the same to the last bit (checked against
``summarize`` on the benchmark maps for k = 1, 3, 5, 8); ``summarize`` stays the reference and
the entry point for single groups.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import chain

import numpy as np
from scipy import sparse

from argmap.analysis.summarize import (
    CONCEPT_POWER,
    FALLBACK_MIN_WORDS,
    MAX_CONCEPT_SHARE,
    MAX_WORDS,
    MIN_CONCEPT_CLAIMS,
    MIN_CONTENT_WORDS,
    MIN_WORDS,
    SUBJECT_DAMPING,
    inplace_csr_row_normalize_l2,
)
from argmap.model import Claim, SummaryItem
from argmap.robust import first_max, group_first_max, settle
from argmap.topics.clustering import content_word_tuple
from argmap.topics.term_counts import index_ranges, summed_counts


def _csr(data: np.ndarray, indices: np.ndarray, indptr: np.ndarray,
         shape: tuple[int, int]) -> sparse.csr_matrix:
    """A CSR matrix on these very arrays (no copy, no sorting: entries stay in their order,
    which is the order the products add them in)."""
    return sparse.csr_matrix((data, indices, indptr), shape=shape, copy=False)


class GroupSummariser:
    """Summaries of groups of ``claims`` (given as index arrays into it), equal to
    ``summarize(members, k, urls=urls, weights=weights, text_cache=...)`` group by group."""

    def __init__(self, claims: Sequence[Claim], weights: Mapping[str, float] | None,
                 urls: Mapping[str, str] | None) -> None:
        self.claims = tuple(claims)
        self.urls = urls or {}
        n = len(self.claims)
        # per distinct text, what ``summarize._facts`` computes of it
        number: dict[str, int] = {}
        of_claim = np.fromiter((number.setdefault(c.text, len(number)) for c in self.claims),
                               np.int64, n)
        stems = [[stem for stem, _ in content_word_tuple(text)] for text in number]
        # stems as ranks in the sorted vocabulary of all texts (``summarize.rank_stems``)
        rank = {stem: i for i, stem in enumerate(sorted(set(chain.from_iterable(stems))))}
        self.flat = np.fromiter(map(rank.__getitem__, chain.from_iterable(stems)), np.int64)
        text_lengths = np.fromiter(map(len, stems), np.int64, len(stems))
        self.lengths = text_lengths[of_claim]
        self.offsets = (np.cumsum(text_lengths) - text_lengths)[of_claim]
        self.words = np.fromiter((len(text.split()) for text in number), np.int64,
                                 len(number))[of_claim]
        same: dict[str, int] = {}
        self.same_text = np.fromiter(
            (same.setdefault(" ".join(text.lower().split()), len(same)) for text in number),
            np.int64, len(number))[of_claim]
        # claim id -> its rank among the sorted ids (equal ids, equal rank): a stable argsort
        # of a group's ranks is ``sorted(group, key=id)``
        distinct_ids = sorted({claim.id for claim in self.claims})
        id_rank = {cid: r for r, cid in enumerate(distinct_ids)}
        self.rank = np.fromiter((id_rank[claim.id] for claim in self.claims), np.int64, n)
        self.prior_raw = None if not weights else np.array(
            [max(float(weights.get(claim.id, 0.0)), 0.0) for claim in self.claims],
            dtype=np.float64).reshape(n)

    def summarize_all(self, groups: Sequence[np.ndarray], k: int
                      ) -> list[tuple[SummaryItem, ...]]:
        """``summarize.summarize`` of every group (index arrays into ``claims``, non-empty) at
        once. The groups are blocks of one claim x term matrix (a group's rows, in id order,
        and its own term columns), so every row sum, column count and per-row norm is the one
        the group alone gives; the greedy choice runs its k steps for all groups together
        (per group: the first row of highest score, as ``np.argmax`` picks)."""
        n_groups = len(groups)
        if k <= 0 or n_groups == 0:
            return [() for _ in groups]
        sizes = np.fromiter(map(len, groups), np.int64, n_groups)
        # no group has more items to pick than claims (analyse.summary_size=2**31 allocated a
        # groups x 2**31 array); capped, every pick, floor and share is the same
        k = min(k, int(sizes.max()))
        raw = np.concatenate(groups).astype(np.int64)
        gid = np.repeat(np.arange(n_groups), sizes)
        members = raw[np.lexsort((self.rank[raw], gid))]  # stable: by group, then by id
        m, gstart = len(members), np.cumsum(sizes) - sizes
        # term columns: (group, stem rank) pairs, ordered so; a group's first sight of each
        lengths = self.lengths[members]
        tokens = self.flat[index_ranges(self.offsets[members], lengths)]
        token_row = np.repeat(np.arange(m), lengths)
        width = int(self.flat.max()) + 1 if len(self.flat) else 1
        keys, first_at, column = np.unique(gid[token_row] * width + tokens, return_index=True,
                                           return_inverse=True)
        n_columns = len(keys)
        column_size = sizes[keys // width]  # the size of the column's group
        by_sight = np.argsort(first_at)
        sight = np.empty(n_columns, dtype=np.int64)
        sight[by_sight] = np.arange(n_columns)
        summed = summed_counts(token_row, sight[column], m, n_columns)
        assert summed is not None  # rows ascend by construction
        indptr, distinct = summed.indptr, np.diff(summed.indptr)
        counts = _csr(summed.data, by_sight[summed.indices].astype(np.int32), indptr,
                      (m, n_columns))
        picks = self._choose_all(members, gid, gstart, sizes, k, counts, column_size)
        shares = _shares_all(counts, picks, gid, gstart, sizes, column_size, distinct)
        out: list[tuple[SummaryItem, ...]] = []
        for g, (row, share_row) in enumerate(zip(picks.tolist(), shares, strict=True)):
            items = []
            for local, share in zip(row, share_row, strict=False):
                if local < 0:
                    break
                claim = self.claims[int(members[gstart[g] + local])]
                items.append(SummaryItem(
                    claim_id=claim.id, post_id=claim.post_id, text=claim.text, share=share,
                    url=self.urls.get(claim.id) or self.urls.get(claim.post_id)))
            out.append(tuple(items))
        return out

    def _choose_all(self, members: np.ndarray, gid: np.ndarray, gstart: np.ndarray,
                    sizes: np.ndarray, k: int, counts: sparse.csr_matrix, column_size: np.ndarray,
                    ) -> np.ndarray:
        """``summarize._choose`` of every group: groups x k local row indices (-1: none)."""
        m, n_columns = counts.shape
        n_groups = len(sizes)
        distinct = np.diff(counts.indptr)
        words = self.words[members]
        allowed = np.ones(m, dtype=bool)
        decided = np.zeros(n_groups, dtype=bool)
        for floor in (MIN_WORDS, FALLBACK_MIN_WORDS, 0):
            ok = (np.ones(m, dtype=bool) if floor == 0 else
                  (floor <= words) & (words <= MAX_WORDS) & (distinct >= MIN_CONTENT_WORDS))
            enough = np.bincount(gid, weights=ok, minlength=n_groups) >= k
            take = ~decided & (enough | (floor == 0))
            allowed[take[gid]] = ok[take[gid]]
            decided |= take
        # concepts: binary rows with sorted columns, as ``summarize._concepts``
        row_of = np.repeat(np.arange(m, dtype=np.int64), distinct)
        keyed = np.sort(row_of * max(n_columns, 1) + counts.indices)
        binary = _csr(np.ones(len(keyed)), (keyed - row_of * max(n_columns, 1)).astype(np.int32),
                      counts.indptr, counts.shape)
        claims_with = np.bincount(binary.indices, minlength=n_columns).astype(np.float64)
        weight = claims_with**CONCEPT_POWER * (1.0 - claims_with / column_size) ** SUBJECT_DAMPING
        weight[claims_with < MIN_CONCEPT_CLAIMS] = 0.0
        weight[(column_size >= 10) & (claims_with > MAX_CONCEPT_SHARE * column_size)] = 0.0
        if self.prior_raw is None:
            prior = np.ones(m)
        else:
            raw = self.prior_raw[members]
            top = np.maximum.reduceat(raw, gstart)[gid]
            prior = np.where(top > 0, 0.5 + 0.5 * (raw / np.where(top > 0, top, 1.0)), 1.0)
        uncovered = weight.copy()
        unseen = np.ones(n_columns)
        pair = np.unique(gid * (int(self.same_text.max()) + 1) + self.same_text[members],
                         return_inverse=True)[1].reshape(m)
        pair_blocked = np.zeros(int(pair.max()) + 1, dtype=bool)
        blocked = ~allowed
        limit = np.minimum(k, sizes)
        active = limit > 0
        picks = np.full((n_groups, k), -1, dtype=np.int64)
        for step in range(k):
            if not active.any():
                break
            both = binary @ np.column_stack((uncovered, unseen))
            score = prior * (both[:, 0] + 1e-4 * both[:, 1])
            score[blocked] = -np.inf
            # per group the first row within the tolerance of its best (``first_max_index``)
            pick = group_first_max(score, gstart)
            active &= pick < m
            pick = np.minimum(pick, m - 1)
            rows = pick[active]
            picks[active, step] = rows - gstart[active]
            pair_blocked[pair[rows]] = True
            blocked |= pair_blocked[pair]
            terms = binary.indices[index_ranges(binary.indptr[rows], distinct[rows])]
            uncovered[terms] = 0.0
            unseen[terms] = 0.0
            active &= step + 1 < limit
        return picks


def _shares_all(counts: sparse.csr_matrix, picks: np.ndarray, gid: np.ndarray, gstart: np.ndarray,
                sizes: np.ndarray, column_size: np.ndarray, distinct: np.ndarray,
                ) -> list[list[float]]:
    """``summarize._shares`` of every group: its chosen rows' TF-IDF as dense columns (group
    g's j-th choice in column j, on g's term columns only), so each row's similarities are
    its group's, summed as the sparse product sums them."""
    m, n_columns = counts.shape
    n_groups, k = picks.shape
    df = np.bincount(counts.indices, minlength=n_columns).astype(np.float64)
    df += 1.0
    idf = (column_size + 1).astype(np.float64)
    idf /= df
    np.log(idf, out=idf)
    idf += 1.0
    data = counts.data.copy()
    np.log(data, data)
    data += 1.0
    data *= idf[counts.indices]
    tfidf = _csr(data, counts.indices, counts.indptr, counts.shape)
    inplace_csr_row_normalize_l2(tfidf)
    data = tfidf.data
    chosen_group, chosen_slot = np.nonzero(picks >= 0)
    rows = gstart[chosen_group] + picks[chosen_group, chosen_slot]
    entries = index_ranges(counts.indptr[rows], distinct[rows])
    columns = np.zeros((n_columns, k))
    columns[counts.indices[entries], np.repeat(chosen_slot, distinct[rows])] = data[entries]
    sims = tfidf @ columns
    nearest = first_max(sims, axis=1)
    represented = settle(sims.max(axis=1)) > 0
    per_item = np.bincount(gid[represented] * k + nearest[represented],
                           minlength=n_groups * k).reshape(n_groups, k).tolist()
    return [[round(float(c) / n, 6) for c in row] for row, n in zip(per_item, sizes.tolist(),
                                                                     strict=True)]
