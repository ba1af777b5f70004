"""The pipeline for one collection of threads: segment, cluster, link. Readable in one screen."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from argmap.blas import one_blas_thread
from argmap.link.linker import link_map
from argmap.model import ArgumentMap, Thread
from argmap.options import Options
from argmap.segment import segment
from argmap.topics import cluster

Progress = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)``; library code never prints."""


def build_map(
    threads: Sequence[Thread], options: Options | None = None, progress: Progress | None = None
) -> ArgumentMap:
    """Turn threads into an argument map: claims, topics and support/attack relations."""
    options = options or Options()
    report = progress or (lambda stage, done, total: None)
    ordered = tuple(sorted(threads, key=lambda t: t.id))
    # One BLAS thread: on 2 cores a thread pool costs more than it gains on these matrix
    # sizes, and a fixed thread count keeps floating-point sums identical across runs.
    with one_blas_thread():
        report("segment", 0, 3)
        claims, dropped = segment(ordered, options.segment)
        report("cluster", 1, 3)
        topics = cluster(claims, options.cluster)
        report("link", 2, 3)
        relations, post_relations = link_map(ordered, claims, topics, options.link)
        report("done", 3, 3)
    return ArgumentMap(
        threads=ordered,
        claims=claims,
        dropped=dropped,
        topics=topics,
        relations=relations,
        options_fingerprint=options.fingerprint(),
        post_relations=post_relations,
    )
