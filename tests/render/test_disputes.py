"""Who disagrees with whom: the shared order, counts, carrying pairs and most disputed posts."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from argmap.model import Evidence, EvidenceKind, PostRelation, PostStance, Relation, Stance
from argmap.render.disputes import (
    carried_pairs,
    most_disputed,
    ranked,
    reply_edges,
    stance_counts,
)

WHY = (Evidence(EvidenceKind.REPLY, "reply", 0.4),)


def _rel(source, target, stance, confidence, pair=True):
    claims = (f"{source}/c0", f"{target}/c0") if pair else (None, None)
    return PostRelation(source, target, PostStance(stance), confidence, *claims, WHY)


def test_disputes_rank_strongest_first_ties_by_post_ids():
    rels = [_rel("b", "a", "agree", 0.6), _rel("c", "a", "disagree", 0.9),
            _rel("a2", "a", "none", 0.6)]
    assert [r.source for r in ranked(rels)] == ["c", "a2", "b"]
    assert stance_counts(rels) == {PostStance.DISAGREE: 1, PostStance.AGREE: 1,
                                   PostStance.NONE: 1}
    assert stance_counts([]) == {PostStance.DISAGREE: 0, PostStance.AGREE: 0, PostStance.NONE: 0}


def test_disputes_carried_pairs_leave_out_no_side_no_claims_and_weak_decisions():
    rels = [_rel("b", "a", "agree", 0.6), _rel("c", "a", "disagree", 0.4),
            _rel("d", "a", "none", 0.9), _rel("e", "a", "disagree", 0.9, pair=False),
            _rel("f", "f", "disagree", 0.8)]  # a self-reply: shown like any other
    assert set(carried_pairs(rels)) == {("b/c0", "a/c0"), ("c/c0", "a/c0"), ("f/c0", "f/c0")}
    assert set(carried_pairs(rels, 0.5)) == {("b/c0", "a/c0"), ("f/c0", "f/c0")}
    assert carried_pairs([]) == {}


def test_disputes_most_disputed_counts_disagreeing_replies_above_the_threshold():
    rels = [_rel("b", "a", "disagree", 0.9), _rel("c", "a", "disagree", 0.3),
            _rel("d", "a", "agree", 0.8), _rel("e", "x", "disagree", 0.7),
            _rel("f", "x", "none", 0.7), _rel("g", "y", "agree", 0.9)]
    top = most_disputed(rels)
    assert [(d.post_id, d.disagree, d.agree, d.replies) for d in top] == [
        ("a", 2, 1, 3), ("x", 1, 0, 2)]
    assert [(d.post_id, d.disagree) for d in most_disputed(rels, 0.5)] == [("a", 1), ("x", 1)]
    assert most_disputed(rels, limit=1)[0].post_id == "a" and most_disputed([]) == []


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abcde"), st.sampled_from("abcde"),
                          st.sampled_from(["agree", "disagree", "none"]),
                          st.integers(0, 100), st.booleans()), max_size=30))
def test_disputes_do_not_depend_on_input_order(rows):
    rels = [_rel(s, t, stance, c / 100, pair) for s, t, stance, c, pair in rows]
    assert ranked(rels) == ranked(reversed(rels))
    assert carried_pairs(rels, 0.5) == carried_pairs(list(reversed(rels)), 0.5)
    assert most_disputed(rels) == most_disputed(list(reversed(rels)))


def test_disputes_reply_edges_pick_the_edge_of_the_pairs_stance_and_skip_weak_ones():
    def edge(stance):
        return Relation("b/c0", "a/c0", stance, 0.9, WHY)

    both = [edge(Stance.SUPPORT), edge(Stance.ATTACK)]
    disagree = carried_pairs([_rel("b", "a", "disagree", 0.8)])
    agree = carried_pairs([_rel("b", "a", "agree", 0.8)])
    assert list(reply_edges(both, disagree, 0.5)) == [("b/c0", "a/c0", Stance.ATTACK)]
    assert list(reply_edges(both, agree, 0.5)) == [("b/c0", "a/c0", Stance.SUPPORT)]
    # a disagreement carried by a supporting claim pair is still shown, on that edge
    assert list(reply_edges([edge(Stance.SUPPORT)], disagree, 0.5)) == [
        ("b/c0", "a/c0", Stance.SUPPORT)]
    assert reply_edges(both, disagree, 0.85) == {} and reply_edges([], disagree, 0.0) == {}
