"""Maps as a moderator sees them: threads with gold relations (format A records, e.g.
cmv_hidey2017; a record without ``posts`` is one post) mapped through the real pipeline, the
drawn edges compared with gold.

Unlike ``relations`` (gold units given as claims), nothing gold goes in here but the posts: each
record's posts (``text[start:end]``, author, reply_to) are written as JSON Lines and read by the
real reader, each thread is mapped on its own by ``build_map`` as ``argmap map`` does, and an
edge is *drawn* when its confidence reaches ``min_drawn`` (the renderer's
``render.min_confidence``). Matching is by span overlap: a claim stands for a gold unit when
they share at least half of the shorter of the two spans (one claim may stand for several
units and the other way round). Figures:

* ``drawn_precision``: share of drawn edges whose source and target stand for the source and
  target of a gold relation with the same stance (``drawn_attachment_precision``: any stance);
* ``within_post_recall`` / ``across_posts_recall``: share of gold support/attack relations
  inside one post / across posts that some drawn edge of the same stance matches. Relations
  with a unit outside every post (the CMV title, which no post holds) count as not found;
  ``*_recall_mappable`` leaves them out;
* post level (``post_``): a pair of posts is gold-related when some unit of the first relates to
  some unit of the second, with the majority stance of those relations (a tie allows both).
  argmap's decision is its ``post_relations`` (agree = support, disagree = attack, none = no
  decision); precision is over its agree/disagree decisions with confidence >= ``min_drawn``.
"""

from __future__ import annotations

import tempfile
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson

from argmap.evaluation.reliability import figures as reliability_figures
from argmap.link.calibration import DRAW_THRESHOLD
from argmap.model import ArgumentMap, Claim, Relation
from argmap.options import Options

STANCES = ("support", "attack")
POST_STANCE = {"agree": "support", "disagree": "attack"}
SWEEP = (0.0, 0.2, 0.3, 0.4, 0.5, 0.6)


def _posts(record: dict[str, Any]) -> list[dict[str, Any]]:
    """The record's posts; a record without them (CDCP) is one post."""
    return record.get("posts") or [{"id": "p", "start": 0, "end": len(record["text"]),
                                    "reply_to": None}]


def _unit_posts(record: dict[str, Any]) -> dict[str, str | None]:
    """Unit id -> the id of the post holding it: its ``post_id``, else the post whose span holds
    its start (CreateDebate's units are whole posts and name none)."""
    posts = _posts(record)
    out: dict[str, str | None] = {}
    for unit in record["units"]:
        owner = unit.get("post_id")
        if owner is None:
            owner = next((p["id"] for p in posts if p["start"] <= unit["start"] < p["end"]), None)
        out[unit["id"]] = owner
    return out


def _posts_jsonl(records: Sequence[dict[str, Any]]) -> bytes:
    lines = []
    for record in records:
        text = record["text"]
        for post in _posts(record):
            lines.append(orjson.dumps({
                "id": f"{record['id']}:{post['id']}", "thread": str(record["id"]),
                "text": text[post["start"]:post["end"]], "author": post.get("author"),
                "reply_to": f"{record['id']}:{post['reply_to']}" if post.get("reply_to") else None,
            }))
    return b"\n".join(lines) + b"\n"


def map_records(records: Sequence[dict[str, Any]], options: Options | None = None,
                ) -> dict[str, ArgumentMap]:
    """Record id -> the map ``argmap map`` draws of its posts (one thread per record). The
    reader names ids after the file (``threads:<record>:<post>``): the prefix is dropped from
    the keys here, and ``_prefix`` gives it back for post ids."""
    from argmap.pipeline import build_map
    from argmap.readers import read_threads

    options = options or Options()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "threads.jsonl"
        path.write_bytes(_posts_jsonl(records))
        # a record with a repeated post id (CreateDebate Ac002) keeps its first copy, as
        # ``argmap map --set read.max_errors=1`` would
        threads = read_threads([path], replace(options.read, max_errors=1.0)).threads
    ids = {str(r["id"]) for r in records}
    return {next((i for i in sorted(ids) if thread.id.endswith(":" + i) or thread.id == i),
                 thread.id): build_map([thread], options) for thread in threads}


