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
from importlib import resources

from jinja2 import Environment, FunctionLoader, StrictUndefined, select_autoescape

from argmap.errors import RenderError
from argmap.model import Analysis, ArgumentMap, Stance, claim_sort_key, relation_sort_key
from argmap.options import RenderOptions
from argmap.render.dot import STATUS_WORDS, node_ids, safe_url, threshold_words, topic_ids
from argmap.render.evidence import reasons
from argmap.render.labels import clean_text, truncate
from argmap.render.svg import svg_problems

POST_TEXT_CHARS = 2000
LIST_LIMIT = 200  # claims per list section; the rest is counted, not dropped silently
EVIDENCE_CHARS = 400

SCRIPT = """
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("argmap-data").textContent);
  // relations come as [source, target, attack?, confidence, uncertain?, [reason indices]] with
  // claims by their index in data.ids: a 3,000-post thread has 85,000 of them
  data.relations = data.rel.map(function (a) {
    var source = data.ids[a[0]], target = data.ids[a[1]], stance = a[2] ? "attack" : "support";
    return {source: source, target: target, stance: stance, confidence: a[3], uncertain: !!a[4],
            why: a[5], dom: "rel-" + data.claims[target].node + "-" + data.claims[source].node
            + "-" + stance};
  });
  var panel = document.getElementById("details");
  var showUncertain = false;
  var byNode = {};
  Object.keys(data.claims).forEach(function (id) {
    var node = data.claims[id].node;
    if (node) { byNode["claim-" + node] = id; }
  });
  function sure(c) {  // render/evidence.py confidence_words, for the page
    var word = c >= 0.7 ? "confident" : c >= 0.5 ? "fairly sure" : "unsure";
    return word + " (" + c.toFixed(2) + ")";
  }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = text; }
    if (cls) { e.className = cls; }
    return e;
  }
  function claimButton(id) {
    var a = el("a", data.claims[id] ? data.claims[id].text : id, "claim-link");
    a.href = "#details";
    a.addEventListener("click", function (ev) { ev.preventDefault(); show(id); });
    return a;
  }
  function mark(id) {
    document.querySelectorAll(".selected").forEach(function (e) {
      e.classList.remove("selected");
    });
    var node = data.claims[id].node;
    var g = node ? document.getElementById("claim-" + node) : null;
    if (g) {
      g.classList.add("selected");
      g.scrollIntoView({block: "nearest", inline: "nearest"});
    }
    data.relations.forEach(function (r) {
      if (r.source === id || r.target === id) {
        var e = document.getElementById(r.dom);
        if (e) { e.classList.add("selected"); }
      }
    });
  }
  function show(id) {
    var c = data.claims[id];
    if (!c) { return; }
    var post = data.posts[c.post] || {};
    panel.replaceChildren();
    panel.appendChild(el("h2", "Selected claim"));
    panel.appendChild(el("p", c.text, "claim-text st-" + c.status));
    var meta = el("p", null, "meta");
    meta.appendChild(document.createTextNode("by "));
    meta.appendChild(el("bdi", post.author || "anonymous"));
    meta.appendChild(document.createTextNode(" \\u00b7 " + c.status_word + " \\u00b7 topic: "));
    meta.appendChild(el("bdi", c.topic_label || "none"));
    panel.appendChild(meta);
    if (post.url) {
      var a = el("a", "open the post");
      a.href = post.url; a.rel = "noopener noreferrer"; a.target = "_blank";
      panel.appendChild(a);
    }
    panel.appendChild(el("h3", "The post"));
    var quote = el("blockquote");
    var text = post.text || "";
    var at = c.text ? text.indexOf(c.text) : -1;
    if (at >= 0) {
      quote.appendChild(document.createTextNode(text.slice(0, at)));
      quote.appendChild(el("mark", c.text));
      quote.appendChild(document.createTextNode(text.slice(at + c.text.length)));
    } else {
      quote.textContent = text;
    }
    panel.appendChild(quote);
    var groups = [["Supported by", "support", "target"], ["Attacked by", "attack", "target"],
                  ["Supports", "support", "source"], ["Attacks", "attack", "source"]];
    groups.forEach(function (g) {
      var items = data.relations.filter(function (r) {
        return r.stance === g[1] && r[g[2]] === id && (showUncertain || !r.uncertain);
      });
      if (!items.length) { return; }
      panel.appendChild(el("h3", g[0] + " (" + items.length + ")"));
      var ul = el("ul", null, "rel-list " + g[1]);
      items.forEach(function (r) {
        var li = el("li");
        li.appendChild(claimButton(g[2] === "target" ? r.source : r.target));
        var why = el("div", null, "evidence");
        why.appendChild(el("span", sure(r.confidence) + (r.uncertain ? ", below the threshold" : "")
                           + ": ", "sure"));
        why.appendChild(document.createTextNode(r.why.map(function (i) {
          return data.reasons[i];
        }).join("; ")));
        li.appendChild(why);
        ul.appendChild(li);
      });
      panel.appendChild(ul);
    });
    panel.dataset.claim = id;
    mark(id);
  }
  var map = document.getElementById("map");
  if (map) {
    map.addEventListener("click", function (ev) {
      var g = ev.target.closest("g.node");
      if (!g || !byNode[g.id]) { return; }
      ev.preventDefault();
      show(byNode[g.id]);
    });
  }
  document.querySelectorAll("a[data-claim]").forEach(function (a) {
    a.addEventListener("click", function (ev) {
      ev.preventDefault();
      show(a.getAttribute("data-claim"));
    });
  });
  function applyFilters() {
    var topic = document.getElementById("topic-filter").value;
    var stances = {};
    document.querySelectorAll("input[data-stance]").forEach(function (box) {
      stances[box.getAttribute("data-stance")] = box.checked;
    });
    Object.keys(data.claims).forEach(function (id) {
      var c = data.claims[id];
      var g = c.node ? document.getElementById("claim-" + c.node) : null;
      if (g) { g.classList.toggle("dim", topic !== "" && c.topic !== topic); }
    });
    data.relations.forEach(function (r) {
      var e = document.getElementById(r.dom);
      if (e) { e.classList.toggle("hidden", !stances[r.stance]); }
    });
  }
  document.querySelectorAll("#topic-filter, input[data-stance]").forEach(function (e) {
    e.addEventListener("change", applyFilters);
  });
  var svg = map ? map.querySelector("svg") : null;
  var natural = svg && svg.viewBox.baseVal ? svg.viewBox.baseVal.width : 0;
  var scale = 1;
  // Claim text is drawn at its font size (11 pt -> 11 px at scale 1). The map opens fitted to
  // the width only when that keeps claim text at least MIN_TEXT_PX; else at the smallest scale
  // that does, with scrolling and dragging to pan.
  var MIN_TEXT_PX = 11;
  var label = svg ? svg.querySelector("g.node text") : null;
  var fontSize = label ? parseFloat(label.getAttribute("font-size")) || 11 : 11;
  var readable = MIN_TEXT_PX / fontSize;
  function fitScale() { return natural ? Math.min(1, (map.clientWidth - 2) / natural) : 1; }
  function applyZoom() {
    if (svg && natural) { svg.style.width = Math.round(natural * scale) + "px"; }
  }
  [["zoom-in", 1.25], ["zoom-out", 0.8]].forEach(function (z) {
    document.getElementById(z[0]).addEventListener("click", function () {
      scale = Math.min(3, Math.max(0.05, scale * z[1]));
      applyZoom();
    });
  });
  document.getElementById("zoom-fit").addEventListener("click", function () {
    scale = fitScale(); applyZoom();
  });
  var fit = fitScale();
  scale = fit >= readable ? fit : readable;
  applyZoom();
  if (map) {
    var drag = null;
    map.addEventListener("pointerdown", function (ev) {
      if (ev.button !== 0 || ev.target.closest("g.node")) { return; }
      drag = {x: ev.clientX, y: ev.clientY, left: map.scrollLeft, top: map.scrollTop};
    });
    window.addEventListener("pointermove", function (ev) {
      if (!drag) { return; }
      map.scrollLeft = drag.left - (ev.clientX - drag.x);
      map.scrollTop = drag.top - (ev.clientY - drag.y);
    });
    window.addEventListener("pointerup", function () { drag = null; });
  }
  var toggle = document.getElementById("show-uncertain");
  if (toggle) {
    toggle.addEventListener("change", function () {
      showUncertain = toggle.checked;
      document.body.classList.toggle("show-uncertain", showUncertain);
      if (panel.dataset.claim) { show(panel.dataset.claim); }
    });
  }
})();
"""

