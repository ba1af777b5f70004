"""One thread of a corpus: mapped with the stage functions ``argmap map`` runs, and as rows.

``map_thread`` is ``pipeline.build_map`` for one thread with one difference, the point of a
corpus run: topics come from the corpus topic model (``topic_model.CorpusTopics``) instead of
clustering this thread alone, so they are the same topics in every thread. Segmentation,
linking and analysis are the same functions with the same options, and a thread is always
mapped alone, so its result does not depend on the partition, task, worker or ``--jobs`` it
ran in.

``thread_rows`` turns a mapped thread into the rows of the task tables (``schema.TABLES``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from argmap.analysis import analyse
from argmap.analysis.analyser import analyse_each
from argmap.blas import one_blas_thread
from argmap.corpus.sample import segmented
from argmap.corpus.schema import Row, clean, clean_rows
from argmap.corpus.topic_model import CorpusTopics
from argmap.link.batch import Linked, link_each
from argmap.link.linker import link_map
from argmap.model import (
    Analysis,
    ArgumentMap,
    Claim,
    Dropped,
    Evidence,
    Stance,
    Thread,
    Topic,
    post_relation_sort_key,
    relation_sort_key,
)
from argmap.options import Options
from argmap.segment import segment
from argmap.segment.segmenter import SentenceMemo, segment_post

# Test-only hook (documented in the README): a worker mapping a thread that holds one of these
# post ids dies as a segfault would (os._exit), so tests can plant a poison record.
CRASH_ENV = "ARGMAP_TEST_CRASH_ON_POSTS"
CRASH_EXIT = 86
# Test-only hook (documented in the README): every task but the corpus's first (the one that
# starts at bucket 0) sleeps this many milliseconds before it maps, so tests can interrupt a
# run after one task is done and before the others are, however fast the machine is.
SLOW_ENV = "ARGMAP_TEST_TASK_DELAY_MS"


@dataclass(frozen=True, slots=True)
class MappedThread:
    amap: ArgumentMap
    analysis: Analysis
    similarity: dict[str, float]  # claim id -> cosine to its corpus topic's centre


def crash_posts() -> frozenset[str]:
    return frozenset(p for p in os.environ.get(CRASH_ENV, "").split(",") if p)


def task_delay(first_bucket: int) -> None:
    """Sleep ``ARGMAP_TEST_TASK_DELAY_MS`` milliseconds (0 when unset or not a number) unless
    the task starts at bucket 0."""
    if first_bucket == 0:
        return
    try:
        delay = float(os.environ.get(SLOW_ENV, "0"))
    except ValueError:
        return
    if delay > 0:
        time.sleep(delay / 1000)


@dataclass(frozen=True, slots=True)
class Prepared:
    """What ``map_thread`` computes of a thread: claims, drops, topics and, when the threads
    were linked and analysed together, its relations and analysis (None: made alone)."""

    claims: tuple[Claim, ...]
    dropped: tuple[Dropped, ...]
    topics: tuple[Topic, ...]
    similarity: dict[str, float]
    linked: Linked | None = None
    analysis: Analysis | None = None


def map_thread(thread: Thread, topics: CorpusTopics, options: Options,
               poison: frozenset[str] = frozenset(), prepared: Prepared | None = None
               ) -> MappedThread:
    """Segment, corpus topics, link, analyse: one thread, alone. ``prepared``: its first
    stages as ``prepare_threads`` made them (the same values)."""
    if poison and any(p.id in poison for p in thread.posts):
        os._exit(CRASH_EXIT)
    with one_blas_thread():
        if prepared is None:
            kept = segmented(thread, options.segment)  # the topic sample's threads, segmented
            claims, dropped = kept if kept is not None else segment((thread,), options.segment)
            thread_topics, similarity = topics.thread_topics(claims)
        else:
            claims, dropped = prepared.claims, prepared.dropped
            thread_topics, similarity = prepared.topics, prepared.similarity
        if prepared is not None and prepared.linked is not None:
            relations, post_relations = prepared.linked
        else:
            relations, post_relations = link_map((thread,), claims, thread_topics,
                                                 options.link)
    amap = _argument_map(thread, claims, dropped, thread_topics, relations, post_relations,
                         options)
    if prepared is not None and prepared.linked is not None and prepared.analysis is not None:
        return MappedThread(amap, prepared.analysis, similarity)
    return MappedThread(amap, analyse(amap, options.analyse), similarity)


def _argument_map(thread: Thread, claims: tuple[Claim, ...], dropped: tuple[Dropped, ...],
                  topics: tuple[Topic, ...], relations: tuple, post_relations: tuple,
                  options: Options) -> ArgumentMap:
    return ArgumentMap(threads=(thread,), claims=claims, dropped=dropped, topics=topics,
                       relations=relations, options_fingerprint=_fingerprint(options),
                       post_relations=post_relations)


def prepare_threads(threads: Sequence[Thread], topics: CorpusTopics, options: Options,
                    *, summaries: bool = True) -> list[Prepared | None]:
    """Segmentation, corpus topics and links of a task's threads, made together, each
    thread's the same as ``map_thread`` makes alone: posts are segmented one by one
    (``segment`` is a loop over posts) through one sentence memo (exact: ``segment_post``),
    topics assigned in one projection (``CorpusTopics.thread_topics_many``), and the threads
    linked in one pass (``link.batch.link_each``) and analysed in one
    (``analysis.analyser.analyse_each``). A thread whose segmentation raises gets None
    (``map_thread`` then meets the error alone); so does every thread if the assignment
    raises; if linking or analysing raises, ``map_thread`` does that and what follows it alone
    for every thread. ``summaries=False``: the analyses without their key-point summaries
    (``analyse_each``), for a corpus run that writes no per-thread map from them (the tables
    never use them)."""
    memo: SentenceMemo = {}
    found: list[tuple[tuple[Claim, ...], tuple[Dropped, ...]] | None] = []
    for thread in threads:
        kept = segmented(thread, options.segment)
        if kept is None:
            try:
                parts = [segment_post(post, options.segment, memo) for post in thread.posts]
            except Exception:  # noqa: BLE001 - mapped alone later, where it is bisected
                memo = {}  # the failed sentence's entry may be half made
                found.append(None)
                continue
            kept = (tuple(c for claims, _ in parts for c in claims),
                    tuple(d for _, drops in parts for d in drops))
        found.append(kept)
    ready = [f for f in found if f is not None]
    try:
        with one_blas_thread():
            assigned = iter(topics.thread_topics_many([claims for claims, _ in ready]))
        made = [None if f is None else Prepared(f[0], f[1], *next(assigned)) for f in found]
    except Exception:  # noqa: BLE001 - every thread is assigned alone instead
        return [None] * len(threads)
    assigned_threads = [(t, m) for t, m in zip(threads, made, strict=True) if m is not None]
    try:
        with one_blas_thread():
            links = link_each([(t, m.claims, m.topics) for t, m in assigned_threads],
                              options.link)
    except Exception:  # noqa: BLE001 - every thread is linked alone instead
        return made
    try:
        analyses: list[Analysis | None] = list(analyse_each(
            [_argument_map(t, m.claims, m.dropped, m.topics, *link, options)
             for (t, m), link in zip(assigned_threads, links, strict=True)], options.analyse,
            summaries=summaries))
    except Exception:  # noqa: BLE001 - every thread is analysed alone instead
        analyses = [None] * len(assigned_threads)
    done = iter([Prepared(m.claims, m.dropped, m.topics, m.similarity, link, analysis)
                 for (_t, m), link, analysis in zip(assigned_threads, links, analyses,
                                                    strict=True)])
    return [None if m is None else next(done) for m in made]


_LAST_FINGERPRINT: list[tuple[Options, str]] = []


def _fingerprint(options: Options) -> str:
    """``options.fingerprint()``, hashed once for the options a task maps all its threads with
    (the object is kept, so its identity cannot be reused by other options)."""
    if not _LAST_FINGERPRINT or _LAST_FINGERPRINT[0][0] is not options:
        _LAST_FINGERPRINT[:] = [(options, options.fingerprint())]
    return _LAST_FINGERPRINT[0][1]


def _evidence_json(evidence: Sequence[Evidence], memo: dict[int, str] | None = None) -> str:
    """The evidence as a JSON array of {kind, detail, weight}. ``memo`` (one per call of
    ``thread_rows``, keyed by object id while the relations hold the objects): each distinct
    Evidence object serialised once; the linker shares them (the rule evidence, a model
    evidence per distinct figures, a similarity evidence per value), and orjson writes an array
    as its items' own texts joined by commas, so the bytes are those of one ``dumps``."""
    if memo is None:
        return orjson.dumps([_evidence_dict(e) for e in evidence]).decode("utf-8")
    parts = []
    for e in evidence:
        part = memo.get(id(e))
        if part is None:
            part = memo[id(e)] = orjson.dumps(_evidence_dict(e)).decode("utf-8")
        parts.append(part)
    return "[" + ",".join(parts) + "]"


