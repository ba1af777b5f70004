"""Posts -> claims: verbatim spans of a post that assert something, and why the rest was dropped.

Pipeline per post (all spans index ``post.text``; nothing is rewritten):

1. deleted/removed/hidden/bot posts give one DELETED/HIDDEN/BOT drop and no claims;
2. text beyond ``max_post_chars`` is one TOO_LONG drop (hostile-input cap);
3. ``sentences.scan_blocks`` sorts lines into prose and drops (quotes, code, headings, ...);
4. Punkt splits prose into sentences; a leading "Edit:"/"TL;DR:" label is dropped as META;
5. sentences are cut at discourse connectives ("because", ", but", "; however", ...) when
   both sides keep at least ``min_clause_words`` words. Argumentative units in the labelled
   corpora are clauses of this kind, and the cut also gives each claim its role;
6. each piece is kept as a claim or dropped (question, meta, greeting, too short, too long).

A final pass drops any non-whitespace character not yet covered, so the coverage invariant
holds whatever the input. Rules and thresholds were chosen by tools/tune_segment.py with
cross-validation over topics (see evaluation/segmentation.py for the figures).
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left
from collections.abc import Callable, Sequence

from argmap import lexicon
from argmap.gcpause import collector_paused
from argmap.model import Claim, Dropped, DropReason, Post, Role, Thread, claim_id
from argmap.options import SegmentOptions
from argmap.segment.sentences import TEXT, punkt_spans, scan_blocks

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
# Possessive quantifiers: the same matches (nothing follows that could make the greedy form
# give characters back), without the engine saving backtrack points for every word.
_WORD = re.compile(r"[^\W_]++(?:['\u2019][^\W_]++)*+")
_HAS_LETTER = re.compile(r"[^\W\d_]")

def _alternation(words: Sequence[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


def _trie(words: Sequence[str]) -> str:
    """A regex matching exactly ``words``, factored by common prefix.

    Python's ``re`` tries the branches of a flat alternation one by one at every position; a
    trie rules most positions out on the first letter, which makes the scans below cheap.
    """
    by_first: dict[str, list[str]] = {}
    for word in words:
        if word:
            by_first.setdefault(word[0], []).append(word[1:])
    parts = [re.escape(first) + _trie(rest) for first, rest in sorted(by_first.items())]
    if not parts:
        return ""
    body = parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"
    return f"(?:{body})?" if "" in words else body


# Each connective's kind decides what must precede it (nothing, a comma/semicolon/colon, or a
# comma/semicolon for and/or).
_CUT_KIND = {
    **{w: "bare" for w in lexicon.CLAUSE_OPENERS_BARE},
    **{w: "comma" for w in lexicon.CLAUSE_OPENERS_AFTER_COMMA},
    **{w: "and" for w in lexicon.CLAUSE_OPENERS_COORDINATING},
}
# Longest phrase first, so "even though" is seen before "though" at the same place.
_CUT_PHRASES = tuple(
    (phrase, _CUT_KIND[phrase]) for phrase in sorted(_CUT_KIND, key=lambda w: (-len(w), w))
)
_CUT_BY_LETTER: dict[str, tuple[tuple[str, str], ...]] = {
    letter: tuple(item for item in _CUT_PHRASES if item[0][0] == letter)
    for letter in {phrase[0] for phrase in _CUT_KIND}
}
# Where ``_cut_at`` may accept (a superset: it still decides). Each match ends where a phrase
# starts; a phrase is followed by a non-alphanumeric ([^\W_] is exactly str.isalnum).
_CUT_AFTER_COMMA_AT = re.compile(rf"[,;:]\s+(?={_trie(list(_CUT_KIND))}(?![^\W_]))")
_BARE = [phrase for phrase, kind in _CUT_KIND.items() if kind == "bare"]
_CUT_BARE_AT = re.compile(rf"\s(?={_trie(_BARE)}(?![^\W_]))")
# Every bare phrase contains one of these ("although" contains "though").
_BARE_NEEDLES = tuple(w for w in _BARE if not any(o != w and o in w for o in _BARE))
_DASH_CUT = re.compile(r"\s(?:--?|\u2013|\u2014)\s")
_COMMA_LIKE = frozenset(",;:")
_SEMICOLON = re.compile(r";(?=\s)")
_OPENING_SUBORDINATE = re.compile(
    rf"\W*(?:{_alternation(lexicon.SUBORDINATORS)})\b[^,;]*,(?=\s)", re.I
)

_ROLE_OPENER = re.compile(
    rf"\W*(?P<premise>{_alternation(lexicon.PREMISE_OPENERS)})\b|"
    rf"\W*(?P<conclusion>{_alternation(lexicon.SUPPORT_FORWARD)})\b|"
    rf"\W*(?P<objection>{_alternation(lexicon.ATTACK)})\b",
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
            if opener and _has_words(text, opener.end(), p_end, options.min_claim_words):
                label_end = p_start + len(opener.group().rstrip())
                drops.append((p_start, label_end, DropReason.NOT_ARGUMENTATIVE))
                p_start = opener.end()
        if p_end - p_start > options.max_claim_chars:
            _keep_long(text, p_start, p_end, options, kept, drops)
        else:
            kept.append((p_start, p_end))


def split_clauses(
    text: str, start: int, end: int, options: SegmentOptions
) -> list[tuple[int, int]]:
    """Cut text[start:end] before discourse connectives when both sides are long enough."""
    cuts = _connective_cuts(text, start, end, options)
    sentence = text[start:end]
    if "-" in sentence or "\u2013" in sentence or "\u2014" in sentence:
        cuts.extend(m.start() for m in _DASH_CUT.finditer(text, start, end))
    if ";" in sentence:
        cuts.extend(m.end() for m in _SEMICOLON.finditer(text, start, end))
    opening = _OPENING_SUBORDINATE.match(text, start, end)
    if opening:
        cuts.append(opening.end())
    if not cuts:
        return [(start, end)]
    ordered = sorted(set(cuts))
    enough = _clause_test(text, start, end, ordered, options.min_clause_words)
    pieces: list[tuple[int, int]] = []
    piece_start = start
    for cut in ordered:
        if not enough(cut, end):
            break
        if enough(piece_start, cut):
            pieces.append((piece_start, cut))
            piece_start = cut
            while piece_start < end and text[piece_start].isspace():
                piece_start += 1
    pieces.append((piece_start, end))
    return pieces


def _clause_test(
    text: str, start: int, end: int, cuts: list[int], minimum: int
) -> Callable[[int, int], bool]:
    """A test: do at least ``minimum`` of the sentence's words start in text[a:b]?

    When every cut is at whitespace (the normal case: all cut rules cut there), no word
    straddles a cut and a piece's words are those ``_WORD`` finds in the piece alone, so an
    anchored match that stops after ``minimum`` words answers. Otherwise (a cut inside a word,
    possible when ``str.lower`` changed the sentence's length) words are counted by their
    starts in the whole sentence.
    """
    if all(cut >= end or text[cut].isspace() for cut in cuts):
        return lambda a, b: _has_words(text, a, b, minimum)
    word_starts = [m.start() for m in _WORD.finditer(text, start, end)]
    return lambda a, b: bisect_left(word_starts, b) - bisect_left(word_starts, a) >= minimum


def _connective_cuts(text: str, start: int, end: int, options: SegmentOptions) -> list[int]:
    """Cut points before connectives that may open a unit.

    Two C-level regex scans find the only places ``_cut_at`` can accept: a phrase after
    ",;:" and whitespace, or a "bare" phrase after whitespace (overlapping, so "even | though"
    is seen as well as "| even though"). Every phrase starting there is then checked by
    ``_cut_at``, so the cuts are those of a ``str.find`` loop over all phrases, found at a
    fraction of the cost. Positions index the lowered sentence, as ``_cut_at`` expects.
    """
    lowered = text[start:end].lower()
    found_at: set[int] = set()
    for needle in _BARE_NEEDLES:  # rarely present: skips most scans
        if needle in lowered:
            found_at.update(match.end() for match in _CUT_BARE_AT.finditer(lowered))
            break
    if "," in lowered or ";" in lowered or ":" in lowered:
        found_at.update(match.end() for match in _CUT_AFTER_COMMA_AT.finditer(lowered))
    cuts: list[int] = []
    for found in found_at:
        for phrase, kind in _CUT_BY_LETTER[lowered[found]]:
            if lowered.startswith(phrase, found):
                cut = _cut_at(text, lowered, start, found, phrase, kind, options)
                if cut is not None:
                    cuts.append(cut)
    return cuts


def _cut_at(
    text: str, lowered: str, start: int, found: int, phrase: str, kind: str, options: SegmentOptions
) -> int | None:
    """Where to cut for a phrase found at lowered[found:], or None if it does not open a unit."""
    after = found + len(phrase)
    if not lowered[found - 1].isspace() or (after < len(lowered) and lowered[after].isalnum()):
        return None  # inside a word, or not preceded by whitespace
    if kind == "bare" and lowered.startswith(" of", after):
        return None  # "because of" is a preposition, not a clause
    cut = found
    while cut > 0 and lowered[cut - 1].isspace():
        cut -= 1
    previous = lowered[cut - 1] if cut > 0 else ""
    if kind == "bare" or (
        previous in _COMMA_LIKE and (kind == "comma" or options.split_at_and and previous != ":")
    ):
        return start + cut
    return None


def _drop_reason(text: str, start: int, end: int, options: SegmentOptions) -> DropReason | None:
    piece = text[start:end]
    if not _HAS_LETTER.search(piece):
        return DropReason.NOT_ARGUMENTATIVE
    if not options.keep_questions and _QUESTION_END.search(piece):
        return DropReason.QUESTION
    if _GREETING.match(piece) and not _has_words(text, start, end, GREETING_MAX_WORDS + 1):
        return DropReason.GREETING
    if _META_SENTENCE.match(piece):
        return DropReason.META
    if not _has_words(text, start, end, options.min_claim_words):
        return DropReason.TOO_SHORT
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


def _has_words(text: str, start: int, end: int, count: int) -> bool:
    """Whether text[start:end] holds at least ``count`` words (``_WORD`` matches).

    The rules only compare word counts with small thresholds, so one anchored match that
    stops after ``count`` words replaces counting them all (the costliest step per piece).
    """
    return count <= 0 or _at_least_words(count).match(text, start, end) is not None


@functools.cache
def _at_least_words(count: int) -> re.Pattern[str]:
    """``count`` words from the start, skipping what ``_WORD.findall`` skips between words.

    ``findall`` tries ``_WORD`` at each position in turn, and a word can start at any
    alphanumeric character, so the gap before each word is exactly a run of non-alphanumerics.
    """
    return re.compile(rf"(?:[\W_]*+(?:{_WORD.pattern})){{{count}}}")


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
