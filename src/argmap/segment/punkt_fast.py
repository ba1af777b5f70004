"""Punkt's ``span_tokenize``, same answers, without most of its per-candidate overhead.

Why: Punkt was the largest cost of the segment stage. NLTK's ``span_tokenize`` runs every
candidate break (a ``.?!`` and its context) through a chain of generators, a ReDoS-guard
wrapper around each regex call, a per-character Python scan for the previous whitespace and a
fresh ``text_contains_sentbreak`` decision. This module runs the same algorithm
(``_match_potential_end_contexts``, ``_slices_from_text`` and ``_realign_boundaries`` of
``nltk.tokenize.punkt``) with the same compiled patterns, as one flat loop:

- the decision for a context string is a pure function of the shipped parameters, so it is
  memoised (contexts such as "it. The" recur all the time);
- the previous whitespace is found with ``str.rfind`` instead of a character loop;
- the regexes are NLTK's own compiled ``regex`` patterns (identical matching), called
  without the per-call timeout wrapper. That guard is not needed here: argmap feeds Punkt at
  most ``sentences.MAX_BLOCK_CHARS`` at a time and these two patterns are linear.

tests/segment/test_punkt_fast.py checks the spans equal NLTK's on tricky and generated text.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Callable
from typing import Any

from nltk.tokenize.punkt import PunktLanguageVars

from argmap.segment.punkt import punkt_tokenizer

_WHITESPACE = string.whitespace  # what Punkt's _get_last_whitespace_index looks for (ASCII)
# The memo is bounded in entries and in key length (a context is a word, the mark and the next
# token; hostile input can make those huge), so it holds at most a few MB.
CONTEXT_CACHE_SIZE = 1 << 15
CONTEXT_CACHE_MAX_CHARS = 100


def _engine(pattern: Any) -> Any:
    """The compiled pattern inside NLTK's ReDoS wrapper (the pattern itself on older NLTK)."""
    return getattr(pattern, "_rx", pattern)


@functools.cache
def _machinery() -> tuple[Any, Any, Callable[[str], bool]]:
    """Period-context regex, realignment regex and memoised break decision, built once."""
    tokenizer = punkt_tokenizer()
    language: PunktLanguageVars = tokenizer._lang_vars
    direct = tokenizer.text_contains_sentbreak
    cached = functools.lru_cache(maxsize=CONTEXT_CACHE_SIZE)(direct)

    def decide(context: str) -> bool:
        return cached(context) if len(context) <= CONTEXT_CACHE_MAX_CHARS else direct(context)

    return (
        _engine(language.period_context_re()),
        _engine(language.re_boundary_realignment),
        decide,
    )


def span_tokenize(text: str) -> list[tuple[int, int]]:
    """Sentence spans of ``text``: exactly ``list(punkt_tokenizer().span_tokenize(text))``."""
    return _realign_boundaries(text, _slices_from_text(text))


def _slices_from_text(text: str) -> list[tuple[int, int]]:
    """Punkt's unrealigned sentence slices (``_slices_from_text`` with its contexts inlined)."""
    _, _, decide = _machinery()
    slices: list[tuple[int, int]] = []
    last_break = 0
    for match, word_start in _candidates(text):
        context = text[word_start : match.start()] + match.group() + match.group("after_tok")
        if decide(context):
            slices.append((last_break, match.end()))
            # The next sentence starts after the whitespace, or at the following punctuation.
            last_break = match.start("next_tok") if match.group("next_tok") else match.end()
    slices.append((last_break, len(text.rstrip())))
    return slices


def _candidates(text: str) -> list[tuple[Any, int]]:
    """Candidate breaks with the start of the word before each (``_match_potential_end_contexts``).

    When a candidate's word would reach back over the previous candidate (as in "acting!!!"),
    only the later one is kept, as in NLTK.
    """
    period_context, _, _ = _machinery()
    candidates: list[tuple[Any, int]] = []
    previous: Any = None
    previous_start = previous_stop = 0
    spaces = [char for char in _WHITESPACE if char in text]  # usually just " "
    only = spaces[0] if len(spaces) == 1 else None
    for match in period_context.finditer(text):
        match_start = match.start()
        # Last ASCII whitespace in text[previous_stop:match_start]; NLTK treats one found at
        # relative index 0 like none found (its helper returns 0 for both).
        if only is not None:
            space = text.rfind(only, previous_stop, match_start)
        else:
            space = max((text.rfind(c, previous_stop, match_start) for c in spaces), default=-1)
        word_start = space + 1 if space > previous_stop else previous_start
        if previous is not None and previous_stop <= word_start:
            candidates.append((previous, previous_start))
        previous, previous_start, previous_stop = match, word_start, match_start
    if previous is not None:
        candidates.append((previous, previous_start))
    return candidates


def _realign_boundaries(text: str, slices: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Move closing quotes/brackets after a break into the sentence before it, as NLTK does."""
    _, realignment, _ = _machinery()
    spans: list[tuple[int, int]] = []
    realign = 0
    last = len(slices) - 1
    length = len(text)
    for index, (start, stop) in enumerate(slices):
        start += realign
        if index == last:
            if start < min(stop, length):  # NLTK: ``if text[sentence1]``
                spans.append((start, stop))
            continue
        next_start, next_stop = slices[index + 1]
        found = realignment.match(text[next_start:next_stop])
        if found:
            spans.append((start, next_start + len(found.group(0).rstrip())))
            realign = found.end()
        else:
            realign = 0
            if start < min(stop, length):
                spans.append((start, stop))
    return spans
