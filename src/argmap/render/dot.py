"""Argument maps as Graphviz DOT text.

argmap writes DOT itself instead of building a ``graphviz.Digraph``: the layout needs
attributes per edge (``minlen``, invisible packing edges) and the text must be byte-identical
run to run. Safety rests on three rules: node ids are synthetic (``c0001``, ``t01``, ``m01``)
and never contain user text; every piece of user text goes through ``labels`` (the one label
recipe); links are emitted only for ``https://`` post URLs, percent-encoded.

Readable shape. A reply tree laid out naively is a ribbon (300 claims: 36x wider than tall), so:
claims are capped at ``max_claims_per_map`` by centrality with one "+N more claims" node per
topic; a claim is drawn *above* the claims that answer it (edges point up at their target);
long lists of leaf replies are staggered over several ranks (what ``unflatten -l`` does);
claims without visible edges inside their topic are packed in a grid; edges between topics
do not constrain the ranks (otherwise clusters are dragged into a staircase or overlap); and
topic clusters are stacked in rows, not laid side by side, by invisible edges between
per-cluster anchor points. Measured: 20-1,000-claim maps stay between 1:4 and 4:1.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote as url_quote

from argmap.model import Analysis, ArgumentMap, Claim, Post, Relation, Stance, claim_sort_key
from argmap.options import RenderOptions
from argmap.render.labels import clean_text, dot_text, quoted, tooltip_text

TOOLTIP_CHARS = 300
TOPIC_LABEL_CHARS = 90
FONT = "Helvetica"
EDGE_COLOUR = {Stance.SUPPORT: "#2e7d32", Stance.ATTACK: "#c62828"}
STATUS_WORDS = {"in": "stands", "out": "defeated", "undecided": "undecided"}
# Grounded status drives fill and border; defeated claims are also dashed and greyed so the
# distinction survives colour blindness and greyscale printing.
STATUS_STYLE: dict[str, list[tuple[str, str | float | int]]] = {
    "in": [("fillcolor", "#e7f5e8"), ("color", "#2e7d32"), ("style", "rounded,filled")],
    "out": [("fillcolor", "#fbeaea"), ("color", "#c62828"), ("style", "rounded,filled,dashed"),
            ("fontcolor", "#6b6b6b")],
    "undecided": [("fillcolor", "#fff7e0"), ("color", "#b7791f"), ("style", "rounded,filled")],
}


@dataclass(frozen=True, slots=True)
class Layout:
    """Layout hints: ``minlen`` per (upper, lower) edge and invisible packing edges."""

    minlen: dict[tuple[str, str], int]
    invisible_edges: tuple[tuple[str, str], ...]


def plan_layout(
    members: dict[str, list[str]], edges: list[tuple[str, str]], folded: dict[str, int],
    *, sideways: bool = False,
) -> Layout:
    """Stagger leaf replies, grid-pack unlinked claims, and stack clusters in rows.

    ``members`` maps cluster id -> node ids, ``edges`` are (upper, lower) pairs. Everything is
    computed from sorted ids so the same map gives the same DOT bytes. Boxes are about 3x
    wider than tall, so grids get fewer ranks when ranks run sideways (rankdir LR/RL).
    """
    shape = 3.0 if not sideways else 1 / 3.0
    cluster_of = {nid: tid for tid, nodes in members.items() for nid in nodes}
    children: dict[str, list[str]] = defaultdict(list)
    parents: dict[str, list[str]] = defaultdict(list)
    for upper, lower in edges:
        if cluster_of.get(upper) == cluster_of.get(lower):  # edges across topics don't constrain
            children[upper].append(lower)
            parents[lower].append(upper)
    minlen: dict[tuple[str, str], int] = {}
    invisible: list[tuple[str, str]] = []
    for upper in sorted(children):
        leaves = sorted(c for c in children[upper] if not children.get(c) and len(parents[c]) == 1)
        # Stagger a fan of k leaf replies over about sqrt(1.5 k) ranks (what ``unflatten -l``
        # does), so it comes out closer to square. (A grid of leaves with non-constraining
        # edges was tried: dot routes those edges around the grid, which reads worse.)
        spread = min(math.ceil(math.sqrt(1.5 * len(leaves))), math.ceil(len(leaves) / 2))
        if sideways:  # ranks are the expensive direction there: never add any
            spread = 1
        for i, leaf in enumerate(leaves):
            if spread > 1 and i % spread:
                minlen[(upper, leaf)] = 1 + i % spread
    for tid in sorted(members):
        nodes = members[tid]
        linked = [n for n in nodes if n in children or n in parents]
        loose = [n for n in nodes if n not in children and n not in parents]
        if folded.get(tid):
            loose.append(f"{tid}_more")
        columns = max(1, math.ceil(math.sqrt(len(loose) / shape)))
        invisible += [(loose[i], loose[i + columns]) for i in range(len(loose) - columns)]
        tops = [n for n in linked if n not in parents]
        invisible += [(f"{tid}_top", n) for n in tops + loose[:columns]]
        bottoms = [n for n in linked if n not in children] + loose[-columns:]
        invisible += [(n, f"{tid}_bottom") for n in bottoms]
    clusters = sorted(members)
    per_row = max(1, math.ceil(math.sqrt(len(clusters) / (shape * 2 / 3))))
    invisible += [
        (f"{clusters[i]}_bottom", f"{clusters[i + per_row]}_top")
        for i in range(len(clusters) - per_row)
    ]
    return Layout(minlen=minlen, invisible_edges=tuple(invisible))


def graph_header(options: RenderOptions, title: str) -> list[str]:
    """Graph, node and edge defaults: one sans-serif font, compact spacing, rounded boxes."""
    rankdir = options.rankdir if options.rankdir in {"TB", "LR", "BT", "RL"} else "TB"
    return [
        f"  graph [rankdir={rankdir} newrank=true compound=true fontname={quoted(FONT)}"
        f" fontsize=16 label={quoted(title)} labelloc=t labeljust=l nodesep=0.25 ranksep=0.35"
        ' pad=0.3 bgcolor="white" tooltip=" "]',
        f'  node [shape=box fontname={quoted(FONT)} fontsize=11 margin="0.14,0.08"'
        ' penwidth=1.4 fontcolor="#1f2328"]',
        f'  edge [fontname={quoted(FONT)} fontsize=10 arrowsize=0.8]',
    ]


def legend_lines() -> list[str]:
    """A legend cluster drawn with sample nodes and edges (no HTML-like tables)."""
    out = [
        "  subgraph cluster_legend {",
        '    graph [label="Legend" fontsize=12 style="rounded" color="#c5cad3" margin=10]',
    ]
    for key, text in (("in", "claim stands"), ("undecided", "undecided"), ("out", "defeated")):
        out.append(f"    legend_{key} {_attrs([('label', text), *STATUS_STYLE[key], ('tooltip', text)])}")  # noqa: E501
    out.append(f"    legend_in -> legend_undecided {_attrs([('dir', 'back'), ('color', EDGE_COLOUR[Stance.SUPPORT]), ('label', ' supports'), ('tooltip', 'supports')])}")  # noqa: E501
    out.append(f"    legend_undecided -> legend_out {_attrs([('dir', 'back'), ('arrowtail', 'tee'), ('color', EDGE_COLOUR[Stance.ATTACK]), ('label', ' attacks'), ('tooltip', 'attacks')])}")  # noqa: E501
    out.append("  }")
    return out


def node_ids(amap: ArgumentMap) -> dict[str, str]:
    """Synthetic DOT node id for every claim (``c0001`` ...), in canonical claim order.

    The HTML report uses the same mapping to find a claim's node in the SVG.
    """
    ordered = sorted(amap.claims, key=claim_sort_key)
    digits = max(4, len(str(len(ordered))))
    return {c.id: f"c{i:0{digits}d}" for i, c in enumerate(ordered, start=1)}


def topic_ids(amap: ArgumentMap) -> dict[str, str]:
    """Synthetic id for every topic (``t01`` ...), in the map's topic order."""
    digits = max(2, len(str(len(amap.topics))))
    return {t.id: f"t{i:0{digits}d}" for i, t in enumerate(amap.topics, start=1)}


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


