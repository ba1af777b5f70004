"""The shared word lists: canonical, so a cue never votes twice."""

from __future__ import annotations

from argmap import lexicon


def test_lexicon_connective_lists_are_lower_case_and_unique() -> None:
    for words in (
        lexicon.SUPPORT_BACKWARD,
        lexicon.SUPPORT_FORWARD,
        lexicon.ATTACK,
        lexicon.CLAUSE_OPENERS_BARE,
        lexicon.CLAUSE_OPENERS_AFTER_COMMA,
        lexicon.SUBORDINATORS,
        lexicon.PREMISE_OPENERS,
        lexicon.DISAGREE_CUES,  # a cue listed twice votes twice ("not convinced" once did)
        lexicon.AGREE_CUES,
        lexicon.AGREE_OPENERS,
        lexicon.DISAGREE_OPENERS,
    ):
        assert all(w == w.lower() for w in words)
        assert len(set(words)) == len(words)
