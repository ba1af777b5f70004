"""Punkt sentence-splitter parameters shipped as text, and the tokenizer over them.

Trained by tools/train_punkt.py on real English prose and shipped in the punkt_tab layout under
``resources/punkt``, so sentence splitting works with no nltk data package and no pickle ever
loads. The only module that builds NLTK's Punkt objects.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from importlib.resources import files
from typing import Any

from nltk.tokenize.punkt import (
    PunktLanguageVars,
    PunktParameters,
    PunktSentenceTokenizer,
    PunktToken,
)

PUNKT_FILES = ("abbrev_types.txt", "collocations.tab", "sent_starters.txt", "ortho_context.tab")


def _punkt_lines(name: str) -> list[str]:
    text = files("argmap").joinpath("resources", "punkt", name).read_text(encoding="utf-8")
    return [line for line in text.split("\n") if line]


@functools.cache
def punkt_parameters() -> PunktParameters:
    """argmap's shipped Punkt parameters, read once from text files under resources/punkt."""
    params = PunktParameters()
    params.abbrev_types = set(_punkt_lines("abbrev_types.txt"))
    params.sent_starters = set(_punkt_lines("sent_starters.txt"))
    params.collocations = {
        (left, right)
        for left, _, right in (line.partition("\t") for line in _punkt_lines("collocations.tab"))
    }
    ortho: defaultdict[str, int] = defaultdict(int)
    for line in _punkt_lines("ortho_context.tab"):
        word, _, flags = line.rpartition("\t")
        ortho[word] = int(flags)
    params.ortho_context = ortho
    return params


def _engine(pattern: Any) -> Any:
    """The compiled ``regex`` pattern inside NLTK's ReDoS wrapper (the pattern itself on NLTK
    releases without the wrapper)."""
    return getattr(pattern, "_rx", pattern)


class _UnguardedLanguageVars(PunktLanguageVars):
    """Punkt's word tokenizer: NLTK's own compiled pattern, called without the timeout.

    Why: NLTK >= 3.10 runs every match under ``regex``'s ``timeout=``, and with a timeout the
    engine matched a Punkt context ~2.5x slower (32 against 10.5 us a call, the wrapper
    included): ~5 % of a corpus task. Same pattern object, same engine, so the same tokens.
    The guard is not needed here: the pattern is linear (a lazy ``\\S+?`` stopped by a
    fixed-width look-ahead, or one character) and is run over one decision's context string.
    """

    __slots__ = ()

    def _word_tokenizer_re(self) -> Any:
        return _engine(super()._word_tokenizer_re())


class _UnguardedToken(PunktToken):
    """``PunktToken`` with its four class patterns unwrapped, as ``_UnguardedLanguageVars``
    (anchored character-class patterns over one token: linear)."""

    __slots__ = ()
    _RE_ELLIPSIS = _engine(PunktToken._RE_ELLIPSIS)
    _RE_NUMERIC = _engine(PunktToken._RE_NUMERIC)
    _RE_INITIAL = _engine(PunktToken._RE_INITIAL)
    _RE_ALPHA = _engine(PunktToken._RE_ALPHA)


class _PlainWordPunkt(PunktSentenceTokenizer):
    """Punkt with exact shortcuts for the commonest candidates, "word. Next" and "word? Next".

    Punkt decides each candidate break from a small context string. When the word before the
    period is plain letters (two or more, so not an initial), is no abbreviation and starts no
    collocation, Punkt's first pass marks a break and its second pass has no rule that can
    undo it; the shortcut returns that answer without building Punkt's token objects. Every
    other context goes to Punkt unchanged (tests/segment/test_punkt.py checks they agree).
    """

    def __init__(self, params: PunktParameters) -> None:
        super().__init__(params, lang_vars=_UnguardedLanguageVars(), token_cls=_UnguardedToken)
        self._blockers = frozenset(params.abbrev_types) | {
            left for left, _ in params.collocations
        }

    def text_contains_sentbreak(self, text: str) -> bool:
        plain = _PLAIN_WORD_END.fullmatch(text)
        if plain is not None and plain.group(1).lower() not in self._blockers:
            return True
        if _PLAIN_MARK_END.fullmatch(text) is not None:
            return True
        return super().text_contains_sentbreak(text)


_PLAIN_WORD_END = re.compile(r"([A-Za-z]{2,})\.\s+[A-Za-z\"'(\[]\S*")
# "word? Next", "word! Next": the "?" or "!" is a token of its own, which Punkt's first pass
# always marks as a break and its second pass (periods only) never undoes; a token follows it.
_PLAIN_MARK_END = re.compile(r"[A-Za-z]+[?!]\s+[A-Za-z\"'(\[]\S*")


@functools.cache
def punkt_tokenizer() -> PunktSentenceTokenizer:
    """One shared tokenizer over the shipped parameters (it keeps no per-call state)."""
    return _PlainWordPunkt(punkt_parameters())
