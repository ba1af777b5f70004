"""Argument maps as Graphviz DOT text.

argmap writes DOT itself instead of building a ``graphviz.Digraph``: the layout needs
attributes per edge (``minlen``, ``constraint``, invisible anchor edges) and the text must be
byte-identical run to run. Safety rests on three rules: node ids are synthetic (``c0001``,
``t01``) and never contain user text; every piece of user text goes through ``labels`` (the one
label recipe); links are emitted only for ``https://`` post URLs, percent-encoded.

Readable at any size: claims are capped at ``max_claims_per_map`` by centrality with one
"+N more claims" node per topic; a claim is drawn *above* the claims that answer it (edges point
up at their target); edges between topics do not constrain ranks; ``layout.plan_layout``
staggers fans, folds deep chains and packs trees and topic clusters in rows so the picture comes
out near the ``aspect`` asked for (``draw.draw_map`` measures and re-plans). Relations below
``min_confidence`` are not drawn (or, for the HTML report's map, drawn hidden as "uncertain").
``simple=True`` is the fallback after dot failed: fewer claims, no clusters, straight edges.

dot 2.43 aborts on some inputs (see tests/render/test_svg.py): argmap never emits self-loops,
empty clusters, duplicate edge ids or labels over the 16 KB string limit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from urllib.parse import quote as url_quote

from argmap.model import Analysis, ArgumentMap, Claim, Post, PostRelation, Relation, Stance
from argmap.options import RenderOptions
from argmap.render.copies import said_words
from argmap.render.disputes import STANCE_WORDS, reply_edges
from argmap.render.evidence import confidence_words, describe
from argmap.render.labels import (
    clean_text,
    display_width,
    dot_label,
    dot_text,
    label_lines,
    quoted,
    tooltip_text,
)
from argmap.render.layout import PULL, Layout, box_size, plan_layout
from argmap.render.map_index import (  # node_ids, topic_ids, MapIndex: imported from here too
    MapIndex,
    drawn_relations,
    map_index,
    select_claims,
)

TOOLTIP_CHARS = 300
TOPIC_LABEL_CHARS = 90
SIMPLE_MAX_CLAIMS = 40  # the fallback layout draws at most this many claims
ASPECT = 1.5  # width / height the layout aims at (screens are wider than tall)
# A folded main map (the thread was too big to draw whole) with more edges than this between
# its topic clusters draws every edge straight: dot routes each curved edge that leaves a
# cluster through a corridor beside the clusters, and on a 3,000-post thread's main map its 136
# such edges made the picture 6,211 pt wide instead of 3,288 (half of it empty corridors; up
# to ~20 such edges the width did not grow).
STRAIGHT_ACROSS = 20
FONT = "Helvetica"
EDGE_COLOUR = {Stance.SUPPORT: "#2e7d32", Stance.ATTACK: "#c62828"}
REPLY_COLOUR = {"agree": "#1b5e20", "disagree": "#b71c1c"}  # labels of edges carrying a reply
REPLY_NOTE = ("bold, labelled \"reply: disagrees\": the claim pair that carries\\n"
              "a reply's stance on the post it answers")  # \\n: a DOT line break
STATUS_WORDS = {"in": "stands", "out": "defeated", "undecided": "undecided"}
# Grounded status drives fill and border; defeated claims are also dashed and greyed so the
# distinction survives colour blindness and greyscale printing.
STATUS_STYLE: dict[str, list[tuple[str, str | float | int]]] = {
    "in": [("fillcolor", "#e7f5e8"), ("color", "#2e7d32"), ("style", "rounded,filled")],
    "out": [("fillcolor", "#fbeaea"), ("color", "#c62828"), ("style", "rounded,filled,dashed"),
            ("fontcolor", "#6b6b6b")],
    "undecided": [("fillcolor", "#fff7e0"), ("color", "#b7791f"), ("style", "rounded,filled")],
}


def graph_header(options: RenderOptions, title: str, *, simple: bool = False,
                 straight: bool = False) -> list[str]:
    """Graph, node and edge defaults: one sans-serif font, compact spacing, rounded boxes;
    straight edges for the simple fallback, or when ``straight`` (see ``STRAIGHT_ACROSS``)."""
    rankdir = options.rankdir if options.rankdir in {"TB", "LR", "BT", "RL"} else "TB"
    return [
        f"  graph [rankdir={rankdir} newrank=true compound=true fontname={quoted(FONT)}"
        f" fontsize=16 label={quoted(title)} labelloc=t labeljust=l nodesep=0.25 ranksep=0.35"
        ' pad=0.3 bgcolor="white" tooltip=" "' + (" splines=line" if simple or straight else "") + "]",
        f'  node [shape=box fontname={quoted(FONT)} fontsize=11 margin="0.14,0.08"'
        ' penwidth=1.4 fontcolor="#1f2328"]',
        f'  edge [fontname={quoted(FONT)} fontsize=10 arrowsize=0.8]',
    ]


def threshold_words(min_confidence: float, hidden: int) -> str:
    """What the legend says about the confidence threshold."""
    if min_confidence <= 0:
        return "every relation drawn"
    return (f"relations with confidence below {min_confidence:.2f} not drawn ({hidden})")


def legend_lines(
    min_confidence: float = 0.0, hidden: int = 0, *, cluster: bool = True, replies: bool = False,
) -> list[str]:
    """A legend drawn with sample nodes and edges (no HTML-like tables), in its own cluster
    unless ``cluster`` is false (the simple fallback layout has no clusters); ``replies`` adds
    what a "reply: disagrees" edge label means (only maps that have one say it)."""
    out = [
        "  subgraph cluster_legend {",
        '    graph [label="Legend" fontsize=12 style="rounded" color="#c5cad3" margin=10]',
    ] if cluster else []
    for key, text in (("in", "claim stands"), ("undecided", "undecided"), ("out", "defeated")):
        out.append(f"    legend_{key} {_attrs([('label', text), *STATUS_STYLE[key], ('tooltip', text)])}")  # noqa: E501
    out.append(f"    legend_in -> legend_undecided {_attrs([('dir', 'back'), ('color', EDGE_COLOUR[Stance.SUPPORT]), ('label', ' supports'), ('tooltip', 'supports')])}")  # noqa: E501
    out.append(f"    legend_undecided -> legend_out {_attrs([('dir', 'back'), ('arrowtail', 'tee'), ('color', EDGE_COLOUR[Stance.ATTACK]), ('label', ' attacks'), ('tooltip', 'attacks')])}")  # noqa: E501
    note = threshold_words(min_confidence, hidden)
    out.append(f"    legend_threshold {_attrs([('label', note), ('shape', 'plaintext'), ('fontsize', 10), ('tooltip', note)])}")  # noqa: E501
    out.append("    legend_out -> legend_threshold [style=invis]")
    if replies:
        out.append(f"    legend_reply {_attrs([('label', REPLY_NOTE), ('shape', 'plaintext'), ('fontsize', 10), ('tooltip', REPLY_NOTE)])}")  # noqa: E501
        out.append("    legend_threshold -> legend_reply [style=invis]")
    return out + ["  }"] if cluster else out


def safe_url(url: str | None) -> str | None:
    """The URL, percent-encoded, when it is ``https://``; anything else gives no link."""
    if not url or not url.lower().startswith("https://"):
        return None
    encoded = url_quote(clean_text(url).strip(), safe="/:?#[]@!$&'()*+,;=%~-._")
    if not encoded.lower().startswith("https://") or len(encoded) > 2000:
        return None
    return encoded