def _claim_tooltip(claim: Claim, post: Post | None, status: str) -> str:
    author = post.author if post and post.author else "anonymous"
    text = post.text if post else claim.text
    return f"{author} - claim {STATUS_WORDS.get(status, status)} - {text}"


def _select(
    amap: ArgumentMap, analysis: Analysis, options: RenderOptions,
    thread_id: str | None, topic_id: str | None,
) -> tuple[list[Claim], dict[str, int]]:
    """Claims to draw (canonical order) and, per topic id, how many were folded away."""
    posts = {p.id: p for t in amap.threads for p in t.posts}
    topic_of = {cid: t.id for t in amap.topics for cid in t.claim_ids}
    pool = [
        c for c in sorted(amap.claims, key=claim_sort_key)
        if (thread_id is None or (c.post_id in posts and posts[c.post_id].thread_id == thread_id))
        and (topic_id is None or topic_of.get(c.id) == topic_id)
    ]
    cap = max(1, options.max_claims_per_map)
    if len(pool) <= cap:
        return pool, {}
    score = dict(analysis.centrality)
    ranked = sorted(pool, key=lambda c: (-score.get(c.id, 0.0), claim_sort_key(c)))
    kept = {c.id for c in ranked[:cap]}
    folded: dict[str, int] = defaultdict(int)
    for c in pool:
        if c.id not in kept:
            folded[topic_of.get(c.id, "")] += 1
    return [c for c in pool if c.id in kept], dict(folded)