def _prefix(record: dict[str, Any], amap: ArgumentMap) -> str:
    """What the reader put before ``<record id>`` in thread and post ids."""
    tid = amap.threads[0].id if amap.threads else str(record["id"])
    return tid[:len(tid) - len(str(record["id"]))]


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    shared = min(a[1], b[1]) - max(a[0], b[0])
    return shared > 0 and 2 * shared >= min(a[1] - a[0], b[1] - b[0])


def _claim_spans(record: dict[str, Any], amap: ArgumentMap) -> dict[str, tuple[int, int]]:
    """Claim id -> (start, end) in the record's text (the reader keeps post text verbatim; a
    post whose text it changed is located by search)."""
    prefix = _prefix(record, amap)
    starts = {f"{prefix}{record['id']}:{p['id']}": p["start"] for p in _posts(record)}
    text = record["text"]
    spans = {}
    for claim in amap.claims:
        at = starts.get(claim.post_id, 0) + claim.start
        if text[at:at + len(claim.text)] != claim.text:
            found = text.find(claim.text)
            if found < 0:
                continue
            at = found
        spans[claim.id] = (at, at + len(claim.text))
    return spans


def _units_of(claims: Sequence[Claim], spans: dict[str, tuple[int, int]],
              units: list[dict[str, Any]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for claim in claims:
        span = spans.get(claim.id)
        out[claim.id] = {u["id"] for u in units
                         if span is not None and _overlaps(span, (u["start"], u["end"]))}
    return out


def _post_gold(record: dict[str, Any], prefix: str) -> dict[tuple[str, str], set[str]]:
    """(source post, target post) -> the majority stance(s) of the gold relations between them."""
    post_of = _unit_posts(record)
    counts: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for rel in record.get("relations", []):
        s, d = post_of.get(rel["src"]), post_of.get(rel["dst"])
        if s and d and s != d and rel.get("stance") in STANCES:
            counts[(f"{prefix}{record['id']}:{s}", f"{prefix}{record['id']}:{d}")][
                rel["stance"]] += 1
    out = {}
    for key, c in counts.items():
        top = max(c.values())
        out[key] = {s for s, n in c.items() if n == top}
    return out


def _gold(record: dict[str, Any]) -> dict[tuple[str, str], str]:
    return {(r["src"], r["dst"]): r["stance"] for r in record.get("relations", [])
            if r.get("stance") in STANCES}


def edge_outcomes(record: dict[str, Any], amap: ArgumentMap,
                  ) -> list[tuple[Relation, str, set[tuple[str, str]], bool]]:
    """Per relation of the map: (relation, route, the gold relations it matches with its
    stance, whether it matches a gold relation at all)."""
    gold = _gold(record)
    units_of = _units_of(amap.claims, _claim_spans(record, amap), record["units"])
    out = []
    for rel in amap.relations:
        pairs = {(s, t) for s in units_of.get(rel.source, ()) for t in units_of.get(rel.target, ())}
        right = {p for p in pairs if gold.get(p) == rel.stance.value}
        out.append((rel, _route(amap, rel), right, any(p in gold for p in pairs)))
    return out


def score_record(record: dict[str, Any], amap: ArgumentMap, min_drawn: float,
                 outcomes: list | None = None) -> Counter:
    """Counts for one record's map at one drawing threshold (``outcomes``: its
    ``edge_outcomes``, when the caller has them)."""
    units = record["units"]
    in_post = {u["id"] for u in units for p in _posts(record)
               if p["start"] <= u["start"] and u["end"] <= p["end"]}
    post_of_unit = _unit_posts(record)
    gold = _gold(record)
    if outcomes is None:
        outcomes = edge_outcomes(record, amap)
    drawn = [o for o in outcomes if o[0].confidence >= min_drawn]
    out: Counter = Counter(drawn_edges=len(drawn))
    found: set[tuple[str, str]] = set()
    for _rel, route, right, attached in drawn:
        out["drawn_right"] += bool(right)
        out["drawn_attached"] += attached
        found |= right
        out[f"drawn_{route}"] += 1
        out[f"drawn_right_{route}"] += bool(right)
    for (src, dst) in gold:
        scope = "within" if post_of_unit.get(src) == post_of_unit.get(dst) else "across"
        mappable = src in in_post and dst in in_post
        out[f"gold_{scope}"] += 1
        out[f"found_{scope}"] += (src, dst) in found
        out[f"gold_{scope}_mappable"] += mappable
        out[f"found_{scope}_mappable"] += mappable and (src, dst) in found
    post_gold = _post_gold(record, _prefix(record, amap))
    out["post_gold"] += len(post_gold)
    for pr in getattr(amap, "post_relations", ()):
        stance = POST_STANCE.get(pr.stance.value if hasattr(pr.stance, "value") else pr.stance)
        if stance is None or pr.confidence < min_drawn:
            continue
        out["post_predicted"] += 1
        right = stance in post_gold.get((pr.source, pr.target), set())
        out["post_right"] += right
    return out


def _route(amap: ArgumentMap, rel: Relation) -> str:
    """within | reply | quote | similarity | cross_thread, read from the edge's evidence."""
    source_post, target_post = rel.source.rsplit("/c", 1)[0], rel.target.rsplit("/c", 1)[0]
    if source_post == target_post:
        return "within"
    kinds = {e.kind.value for e in rel.evidence}
    if "quote" in kinds:
        return "quote"
    if "reply" in kinds:
        return "reply"
    other = any("other thread" in e.detail for e in rel.evidence)
    return "cross_thread" if other else "similarity"


def _ratio(a: int, b: int) -> float | None:
    return a / b if b else None


def figures(counts: Counter) -> dict[str, Any]:
    """Plainly named figures from summed counts."""
    out: dict[str, Any] = {
        "drawn_edges": counts["drawn_edges"],
        "drawn_precision": _ratio(counts["drawn_right"], counts["drawn_edges"]),
        "drawn_attachment_precision": _ratio(counts["drawn_attached"], counts["drawn_edges"]),
        "within_post_recall": _ratio(counts["found_within"], counts["gold_within"]),
        "across_posts_recall": _ratio(counts["found_across"], counts["gold_across"]),
        "within_post_recall_mappable": _ratio(counts["found_within_mappable"],
                                              counts["gold_within_mappable"]),
        "across_posts_recall_mappable": _ratio(counts["found_across_mappable"],
                                               counts["gold_across_mappable"]),
        "gold_within_post": counts["gold_within"], "gold_across_posts": counts["gold_across"],
        "post_pairs_gold": counts["post_gold"], "post_pairs_predicted": counts["post_predicted"],
        "post_precision": _ratio(counts["post_right"], counts["post_predicted"]),
        "post_recall": _ratio(counts["post_right"], counts["post_gold"]),
    }
    for route in ("within", "reply", "quote", "similarity", "cross_thread"):
        out[f"drawn_edges_{route}"] = counts[f"drawn_{route}"]
        out[f"drawn_precision_{route}"] = _ratio(counts[f"drawn_right_{route}"],
                                                 counts[f"drawn_{route}"])
    return out


def evaluate_maps(records: Sequence[dict[str, Any]], options: Options | None = None,
                  min_drawn: float | None = None,
                  sweep: Sequence[float] = SWEEP) -> dict[str, Any]:
    """Figures at ``min_drawn`` (default: the renderer's ``min_confidence`` when it has one,
    else ``calibration.DRAW_THRESHOLD``) and at each threshold of ``sweep``."""
    options = options or Options()
    usable = [r for r in records if r.get("units")]
    maps = map_records(usable, options)
    if min_drawn is None:
        min_drawn = float(getattr(options.render, "min_confidence", DRAW_THRESHOLD))
    outcomes = {str(r["id"]): edge_outcomes(r, maps[str(r["id"])]) for r in usable
                if str(r["id"]) in maps}
    by_threshold = {}
    for threshold in sorted({min_drawn, *sweep}):
        counts: Counter = Counter()
        for record in usable:
            key = str(record["id"])
            if key in maps:
                counts += score_record(record, maps[key], threshold, outcomes[key])
        by_threshold[threshold] = figures(counts)
    every = [o for key in sorted(outcomes) for o in outcomes[key]]
    calibration = reliability_figures([o[0].confidence for o in every],
                                      [bool(o[2]) for o in every])
    return {"threads": len(usable), "min_drawn": min_drawn, **by_threshold[min_drawn],
            **calibration, "sweep": {f"{t:.2f}": by_threshold[t] for t in sorted(by_threshold)}}
