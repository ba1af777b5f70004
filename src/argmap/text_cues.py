"""What one text says about relations: tokens, content words, connectives, stance cues,
polarity. Computed once per text (``text_cues`` is cached) because every claim is in several
candidate pairs; the relation model's features and the linker's cue rules read only this.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from . import lexicon

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
# Debatepedia and some dumps write apostrophes as double quotes: doesn"t -> doesn't.
_QUOTE_APOSTROPHE = re.compile(r"(\w)\"(t|s|re|ve|ll|d|m)\b")
_CONNECTIVE_CLASSES = (
    ("attack", lexicon.ATTACK),
    ("backward", lexicon.SUPPORT_BACKWARD),
    ("forward", lexicon.SUPPORT_FORWARD),
    ("additive", lexicon.SUPPORT_ADDITIVE),
)
# Markers of a conceded or reported opposing view ("admittedly ...", "some say ..."): such a
# unit usually attacks the author's claim and is itself attacked by the next one.
CONCESSION_MARKERS = (
    "admittedly", "of course", "it is true that", "it's true that", "granted", "some say",
    "some people", "some argue", "one could argue", "one might", "critics", "opponents",
    "it may be", "on the one hand", "certainly", "sure,", "proponents",
)
# Openers of a conceded view: "Some may find ...", "Yes, it's annoying ...", "Sure, ...".
CONCESSION_OPENERS = (
    "some", "yes", "sure", "of course", "granted", "admittedly", "it is true", "it's true",
    "true,", "certainly", "no doubt", "opponents", "critics", "many people", "some people",
)
# A small polarity lexicon (written for argmap): what a claim says is good or bad. Claim
# stance towards a motion is largely "polarity of the claim x direction of the motion".
POSITIVE_WORDS = frozenset("""benefit benefits beneficial improve improves improved good better
best effective safe safer protect protects help helps helpful success successful positive
advantage advantages valuable important necessary fair freedom rights healthy efficient boost
save saves encourage encourages promote promotes useful essential opportunity opportunities
growth justice equality reduce_harm""".split())
NEGATIVE_WORDS = frozenset("""harm harms harmful risk risks danger dangerous bad worse worst fail
fails failed failure damage damages costly expensive violence violent kill kills death deaths
problem problems unfair abuse crime corruption waste threat threatens negative lose loss
undermine undermines ineffective unnecessary risky poor suffer destroy destroys hurt hurts
discrimination unjust exploitation addiction pollution inequality""".split())
# Words that turn a motion against its object: "ban X", "limit X", "abolish X".
AGAINST_WORDS = frozenset("""ban banned banning abolish abolished prohibit prohibited outlaw
against oppose opposes limit limited restrict restricted end stop cancel criminalize remove
illegal""".split())
_NEGATION_WORDS = frozenset(w for w in lexicon.NEGATIONS if " " not in w)
_NORMATIVE = frozenset(("should", "must", "ought", "need", "needs", "have to", "has to"))
_DIRECTION_WORDS = AGAINST_WORDS | _NEGATION_WORDS
_KEEP_WORDS = _NEGATION_WORDS | {"should", "must", "but", "however", "because", "so", "not"}


def normalise(text: str) -> str:
    """Lower case with straight apostrophes, the form every cue list is written in."""
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    if '"' in text:  # most texts have none: skip the substitution and its per-call overhead
        text = _QUOTE_APOSTROPHE.sub(r"\1'\2", text)
    return text.lower()


def starts_with(text: str, cues: tuple[str, ...]) -> str | None:
    """The longest cue ``text`` opens with as whole words, or None."""
    head = text.lstrip(" \t\n\"'(*>-").lower()
    if not head.startswith(cues):  # one C call rules out most texts
        return None
    best = None
    for cue in cues:
        if head.startswith(cue) and (len(head) == len(cue) or not head[len(cue)].isalnum()):
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
    found = []
    for cue in cues:
        at = padded.find(cue)
        while at >= 0:
            end = at + len(cue)
            before, after = padded[at - 1], padded[end] if end < len(padded) else " "
            edge_ok = (not before.isalnum() or not cue[0].isalnum()) and (
                not after.isalnum() or not cue[-1].isalnum()
            )
            if edge_ok:
                found.append(cue)
                break
            at = padded.find(cue, at + 1)
    return tuple(found)


@dataclass(frozen=True, slots=True)
class TextCues:
    """What one text says about relations, computed once per text."""

    tokens: tuple[str, ...]
    content: frozenset[str]
    connective: str | None  # the opening connective, as written in the lexicon
    connective_class: str | None  # attack | backward | forward | additive
    concessive_opener: bool
    disagree: tuple[str, ...]
    agree: tuple[str, ...]
    negations: tuple[str, ...]
    concession: tuple[str, ...]
    normative: bool
    question: bool
    polarity: int  # +1 mostly good words, -1 mostly bad words, 0 neither (negation flips)
    direction: int  # -1 when the text argues against its object ("ban X"), else +1


@lru_cache(maxsize=65536)
def text_cues(text: str) -> TextCues:
    """Tokens and cue flags of a text (cached: the same claim is a candidate many times)."""
    low = normalise(text)
    tokens = tuple(_TOKEN.findall(low))
    content = frozenset(t for t in tokens if t not in lexicon.STOPWORDS or t in _KEEP_WORDS)
    connective, connective_class = None, None
    for name, cues in _CONNECTIVE_CLASSES:
        hit = starts_with(low, cues)
        if hit and (connective is None or len(hit) > len(connective)):
            connective, connective_class = hit, name
    head = " ".join(tokens[:30])  # "X ... seems unrealistic": the verdict can come late
    negations = tuple(t for t in tokens if t in _NEGATION_WORDS or t.endswith("n't"))
    return TextCues(
        tokens=tokens,
        content=content,
        connective=connective,
        connective_class=connective_class,
        concessive_opener=starts_with(low, lexicon.CONCESSIVE_OPENERS) is not None,
        disagree=find_cues(head, lexicon.DISAGREE_CUES),
        agree=find_cues(head, lexicon.AGREE_CUES),
        negations=negations,
        concession=find_cues(head, CONCESSION_MARKERS) or tuple(
            c for c in [starts_with(low, CONCESSION_OPENERS)] if c),
        normative=not _NORMATIVE.isdisjoint(tokens),
        question=text.rstrip().endswith("?"),
        polarity=_polarity(tokens, bool(negations)),
        direction=-1 if sum(map(_DIRECTION_WORDS.__contains__, tokens)) % 2 else 1,
    )


@dataclass(frozen=True, slots=True)
class OpeningCues:
    """The part of ``TextCues`` a post's opening is read for: who it agrees or disagrees with."""

    disagree: tuple[str, ...]
    agree: tuple[str, ...]


