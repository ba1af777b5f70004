"""Recover post boundaries in pasted dumps of several posts (plain text, no separators).

People paste forum "quick takes" one paragraph per line with nothing between posts. A post
boundary shows up as (1) a *lexical shift* - the words after the gap are not the words before
it - and (2) *cues*: a line cut off mid-sentence ("... justified the change by") ends a post
that was pasted truncated, a post-opening phrase ("Pet peeve:", "I recently ...") or a reply
opening ("No,", "I agree") or a title-like line starts one. Some cues argue *against* a
boundary: a bullet, a lower-case start, a line after "...like:", a connective ("Also", "But").

Lexical evidence (measured with tools/eval_boundaries.py on dumps of real posts): the TF-IDF
cosine of 40-term windows either side of a gap, judged against the dump's own distribution
(z-score, Hearst 1997's mean - c*std cut-off) plus the TextTiling depth. A gap is a boundary
when its cues alone pass the threshold, or when cues + lexical evidence do and it is the
strongest gap nearby, leaves enough text either side and has no counter-cue. A length prior
then merges one-line fragments too short to be a post and splits overlong ones.

Units are paragraphs when the file uses blank lines between paragraphs (hard-wrapped text),
otherwise single lines. Pure functions over strings; no I/O.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

BOUNDARY_THRESHOLD = 1.0
LEX_WEIGHT = 1.2  # weight of the absolute TextTiling depth score (0..~1) in a gap's score
REL_WEIGHT = 6.4  # weight of the low-similarity z-score relative to the dump's own gaps
REL_CUTOFF = -0.25  # z where that evidence is neutral: Hearst 1997 cuts at mean - c*std
Z_CAP = 2.0  # one very dissimilar gap is no more than this much evidence
REPLY_BONUS = 1.0  # a reply-like opening ("No,", "I agree"): a boundary unless vetoed
LEX_MIN_CUE = -0.5  # a lexical-only boundary needs cues at least this (no counter-cue)
MIN_LEX_CHARS = 150  # a lexical-only boundary leaves at least this much text either side
LEX_RADIUS = 2  # a lexical-only boundary must be the strongest gap this many units around
MIN_GAPS = 4  # fewer gaps than this: no distribution to be relative to
MIN_STD = 0.1  # similarity spread below this is noise, not structure
SIM_CEILING = 0.1  # a gap this similar is no lexical boundary however the dump looks
WINDOW_TERMS = 40  # content terms compared on each side of a gap
PEAK_REACH = 20  # how far a depth score climbs to its peaks (bounds the work per gap)
SHORT_POST_CHARS = 160  # a one-unit "post" shorter than this is merged into a neighbour
MAX_POST_LINES = 40  # a post rarely runs longer: past twice this, split at the best gap
MAX_POST_CHARS = 20_000  # nor is a recovered post longer than this (characters)

_WORD = re.compile(r"[a-z][a-z0-9'-]{2,}")
_BULLET = re.compile(r"\s*([*+\-\u2022]|\d{1,3}[.)])\s+")
_TERMINAL = re.compile(r"[.!?;)\"'\]\u201d\u2019\u2026*_`]\s*$")
_FOOTNOTE_ONE = re.compile(r"\[1\]|\[\^1\]")
_SEPARATOR = re.compile(r"\s*([-*_=~#]\s*){3,}$")
_FUNCTION_END = re.compile(
    r"\b(by|the|a|an|to|of|that|and|or|with|for|in|on|is|are|was|were|which|who|because|"
    r"than|as|at|from|but|if|so|this|these|their|his|her|its|my|our|your|be|into|about|"
    r"like|such|when|where|while|not|can|will|would|should|could|has|have|had)\s*$",
    re.IGNORECASE,
)
_OPENER = re.compile(
    r"\s*(pet peeve|psa|hot take|quick take|unpopular opinion|til|tl;dr|epistemic status|"
    r"reminder|question for|random thought|shower thought|update on|announcing|"
    r"i recently|i've recently|i have recently|i've been thinking|i have been thinking|"
    r"i was (extremely |really |very |quite |a bit |somewhat )?(disappointed|surprised|"
    r"happy|glad|sad|shocked|excited|pleased)|i'm not sure how to|i am not sure how to|"
    r"yesterday|today|last (week|month|night|year)|this (week|month)|a (week|month) ago|"
    r"some thoughts on|notes on|thoughts on|a thought on|just (read|saw|finished))\b",
    re.IGNORECASE,
)
_CONTINUATION = re.compile(
    r"\s*(also|and|but|so|however|though|although|that said|this|these|it|they|then|"
    r"first|second|third|finally|moreover|furthermore|for example|e\.g\.|i\.e\.|edit|"
    r"some ideas|in (other words|short|particular)|because|which|otherwise|instead)\b",
    re.IGNORECASE,
)
_REPLY_OPENER = re.compile(  # how replies open on forums (CreateDebate, Reddit)
    r"\s*(yes|no|yeah|nope|well|okay|ok|sure|agreed|exactly|wow|lol|"
    r"i (totally |completely |strongly )?(dis)?agree|you're (right|wrong)|good (point|question))"
    r"\b(?![ -]?(one|matter|doubt|longer|more|less)\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Unit:
    """A paragraph or line: its first and last 0-based line index and its text."""

    first: int
    last: int
    text: str
    blank_before: int = 0  # blank lines between this unit and the previous one


def split_units(lines: Sequence[str]) -> list[Unit]:
    """Paragraph units when the text is hard-wrapped into blank-separated blocks, else lines."""
    blocks: list[Unit] = []
    start: int | None = None
    blank = 0
    pending_blank = 0
    for index, line in enumerate([*lines, ""]):
        if line.strip():
            if start is None:
                start, pending_blank = index, blank
            blank = 0
            continue
        if start is not None:
            blocks.append(Unit(start, index - 1, "\n".join(lines[start:index]), pending_blank))
            start = None
        blank += 1
    if len(blocks) > 1 and any(b.last > b.first for b in blocks):
        return blocks
    return [Unit(i, i, line, 0 if i == 0 else (1 if b.blank_before else 0))
            for b in blocks for i, line in zip(range(b.first, b.last + 1),
                                               lines[b.first:b.last + 1], strict=True)]


@cache
def _stemmer_and_stop_words() -> tuple[Any, frozenset[str]]:
    """NLTK's Porter stemmer (rule-based: needs no NLTK data) and scikit-learn's stop words,
    imported on first use: importing NLTK takes a second, which every ``argmap --help`` and
    every refused input paid when the readers were imported."""
    from nltk.stem.porter import PorterStemmer
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return PorterStemmer(), ENGLISH_STOP_WORDS


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return _stemmer_and_stop_words()[0].stem(word)


def _terms(text: str) -> list[str]:
    words = _WORD.findall(text.lower())
    stop_words = _stemmer_and_stop_words()[1]
    return [_stem(w) for w in words if w not in stop_words]


def _cosine(a: Counter[str], b: Counter[str], idf: dict[str, float]) -> float:
    dot = sum(a[t] * b[t] * idf[t] ** 2 for t in a if t in b)
    norm_a = math.sqrt(sum((c * idf[t]) ** 2 for t, c in a.items()))
    norm_b = math.sqrt(sum((c * idf[t]) ** 2 for t, c in b.items()))
    return dot / (norm_a * norm_b) if norm_a and norm_b else 0.0


def _window(terms: Sequence[list[str]], gap: int, step: int) -> Counter[str]:
    """The WINDOW_TERMS content terms just before (step -1) or after (step +1) a gap."""
    taken: list[str] = []
    index = gap - 1 if step < 0 else gap
    while 0 <= index < len(terms) and len(taken) < WINDOW_TERMS:
        unit_terms = terms[index]
        taken.extend(reversed(unit_terms) if step < 0 else unit_terms)
        index += step
    return Counter(taken[:WINDOW_TERMS])


def gap_similarities(units: Sequence[Unit]) -> tuple[list[float], list[float]]:
    """TF-IDF cosine of the WINDOW_TERMS content terms either side of each gap (gap 0 unused),
    and the *support* of each: the fuller side's share of a full window, since near the ends
    of a dump or beside title lines a window holds few words and its cosine is noise.

    Blocks are fixed-size windows of content terms rather than of units, so a one-line
    post and a ten-line post weigh alike; IDF is computed over the document's units.
    """
    terms = [_terms(u.text) for u in units]
    df: Counter[str] = Counter()
    for unit_terms in terms:
        df.update(set(unit_terms))
    n = len(units)
    idf = {t: math.log((1 + n) / (1 + c)) + 1.0 for t, c in df.items()}
    sims = [0.0] * n
    support = [0.0] * n
    for gap in range(1, n):
        left, right = _window(terms, gap, -1), _window(terms, gap, +1)
        sims[gap] = _cosine(left, right, idf)
        support[gap] = min(left.total(), right.total()) / WINDOW_TERMS
    return sims, support


def depth_scores(sims: Sequence[float]) -> list[float]:
    """TextTiling depth of each gap: how far the similarity climbs to its peaks either side."""
    n = len(sims)
    depth = [0.0] * n
    for gap in range(1, n):
        peak_left = sims[gap]
        for j in range(gap - 1, max(0, gap - PEAK_REACH), -1):
            if sims[j] < peak_left:
                break
            peak_left = sims[j]
        peak_right = sims[gap]
        for j in range(gap + 1, min(n, gap + PEAK_REACH)):
            if sims[j] < peak_right:
                break
            peak_right = sims[j]
        depth[gap] = (peak_left - sims[gap]) + (peak_right - sims[gap])
    return depth


def lexical_depth(units: Sequence[Unit]) -> list[float]:
    """TextTiling depth score of each gap (gap g lies before unit g; gap 0 is unused)."""
    return depth_scores(gap_similarities(units)[0])


def lexical_evidence(units: Sequence[Unit]) -> list[float]:
    """Per gap: absolute depth plus how *dissimilar* the two sides are for this dump.

    Measured on synthetic dumps of real posts, the raw similarity across a gap separates
    post boundaries far better than the depth score (the posts are short, so valleys are
    shallow and noisy). Topic vocabulary differs between dumps (replies in one thread share
    words, unrelated posts share none), so the similarity is judged against the dump's own
    distribution, as Hearst (1997) judges depth: z = (mean - sim) / std, and evidence grows
    beyond REL_CUTOFF standard deviations. Too few gaps: no distribution, absolute part only.
    """
    sims, support = gap_similarities(units)
    evidence = [LEX_WEIGHT * min(d, 1.0) for d in depth_scores(sims)]
    gaps = sims[1:]
    if len(gaps) < MIN_GAPS:
        return evidence
    mean = sum(gaps) / len(gaps)
    std = max(math.sqrt(sum((s - mean) ** 2 for s in gaps) / len(gaps)), MIN_STD)
    for gap in range(1, len(sims)):
        z = (mean - sims[gap]) / std
        relative = REL_WEIGHT * (min(z, Z_CAP) - REL_CUTOFF)
        if relative > 0:  # "unusually dissimilar" must also be dissimilar in absolute terms
            relative *= support[gap] if sims[gap] < SIM_CEILING else 0.0
        evidence[gap] += relative
    return evidence


def _last_line(unit: Unit) -> str:
    return unit.text.rstrip().rsplit("\n", 1)[-1].strip()


def is_heading_like(text: str) -> bool:
    """Short, one line, no sentence-final punctuation, not a bullet: a title."""
    stripped = text.strip()
    words = stripped.split()
    return ("\n" not in stripped and 0 < len(words) <= 12 and not _BULLET.match(stripped)
            and not re.search(r"[.!;:,]\s*$", stripped))


def is_truncated(text: str) -> bool:
    """A line cut off mid-sentence: ends with a function word, a comma or a dash."""
    last = text.rstrip()
    if not last or _BULLET.match(last) or len(last.split()) < 4:
        return False
    return bool(_FUNCTION_END.search(last) or re.search(r"[,\u2014-]$", last))


def gap_score(prev: Unit, unit: Unit, following: Unit | None, lexical: float) -> float:
    """Evidence for a post boundary between ``prev`` and ``unit``; >= threshold means yes."""
    head = unit.text.lstrip()
    prev_last = _last_line(prev)
    score = lexical
    if _BULLET.match(head) or prev_last.endswith(":") or head.startswith(">"):
        return score - 3.0  # a list item or a quote continues what introduced it
    if head[:1].islower() or head[:1] in "([":
        score -= 1.5
    if is_truncated(prev_last) and not _TERMINAL.search(prev_last):
        score += 2.0
    if _OPENER.match(head):
        score += 1.0
    elif _REPLY_OPENER.match(head):
        score += REPLY_BONUS
    if _CONTINUATION.match(head):
        score -= 0.8
    if is_heading_like(head) and is_heading_like(prev_last):
        score -= 1.0  # a run of short title-like lines is a list, not a string of posts
    elif is_heading_like(head) and following is not None and len(following.text) > 80:
        score += 0.4
        if _FOOTNOTE_ONE.search(head):
            score += 1.0  # footnote numbering restarts: a new post's title
    if unit.blank_before >= 2 or _SEPARATOR.match(prev_last):
        score += 1.5
    return score


def cue_scores(units: Sequence[Unit]) -> list[float]:
    """The cue part of each gap's score (gap 0 unused): ``gap_score`` with no lexical part."""
    return [0.0] + [
        gap_score(units[g - 1], units[g], units[g + 1] if g + 1 < len(units) else None, 0.0)
        for g in range(1, len(units))
    ]


