"""Exporters: one function per format, each ``(amap, analysis, options) -> {suffix: bytes}``.

The registry (``EXPORTERS``, ``STREAMERS``, ``export_map``, ``export_chunks``) lives in
``exports.registry`` and is loaded on first use: a corpus run imports ``exports.tables`` for
its CSV rules, and loading every exporter with the package (GraphML and AIF bring networkx
and the renderers) cost ``argmap batch`` ~0.2-0.3 s of imports before it read a record.
"""

from __future__ import annotations

from typing import Any

_REGISTRY = frozenset({"EXPORTERS", "STREAMERS", "Exporter", "Streamer", "export_chunks",
                       "export_map"})


def __getattr__(name: str) -> Any:
    if name in _REGISTRY:
        from argmap.exports import registry

        return getattr(registry, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
