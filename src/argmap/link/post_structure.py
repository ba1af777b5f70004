"""Which claim of a post is its main claim, and which claim each of the others leans to.

Why a module of its own: these are the rules of how one author builds an argument inside one
post (the thesis first, or after a concession, or last in capitals; "but" and "because" answer
the claim before; an "and" claim continues it; an example backs it), measured on the
argumentative microtexts, CDCP and CMV, and kept apart from the scoring and selection
machinery in ``link``. Each function works on the candidate columns ``link.select_relations``
builds (``children``, ``parents``: claim indices into ``layout.claims``).
"""

from __future__ import annotations

import numpy as np

from argmap.lexicon import CLAUSE_OPENERS_COORDINATING
from argmap.link.columns import round_as_python
from argmap.link.cues import TextCues, concedes, voices_other_side
from argmap.link.layout import Layout

NORMATIVE_BONUS = 1.0  # rootness bonus of a "should/must/ought" claim
DISAGREE_PENALTY = 0.6  # rootness malus of a claim that voices disagreement (it answers)
# A claim that says it concludes ("therefore", "for these reasons") is likelier the main claim:
# microtexts attachment 0.616 -> 0.624, part 2 0.557 -> 0.560, CMV unchanged (0.3-0.7 alike).
CONCLUSION_BONUS = 0.5
# Authors state their main claim first (or, less often, last): on two independently written
# sets of argumentative microtexts these priors raised main-claim accuracy from 0.65 / 0.59
# to 0.77 / 0.68 (weights chosen on a plateau that is best on both sets, not on either).
FIRST_CLAIM_BONUS = 1.0
LAST_CLAIM_BONUS = 0.5
# ... unless the post opens by conceding ("Although X, ...", "Some say X", "X, but Y"): then the
# author's own voice, and the first-place bonus, starts with the second claim (of 25 such
# microtexts the first claim is the main claim of 1, the second of 5, a later one of 19).
# Attachment: part 2 0.558 -> 0.570, CDCP +0.003, part 1 and CMV -0.001; withdrawing the bonus
# instead: part 1 +0.009, part 2 -0.001; moving half of it: part 1 +0.009, part 2 -0.014
# against moving all of it, with the other changes of this set; moving it past "and" claims
# ("Although X, | and Y, | Z"): part 1 -0.004 (one text), nothing else.
# A post's closing claim written in capitals states its thesis (the part-2 microtexts put an
# implicit central claim there, in upper case): on that set main-claim choice by this format cue
# raised attachment F1 0.50 -> 0.54 (flat from 3 up; the first set has no such claims).
SHOUTED_LAST_BONUS = 3.0
# How far (in claims) the pull of a post's main claim reaches: twice the candidate window. A
# short text argues for its thesis from every sentence, but in a long post a claim farther away
# than this argues with its neighbours (CDCP attachment 0.446 -> 0.467, CMV 0.183 -> 0.184,
# microtexts part 2 0.5545 -> 0.5550, part 1 has no claim this far from its thesis; reach 6:
# CDCP 0.480 but part 2 -0.002; reach 10: CDCP 0.461; a "lean to the claim before" boost
# beyond the reach helped CMV but cost CDCP 0.03).
MAIN_CLAIM_REACH = 8
_ANSWERING_CLASSES = frozenset({"attack", "backward"})
# A claim opened by "and"/"or" continues the claim before it (the segmenter cuts ", and ..."): it
# argues for what that claim argues for, a second premise beside the first, more often than it
# argues for that claim (microtext "and" claims: 50 share the target of the claim before, 5
# attach to that claim). It takes that claim's target when it has a kept pair with it.
# Attachment: part 1 0.660 -> 0.673, part 2 0.591 -> 0.594, CDCP 0.469 -> 0.473, CMV +0.0004;
# the same for additive openers ("also", "moreover"): part 2 -0.002.
_COORDINATING = frozenset(CLAUSE_OPENERS_COORDINATING)
# An example backs the claim just before it, not the thesis two claims up (few such openers:
# microtexts attachment 0.634 -> 0.641, part 2 0.555 -> 0.557, CMV and CDCP within 0.001;
# adding "in fact"/"indeed" helped part 2 and hurt CMV).
_ILLUSTRATING = frozenset({"for example", "for instance", "e.g."})


def _is_shouted(text: str) -> bool:
    """At least 8 letters, 80% of them upper case: a typographic thesis, not an acronym."""
    letters = list(filter(str.isalpha, text))
    return len(letters) >= 8 and sum(map(str.isupper, letters)) >= 0.8 * len(letters)


def _opens_conceding(first: TextCues, second: TextCues) -> bool:
    """A post opens by conceding: its first claim is a concessive clause ("Although X,") or
    voices the other side ("Some say X"), or its second claim contrasts ("X, | but Y")."""
    return (concedes(first) or voices_other_side(first)
            or (second.connective_class == "attack" and not second.concessive_opener))


def _continues(cues: TextCues) -> bool:
    """The claim opens with "and"/"or": it continues the claim before it."""
    return bool(cues.tokens) and cues.tokens[0] in _COORDINATING