def select_starts(units: Sequence[Unit], cues: Sequence[float],
                  lexical: Sequence[float]) -> tuple[list[int], list[float]]:
    """Post starts from per-gap cue and lexical evidence, and the combined scores.

    A gap whose cues alone pass the threshold is a boundary (pasted quick takes: "Pet
    peeve:", a truncated line). A gap that passes only thanks to lexical evidence must also
    be the strongest gap within LEX_RADIUS units: one topic shift shows as a few adjacent
    dissimilar gaps, and inside a long post the sub-topic shifts sit next to the real
    cue-marked boundary, so non-maximum suppression keeps one boundary per shift. It must
    leave at least MIN_LEX_CHARS on both sides before the next start (word statistics of a
    sentence or two are noise). And a counter-cue (a bullet, "Also", a lower-case start, a
    line after a colon) vetoes it: topic words change inside a post, those openings never
    start one.
    """
    n = len(units)
    scores = [0.0] + [cues[g] + lexical[g] for g in range(1, n)]
    offset = [0]
    for unit in units:
        offset.append(offset[-1] + len(unit.text))
    starts = {g for g in range(1, n) if cues[g] >= BOUNDARY_THRESHOLD}
    ordered = [0, *sorted(starts), n]
    lexical_only = sorted((g for g in range(1, n) if g not in starts
                           and scores[g] >= BOUNDARY_THRESHOLD and cues[g] >= LEX_MIN_CUE),
                          key=lambda g: (-scores[g], g))
    for gap in lexical_only:
        near = range(max(1, gap - LEX_RADIUS), min(n, gap + LEX_RADIUS + 1))
        if any(g in starts or scores[g] > scores[gap] or (scores[g] == scores[gap] and g < gap)
               for g in near if g != gap):
            continue
        at = bisect.bisect_left(ordered, gap)
        before, after = ordered[at - 1], ordered[at]
        if min(offset[gap] - offset[before], offset[after] - offset[gap]) >= MIN_LEX_CHARS:
            starts.add(gap)
            ordered.insert(at, gap)
    return ordered[:-1], scores


