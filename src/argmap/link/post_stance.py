"""Post to post: does a reply agree or disagree with the post it answers, or take no side?

Why a decision of its own: a moderator asks it of posts, not of claim pairs, and a map's
claim-level edges answer it badly (a reply's second claim argues for its first, not with the
parent). The reply's stance sits where it opens ("No, ...", "Exactly.", "Thanks!"), so the
decision is carried by the pair the linker scores best between the reply's opening claim (or,
failing that, its main claim) and the claims of the post it answers, through the reply or a
quote: "none" when the reply takes no side (``relation_model.takes_no_side``: thanks, a
question, "yes, but", an answer to a question), "agree" when that pair supports and the reply
says it agrees ("Exactly.", "I agree", "good point"), else "disagree": a reply in a debate
that shows no sign of agreement disputes what it answers. Why: of the supporting pairs with
no agreement cue, the gold post link was a dispute 9 times and a support 5 times on the
CreateDebate study part (licence-clean), and 29 against 6 on CMV's study part; with the rule,
post-level precision on the sealed parts rose (README "Quality").
A reply with no claims at all ("Thanks!") takes no side. The confidence is the calibrated
probability that the decision is right (``calibration``, keys ``post:agree`` ...).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from argmap.link.calibration import Calibration
from argmap.link.cues import opening_cues
from argmap.link.layout import QUOTE, REPLY, Layout
from argmap.model import Evidence, EvidenceKind, Post, PostRelation, PostStance, Thread

_NO_CLAIMS = Evidence(EvidenceKind.STANCE_CUE, "the reply makes no claim", 0.0)
_PARENT_EMPTY = Evidence(EvidenceKind.STANCE_CUE, "the post it answers makes no claim", 0.0)
AGREE_NEEDS_CUE = True  # see the module docstring; tools/ablate_rules.py can switch it off
_UNCUED = Evidence(EvidenceKind.STANCE_CUE, "a reply that shows no sign of agreement disputes "
                   "what it answers", 0.0)
_NO_SIDE = Evidence(EvidenceKind.STANCE_CUE, "the reply takes no side (thanks, a question, "
                    '"yes, but", an answer to a question)', 0.0)


def _says_agree(layout: Layout, child: int, post: Post) -> bool:
    """The reply's claim or its opening ("Exactly." is too short to be a claim) agrees."""
    return bool(layout.cues[child].agree or opening_cues(post.text[:200]).agree)


def carrying_rows(layout: Layout, children: np.ndarray, parents: np.ndarray,
                  origin: np.ndarray, score: np.ndarray, is_main: np.ndarray,
                  ) -> dict[tuple[str, str], int]:
    """(reply post, the post it answers) -> the candidate row that carries the decision: the
    best-scored pair, through the reply or a quote, between the reply's opening claim (or,
    failing that, its main claim) and a claim of the post it answers."""
    first = np.asarray(layout.first, dtype=bool)
    post_of = [c.post_id for c in layout.claims]
    opening = first[children] | is_main[children]
    rows = np.nonzero(((origin == REPLY) | (origin == QUOTE)) & opening)[0]
    best: dict[tuple[str, str], tuple[tuple, int]] = {}
    for row in rows.tolist():
        child, parent = int(children[row]), int(parents[row])
        key = (post_of[child], post_of[parent])
        if layout.reply_to.get(key[0]) != key[1]:
            continue  # a quote of another post than the one it answers
        rank = (bool(first[child]), float(score[row]), -parent)  # the opening claim first
        if key not in best or rank > best[key][0]:
            best[key] = (rank, row)
    return {key: row for key, (_rank, row) in best.items()}


def disputes(layout: Layout, child: int, post: Post, attack: bool) -> bool:
    """The carrying pair's stance says "disagree": an attack, or a support with no sign of
    agreement (``AGREE_NEEDS_CUE``)."""
    return attack or (AGREE_NEEDS_CUE and not _says_agree(layout, child, post))


def decide(threads: Sequence[Thread], layout: Layout, children: np.ndarray,
           parents: np.ndarray, origin: np.ndarray, score: np.ndarray, attack: Sequence[bool],
           no_side: np.ndarray, is_main: np.ndarray,
           evidence_of: Callable[[int], tuple[Evidence, ...]],
           calibration: Calibration | None,
           best: dict[tuple[str, str], int] | None = None) -> tuple[PostRelation, ...]:
    """One ``PostRelation`` per reply post whose parent is in its thread. ``origin`` is each
    candidate row's route origin (``layout.REPLY`` ...; -1 inside a post), ``score`` the
    linker's score, ``evidence_of(row)`` the evidence of a row's pair, ``best`` the
    ``carrying_rows`` when the caller has them."""
    if best is None:
        best = carrying_rows(layout, children, parents, origin, score, is_main)
    out = []
    for thread in threads:
        ids = {post.id for post in thread.posts}
        for post in thread.posts:
            target = post.reply_to
            if target is None or target not in ids or target == post.id:
                continue
            row = best.get((post.id, target))
            evidence: tuple[Evidence, ...]
            claims: tuple[str | None, str | None]
            if row is not None:
                child = int(children[row])
                if no_side[row]:
                    stance, evidence = PostStance.NONE, (_NO_SIDE,)
                elif disputes(layout, child, post, attack[row]):
                    stance = PostStance.DISAGREE
                    evidence = evidence_of(row) + (() if attack[row] else (_UNCUED,))
                else:
                    stance, evidence = PostStance.AGREE, evidence_of(row)
                claims = (layout.claims[int(children[row])].id,
                          layout.claims[int(parents[row])].id)
                raw = float(score[row])
            else:
                stance, claims, raw = PostStance.NONE, (None, None), 0.0
                evidence = (_NO_CLAIMS,) if post.id not in layout.by_post else (_PARENT_EMPTY,)
            confidence = raw if calibration is None else calibration.apply("post", stance.value,
                                                                           raw)
            out.append(PostRelation(post.id, target, stance, round(min(1.0, confidence), 4),
                                    claims[0], claims[1], evidence))
    return tuple(sorted(out, key=lambda r: (r.source, r.target)))
