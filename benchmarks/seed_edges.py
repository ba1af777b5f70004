"""How many of the hand-annotated edges of the seed documents argmap finds with their stance.

    python benchmarks/seed_edges.py [--min-drawn 0.5] [--json]

``benchmarks/seed_edges.json`` holds the support/attack edges a careful reader sees in
``corpora/*.txt`` (claim text pairs and a stance). Each document is read and mapped as
``argmap demo`` / ``argmap map`` do (the plain-text reader recovers the posts, one map per
thread). An annotated edge is found when some relation's source claim stands for its source
text and its target claim for its target text (the two spans share at least half of the
shorter one), with the same stance; "drawn" also asks the relation's confidence to reach
``--min-drawn`` (the renderer's ``render.min_confidence``). Also printed: found with any stance,
and the edges whose two texts fall in one claim (no edge can find them).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import orjson

from argmap.options import Options
from argmap.pipeline import build_map
from argmap.readers import read_threads

HERE = Path(__file__).resolve().parent
CORPORA = HERE.parent / "corpora"


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    shared = min(a[1], b[1]) - max(a[0], b[0])
    return shared > 0 and 2 * shared >= min(a[1] - a[0], b[1] - b[0])


def claim_spans(document: str, claims) -> dict[str, tuple[int, int]]:
    """Claim id -> its span in the document (claims are verbatim slices of post text, found in
    order, each search starting where the previous claim of its post ended)."""
    spans, cursor = {}, {}
    for claim in claims:
        at = document.find(claim.text, cursor.get(claim.post_id, 0))
        if at < 0:
            at = document.find(claim.text)
        if at >= 0:
            spans[claim.id] = (at, at + len(claim.text))
            cursor[claim.post_id] = at + len(claim.text)
    return spans


def score(min_drawn: float, options: Options | None = None) -> dict:
    options = options or Options()
    annotated = orjson.loads((HERE / "seed_edges.json").read_bytes())["edges"]
    by_document: dict[str, list[dict]] = {}
    for edge in annotated:
        by_document.setdefault(edge["document"], []).append(edge)
    rows = []
    for name in sorted(by_document):
        path = CORPORA / name
        document = path.read_text(encoding="utf-8")
        claims, relations = [], []
        for thread in read_threads([path], options.read).threads:
            amap = build_map([thread], options)
            claims.extend(amap.claims)
            relations.extend(amap.relations)
        spans = claim_spans(document, claims)
        for edge in by_document[name]:
            start = document.index(edge["source"])
            source = (start, start + len(edge["source"]))
            start = document.index(edge["target"])
            target = (start, start + len(edge["target"]))
            sources = {c for c, s in spans.items() if _overlaps(s, source)}
            targets = {c for c, s in spans.items() if _overlaps(s, target)}
            matches = [r for r in relations if r.source in sources and r.target in targets]
            right = [r for r in matches if r.stance.value == edge["stance"]]
            rows.append({**edge, "found": bool(right), "found_any_stance": bool(matches),
                         "drawn": any(r.confidence >= min_drawn for r in right),
                         "one_claim": bool(sources & targets),
                         "confidence": max((r.confidence for r in right), default=None)})
    n = len(rows)
    return {"edges": n, "min_drawn": min_drawn,
            "found": sum(r["found"] for r in rows),
            "found_share": round(sum(r["found"] for r in rows) / n, 4) if n else None,
            "drawn": sum(r["drawn"] for r in rows),
            "found_any_stance": sum(r["found_any_stance"] for r in rows),
            "in_one_claim": sum(r["one_claim"] for r in rows), "rows": rows}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-drawn", type=float, default=None,
                        help="drawing threshold (default: render.min_confidence if the "
                             "options have it, else calibration.DRAW_THRESHOLD)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    options = Options()
    min_drawn = args.min_drawn
    if min_drawn is None:
        from argmap.link.calibration import DRAW_THRESHOLD

        min_drawn = float(getattr(options.render, "min_confidence", DRAW_THRESHOLD))
    result = score(min_drawn, options)
    if args.json:
        sys.stdout.buffer.write(orjson.dumps(result, option=orjson.OPT_INDENT_2) + b"\n")
        return 0
    for row in result["rows"]:
        mark = "DRAWN" if row["drawn"] else "found" if row["found"] else (
            "stance?" if row["found_any_stance"] else "one claim" if row["one_claim"] else "-")
        print(f"{mark:9} {row['stance']:7} {row['source'][:50]!r} -> {row['target'][:40]!r}")
    print(f"\nfound with their stance: {result['found']} of {result['edges']} "
          f"({result['found_share']:.0%}); drawn (confidence >= {min_drawn}): {result['drawn']}; "
          f"found with any stance: {result['found_any_stance']}; "
          f"source and target in one claim: {result['in_one_claim']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
