"""The topic overview: one box per topic, and the strongest support/attack between topics.

A 2,000-post thread has over a thousand relations between its 40 topics; drawn one edge per
topic pair and stance that was a tangle of 1,262 lines with no arrowheads, and at 3,000 posts
(1,403 lines) Graphviz 2.43 aborted. So the relations are aggregated per *ordered* topic pair
and stance (claims of topic A attacking claims of topic B), weighted by their summed
confidence, and only the ``render.overview_edges`` strongest links are drawn (ties broken by
topic ids), with arrowheads at the topic that is answered, the relation count as an external
label (``xlabel``: edge labels proper become layout nodes and widened the picture 35%), the
line width by weight, and a legend saying how many links were left out. Relations below
``render.min_confidence`` are not counted. A topic's box also says how many replies disagree
with their parent post through one of its claims (the disputes land there).

The overview is laid out by ``dot`` like every other map: ``neato`` (used before) is not
deterministic in Graphviz 2.43 even with a fixed ``start`` (the SVG of one 10k-post overview
differed in 6 of 20 runs) and crashed on one 3,000-post overview in 1 of 8 runs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from argmap.model import Analysis, ArgumentMap, PostStance, Stance
from argmap.options import RenderOptions
from argmap.render.dot import (
    ASPECT,
    EDGE_COLOUR,
    TOPIC_LABEL_CHARS,
    _attrs,
    graph_header,
    invisible_lines,
)
from argmap.render.labels import display_width, dot_text, label_lines, tooltip_text
from argmap.render.layout import Layout, box_size, plan_layout
from argmap.render.map_index import topic_ids

NODE_WRAP = 40
PER_TOPIC = 2  # links drawn per topic at most


@dataclass(frozen=True, slots=True)
class TopicLink:
    """Claims of ``source`` topic supporting or attacking claims of ``target`` topic."""

    source: str  # synthetic topic id (t01 ...)
    target: str
    stance: Stance
    count: int
    weight: float  # summed confidence, rounded to 4 places so last-bit noise cannot reorder


def topic_links(amap: ArgumentMap, min_confidence: float = 0.0) -> list[TopicLink]:
    """Every topic-to-topic link, strongest first (weight, then count, then ids)."""
    tids = topic_ids(amap)
    topic_of = {cid: tids[t.id] for t in amap.topics for cid in t.claim_ids}
    count: dict[tuple[str, str, Stance], int] = defaultdict(int)
    weight: dict[tuple[str, str, Stance], float] = defaultdict(float)
    for r in amap.relations:
        source, target = topic_of.get(r.source), topic_of.get(r.target)
        if source and target and source != target and r.confidence >= min_confidence:
            count[(source, target, r.stance)] += 1
            weight[(source, target, r.stance)] += r.confidence
    links = [TopicLink(s, t, stance, count[key], round(weight[key], 4))
             for key in count for s, t, stance in [key]]
    return sorted(links, key=lambda k: (-k.weight, -k.count, k.source, k.target, k.stance.value))


def disputed_claims(amap: ArgumentMap, min_confidence: float = 0.0) -> dict[str, int]:
    """Claim id -> how many replies disagree with their parent through it (the parent's claim
    of the carrying pair), counting decisions at or above ``min_confidence``."""
    out: dict[str, int] = defaultdict(int)
    for r in amap.post_relations:
        if (r.stance is PostStance.DISAGREE and r.target_claim is not None
                and r.confidence >= min_confidence):
            out[r.target_claim] += 1
    return dict(out)


def edge_budget(n_topics: int, cap: int) -> int:
    """How many topic links the overview draws: ``cap`` (``render.overview_edges``), and no
    more than two per topic (at least 10) -- beyond that a small overview is a tangle again."""
    return max(0, min(cap, max(10, PER_TOPIC * n_topics)))


def overview_dot(
    amap: ArgumentMap, analysis: Analysis, options: RenderOptions,
    *, aspect: float = ASPECT, simple: bool = False,
) -> str:
    """One node per topic; the ``options.overview_edges`` strongest topic links as arrows."""
    tids = topic_ids(amap)
    every = topic_links(amap, options.min_confidence)
    links = every[: edge_budget(len(amap.topics), options.overview_edges)]
    contested = set(analysis.contested)
    claim_text = {c.id: c.text for c in amap.claims}
    nodes: list[str] = []
    labels: dict[str, str] = {}
    disputed = disputed_claims(amap, options.min_confidence)
    for topic in amap.topics:
        n_contested = sum(1 for cid in topic.claim_ids if cid in contested)
        text = f"{topic.label}\n{len(topic.claim_ids)} claims, {n_contested} contested"
        n_disputed = sum(disputed.get(cid, 0) for cid in topic.claim_ids)
        if n_disputed:  # where the replies that disagree land
            text += f", {n_disputed} disagreeing repl{'y' if n_disputed == 1 else 'ies'}"
        typical = claim_text.get(topic.representative or "")
        if typical:  # the label's terms plus the claim that is most typical of the topic
            words = typical.split()
            text += "\n“" + " ".join(words[:14]) + ("…”" if len(words) > 14 else "”")
        nodes.append(tids[topic.id])
        labels[tids[topic.id]] = text
    sizes = {}
    for nid, text in labels.items():
        lines = label_lines(text, width=NODE_WRAP, max_chars=TOPIC_LABEL_CHARS + 160)
        sizes[nid] = box_size(lines, [display_width(x) for x in lines])
    layout = plan_layout({"": nodes}, [(k.target, k.source) for k in links], sizes,
                         sideways=options.rankdir in {"LR", "RL"}, aspect=aspect)
    title = "Topics and the strongest support and attack between them"
    out = ["digraph argmap_overview {",
           *graph_header(options, dot_text(title, width=80), simple=simple)]
    names = {tids[t.id]: t.label for t in amap.topics}
    for topic in amap.topics:
        nid = tids[topic.id]
        out.append(f"  {nid} " + _attrs([
            ("id", f"topic-{nid}"), ("class", "topic"),
            ("label", dot_text(labels[nid], width=NODE_WRAP, max_chars=TOPIC_LABEL_CHARS + 160)),
            ("tooltip", tooltip_text(", ".join(topic.terms) or topic.label)),
            ("style", "rounded,filled"), ("fillcolor", "#eef2f7"), ("color", "#6b7280"),
            ("URL", f"#topic-{nid}"),
        ]))
    out += [f"  {a} [shape=point style=invis width=0 height=0 label=\"\"]"
            for a in layout.anchors.get("", ())]
    heaviest = max((k.weight for k in links), default=1.0) or 1.0
    for link in links:
        out.append(_link_edge(link, names, heaviest, layout))
    out.extend(invisible_lines(layout))
    if options.show_legend:
        out.extend(_legend(len(links), len(every), options.min_confidence, cluster=not simple))
        out.extend(f"  {a} -> legend_a [style=invis]" for a in layout.bottom)
    out.append("}")
    return "\n".join(out) + "\n"


def _link_edge(link: TopicLink, names: dict[str, str], heaviest: float, layout: Layout) -> str:
    """An arrow from the answering topic to the topic it answers, as wide as its weight."""
    word = "support" if link.stance is Stance.SUPPORT else "attack"
    plural = "s" if link.count != 1 else ""
    tip = (f"{link.count} claim{plural} in {names[link.source]} {word}{'' if plural else 's'} "
           f"claims in {names[link.target]} (summed confidence {link.weight:.2f})")
    pairs: list[tuple[str, str | float | int]] = [
        ("id", f"link-{link.target}-{link.source}-{link.stance.value}"),
        ("class", f"rel {link.stance.value}"),
        ("dir", "back"), ("arrowtail", "normal" if link.stance is Stance.SUPPORT else "tee"),
        ("arrowsize", 1.0), ("color", EDGE_COLOUR[link.stance]),
        ("penwidth", 1.0 + 5.0 * link.weight / heaviest),
        ("xlabel", f" {link.count}"), ("fontcolor", EDGE_COLOUR[link.stance]),
        ("tooltip", tooltip_text(tip)),
    ]
    edge = (link.target, link.source)
    if edge in layout.loose:
        pairs.append(("constraint", "false"))
    elif layout.minlen.get(edge, 1) > 1:
        pairs.append(("minlen", layout.minlen[edge]))
    return f"  {link.target} -> {link.source} {_attrs(pairs)}"


def _links_kept(shown: int, total: int, min_confidence: float) -> str:
    """The legend's line on which topic-to-topic links are drawn. Why a sentence per case: a
    map whose relations all stay inside their topics read "all 0 topic-to-topic links", which
    looks like an error rather than a finding."""
    if total == 0:
        at = f" at confidence {min_confidence:.2f} or above" if min_confidence > 0 else ""
        return f"no relation{at} joins two topics: each topic's relations stay inside it"
    kept = (f"the {shown} strongest of {total} topic-to-topic links" if shown < total
            else "the one topic-to-topic link" if total == 1
            else f"all {total} topic-to-topic links")
    floor = f", relations below confidence {min_confidence:.2f} not counted" if min_confidence > 0 else ""
    return kept + floor


def _legend(shown: int, total: int, min_confidence: float, *, cluster: bool) -> list[str]:
    """Sample arrows and what the line width, the numbers and the cut-off mean."""
    note = f"number: relations; width: summed confidence\\l{_links_kept(shown, total, min_confidence)}\\l"
    box = [('style', 'rounded,filled'), ('fillcolor', '#eef2f7'), ('color', '#6b7280')]
    body = [
        f"legend_a {_attrs([('label', 'topic answered'), *box, ('tooltip', 'topic answered')])}",
        f"legend_b {_attrs([('label', 'supporting topic'), *box, ('tooltip', 'supporting topic')])}",  # noqa: E501
        f"legend_c {_attrs([('label', 'attacking topic'), *box, ('tooltip', 'attacking topic')])}",  # noqa: E501
        f"legend_a -> legend_b {_attrs([('dir', 'back'), ('color', EDGE_COLOUR[Stance.SUPPORT]), ('penwidth', 2.0), ('xlabel', ' supports'), ('fontcolor', EDGE_COLOUR[Stance.SUPPORT]), ('tooltip', 'supports')])}",  # noqa: E501
        f"legend_a -> legend_c {_attrs([('dir', 'back'), ('arrowtail', 'tee'), ('color', EDGE_COLOUR[Stance.ATTACK]), ('penwidth', 2.0), ('xlabel', ' attacks'), ('fontcolor', EDGE_COLOUR[Stance.ATTACK]), ('tooltip', 'attacks')])}",  # noqa: E501
        f"legend_note {_attrs([('label', note), ('shape', 'plaintext'), ('fontsize', 10), ('tooltip', 'legend')])}",  # noqa: E501
        "legend_b -> legend_note [style=invis]",
    ]
    if not cluster:
        return ["  " + line for line in body]
    return ["  subgraph cluster_legend {",
            '    graph [label="Legend" fontsize=12 style="rounded" color="#c5cad3" margin=10]',
            *("    " + line for line in body), "  }"]
