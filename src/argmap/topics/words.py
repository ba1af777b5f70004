"""The words a topic is made of: content words, their stems, and the stem lists fitted on.

Why a module of its own: clustering, the corpus topic model (fit and projection) and the
summaries all ask "which words of this claim can name a subject?", and the answer (letters
only, stopwords and generic words out, possessives dropped, Porter stems, a cache per text)
must be one function so that every stage counts the same terms. Split from ``clustering``
(which groups claims) in session 14; the names stay importable from there.
"""

from __future__ import annotations

import re
from functools import lru_cache

from nltk.stem.porter import PorterStemmer

from argmap.lexicon import STOPWORDS

# Words so common in discussions that they name no subject; a topic label made of them says
# nothing, so they are not features at all.
GENERIC_WORDS = frozenset(
    """think thing things people just like really would could should also going know want
    make made lot lots way ways actually said say says mean means point get got need needs
    well much many even still yes one two use used using time times good bad right new
    sure maybe quite rather able let lets okay ok will can may might must shall feel feels
    felt makes making seems seem look looks kind sort thanks""".split()
)
# Letter runs joined by single ' ’ - (the matches of [^\W\d_](?:[^\W\d_]|['’-](?=[^\W\d_]))*,
# a letter at a time with a look-ahead; whole runs with possessive quantifiers are ~25% faster).
_WORD = re.compile(r"[^\W\d_]++(?:['’-][^\W\d_]++)*+", re.UNICODE)
# ``_WORD`` on ASCII text, where a letter is [a-z] once lowered: the same matches ~30% sooner
_ASCII_WORD = re.compile(r"[a-z]++(?:['-][a-z]++)*+")
_STEMMER = PorterStemmer()


@lru_cache(maxsize=200_000)
def _normalise(word: str) -> tuple[str, str] | None:
    """(stem, surface) of one lower-case word, or None when it cannot name a subject."""
    word = word.replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    if "'" in word:  # contractions (don't, they're, I've) never name a subject
        return None
    if len(word) < 3 or word in STOPWORDS or word in GENERIC_WORDS:
        return None
    return _STEMMER.stem(word), word


def content_words(text: str) -> list[tuple[str, str]]:
    """(stem, surface word) pairs of the words that can carry a subject.

    Letters only (numbers never name a topic), stopwords and generic words removed, possessive
    endings dropped, stems so that "weights" and "weight" count as one term.
    """
    return list(content_word_tuple(text))


@lru_cache(maxsize=65_536)
def content_word_tuple(text: str) -> tuple[tuple[str, str], ...]:
    """``content_words`` as an immutable, cached tuple. Clustering and then summarising (once
    per thread, topic and camp) read the same claim texts in one process; the cache lets them
    tokenise each text once. Bounded (some 20 MB when full), and a pure function of the text."""
    # filter(None, ...) drops exactly the Nones: a (stem, word) pair is never false
    low = text.lower()
    words = (_ASCII_WORD if low.isascii() else _WORD).findall(low)
    return tuple(filter(None, map(_normalise, words)))


def _stems(doc: str | list[str]) -> list[str]:
    """Analyzer for the vectorizer: accepts a text or its already computed stems."""
    if isinstance(doc, list):
        return doc
    return [stem for stem, _ in content_word_tuple(doc)]
