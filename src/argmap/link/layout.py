"""What the linker's parts share: the claims laid out by post and thread (``Layout``) and the
records of a candidate pair (``Candidate``, ``Routes`` and the route origins).

Why one module: candidate generation, the across-post columns, the similarity search and the
post-structure rules all read the layout, and the linker reads the pairs they emit. Kept here,
they import this module and not each other (they used to import each other in a circle).
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from argmap.link.contexts import PairContexts
from argmap.link.cues import OpeningCues, TextCues, text_cues
from argmap.link.relation_model import PairContext
from argmap.model import Claim, Evidence, Thread, Topic

REPLY, QUOTE, SIMILARITY, CROSS = range(4)
ORIGINS = ("reply", "quote", "similarity", "cross_thread")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_LINE_BREAK = re.compile(r"\n")
# A post written without blank lines but with line breaks (plain-text exports, the seed
# documents) has one paragraph per line.
LINES_ARE_PARAGRAPHS = True


@dataclass(slots=True)
class Layout:
    """Claims indexed by post and thread, the posts' places in their threads, and each claim's
    text cues (computed once: every claim is in several candidates)."""

    claims: tuple[Claim, ...]
    by_post: dict[str, list[int]]
    post_thread: dict[str, str]
    post_rank: dict[str, int]
    reply_to: dict[str, str | None]
    topic_of: list[str]
    vectors: Any  # scipy CSR matrix, one L2-normalised TF-IDF row per claim
    cues: list[TextCues]
    first: list[bool]  # the claim is the first of its post
    same_paragraph: list[bool]  # the claim and the one before it share a paragraph of a post
    # written in several paragraphs (False for a post's first claim and unparagraphed posts)
    memo: dict = field(default_factory=dict)  # cue-rule results by the flags they read


def make_layout(threads: Sequence[Thread], claims: Sequence[Claim],
                topics: Sequence[Topic], by_thread: bool = False) -> Layout:
    """The layout of the claims. ``by_thread``: each thread's claims vectorised alone (its own
    vocabulary and idf, its columns apart from every other thread's), so each thread's rows
    are the bytes it has when it is laid out alone (``link.batch``)."""
    ordered = tuple(sorted(claims, key=lambda c: (c.post_id, c.start, c.end, c.id)))
    by_post: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(ordered):
        by_post[c.post_id].append(i)
    post_thread, post_rank, reply_to = {}, {}, {}
    for thread in threads:
        for rank, post in enumerate(thread.posts):
            post_thread[post.id], post_rank[post.id] = thread.id, rank
            reply_to[post.id] = post.reply_to
    topic_by_claim = {cid: t.id for t in topics for cid in t.claim_ids}
    topic_of = [topic_by_claim.get(c.id, "other") for c in ordered]
    texts = [c.text for c in ordered]
    first = [False] * len(ordered)
    for members in by_post.values():
        first[members[0]] = True
    if by_thread and len(threads) > 1:
        numbers = {thread.id: n for n, thread in enumerate(threads)}
        thread_of = np.fromiter((numbers[post_thread[c.post_id]] for c in ordered), np.int64,
                                len(ordered))
        vectors = _vectorise_groups(texts, thread_of)
    else:
        vectors = _vectorise(texts)
    return Layout(ordered, dict(by_post), post_thread, post_rank, reply_to, topic_of,
                  vectors, [text_cues(t) for t in texts], first,
                  same_paragraph(threads, ordered, by_post))


_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # CountVectorizer's default token_pattern
# ``_TOKEN`` on lower-case ASCII text: a word character is [a-z0-9_] and a match is a whole
# run of them, so a greedy run of two or more is the same match, found ~1.5x sooner
_ASCII_TOKEN = re.compile(r"[a-z0-9_]{2,}")


def _tokens(text: str) -> list[str]:
    """``_TOKEN.findall(text.lower())``: the vectoriser's tokens of one text."""
    low = text.lower()
    return (_ASCII_TOKEN if low.isascii() else _TOKEN).findall(low)


