"""Which claim pair stands for a reply on the map: the pair that carries its post decision.

Why: a reply's stance is the moderator's question, and ``post_stance`` answers it per post
(precise: CMV sealed 0.88). The claim-level reply edges answered it again, pair by pair, and
badly: a reply's opening and its main claim each kept a reply edge to the claim of the parent
they scored best with, with the stance the relation model gave that pair, mostly "support",
while gold relations across posts are attacks three times in four (CMV: 576 of 782) and the
reply supports drawn at the calibrated 0.63 were right 6 % of the time (sealed). So a reply
keeps one reply edge, the pair that carries its post decision (``post_stance.carrying_rows``),
with that decision's stance: a reply that disputes what it answers (an attack, or no sign of
agreement) attacks through that pair. Its other claims keep their quote and similarity links
and argue for its opening inside the post. At the drawing threshold: CMV maps 0.142 -> 0.154
of drawn edges right on the study part, 0.271 -> 0.319 sealed; CreateDebate maps (licence-clean,
its units whole posts) 0.398 -> 0.427 and 0.392 -> 0.453; post decisions unchanged (README
"Quality"). The cap ``link.max_links_per_claim`` still holds: reply rows that carry no decision
leave the candidates before the per-claim choice.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from argmap.link.layout import Layout
from argmap.link.post_stance import disputes
from argmap.model import Evidence, EvidenceKind, Thread

CARRYING_PAIR_ONLY = True  # tools/ablate_rules.py can switch it off
DISPUTES = Evidence(EvidenceKind.STANCE_CUE, "carries the reply's post decision: a reply that "
                    "shows no sign of agreement disputes what it answers", 0.0)


def candidates(rows: np.ndarray, is_reply: np.ndarray,
               carrying: dict[tuple[str, str], int]) -> np.ndarray:
    """``rows`` (across-post candidate rows) without the reply rows that carry no post
    decision; quote, similarity and cross-thread rows stay."""
    if not CARRYING_PAIR_ONLY:
        return rows
    carried = np.zeros(len(is_reply), dtype=bool)
    carried[list(carrying.values())] = True
    return rows[~is_reply[rows] | carried[rows]]


def take_decisions(layout: Layout, threads: Sequence[Thread], children: np.ndarray,
                   kept: np.ndarray, is_reply: np.ndarray,
                   carrying: dict[tuple[str, str], int], attack: list[bool],
                   no_side: np.ndarray) -> np.ndarray:
    """Set ``attack`` of each kept carrying reply row to its decision: a reply that disputes
    what it answers (``post_stance.disputes``) attacks through it. Returns a per-row flag "its
    stance was turned to the decision's" (for the edge's evidence)."""
    turned = np.zeros(len(children), dtype=bool)
    if not CARRYING_PAIR_ONLY or not len(kept):
        return turned
    posts = {post.id: post for thread in threads for post in thread.posts}
    carried = np.zeros(len(is_reply), dtype=bool)
    carried[list(carrying.values())] = True
    for row in kept[is_reply[kept] & carried[kept]].tolist():
        if no_side[row] or attack[row]:
            continue
        child = int(children[row])
        post = posts.get(layout.claims[child].post_id)
        if post is not None and disputes(layout, child, post, False):
            attack[row] = True
            turned[row] = True
    return turned
