"""One context manager: Python's cyclic garbage collector paused for a stage.

Why: a stage of a large map allocates around a million short-lived objects (candidate
contexts, token lists, tuples) while the map itself is in memory, and every automatic full
collection they trigger walks the whole heap: at 10k posts ~20 % of the link stage and 0.4 of
2.4 CPU s of analyse. What those stages make holds no reference cycles worth collecting early,
so reference counting frees it just the same, and the output is unaffected.

What a paused stage keeps (the claims, relations, topics it returns) would otherwise all sit in
the youngest generation when the collector comes back, and its first collection would walk
every one of them (a 0.3 s collection at 10k posts). So on the way out they are moved to the
oldest generation without a walk (``gc.freeze`` then ``gc.unfreeze``: two list splices), where
only the next full collection looks at them, as it would have after a few young ones. Nothing
is left frozen, and a process that froze objects itself is left alone.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic collector off for the duration, back on afterwards (if it was on)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if gc.get_freeze_count() == 0:
                gc.freeze()  # every tracked object to the permanent generation ...
                gc.unfreeze()  # ... and back into the oldest one: promoted without a walk
            gc.enable()
