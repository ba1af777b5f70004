"""What every reader returns: threads, the problems met, and how many records were seen.

Problems are of two kinds. Most mean something in the input was *left out* (a record skipped,
a text cut, data after damage lost): a run that met one finished only partly (exit 3). The
others are *repairs and notes* that lose nothing: an orphan reply hung under the thread's root,
a reply cycle cut, bad bytes replaced, replies the export itself did not include. They are
reported, but the run is complete (exit 0). Unknown codes count as losses: when in doubt, say.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from argmap.model import Problem, Thread

REPAIRS = frozenset({
    "orphan_reply",  # a reply to a post that is not in the input: kept under the thread root
    "reply_cycle",  # replies that loop: cut at the smallest id, every post kept
    "self_reply",  # a post that replies to itself: kept as a root
    "duplicate_number",  # a repeated CreateDebate post number: kept under a new id
    "invalid_utf8_repaired",  # bad bytes in a text file: replaced with U+FFFD, text kept
    "partial_thread",  # an item tree saved from a reply: that reply is the root
    "more_replies",  # the export says N replies were not loaded (Reddit "more" stubs)
    "posts_not_loaded",  # a Discourse page holds only part of its topic
    "bad_topic_id",  # a Discourse topic id of the wrong type: the thread named otherwise
    "binary_metadata_ignored",  # ConvoKit pickles, never loaded (the posts are all read)
    "symlink_loop",  # a link back into a folder being read: its files are read once
    "duplicate_folder",  # a second way into a folder already read
    "duplicate_file",  # a second name for a file already read
})


def is_loss(problem: Problem) -> bool:
    """Did this problem leave something of the input out of the map?"""
    return problem.code not in REPAIRS


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """One file read: its sniffed (or given) format, its compression, its record counts."""

    path: str
    format: str
    codec: str | None
    records_in: int
    posts_kept: int


class Totals(Protocol):
    """What the conservation counts are made from: every record in, the posts kept, and the
    problems met."""

    @property
    def records_in(self) -> int: ...

    @property
    def posts_kept(self) -> int: ...

    @property
    def problems(self) -> tuple[Problem, ...]: ...


class Counts(Totals, Protocol):
    """What the error budget judges: ``ReadResult``, or ``inspect``'s survey of a dump."""

    @property
    def skipped(self) -> int: ...

    @property
    def losses(self) -> tuple[Problem, ...]: ...


class Tally:
    """``skipped`` and ``losses`` worked out in one place from ``Totals``, for ``ReadResult``
    and ``inspect``'s ``Survey`` alike: the two must agree on what a skipped record and a loss
    are, or ``inspect`` and ``map`` judge one file's error budget differently."""

    __slots__ = ()

    @property
    def skipped(self: Totals) -> int:
        """Records read but not kept as posts (malformed, duplicate, over a cap)."""
        return self.records_in - self.posts_kept

    @property
    def losses(self: Totals) -> tuple[Problem, ...]:
        """The problems that left something out (see the module docstring)."""
        return tuple(p for p in self.problems if is_loss(p))


@dataclass(frozen=True, slots=True)
class ReadResult(Tally):
    """``records_in`` counts every record that could have become a post, so the conservation
    check ``records_in == posts_kept + skipped`` holds and nothing vanishes silently."""

    threads: tuple[Thread, ...]  # sorted by thread id
    problems: tuple[Problem, ...]  # every skipped record / repair, with path, line, byte_offset
    records_in: int
    sources: tuple[SourceInfo, ...] = ()  # one per file, in reading order

    @property
    def posts_kept(self) -> int:
        return sum(len(t.posts) for t in self.threads)
