"""How well argmap's claims match gold argumentative units (format A records).

Matching, as used for every figure here (and by tools/tune_segment.py):

* Spans are normalised first: surrounding whitespace and punctuation (``.,;:!?`` and
  quotes/brackets at the end, punctuation at the start) are trimmed, so "X is true." and
  "X is true" are the same unit. A span that normalises to nothing is ignored.
* ``exact``: a predicted and a gold span with the same normalised (start, end).
* ``overlap50``: the "approximate match" of argument-mining evaluations (Persing & Ng 2016;
  Eger et al. 2017): the shared characters are at least 50 % of BOTH spans, i.e. of the longer
  one. Matching is one-to-one: candidate pairs are taken greedily by shared length (ties by
  gold start, then predicted start), each span used at most once.
* Precision = matched / predicted, recall = matched / gold, F1 their harmonic mean, all
  micro-averaged over the records given. Characters, not tokens, are compared, so no tokenizer
  choice leaks into the score.
* Gold spans: every unit's (start, end); a discontinuous unit (microtexts part 2) contributes
  each of its ``segments``. Implicit central claims (part 2) are in the text, so they count.
* Records with ``posts`` (CMV) are segmented post by post, as argmap sees them, and the text
  before the first post (the thread title, which CMV annotates) as one more post; other
  records are one post.

``gold_text_kept`` is the share of gold-unit characters that lie inside kept claims and
``gold_text_dropped`` the share inside dropped spans: a filter that throws away argumentative
text shows up there even when boundaries look fine. The ``baseline_sentence_`` figures score
"one unit per Punkt sentence" (plain Punkt over each post) with the same code.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import orjson

from argmap.model import Post
from argmap.options import SegmentOptions
from argmap.segment.segmenter import segment_post
from argmap.segment.sentences import punkt_spans

_TRIM_START = " \t\r\n.,;:!?-*_\"'\u201c\u201d\u2018\u2019("
_TRIM_END = " \t\r\n.,;:!?-*_\"'\u201c\u201d\u2018\u2019)"

Span = tuple[int, int]


def normalise_span(text: str, start: int, end: int) -> Span | None:
    """Trim whitespace and punctuation from both ends; None if nothing is left."""
    while start < end and text[start] in _TRIM_START:
        start += 1
    while end > start and text[end - 1] in _TRIM_END:
        end -= 1
    return (start, end) if start < end else None


def gold_spans(record: dict) -> list[Span]:
    """The gold unit spans of a record (discontinuous units give each segment)."""
    spans: list[Span] = []
    for unit in record.get("units", []):
        pieces = unit.get("segments") or [unit]
        spans.extend((int(p["start"]), int(p["end"])) for p in pieces)
    return spans


def match_counts(text: str, predicted: Iterable[Span], gold: Iterable[Span]) -> dict[str, int]:
    """Exact and overlap50 matches between two span lists over the same text."""
    pred = sorted({n for s, e in predicted if (n := normalise_span(text, s, e))})
    gold_n = sorted({n for s, e in gold if (n := normalise_span(text, s, e))})
    exact = len(set(pred) & set(gold_n))
    candidates: list[tuple[int, int, int, int, int]] = []
    for gi, (gs, ge) in enumerate(gold_n):
        for pi, (ps, pe) in enumerate(pred):
            if pe <= gs:
                continue
            if ps >= ge:
                break
            shared = min(ge, pe) - max(gs, ps)
            if 2 * shared >= max(ge - gs, pe - ps):
                candidates.append((-shared, gs, ps, gi, pi))
    candidates.sort()
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    for _, _, _, gi, pi in candidates:
        if gi not in used_gold and pi not in used_pred:
            used_gold.add(gi)
            used_pred.add(pi)
    return {
        "predicted": len(pred),
        "gold": len(gold_n),
        "exact": exact,
        "overlap50": len(used_gold),
    }


def _posts_of(record: dict) -> list[tuple[int, str]]:
    """(offset, text) of each post; text before the first post (a CMV title) is one more."""
    text = record["text"]
    posts = record.get("posts") or [{"start": 0, "end": len(text)}]
    spans = [(int(p["start"]), int(p["end"])) for p in posts]
    first = min(start for start, _ in spans)
    if text[:first].strip():
        spans.insert(0, (0, first))
    return [(start, text[start:end]) for start, end in spans]


def predict(record: dict, options: SegmentOptions) -> tuple[list[Span], list[Span]]:
    """argmap's claim spans and dropped spans for a record, as offsets into its text."""
    claims: list[Span] = []
    dropped: list[Span] = []
    for offset, post_text in _posts_of(record):
        post = Post(id=f"{record['id']}:{offset}", thread_id=str(record["id"]), text=post_text)
        post_claims, post_dropped = segment_post(post, options)
        claims.extend((offset + c.start, offset + c.end) for c in post_claims)
        dropped.extend((offset + d.start, offset + d.end) for d in post_dropped)
    return claims, dropped


def sentence_baseline(record: dict) -> list[Span]:
    """One unit per Punkt sentence of each post."""
    spans: list[Span] = []
    for offset, post_text in _posts_of(record):
        spans.extend((offset + s, offset + e) for s, e in punkt_spans(post_text, 0, len(post_text)))
    return spans


def _covered(spans: Iterable[Span], positions: set[int]) -> int:
    hit: set[int] = set()
    for s, e in spans:
        hit.update(p for p in range(s, e) if p in positions)
    return len(hit)


def _prf(counts: dict[str, int], prefix: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for kind in ("exact", "overlap50"):
        matched = counts[kind]
        precision = matched / counts["predicted"] if counts["predicted"] else 0.0
        recall = matched / counts["gold"] if counts["gold"] else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[f"{prefix}segmentation_precision_{kind}"] = precision
        out[f"{prefix}segmentation_recall_{kind}"] = recall
        out[f"{prefix}segmentation_f1_{kind}"] = f1
    out[f"{prefix}units_gold"] = float(counts["gold"])
    out[f"{prefix}units_predicted"] = float(counts["predicted"])
    return out


def evaluate_segmentation(
    records: Sequence[dict], options: SegmentOptions | None = None
) -> dict[str, float]:
    """Boundary precision/recall/F1 (exact and overlap50), gold text kept/dropped, baseline."""
    options = options or SegmentOptions()
    totals = {"predicted": 0, "gold": 0, "exact": 0, "overlap50": 0}
    base = dict(totals)
    gold_chars = kept_chars = dropped_chars = 0
    for record in records:
        text = record["text"]
        gold = gold_spans(record)
        claims, dropped = predict(record, options)
        for key, value in match_counts(text, claims, gold).items():
            totals[key] += value
        for key, value in match_counts(text, sentence_baseline(record), gold).items():
            base[key] += value
        positions = {p for s, e in gold for p in range(s, e) if not text[p].isspace()}
        gold_chars += len(positions)
        kept_chars += _covered(claims, positions)
        dropped_chars += _covered(dropped, positions)
    figures = _prf(totals, "")
    figures["gold_text_kept"] = kept_chars / gold_chars if gold_chars else 0.0
    figures["gold_text_dropped"] = dropped_chars / gold_chars if gold_chars else 0.0
    figures.update(_prf(base, "baseline_sentence_"))
    return figures


def load_records(path: str | Path) -> list[dict]:
    """Format A records from a JSONL file (evaluation code may read files; stages may not)."""
    with open(path, "rb") as handle:
        return [orjson.loads(line) for line in handle if line.strip()]