def _attrs(pairs: Iterable[tuple[str, str | float | int]]) -> str:
    parts = []
    for key, value in pairs:
        text = f"{value:.2f}" if isinstance(value, float) else str(value)
        parts.append(f"{key}={quoted(text)}")
    return "[" + " ".join(parts) + "]"


def _claim_tooltip(claim: Claim, post: Post | None, status: str, said: str = "") -> str:
    author = post.author if post and post.author else "anonymous"
    text = post.text if post else claim.text
    return f"{author} - claim {STATUS_WORDS.get(status, status)}{f' ({said})' if said else ''} - {text}"


def to_dot(
    amap: ArgumentMap, analysis: Analysis, options: RenderOptions,
    *, thread_id: str | None = None, topic_id: str | None = None, aspect: float = ASPECT,
    simple: bool = False, uncertain: bool = False, index: MapIndex | None = None,
) -> str:
    """The argument map (or one thread / one topic of it) as DOT source.

    ``uncertain=True`` also draws the relations below ``options.min_confidence``, hidden
    (class ``uncertain``, no influence on the layout), for the HTML report's toggle.
    ``index`` is ``map_index(amap, analysis)``, passed in when one map gets many drawings.
    """
    index = index or map_index(amap, analysis)
    cap = min(options.max_claims_per_map, SIMPLE_MAX_CLAIMS) if simple else options.max_claims_per_map
    claims, folded = select_claims(index, cap, thread_id, topic_id)
    ids, tids, posts, status = index.ids, index.tids, index.posts, index.status
    shown = {c.id for c in claims}
    candidates = index.relations if topic_id is None else index.inside_topic.get(topic_id, [])
    every = drawn_relations(candidates, shown, ids)
    relations = [r for r in every if r.confidence >= options.min_confidence]
    faint = [r for r in every if r.confidence < options.min_confidence]
    grouped: dict[str, list[str]] = defaultdict(list)
    for claim in claims:  # canonical order is node-id order
        grouped[index.topic_of.get(claim.id, "")].append(ids[claim.id])
    topic_members: dict[str, list[str]] = {}
    for topic in amap.topics:
        inside = grouped.get(topic.id, [])
        if folded.get(topic.id):
            inside.append(f"{tids[topic.id]}_more")
        if inside:  # dot 2.43 can abort on an empty cluster: never emit one
            topic_members[tids[topic.id]] = inside
    in_topic = {nid for nodes in topic_members.values() for nid in nodes}
    loners = [ids[c.id] for c in claims if ids[c.id] not in in_topic]
    members = {"": [n for nodes in topic_members.values() for n in nodes] + loners} if simple else (
        {**topic_members, **({"": loners} if loners else {})})
    by_synthetic = {ids[c.id]: c for c in claims}
    authors = {pid: post.author for pid, post in posts.items()}
    said = {nid: said_words(c.id, index.copies, authors) for nid, c in by_synthetic.items()}
    labels = {nid: label_lines(c.text, width=options.wrap_width)
              + ([f"({said[nid]})"] if said[nid] else []) for nid, c in by_synthetic.items()}
    more_labels = {f"{tids[t]}_more": _more_text(n) for t, n in folded.items() if t in tids}
    sizes = {nid: box_size(lines, [display_width(x) for x in lines]) for nid, lines in labels.items()}
    sizes.update({nid: box_size([text]) for nid, text in more_labels.items()})
    strongest = sorted(relations, key=lambda r: (-r.confidence, ids[r.source], ids[r.target]))
    layout = plan_layout(members, [(ids[r.target], ids[r.source]) for r in strongest], sizes,
                         sideways=options.rankdir in {"LR", "RL"}, aspect=aspect)
    title = _title(amap, thread_id, topic_id)
    if simple:
        title += " (simplified: Graphviz failed on the full layout)"
    if folded:
        title += f" ({len(claims)} most central of {len(claims) + sum(folded.values())} claims)"
    cluster_of = {nid: cid for cid, nodes in members.items() for nid in nodes}
    across = sum(cluster_of.get(ids[r.target]) != cluster_of.get(ids[r.source]) for r in relations)
    straight = bool(folded) and topic_id is None and across > STRAIGHT_ACROSS
    out = ["digraph argmap {",
           *graph_header(options, dot_text(title, width=90, max_chars=200), simple=simple,
                         straight=straight)]
    names = {tid: topic.label for topic in amap.topics if (tid := tids[topic.id]) in members}
    for cid in sorted(members):
        body = [_claim_node(n, by_synthetic[n], labels[n], posts, status, said[n])
                if n in by_synthetic
                else _more_node(n, more_labels[n]) for n in members[cid]]
        body += [f"  {a} [shape=point style=invis width=0 height=0 label=\"\"]"
                 for a in layout.anchors.get(cid, ())]
        out.extend(_cluster(cid, names[cid], body) if cid else body)
    out += [f"  {a} [shape=point style=invis width=0 height=0 label=\"\"]"
            for a in layout.anchors.get("", ()) if "" not in members]
    replies = reply_edges(relations, index.carried, options.min_confidence)
    for relation in relations:
        upper, lower = ids[relation.target], ids[relation.source]
        across = cluster_of.get(upper) != cluster_of.get(lower)
        reply = replies.get((relation.source, relation.target, relation.stance))
        out.append(_edge(upper, lower, relation, layout, across=across, reply=reply))
    if uncertain:
        for relation in faint:
            out.append(_edge(ids[relation.target], ids[relation.source], relation, layout,
                             across=True, uncertain=True))
    out.extend(invisible_lines(layout))
    if options.show_legend:
        out.extend(legend_lines(options.min_confidence, len(faint), cluster=not simple,
                                replies=bool(replies)))
        out.extend(f"  {a} -> legend_in [style=invis]" for a in layout.bottom)
    out.append("}")
    return "\n".join(out) + "\n"


