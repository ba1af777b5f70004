"""What every reader returns: threads, the problems met, and how many records were seen."""

from __future__ import annotations

from dataclasses import dataclass

from argmap.model import Problem, Thread


@dataclass(frozen=True, slots=True)
class ReadResult:
    """``records_in`` counts every record that could have become a post, so the conservation
    check ``records_in == posts kept + records skipped`` holds and nothing vanishes silently."""

    threads: tuple[Thread, ...]  # sorted by thread id
    problems: tuple[Problem, ...]  # every skipped record / repair, with path, line, byte_offset
    records_in: int

    @property
    def posts_kept(self) -> int:
        return sum(len(t.posts) for t in self.threads)