def to_dot(
    amap: ArgumentMap, analysis: Analysis, options: RenderOptions,
    *, thread_id: str | None = None, topic_id: str | None = None,
) -> str:
    """The argument map (or one thread / one topic of it) as DOT source."""
    claims, folded = _select(amap, analysis, options, thread_id, topic_id)
    ids = node_ids(amap)
    tids = topic_ids(amap)
    shown = {c.id for c in claims}
    posts = {p.id: p for t in amap.threads for p in t.posts}
    status = dict(analysis.status)
    unique = {
        (r.source, r.target, r.stance): r for r in reversed(amap.relations)
        if r.source in shown and r.target in shown and r.source != r.target
    }  # one edge per (source, target, stance): edge ids in the SVG must be unique
    relations = sorted(unique.values(), key=lambda r: (ids[r.source], ids[r.target], r.stance.value))
    members: dict[str, list[str]] = {}
    for topic in amap.topics:
        inside = [ids[cid] for cid in sorted(topic.claim_ids, key=lambda x: ids.get(x, "")) if cid in shown]
        if inside or folded.get(topic.id):
            members[tids[topic.id]] = inside
    layout = plan_layout(members, [(ids[r.target], ids[r.source]) for r in relations],
                         {tids[t]: n for t, n in folded.items() if t in tids},
                         sideways=options.rankdir in {"LR", "RL"})
    title = _title(amap, thread_id, topic_id)
    if folded:
        title += f" ({len(claims)} most central of {len(claims) + sum(folded.values())} claims)"
    out = ["digraph argmap {", *graph_header(options, dot_text(title, width=90, max_chars=200))]
    by_synthetic = {ids[c.id]: c for c in claims}
    for topic in amap.topics:
        tid = tids[topic.id]
        if tid not in members:
            continue
        out.extend(_cluster(tid, topic.label, members[tid], folded.get(topic.id, 0), layout,
                            by_synthetic, posts, status, options))
    cluster_of = {nid: tid for tid, nodes in members.items() for nid in nodes}
    for nid in sorted(n for n in by_synthetic if n not in cluster_of):  # claims in no topic
        out.append(_claim_node(nid, by_synthetic[nid], posts, status, options))
    for relation in relations:
        upper, lower = ids[relation.target], ids[relation.source]
        across = cluster_of.get(upper) != cluster_of.get(lower)
        out.append(_edge(upper, lower, relation, layout, across))
    out.extend(f"  {a} -> {b} [style=invis]" for a, b in layout.invisible_edges)
    if options.show_legend:
        out.extend(legend_lines())
    out.append("}")
    return "\n".join(out) + "\n"


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