def invisible_lines(layout: Layout) -> list[str]:
    """The layout's invisible anchor edges (with the extra ranks a pushed-down head needs)."""
    out = []
    for a, b in layout.invisible_edges:
        minlen = layout.minlen.get((a, b), 1)
        extra = (f" minlen={minlen}" if minlen > 1 else "") + (
            f" weight={PULL}" if (a, b) in layout.pulled else "")
        out.append(f"  {a} -> {b} [style=invis{extra}]")
    return out


def _more_text(n: int) -> str:
    return f"+{n} more claim{'s' if n != 1 else ''} in this topic"


def _title(amap: ArgumentMap, thread_id: str | None, topic_id: str | None) -> str:
    if thread_id is not None:
        thread = next((t for t in amap.threads if t.id == thread_id), None)
        return (thread.title if thread and thread.title else "Thread") + " - argument map"
    if topic_id is not None:
        topic = next((t for t in amap.topics if t.id == topic_id), None)
        return "Topic: " + (topic.label if topic else "?")
    if len(amap.threads) == 1 and amap.threads[0].title:
        return amap.threads[0].title
    return "Argument map"


def _cluster(tid: str, label: str, body: list[str]) -> list[str]:
    heading = dot_text(label, width=60, max_chars=TOPIC_LABEL_CHARS)
    return [
        f"  subgraph cluster_{tid} {{",
        f"    graph {_attrs([('label', heading), ('style', 'rounded,filled'), ('fillcolor', '#f6f7f9'), ('color', '#c5cad3'), ('fontsize', 14), ('fontcolor', '#374151'), ('margin', 14)])}",  # noqa: E501
        *("  " + line for line in body),
        "  }",
    ]


