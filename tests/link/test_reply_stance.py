"""How a reply is written (``link.reply_stance``): an exclaimed reply with no agreement word
reads as agreeing, a reply that asks as disputing; only a reply's opening claim and what it
answers are read; the batch scorer agrees with the per-pair reference; the ratios are add-one
naive Bayes."""

from __future__ import annotations

import math

import pytest

import argmap.link.reply_stance as reply_stance
from argmap.evaluation.data import GoldPair
from argmap.evaluation.stance import pair_records
from argmap.link.linker import _batch_scores, generate_candidates, judge_pairs, score_candidate
from argmap.link.relation_model import PairContext, default_model
from argmap.model import Stance
from argmap.options import LinkOptions
from tests.link.test_linker import _build
from tests.support import load_script

# Replies that agree by piling on: no agreement word, an exclamation.
PILE_ON = [
    ("The new mask rule is a disaster for small shops.",
     "Total disaster for everyone on my street!"),
    ("Schools should stay open this winter.", "Kids lose so much when they stay home!"),
    ("The vaccine rollout was far too slow.", "It took months to get anything done here!"),
]


def _judge(cases: list[tuple[str, str]], use_model: bool = True) -> list:
    pairs = [GoldPair("test", str(n), parent, child, "agree", str(n))
             for n, (parent, child) in enumerate(cases)]
    threads, claims, wanted = pair_records(pairs)
    judged = judge_pairs(threads, claims, [], wanted, LinkOptions(use_model=use_model))
    return [judged[key] for key in wanted]


def test_reply_stance_signs_read_the_reply_text() -> None:
    assert reply_stance.signs("Young people rarely get sick!") == {"exclaims": True,
                                                                    "asks": False}
    assert reply_stance.signs("Where is that from?") == {"exclaims": False, "asks": True}
    assert reply_stance.log_ratio("So true.") == 0.0  # their absence adds nothing
    assert reply_stance.log_ratio("So true!") < 0.0  # leans to agreement
    assert reply_stance.log_ratio("Why would shops close?") > 0.0  # leans to dispute
    assert reply_stance.log_ratio("Really?!") == pytest.approx(
        reply_stance.RATIOS["exclaims"][0] + reply_stance.RATIOS["asks"][0])


def test_reply_stance_exclaimed_pile_on_reads_as_agreement(monkeypatch) -> None:
    with_rule = _judge(PILE_ON)
    assert [j.stance for j in with_rule] == [Stance.SUPPORT] * len(PILE_ON)
    monkeypatch.setattr(reply_stance, "RULES", frozenset())
    assert [j.stance for j in _judge(PILE_ON)] == [Stance.ATTACK] * len(PILE_ON)


def test_reply_stance_a_reply_that_asks_leans_to_dispute(monkeypatch) -> None:
    # cue-only and no cue: the stance logit is -0.4 (support) without the sign
    cases = [("Working from home makes people more productive.",
              "Then why do the big firms call everyone back to the office?")]
    on = _judge(cases, use_model=False)[0]
    monkeypatch.setattr(reply_stance, "RULES", frozenset())
    off = _judge(cases, use_model=False)[0]
    assert off.stance is Stance.SUPPORT and on.stance is Stance.ATTACK


def test_reply_stance_moves_the_stance_logit_by_its_ratio(monkeypatch) -> None:
    cases = [("Working from home makes people more productive.",
              "Offices waste two hours of commuting a day!")]
    on = _judge(cases, use_model=False)[0]
    monkeypatch.setattr(reply_stance, "RULES", frozenset())
    off = _judge(cases, use_model=False)[0]
    # cue-only: the stance logit is the votes' logit minus 0.4 (no cue here), toward support
    shift = reply_stance.RATIOS["exclaims"][0]
    assert off.stance is Stance.SUPPORT and on.stance is Stance.SUPPORT
    assert math.isclose(off.certainty, 1 / (1 + math.exp(-0.4)), abs_tol=1e-4)
    assert math.isclose(on.certainty, 1 / (1 + math.exp(shift - 0.4)), abs_tol=1e-4)


def test_reply_stance_reads_only_a_reply_opening_and_what_it_answers() -> None:
    threads, claims, topics = _build({"t": [
        ("t:a", ["Masks protect people in crowded shops."], None),
        ("t:b", ["Great point about shops!", "You forget the buses though!"], "t:a"),
    ]})
    layout, cands = generate_candidates(threads, claims, topics, LinkOptions())
    index = {c.id: i for i, c in enumerate(layout.claims)}
    b0, b1 = index["t:b/c0"], index["t:b/c1"]
    reply = PairContext(reply=True, child_first=True)
    assert reply_stance.vote_of(layout, b0, reply, 2.5) < 0.0
    assert reply_stance.vote_of(layout, b1, reply, 2.5) == 0.0  # not the opening claim
    inside = PairContext(same_post=True, distance=1, child_first=False)
    assert reply_stance.vote_of(layout, b1, inside, 2.5) == 0.0
    similar = PairContext(similarity=0.4, child_first=True)  # another post, not answered
    assert reply_stance.vote_of(layout, b0, similar, 2.5) == 0.0
    assert reply_stance.applies(False, False, True, True)  # a quote answers what it quotes


def test_reply_stance_batch_scores_equal_the_per_pair_reference() -> None:
    spec: dict[str, list] = {}
    sentences = ["You are wrong about the buses.", "So true, the buses are awful!",
                 "Bus lanes make the city slower.", "Your data is old!", "Isn't that so?"]
    for n in range(40):
        tid = f"r{n % 4}"
        mine = spec.setdefault(tid, [])
        reply = mine[(n * 7) % len(mine)][0] if mine and n % 3 else None
        mine.append((f"{tid}:p{n:03d}", [sentences[(n + k) % 5] + f" w{n % 9}"
                                         for k in range(1 + n % 3)], reply))
    threads, claims, topics = _build(spec)
    layout, cands = generate_candidates(threads, claims, topics, LinkOptions())
    ordered = [cands[key] for key in sorted(cands)]
    fired = [c for c in ordered
             if reply_stance.vote_of(layout, c.child, c.ctx, 2.5) != 0.0]
    assert fired and any(c.origin == "reply" for c in fired)
    for model in (default_model(), None):
        attack, confidence, *_rest = _batch_scores(layout, ordered, model)
        for k, cand in enumerate(ordered):
            stance, conf, _evidence, _certainty = score_candidate(layout, cand, model)
            assert (stance is Stance.ATTACK, conf) == (attack[k], confidence[k])


def test_reply_stance_fit_is_add_one_naive_bayes() -> None:
    tool = load_script("tools/fit_reply_stance.py", "fit_reply_stance")
    links = [("dispute", "You are wrong."), ("dispute", "Not at all."), ("support", "So true!")]
    got = tool.ratios(links)
    # exclaims: disputes 0 of 2, supports 1 of 1 -> (1/4) / (2/3), (3/4) / (1/3)
    assert got["exclaims"][:2] == pytest.approx((math.log(0.375), math.log(2.25)))
    assert got["exclaims"][2:] == (0, 1)