def _cluster(
    tid: str, label: str, nodes: list[str], folded: int, layout: Layout,
    claims: dict[str, Claim], posts: dict[str, Post], status: dict[str, str],
    options: RenderOptions,
) -> list[str]:
    heading = dot_text(label, width=60, max_chars=TOPIC_LABEL_CHARS)
    lines = [
        f"  subgraph cluster_{tid} {{",
        f"    graph {_attrs([('label', heading), ('style', 'rounded,filled'), ('fillcolor', '#f6f7f9'), ('color', '#c5cad3'), ('fontsize', 14), ('fontcolor', '#374151'), ('margin', 14)])}",  # noqa: E501
        f"    {tid}_top [shape=point style=invis width=0 height=0 label=\"\"]",
        f"    {tid}_bottom [shape=point style=invis width=0 height=0 label=\"\"]",
    ]
    for nid in nodes:
        lines.append("  " + _claim_node(nid, claims[nid], posts, status, options))
    if folded:
        more = f"+{folded} more claim{'s' if folded != 1 else ''} in this topic"
        lines.append(
            f"    {tid}_more {_attrs([('label', more), ('shape', 'note'), ('style', 'filled'), ('fillcolor', '#ffffff'), ('color', '#9aa3af'), ('fontcolor', '#4b5563'), ('tooltip', more)])}"  # noqa: E501
        )
    lines.append("  }")
    return lines


def _claim_node(
    nid: str, claim: Claim, posts: dict[str, Post], status: dict[str, str], options: RenderOptions
) -> str:
    state = status.get(claim.id, "undecided")
    state = state if state in STATUS_STYLE else "undecided"  # it also becomes a class name
    style = STATUS_STYLE[state]
    post = posts.get(claim.post_id)
    pairs: list[tuple[str, str | float | int]] = [
        ("id", f"claim-{nid}"),
        ("class", f"claim st-{state}"),
        ("label", dot_text(claim.text, width=options.wrap_width)),
        ("tooltip", tooltip_text(_claim_tooltip(claim, post, state), max_chars=TOOLTIP_CHARS)),
        *style,
    ]
    url = safe_url(post.source.url if post else None)
    if url:  # dot 2.43 copies URLs into the SVG unescaped: a bare "&" would break the XML
        pairs += [("URL", url.replace("&", "&amp;")), ("target", "_blank")]
    return f"  {nid} {_attrs(pairs)}"


def _edge(upper: str, lower: str, relation: Relation, layout: Layout, across: bool) -> str:
    """One relation, drawn from the answering claim up to its target.

    Edges between topics do not constrain ranks (``constraint=false``): each topic keeps its own
    compact tree, and clusters stay apart instead of being dragged into one long staircase.
    """
    support = relation.stance is Stance.SUPPORT
    cues = ", ".join(f"{e.kind.value}: {e.detail}" for e in relation.evidence)
    word = "supports" if support else "attacks"
    tip = f"{word} ({relation.confidence:.2f}) - {cues}"
    # Edges across topics are most edges in real threads; drawn half-transparent and thinner
    # they stop hiding the structure inside each topic (the report highlights them on click).
    pairs: list[tuple[str, str | float | int]] = [
        ("id", f"rel-{upper}-{lower}-{relation.stance.value}"),
        ("class", f"rel {relation.stance.value}" + (" across" if across else "")),
        ("dir", "back"),
        ("color", EDGE_COLOUR[relation.stance] + ("8c" if across else "")),
        ("arrowtail", "normal" if support else "tee"),
        ("penwidth", (0.6 if across else 0.8) + (1.4 if across else 2.4) * relation.confidence),
        ("tooltip", tooltip_text(tip, max_chars=TOOLTIP_CHARS)),
    ]
    minlen = layout.minlen.get((upper, lower), 1)
    if across:
        pairs.append(("constraint", "false"))
    elif minlen > 1:
        pairs.append(("minlen", minlen))
    return f"  {upper} -> {lower} {_attrs(pairs)}"


