"""Fit ``link.reply_stance.RATIOS`` on licence-clean reply links and print them.

Usage: python tools/fit_reply_stance.py [--data ../shared/data]

Data: CreateDebate's study part (CC BY 3.0; ``evaluation.splits``), its Disputed (a dispute)
and Supported (agreement) reply links, each a whole post answering a whole post. Clarified
links take no side and are left out. For each sign of ``reply_stance.signs``: the add-one
smoothed log-likelihood ratio log p(sign | dispute) / p(sign | support), present and absent.
No corpus without a licence that permits it (the Reddit agreement pairs, CMV) is read here.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from argmap.evaluation import load_corpora
from argmap.evaluation.data import shared_data
from argmap.link.reply_stance import signs

CORPUS = "createdebate_argmin2016"


STANCES = {"disputed": "dispute", "supported": "support"}


def reply_links(records: list[dict]) -> list[tuple[str, str]]:
    """(stance, reply text) of every Disputed / Supported link."""
    out = []
    for record in records:
        units = {u["id"]: u["text"] for u in record.get("units", [])}
        for rel in record.get("relations", []):
            stance = STANCES.get(rel.get("type"))
            if stance and rel["src"] in units:
                out.append((stance, units[rel["src"]]))
    return out


def ratios(links: list[tuple[str, str]]) -> dict[str, tuple[float, float, int, int]]:
    """name -> (log ratio present, log ratio absent, disputes with it, supports with it)."""
    counts: dict[str, list[int]] = {}
    totals = {"dispute": 0, "support": 0}
    for stance, child in links:
        totals[stance] += 1
        for name, present in signs(child).items():
            row = counts.setdefault(name, [0, 0])
            row[stance == "support"] += int(present)
    out = {}
    for name, (k_d, k_s) in counts.items():
        p_d = (k_d + 1) / (totals["dispute"] + 2)
        p_s = (k_s + 1) / (totals["support"] + 2)
        out[name] = (math.log(p_d / p_s), math.log((1 - p_d) / (1 - p_s)), k_d, k_s)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=shared_data(__file__))
    args = parser.parse_args()
    path = args.data / CORPUS / f"{CORPUS}.dev.jsonl"
    links = reply_links(load_corpora([path], "study")[CORPUS])
    disputes = sum(s == "dispute" for s, _c in links)
    print(f"{CORPUS} study: {disputes} disputes, {len(links) - disputes} supports")
    print("RATIOS = {")
    for name, (present, absent, k_d, k_s) in ratios(links).items():
        print(f'    "{name}": ({present:.3f}, {absent:.3f}),  # disputes {k_d}, supports {k_s}')
    print("}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
