"""How good or bad a claim says things are, composed over a few words.

Why: a claim's stance on a motion is mostly "what the claim says about the motion's object"
times "whether the motion is for or against that object" (Bar-Haim et al. 2017, *Stance
classification of context-dependent claims*). The relation model learns topic words from its
training data, but held-out topics bring new words; word valence from a general lexicon carries
over. Valence comes from the VADER lexicon (MIT, shipped as text in ``resources/sentiment``),
with two compositions that matter in arguments:

- negation flips (and damps) what follows it: "not effective" is bad;
- a decrease verb flips what it acts on: "reduces crime" is good, "limits freedom" is bad.

Words missing from the lexicon are looked up by a crude stem ("oppressing" -> "oppress"), so
inflections the lexicon lacks still count.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

LEXICON_PATH = Path(__file__).parents[1] / "resources" / "sentiment" / "valence.tsv"
NEGATION_DAMPING = -0.74  # VADER's own factor: "not good" is less bad than "bad" is bad
SCOPE = 3  # words after a negation or a decrease verb that it acts on
# Verbs (and a preposition) that turn the value of what follows: "reduce harm" is good.
DECREASE_WORDS = frozenset("""reduce reduces reduced reducing decrease decreases decreased
decreasing lower lowers lowered lowering prevent prevents prevented preventing stop stops
stopped limit limits limited curb curbs eliminate eliminates eliminated combat combats fight
fights avoid avoids avoided minimize minimizes minimise minimises cut cuts lessen lessens
alleviate alleviates ease eases end ends ending remove removes removed mitigate mitigates deter
deters discourage discourages against ban bans banned prohibit prohibits""".split())
NEGATION_WORDS = frozenset("""not no never nor cannot without hardly neither nobody nothing
none lack lacks""".split())
_SUFFIXES = ("ingly", "edly", "ings", "ing", "ied", "ies", "ed", "es", "s", "ly", "ive", "ion",
             "ions", "ness", "ment")


@dataclass(frozen=True, slots=True)
class Sentiment:
    """A text's composed valence: ``score`` is the sum over sqrt(tokens + 1), so long texts do
    not win by length; ``positive``/``negative`` count the words on each side."""

    score: float
    positive: int
    negative: int

    @property
    def sign(self) -> int:
        return (self.score > 0) - (self.score < 0)


def _stem(word: str) -> str:
    if not word.endswith(_SUFFIXES):  # one C call for the words no suffix fits
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


@cache
def _lexicon() -> tuple[dict[str, float], dict[str, float]]:
    """(word -> valence, stem -> mean valence of the words with that stem)."""
    words: dict[str, float] = {}
    if LEXICON_PATH.is_file():
        for line in LEXICON_PATH.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                word, value = line.split("\t")
                words[word] = float(value)
    by_stem: dict[str, list[float]] = {}
    for word in sorted(words):
        by_stem.setdefault(_stem(word), []).append(words[word])
    return words, {s: sum(v) / len(v) for s, v in by_stem.items()}


@lru_cache(maxsize=1 << 17)
def valence(word: str) -> float:
    """The lexicon valence of one lower-case word (its stem's when the word is missing);
    cached, since a corpus repeats its words (the stem fallback was 1 s of 10k posts)."""
    words, stems = _lexicon()
    value = words.get(word)
    if value is None:
        value = stems.get(_stem(word), 0.0)
    return value


_SCOPED_WORDS = NEGATION_WORDS | DECREASE_WORDS  # the words with a role, besides "...n't"
_NEGATES, _DECREASES = "negates", "decreases"  # the two roles a word can have besides valence
# word -> its role or valence, filled as words come (it memoises ``valence``: clear both)
_ROLES: dict[str, float | str] = {}
_ROLES_MAX = 1 << 17


def _role(word: str) -> float | str:
    """What ``word`` does in ``sentiment``: negates, decreases, or adds its valence."""
    if word in NEGATION_WORDS or word.endswith("n't"):
        return _NEGATES
    if word in DECREASE_WORDS:
        return _DECREASES
    return valence(word)


def sentiment(tokens: tuple[str, ...]) -> Sentiment:
    """Composed valence of lower-case tokens (as ``text_cues`` makes them).

    Each word's role is read from one dict (``_role``, memoised) rather than two set tests,
    a suffix test and a cached call: most words add nothing and leave after one look-up."""
    total, positive, negative = 0.0, 0, 0
    negated_until = flipped_until = -1
    roles = _ROLES
    if len(roles) > _ROLES_MAX:  # a bound, as valence's cache has
        roles.clear()
    for i, word in enumerate(tokens):
        value = roles.get(word)
        if value is None:
            value = roles[word] = _role(word)
        if not value:  # most words: no valence, no role
            continue
        if isinstance(value, str):
            if value is _NEGATES:
                negated_until = i + SCOPE
            else:
                flipped_until = i + SCOPE + 1
            continue
        if i <= flipped_until:
            value = -value
        if i <= negated_until:
            value *= NEGATION_DAMPING
        total += value
        positive += value > 0
        negative += value < 0
    return Sentiment(total / math.sqrt(len(tokens) + 1), positive, negative)


@lru_cache(maxsize=1 << 16)
def signed_words(tokens: tuple[str, ...], content: frozenset[str]) -> tuple[tuple[str, int], ...]:
    """The content words of a text with the sign the same composition gives them: -1 inside
    the scope of a negation or of a decrease verb (both: +1), so "reduces crime" says crime
    -1 and "not effective" says effective -1. A word seen with both signs sums to 0 and is
    left out. Sorted by word, so every consumer adds the terms in one order. The relation
    model's learned word polarities (``relation_model`` ``lex:`` features) read this. Roles
    come from ``_role`` (memoised in ``_ROLES``), the one definition ``sentiment`` uses.

    Most texts (~80% of claims) hold no negation or decrease word: then every content word
    has the sign +1 and the answer is the sorted content, found with two C-level tests (a
    token ends in "n't" exactly where "n't " occurs in the tokens joined and closed by spaces)
    instead of the per-word loop."""
    if _SCOPED_WORDS.isdisjoint(tokens) and "n't " not in " ".join(tokens) + " ":
        return tuple((w, 1) for w in sorted(content))
    signs: dict[str, set[int]] = {}
    negated_until = flipped_until = -1
    roles = _ROLES
    for i, word in enumerate(tokens):
        role = roles.get(word)
        if role is None:
            role = roles[word] = _role(word)
        if role is _NEGATES:
            negated_until = i + SCOPE
            continue
        if role is _DECREASES:
            flipped_until = i + SCOPE + 1
            continue
        if word in content:
            sign = (-1 if i <= negated_until else 1) * (-1 if i <= flipped_until else 1)
            signs.setdefault(word, set()).add(sign)
    return tuple((w, sum(s)) for w, s in sorted(signs.items()) if sum(s))
