"""How a reply reads as agreeing or disputing when its words do not say so: its punctuation.

Why: most replies say neither "I agree" nor "you're wrong", and the relation model's stance
head learned word polarity from claims on debate motions (IBM, ArgKP), where a negative claim
argues against its motion; a reply that agrees by piling on ("What a disaster for everyone
on my street!") reads there as an attack. Agreement in online debate is often exclaimed
("So true!", "This!!") and disputes often ask ("Where is your source?", "So why do shops
close?"): the punctuation cues of Abbott et al. 2011, "How can you say such things?!?". An
exclamation or question mark in a reply's opening claim adds its naive-Bayes log-likelihood
ratio, log p(sign | dispute) / p(sign | support), to the stance logit of that claim and what
it answers (reply or quote routes); its absence adds nothing (absent ratios shift every
claim-on-motion pair: IBM sealed -0.03). A question without negation still takes no side
(``cues.side_neutral``): the ratio then only sets the stance its low-confidence edge shows.

The ratios are fitted on CreateDebate's study part (CC BY 3.0; its Disputed / Supported reply
links, whole posts), add-one smoothed: ``python tools/fit_reply_stance.py`` prints them. The
Reddit agreement pairs (no licence) were only scored: 3-class macro-F1 study 0.526 -> 0.542,
sealed 0.503 -> 0.521 (README "Quality", "Reddit 3-class, round 4", with the signs measured
and not kept: addressing the writer, sharing no word with the parent, answering a
first-person account, sharing its feeling).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from argmap.link.contexts import PairContexts
from argmap.link.layout import Layout
from argmap.link.relation_model import PairContext

# (log ratio when present, when absent), attack over support; tools/fit_reply_stance.py
RATIOS: dict[str, tuple[float, float]] = {
    "exclaims": (-1.281, 0.0),  # disputes 4 of 64, supports 5 of 20 (absent would be 0.240)
    "asks": (0.693, 0.0),  # disputes 29, supports 4 (absent would be -0.348)
}
RULES: frozenset[str] = frozenset(RATIOS)  # tools/ablate_rules.py takes one out


def signs(child_text: str) -> dict[str, bool]:
    """The signs of a reply's opening claim, read from its text alone."""
    return {"exclaims": "!" in child_text, "asks": "?" in child_text}


def log_ratio(child_text: str) -> float:
    """The summed log-likelihood ratio (> 0 leans attack) of a reply's opening claim."""
    total = 0.0
    for name, present in signs(child_text).items():
        if name in RULES:
            total += RATIOS[name][0 if present else 1]
    return total


def applies(same_post: bool, reply: bool, quoted: bool, child_first: bool) -> bool:
    """The pair is a reply's opening claim and a claim of the post it answers or quotes."""
    return not same_post and (reply or quoted) and child_first


def vote_of(layout: Layout, child: int, ctx: PairContext, cue_logit: float) -> float:
    """The stance vote (in cue units: ``cue_logit`` is one full cue's logit) of one pair."""
    if not RULES or not applies(ctx.same_post, ctx.reply, ctx.quoted, layout.first[child]):
        return 0.0
    return log_ratio(layout.claims[child].text) / cue_logit


def votes_of(layout: Layout, children: np.ndarray, contexts: Sequence[PairContext],
             context_row: np.ndarray, cue_logit: float) -> np.ndarray:
    """``vote_of`` of each row (pair k's context is ``contexts[context_row[k]]``): each
    post's opening claim read once, the contexts looked at only where its vote is not 0."""
    out = np.zeros(len(children), dtype=np.float64)
    if not RULES or not len(children):
        return out
    openings = np.flatnonzero(np.asarray(layout.first, dtype=bool))
    per_claim = np.zeros(len(layout.claims), dtype=np.float64)
    claims = layout.claims
    per_claim[openings] = np.fromiter((log_ratio(claims[c].text) for c in openings.tolist()),
                                      np.float64, len(openings)) / cue_logit
    rows = np.flatnonzero(per_claim[children])
    if not len(rows):
        return out
    used, inverse = np.unique(context_row[rows], return_inverse=True)
    columns = PairContexts.of(contexts)
    routed = np.fromiter((applies(same, reply, quoted, True) for same, reply, quoted in zip(
        columns.same_post[used].tolist(), columns.reply[used].tolist(),
        columns.quoted[used].tolist(), strict=True)), bool, len(used))
    rows = rows[routed[inverse.reshape(-1)]]
    out[rows] = per_claim[children[rows]]
    return out
