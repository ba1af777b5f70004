"""Which way a claim points at its object: for it (+1) or against it (-1).

Why: a statement's sentiment means opposite things under "We should subsidise X" and "We
should ban X" ("X harms children" attacks the first and supports the second), so the relation
model reads the child's sentiment through the parent's direction. The direction is the parity
of the words that turn a motion against its object and of its negations ("should not ban X"
is for X).
"""

from __future__ import annotations

from argmap import lexicon

# Words that turn a motion against its object ("ban X", "abandon X", "X should be a criminal
# offence"), with their inflections: held-out motions may say "zoos should be closed" where
# the development ones say "close Guantanamo". Checked on the 39 IBM claim-stance and 22
# ArgKP motions of the development data and on debate-motion phrasings written for the test.
AGAINST_WORDS = frozenset("""against illegal offence offense abolition prohibition withdrawal
censorship ban bans banned banning abolish abolishes abolished abolishing prohibit prohibits
prohibited prohibiting outlaw outlaws outlawed outlawing oppose opposes opposed opposing limit
limits limited limiting restrict restricts restricted restricting end ends ended ending stop
stops stopped stopping cancel cancels cancelled canceled cancelling canceling criminalize
criminalizes criminalized criminalizing criminalise criminalises criminalised criminalising
remove removes removed removing abandon abandons abandoned abandoning close closes closed
closing disband disbands disbanded disbanding weaken weakens weakened weakening forbid forbids
forbidden forbidding forbade eliminate eliminates eliminated eliminating reduce reduces reduced
reducing cut cuts cutting scrap scraps scrapped scrapping repeal repeals repealed repealing
dismantle dismantles dismantled dismantling boycott boycotts boycotted boycotting halt halts
halted halting suspend suspends suspended suspending curb curbs curbed curbing deny denies
denied denying reject rejects rejected rejecting discourage discourages discouraged
discouraging penalize penalizes penalized penalizing penalise penalises penalised penalising
punish punishes punished punishing fight fights fought fighting withdraw withdraws withdrew
withdrawn withdrawing lift lifts lifted lifting cap caps capped capping censor censors censored
censoring refuse refuses refused refusing regret regrets regretted regretting""".split())
# Phrases that say "against" in several words: "phase out X", "do away with X".
AGAINST_PHRASES = ("phase out", "phasing out", "get rid of", "do away with", "pull out of",
                   "more harm than good")
# "fight for the abolition of X" is against X once, not twice.
_FOR_PHRASES = ("fight for", "fighting for", "vote for", "campaign for", "argue for")
_NEGATION_WORDS = frozenset(w for w in lexicon.NEGATIONS if " " not in w)
_DIRECTION_WORDS = AGAINST_WORDS | _NEGATION_WORDS
_PHRASE_WORDS = frozenset(p.split()[0] for p in AGAINST_PHRASES)
# A text longer than this (tokens) is a post, not a motion: the parity of its "ban" and "not"
# words says nothing of one object, so its direction stays +1. CreateDebate reply stance
# (posts answering posts), CV like the shipped model: 0.573 -> 0.662; claim stance 0.648 ->
# 0.649; Reddit 0.528 -> 0.526.
LONG_TEXT = 40


def motion_direction(tokens: tuple[str, ...]) -> int:
    """+1 when the text argues for its object, -1 when against (``text_cues`` tokens); +1
    for a text longer than ``LONG_TEXT`` tokens."""
    if len(tokens) > LONG_TEXT:
        return 1
    against = sum(map(_DIRECTION_WORDS.__contains__, tokens))
    joined = None
    if against and "for" in tokens:
        joined = " ".join(tokens)
        against -= sum(joined.count(phrase) for phrase in _FOR_PHRASES)
    if not _PHRASE_WORDS.isdisjoint(tokens):
        joined = joined or " ".join(tokens)
        against += sum(joined.count(phrase) for phrase in AGAINST_PHRASES)
    return -1 if against % 2 else 1
