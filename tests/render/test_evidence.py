"""Evidence written for a moderator: every detail the linker writes becomes a plain sentence,
no model internals survive, unknown details fall back to their own text."""

from __future__ import annotations

import re

import pytest

from argmap.model import Evidence, EvidenceKind, Relation, Stance
from argmap.render.evidence import confidence_words, describe, explain, reasons
from tests.support import SEED

CASES = [
    (EvidenceKind.CONNECTIVE, '"but" contrasts with the claim before', Stance.ATTACK,
     '"but" opens this claim and turns against the claim before it'),
    (EvidenceKind.CONNECTIVE, '"because" gives a reason for the claim before', Stance.SUPPORT,
     '"because" opens this claim: it gives a reason for the claim before it'),
    (EvidenceKind.CONNECTIVE, 'reply opens with "however"', Stance.ATTACK,
     '"however" opens the reply'),
    (EvidenceKind.STANCE_CUE, 'disagreement "No"', Stance.ATTACK, 'the writer disagrees ("No")'),
    (EvidenceKind.STANCE_CUE, 'post opens with agreement "Exactly"', Stance.SUPPORT,
     'the post opens by agreeing ("Exactly")'),
    (EvidenceKind.REPLY, "reply to t:p0003", Stance.ATTACK, "replies to the post it disagrees with"),
    (EvidenceKind.REPLY, "reply to t:p0003", Stance.SUPPORT, "replies to the post it builds on"),
    (EvidenceKind.QUOTE, 'quotes "the tax would raise rents"', Stance.ATTACK,
     "the reply quotes this claim"),
    (EvidenceKind.SIMILARITY, "similarity 0.42", Stance.SUPPORT,
     "shares some words with the claim it answers (42% alike)"),
    (EvidenceKind.SIMILARITY, "similarity 0.93 (other thread, same topic)", Stance.SUPPORT,
     "uses many of the same words as the claim it answers (93% alike) (a post in another "
     "thread on the same topic)"),
    (EvidenceKind.NEGATION, 'negation "not"', Stance.ATTACK, 'negates what it answers ("not")'),
    (EvidenceKind.ADJACENCY, "next claim in the same post", Stance.SUPPORT,
     "the next claim in the same post"),
]
INTERNAL = re.compile(r"model:|\bp=|attach \d|support \d|similarity \d|reply to \S+:|"
                      r"\bt:p\d|stance_cue|connective:")


@pytest.mark.parametrize("kind, detail, stance, expected", CASES)
def test_evidence_details_become_sentences_for_moderators(kind, detail, stance, expected):
    assert explain(Evidence(kind, detail, 0.5), stance) == expected


def test_evidence_model_probabilities_become_words():
    text = explain(Evidence(EvidenceKind.MODEL, "model: attach 0.62, support 0.40, attack 0.22",
                            0.62), Stance.SUPPORT)
    assert "likely" in text and not INTERNAL.search(text) and "0.62" not in text


def test_evidence_unknown_details_fall_back_to_their_text_and_reasons_rank_by_weight():
    relation = Relation("a", "b", Stance.ATTACK, 0.8, (
        Evidence(EvidenceKind.REPLY, "reply to t:p1", 0.3),
        Evidence(EvidenceKind.STANCE_CUE, "a brand new rule", 0.9),
        Evidence(EvidenceKind.REPLY, "reply to t:p1", 0.15),
    ))
    assert reasons(relation) == ["a brand new rule", "replies to the post it disagrees with"]
    assert describe(relation) == "a brand new rule; replies to the post it disagrees with"
    assert confidence_words(0.81) == "confident (0.81)"
    assert confidence_words(0.3).startswith("unsure")


def test_evidence_of_a_real_map_shows_no_model_internals():
    from argmap.analysis import analyse  # noqa: F401 - the real pipeline's evidence
    from argmap.options import Options
    from argmap.pipeline import build_map
    from argmap.readers import read_threads

    amap = build_map(read_threads([SEED], Options().read).threads, Options())
    assert amap.relations
    for relation in amap.relations:
        text = describe(relation)
        assert text and not INTERNAL.search(text), text
