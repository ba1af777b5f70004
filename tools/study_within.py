"""Within-post structure on ChangeMyView: could a structural choice of each post's points (the
claims its premises argue for) find the gold within-post relations? (docs/quality.md, round 3.)

    python tools/study_within.py [--data ../shared/data] [--json]

The CMV records of each part (study, sealed: ``evaluation.splits``) are mapped as
``argmap eval --task maps`` maps them (``evaluation.maps.map_records``: posts in, argmap's own
claims out). Then, per post, every claim that is not a point is joined to the nearest point
before it, and the joins are scored against the gold within-post relations by span overlap
(the scorer's rule): precision (joins that stand for a gold relation) and recall (gold
within-post relations found). Points are chosen by each rule of ``RULES``, or by the gold
itself (``oracle``: the claim stands for a unit typed claim or main claim; ``oracle, arguing
claims only``: claims that stand for no gold unit are also left out), the headroom a perfect
point choice would have. It also prints, per structural cue, the share of claims having it that
stand for a gold claim unit. Evaluation only: CMV states no licence, nothing is fitted here.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import orjson
from sklearn.feature_extraction.text import TfidfVectorizer

from argmap.evaluation.data import shared_data
from argmap.evaluation.maps import _claim_spans, _gold, _unit_posts, _units_of, map_records
from argmap.evaluation.splits import select
from argmap.model import Claim

CORPUS = "cmv_hidey2017"
FIRST_PERSON = re.compile(r"\b(i think|i believe|i feel|in my opinion|imo|i don't think|"
                          r"i do not think|my view|i would argue|i'd argue|i'm not|i am not|"
                          r"i disagree|i agree)\b", re.I)
NORMATIVE = re.compile(r"\b(should|must|ought|need to|needs to|have to|has to)\b", re.I)
PREMISE_OPENER = re.compile(r"^\W*(because|since|for example|for instance|e\.g\.|if|as|when|"
                            r"like|and|or|also|plus|especially|after|before|which|who|where)\b",
                            re.I)
EVIDENCE = re.compile(r"(\d|http|\[|\"|“)")
Features = dict[str, bool]
RULES: dict[str, Callable[[Features], bool]] = {
    "every claim (the chain)": lambda f: True,
    "the post's first claim": lambda f: f["first"],
    "a paragraph's first claim": lambda f: f["paragraph_first"],
    "first person or should/must, or first": lambda f: f["first"] or f["first_person"]
    or f["normative"],
    "paragraph-first or first person": lambda f: f["paragraph_first"] or f["first_person"],
    "(paragraph-first, first person or should/must), no premise opener, no question":
        lambda f: ((f["paragraph_first"] or f["first_person"] or f["normative"])
                   and not f["premise_opener"] and not f["question"]),
    "a paragraph's last claim": lambda f: f["paragraph_last"],
    "a paragraph's first or last claim": lambda f: f["paragraph_first"] or f["paragraph_last"],
    "most similar to the title (opening post) or the post it answers, per paragraph":
        lambda f: f["echo_in_paragraph"],
    "most similar to the post's others (TF-IDF)": lambda f: f["central"],
    "most similar to its paragraph's others": lambda f: f["central_in_paragraph"],
}


# A second decoding: every claim joins the nearest claim before it that the rule allows as a
# target (the chain, skipping claims that look like premises).
TARGET_RULES: dict[str, Callable[[Features], bool]] = {
    "every claim -> nearest earlier claim with no premise opener, question, digits or links":
        lambda f: not (f["premise_opener"] or f["question"] or f["evidence"]),
}


def features(claims: list[Claim], text: str, context: str = "") -> list[Features]:
    """Per claim of one post (in text order), the structural cues the rules read; ``context``
    is what the post answers (the thread title for the opening post, else the parent post)."""
    out = []
    for i, claim in enumerate(claims):
        gap = text[claims[i - 1].end:claim.start] if i else "\n\n"
        out.append({
            "first": i == 0, "paragraph_first": "\n\n" in gap,
            "first_person": bool(FIRST_PERSON.search(claim.text)),
            "normative": bool(NORMATIVE.search(claim.text)),
            "premise_opener": bool(PREMISE_OPENER.match(claim.text)),
            "question": claim.text.rstrip().endswith("?"),
            "evidence": bool(EVIDENCE.search(claim.text)),
        })
    try:
        vectors = TfidfVectorizer(stop_words="english").fit_transform(
            [c.text for c in claims] + [context])
        similar = (vectors @ vectors.T).toarray()
    except ValueError:  # no word left: every similarity is 0
        similar = np.zeros((len(claims) + 1, len(claims) + 1))
    echo, similar = similar[:-1, -1], similar[:-1, :-1]
    np.fill_diagonal(similar, 0.0)
    paragraph = np.cumsum([f["paragraph_first"] for f in out])
    centre = int(similar.sum(axis=1).argmax()) if claims else -1
    for i, f in enumerate(out):
        members = np.nonzero(paragraph == paragraph[i])[0]
        f["paragraph_last"] = i == members[-1]
        f["central"] = i == centre
        f["central_in_paragraph"] = i == max(members.tolist(),
                                             key=lambda j: (similar[j, members].sum(), -j))
        f["echo_in_paragraph"] = i == max(members.tolist(), key=lambda j: (echo[j], -j))
    return out


def nearest_point_joins(points: list[bool], keep: list[bool]) -> list[tuple[int, int]]:
    """(claim, the nearest point before it) for each kept claim that is no point."""
    joins = []
    for i in range(len(points)):
        if points[i] or not keep[i]:
            continue
        j = next((j for j in range(i - 1, -1, -1) if points[j] and keep[j]), None)
        if j is not None:
            joins.append((i, j))
    return joins


def nearest_target_joins(allowed: list[bool]) -> list[tuple[int, int]]:
    """(claim, the nearest claim before it that ``allowed`` marks) for every claim."""
    joins = []
    for i in range(1, len(allowed)):
        j = next((j for j in range(i - 1, -1, -1) if allowed[j]), None)
        if j is not None:
            joins.append((i, j))
    return joins


@dataclass
class MappedRecord:
    """One CMV record mapped as ``argmap eval --task maps`` maps it, with what scoring needs:
    the gold units each claim stands for, the gold within-post relations, and per post its
    claims (in text order) with their structural cues."""

    id: str
    stands_for: dict[str, set]
    units: dict[str, dict]
    gold: set
    posts: dict[str, tuple[list[Claim], list[Features]]]

    def is_point(self, claim: Claim) -> bool:
        return any(self.units[u]["type"] != "premise" for u in self.stands_for[claim.id])


def mapped_records(records: list[dict]) -> list[MappedRecord]:
    maps = map_records(records)
    out = []
    for record in records:
        amap = maps[record["id"]]
        stands_for = _units_of(amap.claims, _claim_spans(record, amap), record["units"])
        post_of = _unit_posts(record)
        gold = {k for k in _gold(record) if post_of.get(k[0]) == post_of.get(k[1])}
        texts = {p.id: p.text for t in amap.threads for p in t.posts}
        answers = {p.id: texts.get(p.reply_to, "") if p.reply_to else str(record.get("topic") or "")
                   for t in amap.threads for p in t.posts}
        by_post: dict[str, list[Claim]] = {}
        for claim in amap.claims:
            by_post.setdefault(claim.post_id, []).append(claim)
        posts = {post_id: (claims, features(claims, texts[post_id], answers[post_id]))
                 for post_id, claims in by_post.items()}
        out.append(MappedRecord(record["id"], stands_for, {u["id"]: u for u in record["units"]},
                                gold, posts))
    return out


def study(records: list[dict]) -> dict:
    """Precision and recall per rule, and the share of points per cue, over ``records``."""
    counts: Counter = Counter()
    cue_points: Counter = Counter()
    cue_claims: Counter = Counter()
    for mapped in mapped_records(records):
        stands_for, gold = mapped.stands_for, mapped.gold
        counts["gold"] += len(gold)
        for claims, cues in mapped.posts.values():
            is_point = [mapped.is_point(c) for c in claims]
            arguing = [bool(stands_for[c.id]) for c in claims]
            for f, point in zip(cues, is_point, strict=True):
                for name in ("all", *(k for k, v in f.items() if v)):
                    cue_claims[name] += 1
                    cue_points[name] += point
            choices = {name: ([rule(f) for f in cues], [True] * len(claims))
                       for name, rule in RULES.items()}
            choices["oracle"] = (is_point, [True] * len(claims))
            choices["oracle, arguing claims only"] = (is_point, arguing)
            decoded = {name: nearest_point_joins(points, keep)
                       for name, (points, keep) in choices.items()}
            decoded["every claim (the chain)"] = nearest_target_joins([True] * len(claims))
            for name, rule in TARGET_RULES.items():
                decoded[name] = nearest_target_joins([rule(f) for f in cues])
            for name, joins in decoded.items():
                found: set = set()
                for i, j in joins:
                    hit = {(a, b) for a in stands_for[claims[i].id]
                           for b in stands_for[claims[j].id]} & gold
                    counts[(name, "joins")] += 1
                    counts[(name, "right")] += bool(hit)
                    found |= hit
                counts[(name, "found")] += len(found)
    names = [*RULES, *TARGET_RULES, "oracle", "oracle, arguing claims only"]
    return {
        "rules": {name: {"precision": counts[(name, "right")] / max(1, counts[(name, "joins")]),
                         "recall": counts[(name, "found")] / max(1, counts["gold"]),
                         "joins": counts[(name, "joins")]} for name in names},
        "point_share": {name: cue_points[name] / cue_claims[name] for name in sorted(cue_claims)},
        "gold_within_post": counts["gold"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path,
                        default=shared_data(__file__))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not args.data.is_dir():  # a worktree sits one level deeper than the main checkout
        args.data = Path("/work/shared/data")
    path = args.data / CORPUS / f"{CORPUS}.dev.jsonl"
    records = [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]
    result = {part: study(select(CORPUS, records, part)) for part in ("study", "sealed")}
    if args.json:
        sys.stdout.buffer.write(orjson.dumps(result, option=orjson.OPT_INDENT_2) + b"\n")
        return 0
    print("| a claim is a point when it is ... | study | sealed |\n|---|---|---|")
    for name in result["study"]["rules"]:
        cells = [f"{r['precision']:.3f} / {r['recall']:.3f}"
                 for r in (result[p]["rules"][name] for p in ("study", "sealed"))]
        print(f"| {name} | {' | '.join(cells)} |")
    print("\nshare of claims that stand for a gold claim unit (study / sealed):")
    for cue, share in result["study"]["point_share"].items():
        print(f"  {cue}: {share:.2f} / {result['sealed']['point_share'].get(cue, 0.0):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