def opening_cues(text: str) -> OpeningCues:
    """``text_cues(text).disagree/agree`` without the rest (one per reply post)."""
    head = " ".join(_TOKEN.findall(normalise(text))[:30])
    return OpeningCues(find_cues(head, lexicon.DISAGREE_CUES), find_cues(head, lexicon.AGREE_CUES))


def _polarity(tokens: tuple[str, ...], negated: bool) -> int:
    score = sum(map(POSITIVE_WORDS.__contains__, tokens)) - sum(
        map(NEGATIVE_WORDS.__contains__, tokens))
    sign = (score > 0) - (score < 0)
    return -sign if negated else sign


def quoted_spans(post) -> list[tuple[int, str, str | None]]:
    """(offset where the answer starts, quoted text, quoted post id) for each quote of a
    ``model.Post``: its ``>`` line blocks and its ``quotes``, in text order."""
    spans, offset = [], 0
    lines = post.text.splitlines(keepends=True)
    block: list[str] = []
    for line in lines:
        offset += len(line)
        if line.lstrip().startswith(">") or line.lstrip().startswith("&gt;"):
            block.append(line.lstrip().lstrip(">").removeprefix("&gt;").strip())
        elif block:
            spans.append((offset - len(line), " ".join(block), None))
            block = []
    for quote in post.quotes:
        at = post.text.find(quote.text[:80]) if quote.text else -1
        spans.append((at + len(quote.text) if at >= 0 else 0, quote.text, quote.post_id))
    return sorted(spans, key=lambda s: (s[0], s[1], s[2] or ""))