SCRIPT_HASH = "sha256-" + base64.b64encode(hashlib.sha256(SCRIPT.encode("utf-8")).digest()).decode()
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    f"script-src '{SCRIPT_HASH}'; base-uri 'none'; form-action 'none'"
)


def _load_template(name: str) -> str:
    return (resources.files("argmap.render") / "templates" / name).read_text(encoding="utf-8")


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
    data_claims = {}
    for cid, c in claims.items():
        topic = topic_of.get(cid)
        state = status.get(cid, "undecided")
        data_claims[cid] = {
            "text": clean_text(c.text), "post": c.post_id, "node": nodes[cid], "status": state,
            "status_word": STATUS_WORDS.get(state, state),
            "topic": tids[topic.id] if topic else "", "topic_label": topic.label if topic else "",
        }
    used_posts = sorted({c.post_id for c in claims.values()})
    data_posts = {
        pid: {"author": clean_text(posts[pid].author or "") or None,
              "text": truncate(clean_text(posts[pid].text), POST_TEXT_CHARS),
              "url": safe_url(posts[pid].source.url)}
        for pid in used_posts if pid in posts
    }
    index = {cid: i for i, cid in enumerate(claims)}
    sentences: dict[str, int] = {}  # each reason once; relations point at them (85k relations
    relations = [  # of a 3,000-post thread repeat a few hundred sentences)
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
    summaries = {(s.scope, s.scope_id): s for s in analysis.summaries}
    return {
        "amap": amap, "analysis": analysis, "claims": claims, "posts": posts, "tids": tids,
        "topic_summaries": {t.id: summaries.get(("topic", t.id)) for t in amap.topics},
        "thread_summaries": {t.id: summaries.get(("thread", t.id)) for t in amap.threads},
        "camp_summaries": {c.id: summaries[("camp", c.id)] for c in analysis.camps
                           if ("camp", c.id) in summaries},
        "by_status": by_status, "list_limit": LIST_LIMIT,
        "dropped_counts": sorted(Counter(d.reason.value for d in amap.dropped).items()),
        "n_posts": len(posts),
        "n_uncertain": sum(r[4] for r in relations),
        "threshold": threshold_words(options.min_confidence, sum(r[4] for r in relations)),
        "data": {"claims": data_claims, "posts": data_posts, "ids": list(claims),
                 "rel": relations, "reasons": list(sentences)},
    }
