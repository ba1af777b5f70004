"""A self-contained HTML report: the map, topics, contested and unanswered claims, camps,
what stands and what falls, per-thread summaries, and what was dropped and why.

Safety is layered. Jinja2 autoescapes every value; links are emitted only for ``https://`` URLs;
data for the page's script goes into a ``<script type="application/json">`` block through
``|tojson`` (which escapes ``<``, ``>``, ``&`` so ``</script>`` in a post cannot end it); the
one inline script is a constant, allowed by its SHA-256 in a Content-Security-Policy that
forbids everything else (no network, no other scripts). The inlined SVG is dot's output, whose
text was made literal by ``labels``; it is checked with ``svg.svg_problems`` before use.
The report works from disk with no network: no CDN, no web fonts.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from collections.abc import Sequence
from importlib import resources
from typing import Any

from jinja2 import Environment, FunctionLoader, StrictUndefined, select_autoescape

from argmap.errors import RenderError
from argmap.model import (
    Analysis,
    ArgumentMap,
    Claim,
    Relation,
    Stance,
    claim_sort_key,
    relation_sort_key,
)
from argmap.options import RenderOptions
from argmap.render.copies import said_words
from argmap.render.dot import STATUS_WORDS, safe_url, threshold_words
from argmap.render.evidence import reasons
from argmap.render.labels import clean_text, truncate
from argmap.render.map_index import node_ids, topic_ids
from argmap.render.report_posts import post_stance_context, post_stance_data
from argmap.render.svg import svg_problems
from argmap.restatements import Restatements

POST_TEXT_CHARS = 2000
LIST_LIMIT = 200  # claims per list section; the rest is counted, not dropped silently
EVIDENCE_CHARS = 400
TARGET_CHARS = 160  # what an objection in a list is shown to attack


def _load_template(name: str) -> str:
    return (resources.files("argmap.render") / "templates" / name).read_text(encoding="utf-8")


# The page's one script (templates/report.js), allowed by its hash in the CSP: it builds the
# details panel from the JSON data block and drives the filters, zoom and toggles.
SCRIPT = _load_template("report.js")

SCRIPT_HASH = "sha256-" + base64.b64encode(hashlib.sha256(SCRIPT.encode("utf-8")).digest()).decode()
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    f"script-src '{SCRIPT_HASH}'; base-uri 'none'; form-action 'none'"
)

_ENV = Environment(
    loader=FunctionLoader(_load_template),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
_ENV.filters["href"] = safe_url  # None for anything but https://
_ENV.filters["clean"] = lambda text: clean_text(text or "")


def render_html(
    amap: ArgumentMap,
    analysis: Analysis,
    svg: str | None,
    options: RenderOptions,
    *,
    overview: str | None = None,
    map_note: str | None = None,
) -> str:
    """The report as one HTML string (inline CSS, inline SVGs, one hash-allowed script).

    ``overview`` is the topic overview SVG; its nodes link to the topic sections (``#topic-…``).
    ``map_note`` says why there is no map (Graphviz missing or failing), shown in its place.
    """
    context = _context(amap, analysis, options)
    return _ENV.get_template("report.html.j2").render(
        svg=_inline(svg), overview=_inline(overview), csp=CSP, script=SCRIPT, options=options,
        map_note=map_note, **context,
    )


def _inline(svg: str | None) -> str | None:
    """An SVG from dot, checked before it goes into the page (no prolog, no DOCTYPE)."""
    if not svg:
        return None
    problems = svg_problems(svg.encode("utf-8"))
    if "<svg" not in svg:
        problems.append("no <svg> element")
    if problems:
        raise RenderError(f"refusing to embed an unsafe SVG: {'; '.join(problems[:3])}")
    return svg[svg.find("<svg"):]


def _context(amap: ArgumentMap, analysis: Analysis, options: RenderOptions) -> dict[str, object]:
    """Everything the template and the page script need, in canonical order."""
    posts = {p.id: p for t in amap.threads for p in t.posts}
    claims = {c.id: c for c in sorted(amap.claims, key=claim_sort_key)}
    nodes, tids = node_ids(amap), topic_ids(amap)
    status = dict(analysis.status)
    topic_of = {cid: t for t in amap.topics for cid in t.claim_ids}
    copies = Restatements(claims.values())
    data_claims: dict[str, dict[str, Any]] = {}
    for cid, c in claims.items():
        topic = topic_of.get(cid)
        state = status.get(cid, "undecided")
        data_claims[cid] = {  # a copy points at the node its text is drawn as
            "text": clean_text(c.text), "post": c.post_id, "node": nodes[copies.head(cid)],
            "status": state, "status_word": STATUS_WORDS.get(state, state),
            "topic": tids[topic.id] if topic else "", "topic_label": topic.label if topic else "",
        }
    for head, members in copies.copies.items():
        data_claims[head]["copies"] = [c.id for c in members[1:]]
    authors = {pid: post.author for pid, post in posts.items()}
    said = {head: said_words(head, copies, authors) for head in copies.copies}
    index = {cid: i for i, cid in enumerate(claims)}
    pids, prel = post_stance_data(amap, index, options.min_confidence)
    used_posts = sorted({c.post_id for c in claims.values()} | set(pids))
    data_posts = {
        pid: {"author": clean_text(posts[pid].author or "") or None,
              "text": truncate(clean_text(posts[pid].text), POST_TEXT_CHARS),
              "url": safe_url(posts[pid].source.url)}
        for pid in used_posts if pid in posts
    }
    sentences: dict[str, int] = {}  # each reason once; relations point at them (85k relations
    relations: list[list[Any]] = [  # of a 3,000-post thread repeat a few hundred sentences)
        [index[r.source], index[r.target], int(r.stance is Stance.ATTACK), r.confidence,
         int(r.confidence < options.min_confidence),
         [sentences.setdefault(truncate(clean_text(text), EVIDENCE_CHARS), len(sentences))
          for text in reasons(r)]]
        for r in sorted(amap.relations, key=relation_sort_key)
        if r.source in index and r.target in index
    ]
    by_status: dict[str, list[str]] = {"in": [], "out": [], "undecided": []}
    for cid in claims:
        by_status.setdefault(status.get(cid, "undecided"), []).append(cid)
    by_status = {key: copies.once(ids) for key, ids in by_status.items()}
    summaries = {(s.scope, s.scope_id): s for s in analysis.summaries}
    return {
        "amap": amap, "analysis": analysis, "claims": claims, "posts": posts, "tids": tids,
        "topic_summaries": {t.id: summaries.get(("topic", t.id)) for t in amap.topics},
        "thread_summaries": {t.id: summaries.get(("thread", t.id)) for t in amap.threads},
        "camp_summaries": {c.id: summaries[("camp", c.id)] for c in analysis.camps
                           if ("camp", c.id) in summaries},
        "by_status": by_status, "list_limit": LIST_LIMIT, "said": said,
        "contested": copies.once(analysis.contested),
        "unanswered": copies.once(analysis.unanswered),
        "objection_targets": objection_targets(copies.once(analysis.unanswered), amap, claims,
                                               copies),
        "repeated": [head for head, _, _ in copies.most_said(authors)],
        "dropped_counts": sorted(Counter(d.reason.value for d in amap.dropped).items()),
        "n_posts": len(posts),
        "n_uncertain": sum(r[4] for r in relations),
        "threshold": threshold_words(options.min_confidence, sum(r[4] for r in relations)),
        "post_stance": post_stance_context(amap, posts, claims, options.min_confidence),
        "data": {"claims": data_claims, "posts": data_posts, "ids": list(claims),
                 "rel": relations, "reasons": list(sentences), "pids": pids, "prel": prel},
    }


def objection_targets(ids: Sequence[str], amap: ArgumentMap, claims: dict[str, Claim],
                      copies: Restatements) -> dict[str, str]:
    """What each listed objection attacks (its most confident attack, any copy's), shortened:
    "I don't think so." listed alone tells a moderator nothing."""
    wanted = set(ids)
    best: dict[str, Relation] = {}
    for r in amap.relations:
        head = copies.head(r.source)
        if head in wanted and r.stance is Stance.ATTACK and r.target in claims and (
                head not in best or r.confidence > best[head].confidence):
            best[head] = r
    return {cid: truncate(clean_text(claims[r.target].text), TARGET_CHARS)
            for cid, r in best.items()}
