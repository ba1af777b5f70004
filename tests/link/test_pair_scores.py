"""The batch scorer's per-text parts equal the per-pair reference's terms."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from argmap.link.cues import text_cues
from argmap.link.pair_scores import BatchScorer
from argmap.link.relation_model import default_model, lexicon_terms

_WORDS = ("abortion", "ability", "abolish", "absolutely", "abuse", "crime", "tax", "the", "a",
          "not", "never", "don't", "isn't", "reduces", "prevent", "cut", "good", "bad",
          "death", "penalty", "should", "we", "no", "ban", "it", "free", "abandon", "10")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=14).map(" ".join),
       st.sampled_from(("", ".", "?", "!")))
def test_pair_scores_lexicon_rows_are_the_lexicon_terms(words: str, end: str) -> None:
    """With and without negations, decrease verbs, repeated and unknown words, and no words:
    each text's rows are its ``lex:`` terms with the weights, in the reference's order."""
    scorer = _scorer()
    cues = text_cues(words + end)
    lexicon = scorer.lexicon
    assert scorer.lexicon_rows(cues) == [(*lexicon[w], v) for w, v in lexicon_terms(cues)
                                         if w in lexicon]


_HELD: list[BatchScorer] = []


def _scorer() -> BatchScorer:
    if not _HELD:
        _HELD.append(BatchScorer(default_model()))
    return _HELD[0]
