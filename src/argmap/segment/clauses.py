"""Where a sentence splits into clauses: before discourse connectives ("because", ", but",
"; however"), at dashes and semicolons, after an opening subordinate clause, and only where
both sides keep at least ``min_clause_words`` words and both are statements
(``statements.can_split``: "My guess is that it's | because ..." and "X, Y, | and Z who ..."
are not cut).

Argumentative units in the labelled corpora are clauses of this kind, and the cut also gives
each claim its role. Word counting lives here too: every rule compares word counts.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left
from collections.abc import Callable, Sequence

from argmap import lexicon
from argmap.options import SegmentOptions
from argmap.segment.statements import can_split

# Possessive quantifiers: the same matches (nothing follows that could make the greedy form
# give characters back), without the engine saving backtrack points for every word.
WORD = re.compile(r"[^\W_]++(?:['\u2019][^\W_]++)*+")


def alternation(words: Sequence[str]) -> str:
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
    rf"\W*(?:{alternation(lexicon.SUBORDINATORS)})\b[^,;]*,(?=\s)", re.I
)


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
    for k, cut in enumerate(ordered):
        if not enough(cut, end):
            break
        if enough(piece_start, cut) and (not options.drop_fragments or can_split(
                text[piece_start:cut], text[cut:_piece_end(ordered, k, end, enough)])):
            pieces.append((piece_start, cut))
            piece_start = cut
            while piece_start < end and text[piece_start].isspace():
                piece_start += 1
    pieces.append((piece_start, end))
    return pieces


def _piece_end(cuts: list[int], k: int, end: int, enough: Callable[[int, int], bool]) -> int:
    """Where the piece starting at cut k would end: the first later cut that leaves it long
    enough to be a piece ("X, but | because Y": the piece after "but" runs past "because")."""
    for later in cuts[k + 1:]:
        if enough(cuts[k], later):
            return later
    return end


def _clause_test(
    text: str, start: int, end: int, cuts: list[int], minimum: int
) -> Callable[[int, int], bool]:
    """A test: do at least ``minimum`` of the sentence's words start in text[a:b]?

    When every cut is at whitespace (the normal case: all cut rules cut there), no word
    straddles a cut and a piece's words are those ``WORD`` finds in the piece alone, so an
    anchored match that stops after ``minimum`` words answers. Otherwise (a cut inside a word,
    possible when ``str.lower`` changed the sentence's length) words are counted by their
    starts in the whole sentence.
    """
    if all(cut >= end or text[cut].isspace() for cut in cuts):
        return lambda a, b: has_words(text, a, b, minimum)
    word_starts = [m.start() for m in WORD.finditer(text, start, end)]
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


def has_words(text: str, start: int, end: int, count: int) -> bool:
    """Whether text[start:end] holds at least ``count`` words (``WORD`` matches).

    The rules only compare word counts with small thresholds, so one anchored match that
    stops after ``count`` words replaces counting them all (the costliest step per piece).
    """
    if count <= 0:
        return True
    if count > end - start:  # a word is one character at least; and re cannot repeat 2**32 times
        return False
    return _at_least_words(count).match(text, start, end) is not None


@functools.cache
def _at_least_words(count: int) -> re.Pattern[str]:
    """``count`` words from the start, skipping what ``WORD.findall`` skips between words.

    ``findall`` tries ``WORD`` at each position in turn, and a word can start at any
    alphanumeric character, so the gap before each word is exactly a run of non-alphanumerics.
    """
    return re.compile(rf"(?:[\W_]*+(?:{WORD.pattern})){{{count}}}")
