"""Who disagrees with whom: the post-to-post stances (``ArgumentMap.post_relations``) in the
form the moderator's views need them.

The linker decides, for every reply, whether it agrees or disagrees with the post it answers
or takes no side, with a calibrated confidence and the claim pair that carries the decision.
The maps, the HTML report, the Markdown summary and the GraphML export all show the same
records in the same order, so this module holds the few rules they share: which stance reads
how, the order (strongest first, ties by post ids, so the same map gives the same bytes), which
claim pairs carry a post stance, and which posts are most disputed.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from argmap.model import PostRelation, PostStance, Relation, Stance

STANCE_WORDS = {PostStance.AGREE: "agrees", PostStance.DISAGREE: "disagrees",
                PostStance.NONE: "takes no side"}
STANCE_ORDER = (PostStance.DISAGREE, PostStance.AGREE, PostStance.NONE)  # as counted and listed


def ranked(relations: Iterable[PostRelation]) -> list[PostRelation]:
    """Strongest first by calibrated confidence; ties by reply and parent post ids (then by
    the rest of the record, so even hand-made duplicates come out in one order)."""
    return sorted(relations, key=lambda r: (-r.confidence, r.source, r.target, r.stance.value,
                                            r.source_claim or "", r.target_claim or ""))


def stance_counts(relations: Iterable[PostRelation]) -> dict[PostStance, int]:
    """How many replies disagree, agree and take no side (every stance present, 0 if none)."""
    counts = Counter(r.stance for r in relations)
    return {stance: counts.get(stance, 0) for stance in STANCE_ORDER}


def carried_pairs(
    relations: Iterable[PostRelation], min_confidence: float = 0.0,
) -> dict[tuple[str, str], PostRelation]:
    """(reply claim, parent claim) -> the agree/disagree decision that pair carries, for the
    decisions at or above ``min_confidence`` (a map draws only what is likely right). A pair
    carrying two decisions (only possible in hand-made records) keeps the stronger one."""
    out: dict[tuple[str, str], PostRelation] = {}
    for r in ranked(relations):
        if (r.stance is PostStance.NONE or r.confidence < min_confidence
                or r.source_claim is None or r.target_claim is None):
            continue
        out.setdefault((r.source_claim, r.target_claim), r)
    return out


def reply_edges(
    relations: list[Relation], carried: dict[tuple[str, str], PostRelation], min_confidence: float,
) -> dict[tuple[str, str, Stance], PostRelation]:
    """Which drawn edge shows which reply stance: the edge of the carrying claim pair, the
    attack for a disagreement and the support for an agreement when the pair has both; none
    for a reply stance below ``min_confidence`` (it is as uncertain as an undrawn edge)."""
    stances: dict[tuple[str, str], set[Stance]] = defaultdict(set)
    for r in relations:
        if (r.source, r.target) in carried:
            stances[(r.source, r.target)].add(r.stance)
    out = {}
    for pair, drawn in stances.items():
        reply = carried[pair]
        if reply.confidence < min_confidence:
            continue
        wanted = Stance.SUPPORT if reply.stance is PostStance.AGREE else Stance.ATTACK
        out[(*pair, wanted if wanted in drawn else next(iter(drawn)))] = reply
    return out


@dataclass(frozen=True, slots=True)
class Disputed:
    """A post and the stances of the replies it drew."""

    post_id: str
    disagree: int
    agree: int
    replies: int


def most_disputed(
    relations: Iterable[PostRelation], min_confidence: float = 0.0, limit: int = 10,
) -> list[Disputed]:
    """The posts with the most disagreeing replies at or above ``min_confidence``: ordered by
    disagreeing replies, then all replies, then post id; posts nobody disagreed with are not
    listed."""
    tally: dict[str, list[int]] = {}
    for r in relations:
        counts = tally.setdefault(r.target, [0, 0, 0])
        counts[2] += 1
        if r.confidence >= min_confidence:
            counts[0] += r.stance is PostStance.DISAGREE
            counts[1] += r.stance is PostStance.AGREE
    found = [Disputed(pid, d, a, n) for pid, (d, a, n) in tally.items() if d > 0]
    found.sort(key=lambda x: (-x.disagree, -x.replies, x.post_id))
    return found[:limit]
