"""GraphML export through networkx, made safe for strict XML parsers.

networkx writes whatever strings it is given, but XML 1.0 cannot carry most C0 controls, U+FFFE,
U+FFFF or lone surrogates: a post containing one would make a file no parser accepts. So every
string (node ids included) is cleaned by ``xml_safe`` first, and the graph written is exactly the
cleaned graph: ``networkx.read_graphml`` gives it back with equal attributes. Carriage returns
are kept: ElementTree writes them raw in element text, where every XML parser would turn them
into line feeds, so they are written as the character reference ``&#13;`` instead.
"""

from __future__ import annotations

import io
import re

import networkx as nx

from ..graph import to_networkx
from ..model import Analysis, ArgumentMap
from ..options import ExportOptions

# XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids (tab, LF and CR are kept)."""
    return _XML_ILLEGAL.sub("", text)


def _unique_ids(ids: list[str]) -> dict[str, str]:
    """Cleaned node ids; two ids that clean to the same string get ``~2``, ``~3`` suffixes so
    no two claims merge into one GraphML node."""
    taken: set[str] = set()
    mapping: dict[str, str] = {}
    for original in ids:
        clean = candidate = xml_safe(original)
        n = 1
        while candidate in taken:
            n += 1
            candidate = f"{clean}~{n}"
        taken.add(candidate)
        mapping[original] = candidate
    return mapping


def safe_graph(amap: ArgumentMap, analysis: Analysis | None) -> nx.DiGraph:
    """The map as a DiGraph with analysis attributes on the nodes (``centrality`` 0.0 for claims
    without relations, ``status``, ``contested``, ``unanswered``), every string XML-safe."""
    graph = to_networkx(amap)
    if analysis is not None:
        centrality = dict(analysis.centrality)
        status = dict(analysis.status)
        contested, unanswered = set(analysis.contested), set(analysis.unanswered)
        for node, attrs in graph.nodes(data=True):
            attrs["centrality"] = float(centrality.get(node, 0.0))
            attrs["status"] = status.get(node, "")
            attrs["contested"] = node in contested
            attrs["unanswered"] = node in unanswered
    names = _unique_ids(list(graph.nodes))
    clean = nx.DiGraph()
    for node, attrs in graph.nodes(data=True):
        clean.add_node(names[node], **{k: _clean_value(v) for k, v in attrs.items()})
    for source, target, attrs in graph.edges(data=True):
        clean.add_edge(
            names[source], names[target], **{k: _clean_value(v) for k, v in attrs.items()}
        )
    return clean


def _clean_value(value: object) -> object:
    return xml_safe(value) if isinstance(value, str) else value


def graphml_bytes(graph: nx.DiGraph) -> bytes:
    """GraphML of an XML-safe graph. Uses networkx's ElementTree writer explicitly (not lxml
    when installed) so the bytes do not depend on which optional packages are present."""
    buffer = io.BytesIO()
    nx.write_graphml_xml(graph, buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue().replace(b"\r", b"&#13;")


def to_graphml(amap: ArgumentMap, analysis: Analysis, options: ExportOptions) -> dict[str, bytes]:
    """Exporter: ``{".graphml": bytes}``."""
    return {".graphml": graphml_bytes(safe_graph(amap, analysis))}
