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
and argue for its opening inside the post. Measured on CMV maps at the drawing threshold
(README "Quality", round 3).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from argmap.link.layout import REPLY, Layout
from argmap.link.post_stance import disputes
from argmap.model import Evidence, EvidenceKind, Thread

CARRYING_PAIR_ONLY = True  # tools/ablate_rules.py can switch it off
DISPUTES = Evidence(EvidenceKind.STANCE_CUE, "carries the reply's post decision: a reply that "
                    "shows no sign of agreement disputes what it answers", 0.0)


def carried_replies(layout: Layout, threads: Sequence[Thread], children: np.ndarray,
                    origin: np.ndarray, kept_across: np.ndarray, keep: np.ndarray,
                    carrying: dict[tuple[str, str], int], attack: list[bool],
                    no_side: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``kept_across`` (kept across-post rows) with the reply rows reduced to the carrying
    rows of their posts' decisions (a carrying row ``keep`` allows is added when another pair
    of its claim was kept instead), and ``attack`` set to the decision's stance on those rows.
    Returns the rows, sorted, and a per-row flag "its stance was turned to the decision's"."""
    turned = np.zeros(len(children), dtype=bool)
    if not CARRYING_PAIR_ONLY:
        return kept_across, turned
    posts = {post.id: post for thread in threads for post in thread.posts}
    carried = np.fromiter((row for row in carrying.values() if origin[row] == REPLY), np.int64)
    carried = carried[keep[carried]] if len(carried) else carried
    rows = np.union1d(kept_across[origin[kept_across] != REPLY], carried)
    for row in carried.tolist():
        if no_side[row] or attack[row]:
            continue
        child = int(children[row])
        post = posts.get(layout.claims[child].post_id)
        if post is not None and disputes(layout, child, post, False):
            attack[row] = True
            turned[row] = True
    return rows, turned
