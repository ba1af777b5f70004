"""One BLAS/OpenMP thread for a block of numeric work, without re-scanning the libraries.

Why: ``threadpoolctl.threadpool_limits`` builds a new controller on every call, and that walks
every shared library of the process and reads files (~10 ms). Maps are made once per thread
of a corpus, so three such calls per map cost more than mapping a small thread does. The
controller is kept and rebuilt only when new modules were imported since (a newly imported
extension may have brought a BLAS or OpenMP runtime the old controller does not know), so the
limit covers exactly what ``threadpool_limits`` would have covered.
"""

from __future__ import annotations

import sys
from contextlib import AbstractContextManager, nullcontext
from typing import Any

_CACHE: dict[str, Any] = {}


def one_blas_thread(user_api: str | None = None) -> AbstractContextManager[object]:
    """``threadpool_limits(limits=1, user_api=user_api)`` with a reused controller."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover - scikit-learn always brings it
        return nullcontext()
    loaded = len(sys.modules)
    controller = _CACHE.get("controller")
    if controller is None or _CACHE.get("modules") != loaded:
        controller = _CACHE["controller"] = ThreadpoolController()
        _CACHE["modules"] = loaded
    return controller.limit(limits=1, user_api=user_api)