def find_boundaries(units: Sequence[Unit]) -> list[int]:
    """Indices of the units that start a post (always includes 0)."""
    if not units:
        return []
    starts, scores = select_starts(units, cue_scores(units), lexical_evidence(units))
    return _apply_length_prior(units, starts, scores)


def _apply_length_prior(units: Sequence[Unit], starts: list[int], scores: list[float]) -> list[int]:
    """Merge short one-unit segments into the side with the weaker boundary; split long ones.

    One left-to-right pass (a merge never makes an earlier segment one unit long again, so
    rescanning from the start, as a naive loop would, finds nothing new): linear in the units.
    """
    return _split_long(units, _merge_short(units, starts, scores), scores)


def _merge_short(units: Sequence[Unit], starts: list[int], scores: list[float]) -> list[int]:
    n = len(units)
    kept: list[int] = []
    k = 0
    while k < len(starts):
        start = starts[k]
        end = starts[k + 1] if k + 1 < len(starts) else n
        if end - start == 1 and len(units[start].text) < SHORT_POST_CHARS:
            left = scores[start] if kept else math.inf
            right = scores[end] if end < n else math.inf
            if left < right:  # joins the segment before it
                k += 1
                continue
            if right < math.inf or left < math.inf:  # joins the one after (ties: an opener)
                kept.append(start)
                k += 2
                continue
        kept.append(start)
        k += 1
    return kept


def _split_long(units: Sequence[Unit], starts: list[int], scores: list[float]) -> list[int]:
    """Split every segment longer than MAX_POST_LINES * 2 lines or MAX_POST_CHARS characters
    at the strongest gap among the units that still fit, until every piece fits: a recovered
    post stays the size of a post whatever the dump (20,000 one-line posts with no cue between
    them are not one 600,000-character post). Each cut looks at one post's worth of units, so
    this is linear in the units."""
    n = len(units)
    chars = [0]
    for unit in units:
        chars.append(chars[-1] + len(unit.text))

    def fits(a: int, b: int) -> bool:  # units a..b-1 can be one post
        return b - a < 2 or (units[b - 1].last - units[a].first + 1 <= MAX_POST_LINES * 2
                             and chars[b] - chars[a] <= MAX_POST_CHARS)

    result: list[int] = []
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else n
        result.append(start)
        while not fits(start, end):
            last = start + 1  # the furthest cut that leaves a piece that fits before it
            while fits(start, last + 1):
                last += 1
            lowest = min(start + 2, last)  # leave two units before a cut when they fit
            best = max(range(lowest, last + 1), key=lambda g: (scores[g], -g))
            result.append(best)
            start = best
    return result
