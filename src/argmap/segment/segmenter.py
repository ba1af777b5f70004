"""Posts -> claims: verbatim spans of a post that assert something, and why the rest was dropped.

Pipeline per post (all spans index ``post.text``; nothing is rewritten):

1. deleted/removed/hidden/bot posts give one DELETED/HIDDEN/BOT drop and no claims;
2. text beyond ``max_post_chars`` is one TOO_LONG drop (hostile-input cap);
3. ``sentences.scan_blocks`` sorts lines into prose and drops (quotes, code, headings, ...);
4. Punkt splits prose into sentences; a leading "Edit:"/"TL;DR:" label is dropped as META;
5. sentences are cut into clauses (``clauses.split_clauses``);
6. each piece is kept as a claim or dropped (question, meta, greeting, too short, too long).

A final pass drops any non-whitespace character not yet covered, so the coverage invariant
holds whatever the input. Rules and thresholds were chosen by tools/tune_segment.py with
cross-validation over topics (see evaluation/segmentation.py for the figures).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from argmap import lexicon
from argmap.gcpause import collector_paused
from argmap.model import Claim, Dropped, DropReason, Post, Role, Thread, claim_id
from argmap.options import SegmentOptions
from argmap.segment.clauses import alternation, has_words, split_clauses
from argmap.segment.sentences import TEXT, punkt_spans, scan_blocks
from argmap.segment.statements import is_unpunctuated_fragment

_DELETED_FLAGS = frozenset({"deleted", "removed"})
_HIDDEN_FLAGS = frozenset({"hidden", "dead", "flagged"})
_DELETED_TEXT = re.compile(r"\s*\[(deleted|removed)\]\s*$", re.I)
_HIDDEN_TEXT = re.compile(r"\s*\[(hidden|flagged|dead|comment hidden[^\]]*)\]\s*$", re.I)

_META_LABEL = re.compile(
    r"(edit|edit \d+|update|eta|ps|p\.s\.|disclaimer|note|tl;? ?dr|source|sources)\s*[:\-]\s*",
    re.I,
)
_META_SENTENCE = re.compile(
    r"\W*(i (also |have also )?(cross-?)?posted (it|this)|cross-?posted|(this|it) was originally|"
    r"originally posted|thanks? (you )?for reading|sorry for (the |my )?(formatting|typos|"
    r"long post|wall of text|english)|english is not my first|(i'm |i am )?on mobile|"
    r"see (my )?edit|edited to add|edit:)",
    re.I,
)
_GREETING = re.compile(
    r"\W*(hi|hello|hey|dear|greetings|thanks|thank you|thx|cheers|regards|"
    r"kind regards|best regards|sincerely|good (morning|afternoon|evening))\b",
    re.I,
)
GREETING_MAX_WORDS = 8
_QUESTION_END = re.compile(r"\?[\"')\]\u201d\u2019*_]*$")
_HAS_LETTER = re.compile(r"[^\W\d_]")

_ROLE_OPENER = re.compile(
    rf"\W*(?P<premise>{alternation(lexicon.PREMISE_OPENERS)})\b|"
    rf"\W*(?P<conclusion>{alternation(lexicon.SUPPORT_FORWARD)})\b|"
    rf"\W*(?P<objection>{alternation(lexicon.ATTACK)})\b",
    re.I,
)
_LEADING_CONNECTIVE = re.compile(
    r"(and |or )?(so|but|and|or|also|then|thus|hence|therefore|however|plus|now|well|yes|no|"
    r"ok|okay|firstly|secondly|finally|first|second|third|lastly)\s*,\s+",
    re.I,
)


def segment(
    threads: Sequence[Thread], options: SegmentOptions
) -> tuple[tuple[Claim, ...], tuple[Dropped, ...]]:
    """Claims and drops of every post: threads as given, posts in thread order, by offset.
    The collector is paused (``gcpause``): no cycles here, and it cost ~0.2 CPU s at 10k."""
    claims: list[Claim] = []
    dropped: list[Dropped] = []
    memo: SentenceMemo = {}
    with collector_paused():
        for thread in threads:
            for post in thread.posts:
                post_claims, post_dropped = segment_post(post, options, memo)
                claims.extend(post_claims)
                dropped.extend(post_dropped)
    return tuple(claims), tuple(dropped)


def segment_post(
    post: Post, options: SegmentOptions, memo: SentenceMemo | None = None
) -> tuple[tuple[Claim, ...], tuple[Dropped, ...]]:
    """Claims of one post (ids ``claim_id(post.id, n)`` by offset) and its dropped spans.

    ``memo`` (one dict per ``options``, filled as a side effect) lets a caller segmenting many
    posts cut each distinct sentence once (see ``_memo_sentence``)."""
    text, memo = post.text, {} if memo is None else memo
    gone = _removed_reason(post)
    if gone is not None:
        return (), (Dropped(post.id, 0, len(text), gone, text),)
    kept: list[tuple[int, int]] = []
    drops: list[tuple[int, int, DropReason]] = []
    limit = min(len(text), options.max_post_chars)
    if limit < len(text) and text[limit:].strip():
        drops.append((limit, len(text), DropReason.TOO_LONG))
    for start, end, kind in scan_blocks(text[:limit]):
        if kind != TEXT:
            drops.append((start, end, DropReason(kind)))
            continue
        for s_start, s_end in punkt_spans(text, start, end):
            _memo_sentence(text, s_start, s_end, options, kept, drops, memo)
    _drop_uncovered(text[:limit], kept, drops)
    kept.sort()
    claims = tuple(
        Claim(claim_id(post.id, n), post.id, s, e, text[s:e], _role(text, s, e))
        for n, (s, e) in enumerate(kept)
    )
    drops.sort(key=lambda d: (d[0], d[1]))
    return claims, tuple(Dropped(post.id, s, e, reason, text[s:e]) for s, e, reason in drops)


def _removed_reason(post: Post) -> DropReason | None:
    flags = set(post.flags)
    if flags & _DELETED_FLAGS or _DELETED_TEXT.match(post.text):
        return DropReason.DELETED
    if flags & _HIDDEN_FLAGS or _HIDDEN_TEXT.match(post.text):
        return DropReason.HIDDEN
    if "bot" in flags:
        return DropReason.BOT
    return None


SentenceMemo = dict[str, tuple[list[tuple[int, int]], list[tuple[int, int, DropReason]]]]


def _memo_sentence(text: str, start: int, end: int, options: SegmentOptions,
                   kept: list[tuple[int, int]], drops: list[tuple[int, int, DropReason]],
                   memo: SentenceMemo) -> None:
    """``_segment_sentence`` through ``memo``, by the sentence's text. Exact: every rule there
    reads only text[start:end] (regexes with ``pos``/``endpos`` and no lookbehind, ``\\b`` or
    ``^`` at the start; slices), so the spans relative to ``start`` depend on the sentence
    alone. Forums quote and repeat (at 10k benchmark posts 20k of 50k sentences are distinct)."""
    sentence = text[start:end]
    found = memo.get(sentence)
    if found is None:
        found = ([], [])
        if len(memo) < 200_000:  # bounded: a few hundred bytes a sentence
            memo[sentence] = found
        _segment_sentence(sentence, 0, len(sentence), options, found[0], found[1])
    kept.extend((start + s, start + e) for s, e in found[0])
    drops.extend((start + s, start + e, reason) for s, e, reason in found[1])


def _segment_sentence(
    text: str,
    start: int,
    end: int,
    options: SegmentOptions,
    kept: list[tuple[int, int]],
    drops: list[tuple[int, int, DropReason]],
) -> None:
    label = _META_LABEL.match(text, start, end)
    if label and label.end() < end:
        drops.append((start, start + len(label.group().rstrip()), DropReason.META))
        start = label.end()
    if _META_SENTENCE.match(text, start, end):
        drops.append((start, end, DropReason.META))
        return
    pieces = split_clauses(text, start, end, options) if options.split_clauses else [(start, end)]
    for p_start, p_end in pieces:
        reason = _drop_reason(text, p_start, p_end, options)
        if reason is not None:
            drops.append((p_start, p_end, reason))
            continue
        if options.trim_leading_connective:
            opener = _LEADING_CONNECTIVE.match(text, p_start, p_end)
            if opener and has_words(text, opener.end(), p_end, options.min_claim_words):
                label_end = p_start + len(opener.group().rstrip())
                drops.append((p_start, label_end, DropReason.NOT_ARGUMENTATIVE))
                p_start = opener.end()
        if p_end - p_start > options.max_claim_chars:
            _keep_long(text, p_start, p_end, options, kept, drops)
        else:
            kept.append((p_start, p_end))


def _drop_reason(text: str, start: int, end: int, options: SegmentOptions) -> DropReason | None:
    piece = text[start:end]
    if not _HAS_LETTER.search(piece):
        return DropReason.NOT_ARGUMENTATIVE
    if not options.keep_questions and _QUESTION_END.search(piece):
        return DropReason.QUESTION
    if _GREETING.match(piece) and not has_words(text, start, end, GREETING_MAX_WORDS + 1):
        return DropReason.GREETING
    if _META_SENTENCE.match(piece):
        return DropReason.META
    if not has_words(text, start, end, options.min_claim_words):
        return DropReason.TOO_SHORT
    if options.drop_fragments and is_unpunctuated_fragment(piece):
        return DropReason.NOT_ARGUMENTATIVE  # "Everything necessary for AI R&D"
    if (
        ("http" in piece or "www." in piece)  # both alternatives of _LINK_OR_URL need one
        and _LINK_OR_URL.search(piece)
        and _words_outside_links(piece) < options.min_claim_words
    ):
        return DropReason.URL_ONLY  # e.g. "[https://youtu.be/x](https://youtu.be/x)"
    return None


_LINK_OR_URL = re.compile(r"\]\((?:https?://|www\.)|(?:https?://|www\.)\S")
_MARKDOWN_LINK_TARGET = re.compile(r"\]\([^)\s]{0,2000}\)")
_URL_TEXT = re.compile(r"(?:https?://|www\.)\S{0,2000}")


def _words_outside_links(piece: str) -> int:
    """Words left once link targets and bare URLs are taken out (link texts count)."""
    plain = _URL_TEXT.sub(" ", _MARKDOWN_LINK_TARGET.sub("] ", piece))
    return len(re.findall(r"[^\W_]+", plain))


def _keep_long(
    text: str,
    start: int,
    end: int,
    options: SegmentOptions,
    kept: list[tuple[int, int]],
    drops: list[tuple[int, int, DropReason]],
) -> None:
    """Cut an over-long claim at clause punctuation; a piece that stays too long is dropped."""
    piece_start = start
    while end - piece_start > options.max_claim_chars:
        window = text[piece_start : piece_start + options.max_claim_chars]
        cut = max(window.rfind("; "), window.rfind(", "), window.rfind(": "))
        if cut <= 0:
            break
        kept.append((piece_start, piece_start + cut + 1))
        piece_start += cut + 2
    if end - piece_start > options.max_claim_chars:
        drops.append((piece_start, end, DropReason.TOO_LONG))
    elif piece_start < end:
        kept.append((piece_start, end))


def _role(text: str, start: int, end: int) -> Role:
    """The role the claim's opening connective gives it (looking back over a trimmed one)."""
    opener = _ROLE_OPENER.match(text, start, end)
    if opener is None:
        # Looking back at most 20 characters gives the same line start as searching the whole
        # post, without a scan back to the previous newline for every claim.
        line_start = max(text.rfind("\n", max(0, start - 20), start) + 1, start - 20)
        before = text[line_start:start]
        # A trimmed connective can only end at ``start`` if ``before`` ends in "," and
        # whitespace (every _LEADING_CONNECTIVE match does): most claims skip the search.
        if before.strip() and before[-1].isspace() and before.rstrip()[-1] == ",":
            trimmed = _LEADING_CONNECTIVE.search(before)
            if trimmed and trimmed.end() == len(before):
                opener = _ROLE_OPENER.match(before, trimmed.start())
    if opener is None:
        return Role.CLAIM
    if opener.group("premise"):
        return Role.PREMISE
    if opener.group("conclusion"):
        return Role.CONCLUSION
    return Role.OBJECTION


def _drop_uncovered(
    text: str, kept: list[tuple[int, int]], drops: list[tuple[int, int, DropReason]]
) -> None:
    """Drop every non-whitespace run no claim or drop covers (footnote marks, stray symbols)."""
    covered = sorted([(s, e) for s, e in kept] + [(s, e) for s, e, _ in drops])
    position = 0
    gaps: list[tuple[int, int]] = []
    for s, e in covered:
        if s > position:
            gaps.append((position, s))
        position = max(position, e)
    if position < len(text):
        gaps.append((position, len(text)))
    for s, e in gaps:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            only_marks = _FOOTNOTE_ONLY.fullmatch(text, s, e)
            drops.append(
                (s, e, DropReason.FOOTNOTE if only_marks else DropReason.NOT_ARGUMENTATIVE)
            )


_FOOTNOTE_ONLY = re.compile(r"(\s*\[\^?\d{1,3}\])+")
