"""Composed sentiment and motion direction: the two halves of claim stance on a motion."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from argmap.link.cues import text_cues
from argmap.link.relation_model import PairContext, default_model
from argmap.link.sentiment import sentiment, signed_words, valence


def _score(text: str) -> float:
    return text_cues(text).sentiment


def test_sentiment_lexicon_words_have_their_sign() -> None:
    assert valence("benefit") > 0 > valence("harm")
    assert _score("School uniforms are good for pupils") > 0
    assert _score("School uniforms are bad for pupils") < 0


def test_sentiment_negation_flips_and_damps() -> None:
    good, not_good = _score("This policy is effective"), _score("This policy is not effective")
    assert good > 0 > not_good
    assert abs(not_good) < abs(good)


def test_sentiment_decrease_verb_flips_what_it_acts_on() -> None:
    assert _score("Cameras increase crime") < 0
    assert _score("Cameras reduce crime") > 0
    assert _score("The ban prevents violence") > 0


def test_sentiment_inflections_fall_back_to_the_stem() -> None:
    assert valence("harmed") != 0.0 or valence("harm") == 0.0
    assert valence("benefitting") > 0  # not in the lexicon itself; "benefit" is


@given(st.lists(st.sampled_from(["good", "bad", "not", "reduce", "harm", "the", "x"]),
                max_size=30))
def test_sentiment_counts_and_sign_agree(words) -> None:
    feeling = sentiment(tuple(words))
    assert feeling.positive + feeling.negative <= len(words)
    if feeling.positive == 0:
        assert feeling.score <= 0
    if feeling.negative == 0:
        assert feeling.score >= 0


def test_direction_of_motions() -> None:
    assert text_cues("We should legalize cannabis").direction == 1
    assert text_cues("This house would ban boxing").direction == -1
    assert text_cues("This house would not ban boxing").direction == 1
    assert text_cues("We should abandon marriage").direction == -1
    assert text_cues("Holocaust denial should be a criminal offence").direction == -1
    assert text_cues("We should fight for the abolition of nuclear weapons").direction == -1
    assert text_cues("This house would disband ASEAN").direction == -1


@pytest.mark.parametrize(("motion", "direction"), [
    ("This house believes that zoos should be closed", -1),  # an inflection the lists lacked
    ("This house would phase out nuclear power", -1),
    ("This house would get rid of the electoral college", -1),
    ("This house believes that social media does more harm than good", -1),
    ("This house would lift the ban on gay blood donors", 1),  # against "against": for
    ("This house would withdraw from Afghanistan", -1),
    ("This house regrets the rise of reality television", -1),
    ("This house would legalize prostitution", 1),
    ("This house would not censor the internet", 1),
])
def test_direction_of_unseen_motion_phrasings(motion: str, direction: int) -> None:
    assert text_cues(motion).direction == direction


def test_shipped_model_reads_claim_sentiment_through_the_motion() -> None:
    model = default_model()
    assert model is not None
    ctx = PairContext(reply=True)

    def support(parent: str, child: str) -> float:
        return model.stance_proba(parent, child, ctx)["support_given_attached"]

    harmful = "Boxing causes serious brain injuries and deaths"
    healthy = "Boxing is a healthy sport that builds discipline and confidence"
    assert support("This house would ban boxing", harmful) > 0.5
    assert support("This house would ban boxing", healthy) < 0.5
    assert support("This house supports boxing", harmful) < 0.5
    assert support("This house supports boxing", healthy) > 0.5


def test_a_post_length_text_has_no_direction() -> None:
    motion = "The city should ban cars from the old town"
    post = (motion + ". I have lived here for twenty years and I have seen the traffic grow "
            "every single summer while the council did nothing about the noise, the fumes or "
            "the parking on the pavements that blocks prams and wheelchairs alike.")
    assert text_cues(motion).direction == -1
    assert text_cues(post).direction == 1  # the parity of a post's words points nowhere


def _signed(text: str) -> dict[str, int]:
    cues = text_cues(text)
    return dict(signed_words(cues.tokens, cues.content))


def test_signed_words_flip_under_negation_and_decrease_verbs() -> None:
    assert _signed("Cameras reduce crime")["crime"] == -1
    assert _signed("The policy is not effective")["effective"] == -1
    assert _signed("The policy is effective")["effective"] == 1
    # a decrease verb inside a negation's scope: both flips cancel
    assert _signed("It does not reduce crime")["crime"] == 1
    # past the scope the sign is back
    assert _signed("Bans reduce nothing at all in the long run for crime")["crime"] == 1


def test_signed_words_are_sorted_and_drop_words_seen_with_both_signs() -> None:
    cues = text_cues("Crime falls, but cameras reduce crime and zoos help")
    words = signed_words(cues.tokens, cues.content)
    assert [w for w, _ in words] == sorted(w for w, _ in words)
    assert "crime" not in dict(words)  # +1 once and -1 once
