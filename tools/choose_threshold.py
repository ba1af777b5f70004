"""What each drawing threshold on calibrated confidence gives: the precision and the number of
drawn edges on the sealed (or study) part of every labelled corpus, and the post-level decisions.

Usage: python tools/choose_threshold.py [--part sealed] [--data ../shared/data] [--json]

Edges: maps built by the real pipeline for the thread corpora (cdcp, createdebate, cmv:
``evaluation.maps``), the edges ``link`` keeps between gold units for the microtexts, and each
pair's edge for the claim-stance pairs (right = its stance is the gold one). The default
``render.min_confidence`` is read from this table (README "Quality": precision first).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from argmap.evaluation import load_corpora
from argmap.evaluation.data import document_topic, gold_document, gold_pair, shared_data
from argmap.evaluation.maps import _post_gold, _prefix, edge_outcomes, map_records
from argmap.evaluation.stance import pair_records
from argmap.link.linker import judge_pairs, link
from argmap.options import LinkOptions

THRESHOLDS = (0.0, 0.2, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6)
MAPPED = ("cdcp", "createdebate_argmin2016", "cmv_hidey2017")
UNITS = ("arg_microtexts", "arg_microtexts_part2")
PAIRS = ("ibm_claim_stance", "debatepedia_pairs")


def mapped_edges(records: list[dict]) -> tuple[list[tuple[float, bool]], list[tuple[float, bool]]]:
    """(confidence, right) of every map edge, and of every sided post-level decision."""
    edges, posts = [], []
    maps = map_records(records)
    for record in records:
        amap = maps.get(str(record["id"]))
        if amap is None:
            continue
        edges += [(rel.confidence, bool(right)) for rel, _r, right, _a in edge_outcomes(record,
                                                                                      amap)]
        gold = _post_gold(record, _prefix(record, amap))
        for d in amap.post_relations:
            want = {"agree": "support", "disagree": "attack"}.get(d.stance.value)
            if want:
                posts.append((d.confidence, want in gold.get((d.source, d.target), set())))
    return edges, posts


def unit_edges(corpus: str, records: list[dict]) -> list[tuple[float, bool]]:
    docs = [gold_document(r, corpus) for r in records]
    out = []
    for doc in docs:
        if not doc.claims:
            continue
        for rel in link([doc.thread], doc.claims, [document_topic(doc)], LinkOptions()):
            key = (doc.unit_of_claim[rel.source], doc.unit_of_claim[rel.target])
            out.append((rel.confidence, doc.gold.get(key) == rel.stance.value))
    return out


def pair_edges(corpus: str, records: list[dict]) -> list[tuple[float, bool]]:
    pairs = [gold_pair(r, corpus) for r in records]
    pairs = [p for p in pairs if p.label in ("support", "attack")]
    threads, claims, wanted = pair_records(pairs)
    judged = judge_pairs(threads, claims, [], wanted, LinkOptions())
    return [(judged[k].confidence, judged[k].stance.value == p.label)
            for k, p in zip(wanted, pairs, strict=True)]


def sweep(rows: list[tuple[float, bool]]) -> dict[str, dict]:
    out = {}
    for t in THRESHOLDS:
        drawn = [ok for c, ok in rows if c >= t]
        out[f"{t:.2f}"] = {"drawn": len(drawn),
                           "precision": round(sum(drawn) / len(drawn), 3) if drawn else None}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", default="sealed")
    parser.add_argument("--data", type=Path,
                        default=shared_data(__file__))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        args.data = Path("/work/shared/data")
    table: dict[str, dict] = {}
    for corpus in (*MAPPED, *UNITS, *PAIRS):
        records = load_corpora([args.data / corpus / f"{corpus}.dev.jsonl"], args.part)[corpus]
        if corpus in MAPPED:
            edges, posts = mapped_edges(records)
            table[f"{corpus} (map edges)"] = sweep(edges)
            if posts:
                table[f"{corpus} (post decisions)"] = sweep(posts)
        elif corpus in UNITS:
            table[f"{corpus} (gold units)"] = sweep(unit_edges(corpus, records))
        else:
            table[f"{corpus} (pairs)"] = sweep(pair_edges(corpus, records))
    if args.json:
        print(json.dumps(table, indent=1))
        return 0
    print("| edges (" + args.part + ") | " + " | ".join(f">= {t:.2f}" for t in THRESHOLDS) + " |")
    print("|---|" + "---|" * len(THRESHOLDS))
    for name, row in table.items():
        cells = [f"{v['precision']:.2f} ({v['drawn']})" if v["precision"] is not None else "— (0)"
                 for v in row.values()]
        print(f"| {name} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