def _vectorise(texts: list[str]):  # -> scipy.sparse.csr_matrix
    """``TfidfVectorizer(sublinear_tf=True).fit_transform(texts)`` to the bit, in plain numpy.

    Why not scikit-learn itself: a corpus run maps every thread alone, ~45 claims at a time,
    and the estimators' parameter and input validation cost ~3 ms per call, more than the
    arithmetic. The steps are scikit-learn's, in its order: each distinct text tokenised once
    (lowercased, the default token pattern; near-duplicate claims are common), vocabulary ids
    in first-seen order, a row's entries sorted by those ids (``sort_indices``) and then renamed
    to the alphabetical ids (``_sort_features``, which does not re-sort), one row per claim;
    document frequencies over every claim, smoothed idf, ``log(tf) + 1``, times idf, and the
    same L2 kernel (``inplace_csr_row_normalize_l2``), whose sum runs in the stored order.
    ``test_layout_vectorise_same_bits_as_sklearn`` holds it to scikit-learn's bytes.
    Float64, not float32: a float32 cosine carries noise of ~6e-8 between machines (numpy's
    vectorised ``log`` differs by CPU), enough to flip a threshold or a ranking somewhere in a
    large map."""
    from scipy.sparse import csr_matrix

    from argmap.topics.fitting import inplace_csr_row_normalize_l2

    numbers: dict[str, int] = {}
    row = [numbers.setdefault(t, len(numbers)) for t in texts]
    vocabulary: dict[str, int] = {}
    doc_ids: list[list[int]] = []
    doc_counts: list[list[int]] = []
    for text in numbers:
        counts: dict[int, int] = {}
        for token in _tokens(text):
            j = vocabulary.setdefault(token, len(vocabulary))
            counts[j] = counts.get(j, 0) + 1
        ids = sorted(counts)
        doc_ids.append(ids)
        doc_counts.append([counts[j] for j in ids])
    if not vocabulary:  # no words at all
        return csr_matrix((len(texts), 1), dtype=np.float64)
    rename = np.empty(len(vocabulary), dtype=np.int32)
    rename[[vocabulary[t] for t in sorted(vocabulary)]] = np.arange(len(vocabulary),
                                                                    dtype=np.int32)
    lengths = np.fromiter((len(doc_ids[r]) for r in row), np.int64, len(row))
    indptr = np.zeros(len(row) + 1, dtype=np.int32)
    np.cumsum(lengths, out=indptr[1:])
    total = int(indptr[-1])
    indices = rename[np.fromiter((j for r in row for j in doc_ids[r]), np.int64, total)]
    data = np.fromiter((c for r in row for c in doc_counts[r]), np.float64, total)
    df = np.bincount(indices, minlength=len(vocabulary)).astype(np.float64)
    _weigh(data, indices, df, np.full_like(df, fill_value=len(row) + 1, dtype=np.float64))
    matrix = csr_matrix((data, indices, indptr), shape=(len(row), len(vocabulary)))
    inplace_csr_row_normalize_l2(matrix)
    return matrix


def _weigh(data: np.ndarray, indices: np.ndarray, df: np.ndarray, docs: np.ndarray) -> None:
    """Counts ``data`` (of the columns ``indices``) to sublinear TF-IDF weights in place, as
    scikit-learn's smooth idf does: ``(1 + log tf) * (1 + log((docs) / (df + 1)))``, ``docs``
    being each column's document count plus one. One sequence of operations for the
    per-thread and the grouped vectorisers, so their floats are the same bits."""
    df += 1.0
    idf = docs
    idf /= df
    np.log(idf, out=idf)
    idf += 1.0
    np.log(data, data)
    data += 1.0
    data *= idf[indices]


VECTORISE_CHUNK = 2_000  # about this many texts a pass: bounds its arrays (~5 MB, not ~23)


def _vectorise_groups(texts: list[str], group: np.ndarray):  # -> scipy.sparse.csr_matrix
    """``_vectorise`` of each group's texts alone (in their order here), as one matrix: a
    group's rows hold its own matrix's entries in their stored order, its columns shifted past
    the groups before it (in ascending group order), so any product or cosine of two rows of
    one group sums the same floats in the same order as in the group's own matrix.

    Made by ``_vectorise_pass`` over runs of whole groups of about ``VECTORISE_CHUNK`` texts
    (a corpus task links ~375 threads together: one ``_vectorise`` per group cost more than
    its arithmetic, one pass over all of them held ~23 MB of index arrays at once)."""
    from scipy.sparse import csr_matrix

    n = len(texts)
    group = np.asarray(group, dtype=np.int64).reshape(n)
    order = np.argsort(group, kind="stable")  # rows group by group, in text order
    cuts = [0]
    for cut_at in (np.flatnonzero(np.diff(group[order])) + 1).tolist():
        if cut_at - cuts[-1] >= VECTORISE_CHUNK:
            cuts.append(cut_at)
    cuts.append(n)
    data, indices, lengths = [], [], []
    width = 0
    for lo, hi in zip(cuts, cuts[1:], strict=False):
        rows = order[lo:hi]
        part = _vectorise_pass([texts[i] for i in rows.tolist()], group[rows])
        data.append(part.data)
        indices.append(part.indices.astype(np.int64) + width)
        lengths.append(np.diff(part.indptr).astype(np.int64))
        width += part.shape[1]
    data_all, indices_all = np.concatenate(data), np.concatenate(indices)
    length = np.empty(n, dtype=np.int64)
    length[order] = np.concatenate(lengths)  # per text, in text order
    start = np.empty(n, dtype=np.int64)  # where each text's entries sit in ``data_all``
    start[order] = np.cumsum(np.concatenate(lengths)) - np.concatenate(lengths)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(length, out=indptr[1:])
    total = int(indptr[-1])
    take = np.repeat(start - indptr[:-1], length) + np.arange(total, dtype=np.int64)
    index_type = np.int32 if width < 2**31 and total < 2**31 else np.int64
    return csr_matrix((data_all[take], indices_all[take].astype(index_type),
                       indptr.astype(index_type)), shape=(n, max(width, 1)))