def _evidence_dict(e: Evidence) -> dict:
    return {"kind": e.kind.value, "detail": clean(e.detail), "weight": e.weight}


def thread_rows(mapped: MappedThread) -> dict[str, list[Row]]:
    """Rows of posts, claims, relations, threads and camps for one mapped thread."""
    amap, analysis = mapped.amap, mapped.analysis
    thread = amap.threads[0]
    posts = {p.id: p for p in thread.posts}
    topic_of = {cid: t.id for t in amap.topics for cid in t.claim_ids}
    centrality = dict(analysis.centrality)
    status = dict(analysis.status)
    contested, unanswered = set(analysis.contested), set(analysis.unanswered)
    relations = sorted(amap.relations, key=relation_sort_key)
    attacks_in: dict[str, int] = {}
    supports_in: dict[str, int] = {}
    for r in relations:
        into = attacks_in if r.stance is Stance.ATTACK else supports_in
        into[r.target] = into.get(r.target, 0) + 1
    post_rows = [
        (p.id, thread.id, p.author, p.reply_to, p.created, p.score, p.title, p.source.url,
         ";".join(p.flags), p.source.path, p.source.line, p.text)
        for p in thread.posts
    ]
    claim_rows = [
        (c.id, c.post_id, thread.id, posts[c.post_id].author if c.post_id in posts else None,
         topic_of.get(c.id), round(mapped.similarity.get(c.id, 0.0), 6), c.role.value,
         c.start, c.end, centrality.get(c.id, 0.0), status.get(c.id), c.id in contested,
         c.id in unanswered, attacks_in.get(c.id, 0), supports_in.get(c.id, 0), c.text)
        for c in amap.claims
    ]
    said: dict[int, str] = {}
    relation_rows = [
        (r.source, r.target, thread.id, r.stance.value, float(r.confidence),
         _evidence_json(r.evidence, said))
        for r in relations
    ]
    post_relation_rows = [
        (r.source, r.target, thread.id, r.stance.value, float(r.confidence), r.source_claim,
         r.target_claim, _evidence_json(r.evidence, said))
        for r in sorted(amap.post_relations, key=post_relation_sort_key)
    ]
    attacks = sum(1 for r in relations if r.stance is Stance.ATTACK)
    times = [p.created for p in thread.posts if p.created is not None]
    thread_row = (
        thread.id, thread.title, thread.url, thread.posts[0].source.path if thread.posts else None,
        len(thread.posts), len({p.author for p in thread.posts if p.author}), len(amap.claims),
        len(relations), attacks, len(relations) - attacks, len(contested),
        len(analysis.camps), min(times) if times else None, max(times) if times else None,
    )
    camp_rows = [(thread.id, camp.id, ";".join(camp.authors), len(camp.authors),
                  len(camp.claim_ids)) for camp in analysis.camps]
    tables: dict[str, Sequence[tuple[Any, ...]]] = {
        "posts": post_rows, "claims": claim_rows, "relations": relation_rows,
        "post_relations": post_relation_rows, "threads": [thread_row], "camps": camp_rows}
    return {name: clean_rows(rows) for name, rows in tables.items()}