def _more_node(nid: str, text: str) -> str:
    return (f"  {nid} " + _attrs([('label', text), ('shape', 'note'), ('style', 'filled'),
                                  ('fillcolor', '#ffffff'), ('color', '#9aa3af'),
                                  ('fontcolor', '#4b5563'), ('tooltip', text)]))


def _claim_node(
    nid: str, claim: Claim, lines: list[str], posts: dict[str, Post], status: dict[str, str],
    said: str = "",
) -> str:
    state = status.get(claim.id, "undecided")
    state = state if state in STATUS_STYLE else "undecided"  # it also becomes a class name
    style = STATUS_STYLE[state]
    post = posts.get(claim.post_id)
    pairs: list[tuple[str, str | float | int]] = [
        ("id", f"claim-{nid}"),
        ("class", f"claim st-{state}"),
        ("label", dot_label(lines)),
        ("tooltip", tooltip_text(_claim_tooltip(claim, post, state, said),
                                 max_chars=TOOLTIP_CHARS)),
        *style,
    ]
    url = safe_url(post.source.url if post else None)
    if url:  # dot 2.43 copies URLs into the SVG unescaped: a bare "&" would break the XML
        pairs += [("URL", url.replace("&", "&amp;")), ("target", "_blank")]
    return f"  {nid} {_attrs(pairs)}"


def _edge(
    upper: str, lower: str, relation: Relation, layout: Layout, *, across: bool,
    uncertain: bool = False, reply: PostRelation | None = None,
) -> str:
    """One relation, drawn from the answering claim up to its target.

    Edges between topics do not constrain ranks (``constraint=false``): each topic keeps its own
    compact tree, and clusters stay apart instead of being dragged into one long staircase.
    ``reply``: the reply-to-parent stance this claim pair carries; the edge then says so
    ("reply: disagrees", bold) instead of a second edge being drawn between the posts. The
    label is an ``xlabel``, placed after layout, so it moves no node.
    """
    support = relation.stance is Stance.SUPPORT
    word = "supports" if support else "attacks"
    tip = f"{word}, {confidence_words(relation.confidence)}: {describe(relation)}"
    if reply is not None:
        tip = (f"the reply {STANCE_WORDS[reply.stance]} with the post it answers, "
               f"{confidence_words(reply.confidence)}; this claim {tip}")
    # Edges across topics are most edges in real threads; drawn half-transparent and thinner
    # they stop hiding the structure inside each topic (the report highlights them on click).
    pairs: list[tuple[str, str | float | int]] = [
        ("id", f"rel-{upper}-{lower}-{relation.stance.value}"),
        ("class", f"rel {relation.stance.value}" + (" across" if across else "")
         + (" uncertain" if uncertain else "")
         + (f" reply-{reply.stance.value}" if reply is not None else "")),
        ("dir", "back"),
        ("color", EDGE_COLOUR[relation.stance] + ("8c" if across else "")),
        ("arrowtail", "normal" if support else "tee"),
        ("penwidth", (0.6 if across else 0.8) + (1.4 if across else 2.4) * relation.confidence),
        ("tooltip", tooltip_text(tip, max_chars=TOOLTIP_CHARS)),
    ]
    if uncertain:
        pairs.append(("style", "dashed"))
    if reply is not None:
        pairs += [("style", "bold"), ("xlabel", f"reply: {STANCE_WORDS[reply.stance]}"),
                  ("fontcolor", REPLY_COLOUR[reply.stance.value])]
    minlen = layout.minlen.get((upper, lower), 1)
    if across or uncertain or (upper, lower) in layout.loose:
        pairs.append(("constraint", "false"))
    elif minlen > 1:
        pairs.append(("minlen", minlen))
    return f"  {upper} -> {lower} {_attrs(pairs)}"