def _vectorise_pass(texts: list[str], group: np.ndarray):  # -> scipy.sparse.csr_matrix
    """``_vectorise_groups`` of a few hundred groups in one pass (rows in the order given,
    columns group by group in ascending group order). Each distinct text is tokenised once,
    into pass-wide token numbers; a group's vocabulary order (first seen in the group), its
    alphabetical column ids, a text's entries and counts, the document frequencies and the
    idf are found for all groups at once by sorting keys that hold the group. Every float is
    made by the operations ``_vectorise`` applies to it (``log``, ``/``, ``*``, the row-local
    L2 kernel), so the bits are the same (``test_batch_vectorise_groups_are_each_group_alone``)."""
    from scipy.sparse import csr_matrix

    from argmap.topics.fitting import inplace_csr_row_normalize_l2

    n = len(texts)
    group = np.asarray(group, dtype=np.int64).reshape(n)
    numbers: dict[str, int] = {}
    doc = np.fromiter((numbers.setdefault(t, len(numbers)) for t in texts), np.int64, n)
    vocabulary: dict[str, int] = {}
    tokens = [[vocabulary.setdefault(token, len(vocabulary))
               for token in _tokens(text)] for text in numbers]
    token_count = np.fromiter(map(len, tokens), np.int64, len(tokens))
    flat = np.fromiter(chain.from_iterable(tokens), np.int64, int(token_count.sum()))
    token_start = np.zeros(len(tokens), dtype=np.int64)
    np.cumsum(token_count[:-1], out=token_start[1:])
    alphabetical = np.empty(len(vocabulary), dtype=np.int64)
    alphabetical[[vocabulary[t] for t in sorted(vocabulary)]] = np.arange(len(vocabulary))
    groups, group_of = np.unique(group, return_inverse=True)  # groups numbered in order
    group_of = group_of.reshape(n)
    n_groups = len(groups)
    # each group's distinct texts ("documents"), in the order the group first meets them
    _keys, first_row, doc_of_row = np.unique(group_of * len(numbers) + doc, return_index=True,
                                             return_inverse=True)
    doc_order = np.lexsort((first_row, group_of[first_row]))
    rank = np.empty(len(doc_order), dtype=np.int64)
    rank[doc_order] = np.arange(len(doc_order))
    doc_of_row = rank[doc_of_row.reshape(n)]  # each row's document, numbered in that order
    doc_group = group_of[first_row[doc_order]]
    doc_text = doc[first_row[doc_order]]
    # the documents' tokens, one stream, group by group, in the order the group reads them
    lengths = token_count[doc_text]
    stream_doc = np.repeat(np.arange(len(doc_text), dtype=np.int64), lengths)
    at = np.arange(len(stream_doc), dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths,
                                                                 lengths)
    stream_token = flat[token_start[doc_text][stream_doc] + at]
    stream_group = doc_group[stream_doc]
    width_vocab = max(len(vocabulary), 1)
    # a group's vocabulary: its (group, token) keys, first-seen ids and alphabetical ids
    _words, word_first, word_of = np.unique(stream_group * width_vocab + stream_token,
                                            return_index=True, return_inverse=True)
    word_of = word_of.reshape(len(stream_token))
    word_group = stream_group[word_first]  # ascending: the keys sort by group first
    group_words = np.bincount(word_group, minlength=n_groups)
    group_start = np.zeros(n_groups, dtype=np.int64)
    np.cumsum(group_words[:-1], out=group_start[1:])
    seen = np.empty(len(word_first), dtype=np.int64)  # first-seen id within the group
    by_first = np.argsort(word_first, kind="stable")
    seen[by_first] = np.arange(len(by_first)) - group_start[word_group[by_first]]
    column = np.empty(len(word_first), dtype=np.int64)  # alphabetical id within the group
    by_name = np.lexsort((alphabetical[stream_token[word_first]], word_group))
    column[by_name] = np.arange(len(by_name)) - group_start[word_group[by_name]]
    width = np.where(group_words > 0, group_words, 1)  # an empty vocabulary: one column
    offset = np.zeros(n_groups, dtype=np.int64)
    np.cumsum(width[:-1], out=offset[1:])
    column += offset[word_group]
    # each document's entries in first-seen order, with their counts
    span = int(group_words.max(initial=0)) + 1
    _entries, entry_first, entry_count = np.unique(stream_doc * span + seen[word_of],
                                                   return_index=True, return_counts=True)
    entry_doc = stream_doc[entry_first]
    entry_column = column[word_of[entry_first]]
    doc_entries = np.bincount(entry_doc, minlength=len(doc_text))
    doc_start = np.zeros(len(doc_text), dtype=np.int64)
    np.cumsum(doc_entries[:-1], out=doc_start[1:])
    # one row per text: its document's entries
    row_length = doc_entries[doc_of_row]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(row_length, out=indptr[1:])
    total = int(indptr[-1])
    take = np.repeat(doc_start[doc_of_row] - indptr[:-1], row_length) + np.arange(
        total, dtype=np.int64)
    indices = entry_column[take]
    data = entry_count[take].astype(np.float64)
    columns = int(offset[-1] + width[-1]) if n_groups else 1
    df = np.bincount(indices, minlength=columns).astype(np.float64)
    _weigh(data, indices, df, (np.bincount(group_of, minlength=n_groups) + 1).astype(
        np.float64)[np.repeat(np.arange(n_groups), width)])
    index_type = np.int32 if columns < 2**31 and total < 2**31 else np.int64
    matrix = csr_matrix((data, indices.astype(index_type), indptr.astype(index_type)),
                        shape=(n, max(columns, 1)))
    inplace_csr_row_normalize_l2(matrix)
    return matrix


