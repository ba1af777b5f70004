"""Finding cue phrases in a text: as whole words, at its opening, through an index of runs.

Why a module of its own: every cue list of the linker (connectives, concessions, agreement and
disagreement cues, conclusion markers) is matched the same way, as whole words in a text
normalised to lower case and straight apostrophes, and the matching is the hot part of
``cues.text_cues`` (computed once per distinct text, but for every text of a corpus): the
plain rule (``find_cues``, ``starts_with``) and the indexed one (``_CueIndex``) that gives the
same answer on tokenised text live here together, where a test holds one to the other.
Split from ``cues`` in session 14.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Debatepedia and some dumps write apostrophes as double quotes: doesn"t -> doesn't.
_QUOTE_APOSTROPHE = re.compile(r"(\w)\"(t|s|re|ve|ll|d|m)\b")


def normalise(text: str) -> str:
    """Lower case with straight apostrophes, the form every cue list is written in."""
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    if '"' in text:  # most texts have none: skip the substitution and its per-call overhead
        text = _QUOTE_APOSTROPHE.sub(r"\1'\2", text)
    return text.lower()


def starts_with(text: str, cues: tuple[str, ...]) -> str | None:
    """The longest cue ``text`` opens with as whole words, or None."""
    return _opens_with(_opening(text), cues)


def _opening(text: str) -> str:
    """What ``starts_with`` reads of a text (``text_cues`` reads it once for six lists)."""
    return text.lstrip(" \t\n\"'(*>-").lower()


def _opens_with(head: str, cues: tuple[str, ...]) -> str | None:
    """``starts_with`` on ``_opening(text)``."""
    if not head.startswith(cues):  # one C call rules out most texts
        return None
    best = None
    for cue in cues:  # a cue ending in punctuation ("no,", "e.g.") needs no boundary after it
        if head.startswith(cue) and (len(head) == len(cue) or not head[len(cue)].isalnum()
                                     or not cue[-1].isalnum()):
            if best is None or len(cue) > len(best):
                best = cue
    return best


@lru_cache(maxsize=64)
def _any_cue(cues: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(c) for c in sorted(cues, key=len, reverse=True)))


def find_cues(text: str, cues: tuple[str, ...]) -> tuple[str, ...]:
    """The cues that occur in ``text`` as whole words, in list order."""
    if not _any_cue(cues).search(text):  # one regex search rules out most texts
        return ()
    padded = f" {text} "
    return tuple(cue for cue in cues if _occurs(padded, cue))


def _occurs(padded: str, cue: str) -> bool:
    """``cue`` occurs in ``padded`` (the text between two spaces) as whole words."""
    at = padded.find(cue)
    while at >= 0:
        end = at + len(cue)
        before, after = padded[at - 1], padded[end] if end < len(padded) else " "
        if (not before.isalnum() or not cue[0].isalnum()) and (
            not after.isalnum() or not cue[-1].isalnum()
        ):
            return True
        at = padded.find(cue, at + 1)
    return False


_TOKEN_ALPHABET = re.compile(r"[a-z0-9' ]+")


class _CueIndex:
    """``find_cues`` for a text of ``_TOKEN`` tokens joined by spaces, with the same answer,
    plus the opener cues that hold punctuation ("yes,", "no,", "+1"), read at the text's start.

    Why: the one-regex pre-check of ``find_cues`` tries every cue at every position and was
    the largest part of ``text_cues`` (about 7 us a text for the disagreement cues alone).
    Such a text holds only ``[a-z0-9' ]``, so a whole-word match of a cue that opens and ends
    with a letter or digit starts where a run of letters and digits starts, and that run
    equals the cue's first run. The index keeps each cue under its first run; a text's runs
    (one C-level split) pick the few cues worth the exact ``_occurs`` test; cues with another
    edge are always tested.

    A cue with a character the tokens never hold is a response token set off by its
    punctuation ("Yes, ...", "No, ...", "+1"): it says something only where a reply opens,
    never inside a sentence ("I'm not sure, yes, ..."), so it is matched on the raw opening
    (``_opening``: normalised, lower case, leading quote marks dropped) with ``_opens_with``,
    one C-level ``startswith`` for all of them.
    """

    __slots__ = ("cues", "first", "keys", "always", "openers", "opener_index")

    def __init__(self, cues: tuple[str, ...]) -> None:
        self.cues = cues
        self.first: dict[str, list[int]] = {}
        self.always: list[int] = []
        openers: list[str] = []
        self.opener_index: dict[str, int] = {}
        for k, cue in enumerate(cues):
            if not _TOKEN_ALPHABET.fullmatch(cue):
                openers.append(cue)
                self.opener_index[cue] = k
            elif cue[0].isalnum() and cue[-1].isalnum():
                self.first.setdefault(cue.replace("'", " ").split(" ", 1)[0], []).append(k)
            else:
                self.always.append(k)
        self.openers = tuple(openers)
        self.keys = frozenset(self.first)

    def find(self, text: str, runs: frozenset[str], opening: str = "") -> tuple[str, ...]:
        """The cues in ``text`` as whole words, and the opener cue ``opening`` starts with, in
        list order; ``runs`` is ``_runs(text)``, ``opening`` is ``_opening`` of the raw text."""
        opener = _opens_with(opening, self.openers) if self.openers and opening else None
        common = self.keys & runs
        if not common and not self.always:
            return (opener,) if opener else ()
        hits = [k for run in common for k in self.first[run]] + self.always
        if opener:
            hits.append(self.opener_index[opener])
        hits.sort()
        padded = f" {text} "
        cues = self.cues  # most candidates are not in the text at all: one C test first
        return tuple(cue for k in hits if (cue := cues[k]) == opener or (
            cue in padded and _occurs(padded, cue)))
