
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
  // post stances come as [reply, parent (indices into data.pids), 0 none / 1 agree /
  // 2 disagree, confidence, uncertain?, reply claim, parent claim (indices into data.ids, -1)]
  var WORDS = ["takes no side", "agrees", "disagrees"], KINDS = ["none", "agree", "disagree"];
  var stanceOf = {}, repliesTo = {};
  (data.prel || []).forEach(function (a) {
    var r = {source: data.pids[a[0]], target: data.pids[a[1]], kind: a[2], confidence: a[3],
             uncertain: !!a[4], sourceClaim: a[5] >= 0 ? data.ids[a[5]] : null,
             targetClaim: a[6] >= 0 ? data.ids[a[6]] : null};
    stanceOf[r.source] = r;
    (repliesTo[r.target] = repliesTo[r.target] || []).push(r);
  });
  var panel = document.getElementById("details");
  var showUncertain = false;
  var byNode = {};
  Object.keys(data.claims).forEach(function (id) {
    var node = data.claims[id].node;  // copies share their first copy's node: it wins
    if (node && !byNode["claim-" + node]) { byNode["claim-" + node] = id; }
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
  function postButton(pid) {
    var post = data.posts[pid] || {};
    var text = (post.text || "").replace(/\s+/g, " ").trim();
    var a = el("a", "\u201c" + (text.length > 120 ? text.slice(0, 119) + "\u2026" : text)
               + "\u201d", "post-link");
    a.href = "#details";
    a.addEventListener("click", function (ev) { ev.preventDefault(); showPost(pid); });
    var span = el("span");
    span.appendChild(el("bdi", post.author || "anonymous", "who"));
    span.appendChild(document.createTextNode(": "));
    span.appendChild(a);
    return span;
  }
  function stanceLine(r, other) {  // "disagrees, confident (0.83): <post>" + carrying pair
    var li = el("li", null, "post-rel " + KINDS[r.kind]);
    li.appendChild(el("span", WORDS[r.kind], "stance"));
    li.appendChild(el("span", " \u00b7 " + sure(r.confidence) + (r.uncertain ? ", below the "
                                                                 + "threshold" : "") + " \u00b7 ",
                      "muted"));
    li.appendChild(postButton(other));
    if (r.sourceClaim && r.targetClaim) {
      var pair = el("div", null, "pair");
      pair.appendChild(document.createTextNode("carried by "));
      pair.appendChild(claimButton(r.sourceClaim));
      pair.appendChild(document.createTextNode(" answering "));
      pair.appendChild(claimButton(r.targetClaim));
      li.appendChild(pair);
    }
    return li;
  }
  function postStances(pid) {  // the post's stance on its parent and its replies' on it
    var up = stanceOf[pid];
    if (up && (showUncertain || !up.uncertain)) {
      panel.appendChild(el("h3", "This post answers"));
      var ul = el("ul", null, "rel-list post-rels");
      ul.appendChild(stanceLine(up, up.target));
      panel.appendChild(ul);
    }
    var replies = (repliesTo[pid] || []).filter(function (r) {
      return showUncertain || !r.uncertain;
    });
    if (!replies.length) { return; }
    var n = [0, 0, 0];
    replies.forEach(function (r) { n[r.kind] += 1; });
    panel.appendChild(el("h3", "Replies (" + replies.length + "): " + n[2] + " disagree, "
                         + n[1] + " agree, " + n[0] + " take no side"));
    var list = el("ul", null, "rel-list post-rels");
    replies.slice(0, 50).forEach(function (r) { list.appendChild(stanceLine(r, r.source)); });
    panel.appendChild(list);
    if (replies.length > 50) { panel.appendChild(el("p", "and " + (replies.length - 50)
                                                    + " more", "muted")); }
  }
  function showPost(pid) {
    var post = data.posts[pid];
    if (!post) { return; }
    panel.replaceChildren();
    panel.appendChild(el("h2", "Selected post"));
    var meta = el("p", null, "meta");
    meta.appendChild(document.createTextNode("by "));
    meta.appendChild(el("bdi", post.author || "anonymous"));
    panel.appendChild(meta);
    if (post.url) {
      var a = el("a", "open the post");
      a.href = post.url; a.rel = "noopener noreferrer"; a.target = "_blank";
      panel.appendChild(a);
    }
    panel.appendChild(el("blockquote", post.text || ""));
    postStances(pid);
    delete panel.dataset.claim;
    panel.dataset.post = pid;
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
    var mine = {};
    mine[id] = true;
    (data.claims[id].copies || []).forEach(function (other) { mine[other] = true; });
    data.relations.forEach(function (r) {
      if (mine[r.source] === true || mine[r.target] === true) {
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
    meta.appendChild(document.createTextNode(" \u00b7 " + c.status_word + " \u00b7 topic: "));
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
    var mine = {};  // a restated claim's node carries the relations of every copy
    mine[id] = true;
    (c.copies || []).forEach(function (other) { mine[other] = true; });
    if (c.copies && c.copies.length) {
      var seen = {}, others = [];
      c.copies.forEach(function (other) {
        var pid = data.claims[other].post;
        if (pid !== c.post && !seen[pid]) { seen[pid] = true; others.push(pid); }
      });
      if (others.length) {
        panel.appendChild(el("h3", "Also said in " + others.length + " other post"
                             + (others.length === 1 ? "" : "s")));
        var also = el("ul", null, "rel-list");
        others.slice(0, 50).forEach(function (pid) {
          var li = el("li");
          li.appendChild(postButton(pid));
          also.appendChild(li);
        });
        panel.appendChild(also);
        if (others.length > 50) { panel.appendChild(el("p", "and " + (others.length - 50) + " more", "muted")); }
      }
    }
    var groups = [["Supported by", "support", "target"], ["Attacked by", "attack", "target"],
                  ["Supports", "support", "source"], ["Attacks", "attack", "source"]];
    groups.forEach(function (g) {
      var items = data.relations.filter(function (r) {
        var other = g[2] === "target" ? r.source : r.target;  // copies restate, not argue
        return r.stance === g[1] && mine[r[g[2]]] === true && mine[other] !== true
          && (showUncertain || !r.uncertain);
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
    postStances(c.post);
    delete panel.dataset.post;
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
  document.querySelectorAll("a[data-post]").forEach(function (a) {
    a.addEventListener("click", function (ev) {
      ev.preventDefault();
      showPost(a.getAttribute("data-post"));
    });
  });
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
    // rounded up: rounded to nearest, a map opened at the readable scale drew 10.9993 px text
    if (svg && natural) { svg.style.width = Math.ceil(natural * scale) + "px"; }
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
  // A map opened at a readable scale shows its top left corner, which a layout of topic boxes
  // can leave empty: scroll to the claim nearest that corner, so the first view shows claims.
  if (map && svg && scale > fit) {
    var frame = map.getBoundingClientRect(), nearest = null, best = Infinity;
    var claims = Array.prototype.map.call(svg.querySelectorAll("g.node.claim"), function (g) {
      return g.getBoundingClientRect();
    });
    claims.forEach(function (r) {
      var d = (r.top - frame.top) + (r.left - frame.left);
      if (d < best - 0.5) { best = d; nearest = r; }
    });
    if (nearest) {  // and far enough left that no claim of that first screen is cut
      var left = nearest.left;
      claims.forEach(function (r) {
        if (r.top < nearest.top + frame.height && r.right > nearest.left) {
          left = Math.min(left, r.left);
        }
      });
      map.scrollTop = Math.max(0, nearest.top - frame.top - 48);
      map.scrollLeft = Math.max(0, left - frame.left - 24);
    }
  }
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
  // one state, several switches (the map's legend, the disagreements section): kept in step
  var toggles = document.querySelectorAll("input.show-uncertain");
  toggles.forEach(function (toggle) {
    toggle.addEventListener("change", function () {
      showUncertain = toggle.checked;
      toggles.forEach(function (other) { other.checked = showUncertain; });
      document.body.classList.toggle("show-uncertain", showUncertain);
      if (panel.dataset.claim) { show(panel.dataset.claim); }
      else if (panel.dataset.post) { showPost(panel.dataset.post); }
    });
  });
})();
