"""Which way a claim points at its object: for it (+1) or against it (-1).

Why: a statement's sentiment means opposite things under "We should subsidise X" and "We
should ban X" ("X harms children" attacks the first and supports the second), so the relation
model reads the child's sentiment through the parent's direction. The direction is the parity
of the words that turn a motion against its object and of its negations ("should not ban X"
is for X).
"""

from __future__ import annotations

from . import lexicon

# Words that turn a motion against its object: "ban X", "abandon X", "X should be a criminal
# offence". Checked on the 39 IBM claim-stance and 22 ArgKP motions of the development data.
AGAINST_WORDS = frozenset("""ban banned banning bans abolish abolished abolishing abolition
prohibit prohibited prohibiting prohibition outlaw outlawed against oppose opposes opposed limit
limited limiting restrict restricted restricting end ending stop stopping cancel criminalize
criminalise criminalizing remove removing illegal abandon abandoning close closing disband
disbanding weaken weakening forbid forbidding forbidden offence offense eliminate
eliminating reduce reducing cut cutting scrap scrapping repeal repealing dismantle boycott halt
suspend curb deny denying reject rejecting discourage penalize penalise punish fight
fighting""".split())
# "fight for the abolition of X" is against X once, not twice.
_FOR_PHRASES = ("fight for", "fighting for", "vote for", "campaign for", "argue for")
_NEGATION_WORDS = frozenset(w for w in lexicon.NEGATIONS if " " not in w)
_DIRECTION_WORDS = AGAINST_WORDS | _NEGATION_WORDS


def motion_direction(tokens: tuple[str, ...]) -> int:
    """+1 when the text argues for its object, -1 when against (``text_cues`` tokens)."""
    against = sum(map(_DIRECTION_WORDS.__contains__, tokens))
    if against and "for" in tokens:
        joined = " ".join(tokens)
        against -= sum(joined.count(phrase) for phrase in _FOR_PHRASES)
    return -1 if against % 2 else 1
