"""AIF-JSON export (the AIFdb flavour read by OVA, arguebuf and the xaif library).

Mapping (formats-out.md 6.4): each claim is an I-node carrying its text, said in an L-node
(``"author: text"``) anchored by a YA "Asserting" node (L -> YA -> I) and listed in
``locutions`` with its participant. A support a -> b is ``I_a -> RA("Default Inference") ->
I_b``; an attack is the same shape through a CA ("Default Conflict") node, so every RA/CA has
exactly one conclusion and one premise and no edge joins two I-nodes. Ids are strings of
consecutive numbers handed out in claim order, then relation order, so two runs give the same
bytes. argmap's own data (claim ids, topic, status, confidence, evidence) has no place in core
AIF and goes under an extra top-level ``"argmap"`` key, as xAIF allows.

Text is cleaned with ``xml_safe`` (AIF is routinely converted to XML, and the escaping matrix
treats AIF like GraphML), so parsed text equals ``xml_safe(original)``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from itertools import count

from argmap.exports.graphml import xml_safe
from argmap.exports.json_stream import chunks
from argmap.files import canonical_json
from argmap.model import SCHEMA_VERSION, Analysis, ArgumentMap, Post, Stance, relation_sort_key
from argmap.options import ExportOptions

UNKNOWN_AUTHOR = "unknown"


def _timestamp(post: Post | None) -> str | None:
    """AIFdb's ``YYYY-MM-DD HH:MM:SS`` in UTC, or None when the post has no time."""
    if post is None or post.created is None:
        return None
    try:
        return datetime.fromtimestamp(post.created, tz=UTC).strftime("%Y-%m-%d %H:%M:%S")
    except (OverflowError, OSError, ValueError):
        return None


def to_aif_dict(amap: ArgumentMap, analysis: Analysis | None) -> dict[str, object]:
    """The AIF document as plain dicts and lists (what ``to_aif`` serialises)."""
    posts = {post.id: post for thread in amap.threads for post in thread.posts}
    topic_of = {cid: topic.id for topic in amap.topics for cid in topic.claim_ids}
    status = dict(analysis.status) if analysis else {}
    centrality = dict(analysis.centrality) if analysis else {}
    authors = sorted(
        {xml_safe(posts[c.post_id].author or UNKNOWN_AUTHOR) if c.post_id in posts
         else UNKNOWN_AUTHOR for c in amap.claims}
    )
    person = {name: i for i, name in enumerate(authors, start=1)}
    ids = count(1)
    nodes: list[dict[str, object]] = []
    edges: list[dict[str, object]] = []
    locutions: list[dict[str, object]] = []
    i_node: dict[str, str] = {}
    claim_extra: dict[str, dict[str, object]] = {}

    def node(text: str, kind: str, timestamp: str | None = None) -> str:
        node_id = str(next(ids))
        entry: dict[str, object] = {"nodeID": node_id, "text": text, "type": kind}
        if timestamp:
            entry["timestamp"] = timestamp
        nodes.append(entry)
        return node_id

    def edge(source: str, target: str) -> None:
        edges.append(
            {"edgeID": str(len(edges) + 1), "fromID": source, "toID": target, "formEdgeID": None}
        )

    for claim in amap.claims:
        post = posts.get(claim.post_id)
        author = xml_safe(post.author or UNKNOWN_AUTHOR) if post else UNKNOWN_AUTHOR
        text, when = xml_safe(claim.text), _timestamp(post)
        proposition = node(text, "I", when)
        locution = node(f"{author}: {text}", "L", when)
        anchor = node("Asserting", "YA")
        edge(locution, anchor)
        edge(anchor, proposition)
        url = post.source.url if post and post.source.url else None
        said: dict[str, object] = {"nodeID": locution, "personID": person[author], "start": None,
                                   "end": None, "source": xml_safe(url) if url else None}
        if when:  # a string when present (AIFdb); left out rather than null when unknown
            said["timestamp"] = when
        locutions.append(said)
        i_node[claim.id] = proposition
        claim_extra[proposition] = {
            "claim_id": xml_safe(claim.id),
            "post_id": xml_safe(claim.post_id),
            "topic": xml_safe(topic_of.get(claim.id, "")),
            "status": status.get(claim.id, ""),
            "centrality": float(centrality.get(claim.id, 0.0)),
        }
    relation_extra: dict[str, dict[str, object]] = {}
    for rel in sorted(amap.relations, key=relation_sort_key):
        if rel.source not in i_node or rel.target not in i_node:
            continue
        attack = rel.stance is Stance.ATTACK
        scheme = node("Default Conflict" if attack else "Default Inference", "CA" if attack else "RA")
        edge(i_node[rel.source], scheme)
        edge(scheme, i_node[rel.target])
        relation_extra[scheme] = {
            "confidence": float(rel.confidence),
            "evidence": [
                {"kind": e.kind.value, "detail": xml_safe(e.detail), "weight": float(e.weight)}
                for e in rel.evidence
            ],
        }
    return {
        "nodes": nodes,
        "edges": edges,
        "locutions": locutions,
        "participants": [
            {"participantID": pid, "firstname": name, "surname": ""}
            for name, pid in person.items()
        ],
        "argmap": {"schema": SCHEMA_VERSION, "claims": claim_extra, "relations": relation_extra},
    }


def to_aif(amap: ArgumentMap, analysis: Analysis, options: ExportOptions) -> dict[str, bytes]:
    """Exporter: ``{".aif.json": bytes}``, canonical JSON."""
    return {".aif.json": canonical_json(to_aif_dict(amap, analysis))}


def aif_streamed(amap: ArgumentMap, analysis: Analysis, options: ExportOptions
                 ) -> dict[str, Iterable[bytes]]:
    """``to_aif`` as chunks of the same bytes (``json_stream.chunks``): a giant thread's AIF
    (~320 MB for 20,000 posts) is never one bytes object beside its dict tree."""
    return {".aif.json": chunks(to_aif_dict(amap, analysis))}