def cosine(layout: Layout, a: int, b: int) -> float:
    va, vb = layout.vectors[a], layout.vectors[b]
    return float(va.multiply(vb).sum())


def same_paragraph(threads: Sequence[Thread], ordered: tuple[Claim, ...],
                    by_post: dict[str, list[int]]) -> list[bool]:
    """Per claim, "the claim before it is in the same paragraph" (paragraphs: blank-line
    separated blocks; in a post with no blank line, its lines), only in posts with more than
    one paragraph."""
    out = [False] * len(ordered)
    texts = {post.id: post.text for thread in threads for post in thread.posts}
    for post_id, members in by_post.items():
        text = texts.get(post_id, "")
        breaks = [m.end() for m in _PARAGRAPH_BREAK.finditer(text)] if len(members) > 1 else []
        if not breaks and LINES_ARE_PARAGRAPHS and len(members) > 1:
            breaks = [m.end() for m in _LINE_BREAK.finditer(text.strip())]
            breaks = [b + len(text) - len(text.lstrip()) for b in breaks]
        if not breaks:
            continue
        paragraph = [bisect.bisect_right(breaks, ordered[i].start) for i in members]
        if len(set(paragraph)) < 2:
            continue
        for k in range(1, len(members)):
            out[members[k]] = paragraph[k] == paragraph[k - 1]
    return out


@dataclass(slots=True)
class Candidate:
    """A possible edge child -> parent and everything that speaks for it."""

    child: int
    parent: int
    ctx: PairContext
    origin: str  # within | reply | quote | similarity | cross_thread
    evidence: list[Evidence] = field(default_factory=list)
    stance_votes: float = 0.0  # > 0 leans attack, < 0 leans support


@dataclass(slots=True)
class Routes:
    """Route rows in the order the rules emit them; ``head`` indexes ``heads`` (the reply or
    quote evidence, -1 for none), ``opening`` indexes ``openings`` (-1 for none)."""

    child: list[np.ndarray] = field(default_factory=list)
    parent: list[np.ndarray] = field(default_factory=list)
    origin: list[np.ndarray] = field(default_factory=list)
    sim: list[np.ndarray] = field(default_factory=list)  # float64, NaN for quotes
    head: list[np.ndarray] = field(default_factory=list)
    opening: list[np.ndarray] = field(default_factory=list)
    contexts: list[PairContexts] = field(default_factory=list)  # one block per ``add``
    heads: list[Evidence] = field(default_factory=list)
    openings: list[OpeningCues] = field(default_factory=list)

    def add(self, child: ArrayLike, parent: ArrayLike, origin: int, sim: ArrayLike,
            head: ArrayLike, opening: ArrayLike, contexts: PairContexts) -> None:
        """Append rows (one per element of the columns, with its context)."""
        n = len(child)  # type: ignore[arg-type]  # a list or a 1-d array here, never a scalar
        column = np.asarray
        self.child.append(column(child, dtype=np.int64).reshape(n))
        self.parent.append(column(parent, dtype=np.int64).reshape(n))
        self.origin.append(np.full(n, origin, dtype=np.int64))
        self.sim.append(column(sim, dtype=np.float64).reshape(n))
        self.head.append(column(head, dtype=np.int64).reshape(n))
        self.opening.append(column(opening, dtype=np.int64).reshape(n))
        self.contexts.append(contexts)
