"""The hand-written cue rules of a candidate pair: evidence and stance votes (> 0 leans attack)
from the connectives and stance cues of the two texts, one small named rule each.

Why named rules in tables: every rule was chosen while reading development data, so each must
show that it helps on data nobody tuned on (the sealed parts, ``evaluation.splits``).
``tools/ablate_rules.py`` switches one rule off at a time by taking it out of its table; the
README's ablation table lists what each rule does to the sealed figures. Within a post the
connective rules are tried in order and the first that fires decides (a claim has one opening
connective); the cue rules after them all add up.

The memo keys of the linker (``within_pairs._within_key``, ``cross_post.child_flags``) list the
fields these rules read: a rule that reads another field must extend them.
"""

from __future__ import annotations

from collections.abc import Callable

from argmap.link.cues import OpeningCues, TextCues, concedes
from argmap.model import Evidence, EvidenceKind

Fired = tuple[Evidence, float] | None
WithinRule = Callable[[TextCues, TextCues, int], Fired]


def _contrast(child: TextCues) -> bool:
    return child.connective_class == "attack" and not child.concessive_opener


def contrast_before(child: TextCues, parent: TextCues, distance: int) -> Fired:
    """"But X" contrasts with the claim before it, up to three claims back (the view a "but"
    answers often spans several clauses)."""
    if _contrast(child) and 1 <= distance <= 3:
        return (Evidence(EvidenceKind.CONNECTIVE, f'"{child.connective}" contrasts with the '
                         "claim before", 0.7 if distance == 1 else 0.4),
                1.0 if distance == 1 else 0.6)
    return None


def consequence_after(child: TextCues, parent: TextCues, distance: int) -> Fired:
    """"So X" draws X from the claim just before it: that claim supports X."""
    if distance == -1 and parent.connective_class == "forward":
        return (Evidence(EvidenceKind.CONNECTIVE, f'"{parent.connective}" draws the next claim '
                         "from this one", 0.7), -1.0)
    return None


def later_contrast(child: TextCues, parent: TextCues, distance: int) -> Fired:
    """A later "but" claim answers this one: this one is the view it contrasts with."""
    if -3 <= distance <= -1 and parent.connective_class == "attack":
        return (Evidence(EvidenceKind.CONNECTIVE, f'"{parent.connective}" in a later claim '
                         "answers this one", 0.5 if distance == -1 else 0.3),
                0.8 if distance == -1 else 0.5)
    return None


def concessive_next(child: TextCues, parent: TextCues, distance: int) -> Fired:
    """"Although X," concedes a point the next claim answers."""
    if distance == -1 and child.concessive_opener:
        return (Evidence(EvidenceKind.CONNECTIVE, f'"{child.connective}" concedes a point the '
                         "next claim answers", 0.6), 0.8)
    return None


def concedes_against(child: TextCues, parent: TextCues, distance: int) -> Fired:
    """A concessive clause attacks the claim it concedes against, before or after it."""
    if concedes(child) and 1 <= abs(distance) <= 3:
        return (Evidence(EvidenceKind.CONNECTIVE, f'"{child.connective}" concedes a point '
                         "against this claim", 0.5 if abs(distance) == 1 else 0.3),
                0.8 if abs(distance) == 1 else 0.5)
    return None


def answers_conceded(child: TextCues, parent: TextCues, distance: int) -> Fired:
    """The claim right after a concessive clause answers (attacks) the conceded point."""
    if distance == 1 and concedes(parent):
        return (Evidence(EvidenceKind.CONNECTIVE, f'answers the point conceded with '
                         f'"{parent.connective}"', 0.5), 0.8)
    return None


# Tried in this order; the first that fires decides.
WITHIN_CONNECTIVE_RULES: tuple[tuple[str, WithinRule], ...] = (
    ("contrast_before", contrast_before),
    ("consequence_after", consequence_after),
    ("later_contrast", later_contrast),
    ("concessive_next", concessive_next),
    ("concedes_against", concedes_against),
    ("answers_conceded", answers_conceded),
)
# The stance cue a claim carries inside its post.
WITHIN_CUE_RULES: frozenset[str] = frozenset({"concession_cue"})


def within_post_cues(child: TextCues, parent: TextCues, distance: int,
                     parent_at_edge: bool) -> tuple[list[Evidence], float]:
    """Evidence and stance votes (> 0 attack) between two claims of one post; ``distance`` is
    child position minus parent position. A concessive clause ("Although X,") attacks the claim
    it concedes against, before or after it, and the claim right after it answers (attacks) it:
    microtexts stance 0.746 -> 0.786, part 2 0.734 -> 0.767 (session 3, dev)."""
    ev: list[Evidence] = []
    votes = 0.0
    for _name, rule in WITHIN_CONNECTIVE_RULES:
        fired = rule(child, parent, distance)
        if fired is not None:
            ev.append(fired[0])
            votes += fired[1]
            break
    if child.concession and "concession_cue" in WITHIN_CUE_RULES:
        ev.append(Evidence(EvidenceKind.STANCE_CUE, f'concession "{child.concession[0]}"', 0.3))
        votes += 0.8
    if abs(distance) == 1:
        ev.append(Evidence(EvidenceKind.ADJACENCY, "next claim in the same post"
                           if distance > 0 else "previous claim in the same post", 0.3))
    else:
        ev.append(Evidence(EvidenceKind.ADJACENCY, f"same post, {abs(distance)} claims apart",
                           0.15 if parent_at_edge else 0.05))
    return ev, votes


# The cue rules of a claim answering another post (each adds up).
# The opening rules have no measurable effect on the evaluation corpora (their pairs are one
# claim each, so the opening's cues are the claim's own) and are kept for a structural reason:
# a reply that opens with "No." or "Exactly." has that response token dropped as too short, and
# only the post's opening still carries it to its first claim.
ACROSS_RULES: frozenset[str] = frozenset({"disagree_cue", "agree_cue", "opening_disagree",
                                          "opening_agree", "negation"})


def across_post_cues(child: TextCues, parent: TextCues, first: bool,
                     opening: TextCues | OpeningCues | None) -> tuple[list[Evidence], float]:
    """Evidence and stance votes (> 0 attack) of a claim answering another post: its own cues
    and, for the first claim of the post, the post's opening."""
    ev: list[Evidence] = []
    votes = 0.0
    scale = 1.0 if first else 0.6
    on = ACROSS_RULES
    if "disagree_cue" in on:
        for cue in child.disagree:
            ev.append(Evidence(EvidenceKind.STANCE_CUE, f'disagreement "{cue}"', 0.6 * scale))
            votes += 1.0 * scale
    if "agree_cue" in on:
        for cue in child.agree:
            ev.append(Evidence(EvidenceKind.STANCE_CUE, f'agreement "{cue}"', 0.5 * scale))
            votes -= 1.0 * scale
    if first and opening is not None:
        if "opening_disagree" in on:
            for cue in opening.disagree:
                if cue not in child.disagree:
                    ev.append(Evidence(EvidenceKind.STANCE_CUE,
                                       f'post opens with disagreement "{cue}"', 0.5))
                    votes += 0.8
        if "opening_agree" in on:
            for cue in opening.agree:
                if cue not in child.agree:
                    ev.append(Evidence(EvidenceKind.STANCE_CUE,
                                       f'post opens with agreement "{cue}"', 0.4))
                    votes -= 0.8
    if "negation" in on and child.negations and not parent.negations:
        ev.append(Evidence(EvidenceKind.NEGATION, f'negation "{child.negations[0]}"', 0.1))
        votes += 0.3
    return ev, votes