def overview_dot(amap: ArgumentMap, analysis: Analysis, options: RenderOptions) -> str:
    """One node per topic; one edge per pair of topics and stance, as thick as its count.

    Topics have no natural top-to-bottom order, so the overview uses ``neato`` (seeded, so the
    same map gives the same picture) instead of ``dot``'s ranks, which made a wide ribbon.
    """
    tids = topic_ids(amap)
    topic_of = {cid: t.id for t in amap.topics for cid in t.claim_ids}
    counts: dict[tuple[str, str, Stance], int] = defaultdict(int)
    for r in amap.relations:
        a, b = topic_of.get(r.target), topic_of.get(r.source)
        if a and b and a != b:
            first, second = sorted((tids[a], tids[b]))
            counts[(first, second, r.stance)] += 1
    header = graph_header(options, dot_text("Topics and the relations between them", width=60))
    header[0] = header[0].replace(
        "graph [", 'graph [layout=neato start=1 overlap=false sep="+14" splines=true ', 1)
    out = ["digraph argmap_overview {", *header]
    contested = set(analysis.contested)
    names = {t.id: t.label for t in amap.topics}
    claim_text = {c.id: c.text for c in amap.claims}
    for topic in amap.topics:
        n_contested = sum(1 for cid in topic.claim_ids if cid in contested)
        text = f"{topic.label}\n{len(topic.claim_ids)} claims, {n_contested} contested"
        typical = claim_text.get(topic.representative or "")
        if typical:  # the label's terms plus the claim that is most typical of the topic
            text += "\n“" + " ".join(typical.split()[:14]) + ("…”" if len(typical.split()) > 14 else "”")
        out.append(f"  {tids[topic.id]} " + _attrs([
            ("label", dot_text(text, width=40, max_chars=TOPIC_LABEL_CHARS + 160)),
            ("tooltip", tooltip_text(", ".join(topic.terms) or topic.label)),
            ("style", "rounded,filled"), ("fillcolor", "#eef2f7"), ("color", "#6b7280"),
            ("URL", f"#topic-{tids[topic.id]}"),
        ]))
    by_tid = {tids[t]: names[t] for t in names}
    for (a, b, stance), n in sorted(counts.items(), key=lambda kv: (kv[0][0], kv[0][1],
                                                                     kv[0][2].value)):
        word = "support" if stance is Stance.SUPPORT else "attack"
        tip = f"{n} {word} relation{'s' if n != 1 else ''} between {by_tid[a]} and {by_tid[b]}"
        pairs: list[tuple[str, str | float | int]] = [
            ("dir", "none"), ("color", EDGE_COLOUR[stance] + ("" if n > 1 else "99")),
            ("penwidth", min(7.0, 0.8 + 1.5 * math.log2(n))),
            ("fontcolor", EDGE_COLOUR[stance]), ("tooltip", tooltip_text(tip)),
            ("class", f"rel {stance.value}"),
        ]
        if n > 1:  # a "1" on every thin edge is clutter; width and tooltip already say it
            pairs.append(("label", str(n)))
        out.append(f"  {a} -> {b} {_attrs(pairs)}")
    out.append("}")
    return "\n".join(out) + "\n"
