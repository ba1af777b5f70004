"""GraphML export, made safe for strict XML parsers.

XML 1.0 cannot carry most C0 controls, U+FFFE, U+FFFF or lone surrogates: a post containing one
would make a file no parser accepts. So every string (node ids included) is cleaned by
``xml_safe`` first, and the graph written is exactly the cleaned graph: ``networkx.read_graphml``
gives it back with equal attributes. Carriage returns are kept as the character reference
``&#13;`` (a parser turns a raw one into a line feed), and tabs and line feeds inside attribute
values (node ids) as references too (a parser turns raw ones into spaces).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import networkx as nx

from argmap.exports.nx_graph import to_networkx
from argmap.model import Analysis, ArgumentMap
from argmap.options import ExportOptions
from argmap.render.disputes import ranked

# XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
CHUNK_ELEMENTS = 2_048  # nodes or edges per chunk of a streamed file
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
    _mark_reply_stances(graph, amap)
    names = _unique_ids(list(graph.nodes))
    clean = nx.DiGraph()
    for node, attrs in graph.nodes(data=True):
        clean.add_node(names[node], **{k: _clean_value(v) for k, v in attrs.items()})
    for source, target, attrs in graph.edges(data=True):
        clean.add_edge(
            names[source], names[target], **{k: _clean_value(v) for k, v in attrs.items()}
        )
    return clean


def _mark_reply_stances(graph: nx.DiGraph, amap: ArgumentMap) -> None:
    """The claim edge that carries a reply's stance on the post it answers gets
    ``reply_stance`` (agree / disagree / none) and ``reply_confidence``: the graph stays one of
    claims (no post nodes mixed in for tools that measure it); the post-to-post records whose
    pair has no claim edge are in the JSON and the post_relations table."""
    for relation in ranked(amap.post_relations):  # the strongest decision on a pair wins
        pair = (relation.source_claim, relation.target_claim)
        if pair[0] is None or not graph.has_edge(*pair):
            continue
        attrs = graph.edges[pair]
        if "reply_stance" not in attrs:
            attrs["reply_stance"] = relation.stance.value
            attrs["reply_confidence"] = float(relation.confidence)


def _clean_value(value: object) -> object:
    return xml_safe(value) if isinstance(value, str) else value


_GRAPHML_HEAD = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
    'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
)
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
# In attribute values a parser turns raw tabs and line breaks into spaces: write references.
_ATTR_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                               "\r": "&#13;", "\n": "&#10;", "\t": "&#9;"})
_TYPES = ((bool, "boolean"), (int, "long"), (float, "double"), (str, "string"))


def _type_name(value: object) -> str:
    for kind, name in _TYPES:  # bool before int: True is an int too
        if isinstance(value, kind):
            return name
    raise TypeError(f"GraphML cannot carry a {type(value).__name__} attribute")


def _value_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return (value if isinstance(value, str) else repr(value)).translate(_TEXT_ESCAPES)


def _keys(items, start: int) -> dict[str, tuple[str, str]]:
    """attribute name -> (key id, GraphML type), in first-seen order."""
    keys: dict[str, tuple[str, str]] = {}
    for attrs in items:
        for name, value in attrs.items():
            if name not in keys:
                keys[name] = (f"d{start + len(keys)}", _type_name(value))
    return keys


def graphml_bytes(graph: nx.DiGraph) -> bytes:
    """GraphML of an XML-safe graph, written directly (networkx's ElementTree writer builds a
    tree of every element first: about five times slower on a 5,000-claim map). The file reads
    back with ``networkx.read_graphml`` to the same graph, attributes and types included."""
    return b"".join(graphml_chunks(graph))


def graphml_chunks(graph: nx.DiGraph) -> Iterator[bytes]:
    """``graphml_bytes`` in pieces of ``CHUNK_ELEMENTS`` nodes or edges, so a giant thread's
    file (~140 MB for 20,000 posts) is never one string and its encoding at once."""
    node_keys = _keys((a for _n, a in graph.nodes(data=True)), 0)
    edge_keys = _keys((a for _s, _t, a in graph.edges(data=True)), len(node_keys))
    out = [_GRAPHML_HEAD]
    for kind, keys in (("node", node_keys), ("edge", edge_keys)):
        for name, (key, type_name) in keys.items():
            out.append(f'  <key id="{key}" for="{kind}" attr.name="{name.translate(_ATTR_ESCAPES)}"'
                       f' attr.type="{type_name}" />\n')
    out.append('  <graph edgedefault="directed">\n')
    for index, (node, attrs) in enumerate(graph.nodes(data=True), 1):
        out.append(f'    <node id="{node.translate(_ATTR_ESCAPES)}">\n')
        out.extend(f'      <data key="{node_keys[name][0]}">{_value_text(value)}</data>\n'
                   for name, value in attrs.items())
        out.append("    </node>\n")
        if index % CHUNK_ELEMENTS == 0:
            yield "".join(out).encode("utf-8")
            out = []
    for index, (source, target, attrs) in enumerate(graph.edges(data=True), 1):
        out.append(f'    <edge source="{source.translate(_ATTR_ESCAPES)}" '
                   f'target="{target.translate(_ATTR_ESCAPES)}">\n')
        out.extend(f'      <data key="{edge_keys[name][0]}">{_value_text(value)}</data>\n'
                   for name, value in attrs.items())
        out.append("    </edge>\n")
        if index % CHUNK_ELEMENTS == 0:
            yield "".join(out).encode("utf-8")
            out = []
    out.append("  </graph>\n</graphml>\n")
    yield "".join(out).encode("utf-8")


def to_graphml(amap: ArgumentMap, analysis: Analysis, options: ExportOptions) -> dict[str, bytes]:
    """Exporter: ``{".graphml": bytes}``."""
    return {".graphml": graphml_bytes(safe_graph(amap, analysis))}


def graphml_streamed(amap: ArgumentMap, analysis: Analysis, options: ExportOptions
                     ) -> dict[str, Iterable[bytes]]:
    """``to_graphml`` as chunks (``exports.registry.STREAMERS``)."""
    return {".graphml": graphml_chunks(safe_graph(amap, analysis))}
