"""argmap: turn online discussions into argument maps, offline and deterministically.

The public API in five lines::

    import argmap
    threads = argmap.read_threads(["thread.jsonl"]).threads
    amap = argmap.build_map(threads)
    analysis = argmap.analyse(amap)
    argmap.write_outputs(amap, analysis, "out/")   # or render_map / export_map

Names are loaded on first use so ``import argmap`` stays cheap (scikit-learn and NLTK load
only when a stage runs).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from argmap.errors import (
    ArgmapError,
    InputError,
    MissingDependency,
    OptionsError,
    OutputError,
    RenderError,
)
from argmap.model import (
    Analysis,
    ArgumentMap,
    Claim,
    Dropped,
    Evidence,
    Post,
    Problem,
    Relation,
    Stance,
    Thread,
    Topic,
)
from argmap.options import Options

_LAZY = {
    "read_threads": ("argmap.readers", "read_threads"),
    "build_map": ("argmap.pipeline", "build_map"),
    "analyse": ("argmap.analysis", "analyse"),
    "render_map": ("argmap.api", "render_map"),
    "export_map": ("argmap.exports.registry", "export_map"),
    "write_outputs": ("argmap.api", "write_outputs"),
    "map_inputs": ("argmap.api", "map_inputs"),
    "demo": ("argmap.api", "demo"),
    "evaluate": ("argmap.evaluation", "evaluate"),
    "train": ("argmap.link.training", "train"),
    "run_batch": ("argmap.corpus", "run_batch"),
}

__all__ = [
    "Analysis",
    "ArgmapError",
    "ArgumentMap",
    "Claim",
    "Dropped",
    "Evidence",
    "InputError",
    "MissingDependency",
    "Options",
    "OptionsError",
    "OutputError",
    "Post",
    "Problem",
    "Relation",
    "RenderError",
    "Stance",
    "Thread",
    "Topic",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module_name, attribute = _LAZY[name]
        value = getattr(import_module(module_name), attribute)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'argmap' has no attribute {name!r}")
