"""Progress of a corpus run in records and posts per second, with an estimated time left.

A corpus is usually one file, so counting files says nothing; the runner reports records read
(with the share of input bytes behind them) while partitioning and posts mapped while mapping.
The library never prints: it calls ``progress(event)``; the CLI shows the events on stderr.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ProgressEvent:
    phase: str  # read | topics | map | maps | tables | done | warning
    done: int  # records (read) or posts (map)
    total: int | None  # posts to map; None while reading (the count is not known yet)
    unit: str  # "records" or "posts"
    rate: float  # per second since the phase began
    eta: float | None  # seconds left, when it can be told
    fraction: float | None  # share of the phase done (bytes for read, posts for map)
    message: str = ""  # what a "warning" says


Progress = Callable[[ProgressEvent], None]


class Meter:
    """Turns counts into events with a rate and an ETA, for one phase at a time."""

    def __init__(self, callback: Progress | None) -> None:
        self.callback = callback
        self.phase = ""
        self.started = time.monotonic()

    def begin(self, phase: str) -> None:
        self.phase, self.started = phase, time.monotonic()

    def update(self, done: int, total: int | None, unit: str,
               fraction: float | None = None) -> None:
        if self.callback is None:
            return
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = done / elapsed
        if fraction is None and total:
            fraction = min(1.0, done / total)
        eta = elapsed * (1 - fraction) / fraction if fraction and fraction > 0 else None
        self.callback(ProgressEvent(self.phase, done, total, unit, rate, eta, fraction))

    def warn(self, message: str) -> None:
        """Something the user should know now, not at the end (the phase goes on)."""
        if self.callback is not None:
            self.callback(ProgressEvent("warning", 0, None, "", 0.0, None, None, message))

    def note(self, phase: str) -> None:
        """A phase without counts (fitting topics, writing tables)."""
        self.begin(phase)
        if self.callback is not None:
            self.callback(ProgressEvent(phase, 0, None, "", 0.0, None, None))


def describe(event: ProgressEvent) -> str:
    """One line for a terminal or a log."""
    if event.phase == "warning":
        return f"warning: {event.message}"
    if event.phase in ("topics", "tables", "maps", "report") and not event.unit:
        return {"topics": "fitting the corpus topic model", "tables": "writing the tables",
                "maps": "drawing the selected maps", "report": "writing the report"}[event.phase]
    verb = "reading" if event.phase == "read" else "mapping"
    amount = f"{event.done:,}" + (f"/{event.total:,}" if event.total else "")
    share = f" ({event.fraction:.0%})" if event.fraction is not None else ""
    eta = f", ETA {_clock(event.eta)}" if event.eta is not None else ""
    return f"{verb}: {amount} {event.unit}{share}, {event.rate:,.0f} {event.unit}/s{eta}"


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"