def main_claims(layout: Layout, children: np.ndarray, parents: np.ndarray,
                 within: np.ndarray, confidence: np.ndarray) -> np.ndarray:
    """Per post, the claim others attach to and that attaches to nothing: it keeps no outgoing
    within-post edge. Rootness = incoming confidence minus twice the best outgoing one, so a
    claim opened by "because" or "however" (a strong outgoing edge) is not the main claim, and
    a claim about what should be done or that says it concludes is the likelier main claim,
    one that voices disagreement (it answers something) the less likely, and the post's first
    (or last) claim the likelier, a last claim in capitals the likeliest. A post that opens by
    conceding (``_opens_conceding``) gives the first-place bonus to its second claim.
    Returns a per-claim "is its post's main claim"."""
    n = len(layout.claims)
    if n == 0:  # a thread whose posts hold no claim ("ok", "thanks")
        return np.zeros(0, dtype=bool)
    incoming = np.zeros(n)
    outgoing = np.zeros(n)
    np.add.at(incoming, parents[within], confidence[within])  # in candidate order
    np.maximum.at(outgoing, children[within], confidence[within])
    # Rootness for all claims at once (was a key function per claim): the same float64 terms
    # added in the same order, then Python's round(x, 6) (``round_as_python``), then per post the
    # greatest (rootness, is first, -index), the key ``max`` compared, by one sort.
    cues = layout.cues
    posts = list(layout.by_post.values())
    first = np.fromiter((members[0] for members in posts), np.int64, len(posts))
    last = np.fromiter((members[-1] for members in posts), np.int64, len(posts))
    lead = np.zeros(n, dtype=bool)
    lead[[members[1] if len(members) > 1 and _opens_conceding(cues[members[0]], cues[members[1]])
          else members[0] for members in posts]] = True
    closing = np.zeros(n, dtype=bool)  # the last claim of a post of several
    closing[last[last != first]] = True
    shouted = np.zeros(n, dtype=bool)  # the last claim, in capitals
    shouted[last] = [_is_shouted(layout.claims[i].text) for i in last.tolist()]
    rootness = (incoming - 2 * outgoing
                + NORMATIVE_BONUS * np.fromiter((c.normative for c in cues), bool, n)
                + CONCLUSION_BONUS * np.fromiter((c.conclusion for c in cues), bool, n)
                - DISAGREE_PENALTY * np.fromiter((bool(c.disagree) for c in cues), bool, n)
                + FIRST_CLAIM_BONUS * lead
                + LAST_CLAIM_BONUS * closing
                + SHOUTED_LAST_BONUS * shouted)
    is_first = np.zeros(n, dtype=bool)
    is_first[first] = True
    post_of = np.repeat(np.arange(len(posts)), [len(members) for members in posts])
    index = np.arange(n)
    order = np.lexsort((-index, is_first, round_as_python(rootness, 6), post_of))
    is_main = np.zeros(n, dtype=bool)
    is_main[order[np.cumsum([len(members) for members in posts]) - 1]] = True
    return is_main


def far_from_main(layout: Layout, is_main: np.ndarray) -> np.ndarray:
    """Per claim, "more than ``MAIN_CLAIM_REACH`` claims away from its post's main claim". A
    post's claims are consecutive indices in ``by_post`` order and each post has one main
    claim, so the k-th main claim belongs to the k-th post."""
    sizes = np.fromiter((len(m) for m in layout.by_post.values()), np.int64, len(layout.by_post))
    main_of = np.nonzero(is_main)[0][np.repeat(np.arange(len(sizes)), sizes)]
    return np.abs(np.arange(len(layout.claims)) - main_of) > MAIN_CLAIM_REACH


def answers_previous(layout: Layout, children: np.ndarray, parents: np.ndarray,
                      rows: np.ndarray) -> np.ndarray:
    """Per candidate, "the child opens with a contrast, a reason or an example, or follows a concession,
    and its parent is the claim just before it": "But ..." rebuts the objection it follows,
    "because ..." backs the claim it follows, and the claim after "Some say ..." or "Although ..." answers
    that view, more often than any of them answers the post's main claim (the concession rule:
    microtexts attachment 0.615 -> 0.616, part 2 0.542 -> 0.557, CMV 0.186 -> 0.186)."""
    opens = np.fromiter((c.connective_class in _ANSWERING_CLASSES
                         or c.connective in _ILLUSTRATING for c in layout.cues), bool,
                        len(layout.cues))
    concessions = np.fromiter((concedes(c) or bool(c.concession) for c in layout.cues),
                           bool, len(layout.cues))
    return rows & (parents == children - 1) & (opens[children] | concessions[parents])


def continuations(layout: Layout, children: np.ndarray, parents: np.ndarray, rows: np.ndarray,
                   chosen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``chosen`` (one kept within-post row per child, from the kept rows ``rows``) with each
    claim opened by "and"/"or" moved to the target the claim before it keeps, when that pair is
    among ``rows``; claims in text order, so a run of "and" claims shares one target. Returns
    the rows and the moved rows."""
    n = len(layout.claims)
    cues = layout.cues
    continues = np.fromiter(map(_continues, cues), bool, n) & ~np.asarray(layout.first,
                                                                         dtype=bool)
    chosen_children = children[chosen]
    todo = np.nonzero(continues[chosen_children])[0]
    if not len(todo):
        return chosen, chosen[:0]
    target = np.full(n, -1, dtype=np.int64)
    target[chosen_children] = parents[chosen]
    slot = np.full(n, -1, dtype=np.int64)
    slot[chosen_children] = np.arange(len(chosen))
    pool = rows[continues[children[rows]]]
    row_of = dict(zip(zip(children[pool].tolist(), parents[pool].tolist(), strict=True),
                      pool.tolist(), strict=True))
    out, moved = chosen.copy(), []
    for child in sorted(chosen_children[todo].tolist()):
        theirs = int(target[child - 1])
        if theirs < 0 or theirs == child or theirs == target[child]:
            continue
        k = row_of.get((child, theirs))
        if k is not None:
            out[slot[child]] = k
            target[child] = theirs
            moved.append(k)
    return out, np.asarray(moved, dtype=np.int64)
