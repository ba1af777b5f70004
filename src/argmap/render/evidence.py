"""Evidence as a moderator reads it: why argmap drew an edge, in plain sentences.

The linker records its evidence for machines and tests (``disagreement "No"``, ``reply to
t:p0003``, ``model: attach 0.62, support 0.40, attack 0.22``). A moderator needs the reason in
the thread's terms: "'No' opens this claim: the writer disagrees", "replies to the post it
disagrees with", "the reply quotes this claim". This module maps each Evidence kind and detail
to such a sentence, without touching the Evidence records (the linker owns them): details it
does not recognise fall back to their own text, so a new rule never disappears from the report.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from argmap.model import Evidence, EvidenceKind, Relation, Stance

_Q = r'"(?P<cue>[^"]*)"'  # a quoted cue word in a detail


def _fixed(text: str) -> Callable[[re.Match[str], Stance], str]:
    return lambda match, stance: text


def _cue(template: str) -> Callable[[re.Match[str], Stance], str]:
    return lambda match, stance: template.format(cue=match.group("cue").strip())


def _reply(match: re.Match[str], stance: Stance) -> str:
    return ("replies to the post it disagrees with" if stance is Stance.ATTACK
            else "replies to the post it builds on")


def _similar(match: re.Match[str], stance: Stance) -> str:
    similarity = float(match.group("sim"))
    amount = ("uses many of the same words as" if similarity >= 0.5 else
              "shares some words with" if similarity >= 0.2 else "shares a few words with")
    where = " (a post in another thread on the same topic)" if match.group("other") else ""
    return f"{amount} the claim it answers ({round(similarity * 100)}% alike){where}"


def _model(match: re.Match[str], stance: Stance) -> str:
    attach = float(match.group("attach"))
    strength = "very likely" if attach >= 0.8 else "likely" if attach >= 0.6 else "possibly"
    return (f"claims worded like these are {strength} related in the labelled debates argmap "
            "learned from")


_RULES: dict[EvidenceKind, tuple[tuple[re.Pattern[str], Callable[..., str]], ...]] = {
    EvidenceKind.CONNECTIVE: (
        (re.compile(_Q + r" contrasts with the claim before"),
         _cue('"{cue}" opens this claim and turns against the claim before it')),
        (re.compile(_Q + r" gives a reason for the claim before"),
         _cue('"{cue}" opens this claim: it gives a reason for the claim before it')),
        (re.compile(_Q + r" draws the next claim from this one"),
         _cue('"{cue}" in the next claim draws it from this one')),
        (re.compile(_Q + r" in a later claim answers this one"),
         _cue('"{cue}" in a later claim of the same post answers this one')),
        (re.compile(_Q + r" concedes a point the next claim answers"),
         _cue('"{cue}" opens this claim: it concedes a point that the next claim answers')),
        (re.compile(_Q + r" concedes a point against this claim"),
         _cue('"{cue}" opens a concession against this claim')),
        (re.compile(r"answers the point conceded with " + _Q),
         _cue('answers the point the writer conceded with "{cue}"')),
        (re.compile(r"reply opens with " + _Q), _cue('"{cue}" opens the reply')),
    ),
    EvidenceKind.STANCE_CUE: (
        (re.compile(r"post opens with disagreement " + _Q),
         _cue('the post opens by disagreeing ("{cue}")')),
        (re.compile(r"post opens with agreement " + _Q),
         _cue('the post opens by agreeing ("{cue}")')),
        (re.compile(r"disagreement " + _Q), _cue('the writer disagrees ("{cue}")')),
        (re.compile(r"agreement " + _Q), _cue('the writer agrees ("{cue}")')),
        (re.compile(r"concession " + _Q), _cue('the writer concedes a point ("{cue}")')),
        (re.compile(r"the reply takes no side"), _fixed(
            "the reply takes no side (thanks, a question, \"yes, but\", an answer)")),
    ),
    EvidenceKind.ADJACENCY: (
        (re.compile(r"^next claim in the same post"), _fixed("the next claim in the same post")),
        (re.compile(r"^previous claim in the same post"),
         _fixed("the claim just before it in the same post")),
        (re.compile(r"^same post, (?P<n>\d+) claims apart"),
         lambda m, s: f"in the same post, {m.group('n')} claims apart"),
        (re.compile(r"^main claim of the post"), _fixed("the main claim of its post")),
    ),
    EvidenceKind.REPLY: ((re.compile(r"^reply to "), _reply),),
    EvidenceKind.QUOTE: ((re.compile(r"^quotes "), _fixed("the reply quotes this claim")),),
    EvidenceKind.SIMILARITY: (
        (re.compile(r"^similarity (?P<sim>[0-9.]+)(?P<other> \(other thread)?"), _similar),),
    EvidenceKind.NEGATION: (
        (re.compile(r"negation " + _Q), _cue('negates what it answers ("{cue}")')),),
    EvidenceKind.MODEL: ((re.compile(r"attach (?P<attach>[0-9.]+)"), _model),),
}


@lru_cache(maxsize=8192)
def explain(evidence: Evidence, stance: Stance) -> str:
    """One reader-facing sentence for one piece of evidence of a relation of ``stance``
    (cached: a big thread repeats the same few hundred pieces of evidence)."""
    for pattern, make in _RULES.get(evidence.kind, ()):
        match = pattern.search(evidence.detail)
        if match:
            return make(match, stance)
    return evidence.detail


def reasons(relation: Relation) -> list[str]:
    """Why the relation was drawn, strongest evidence first, each sentence once."""
    ranked = sorted(enumerate(relation.evidence), key=lambda pair: (-pair[1].weight, pair[0]))
    return list(dict.fromkeys(explain(e, relation.stance) for _, e in ranked))


def confidence_words(confidence: float) -> str:
    """How sure argmap is, in words first and the number after it."""
    word = "confident" if confidence >= 0.7 else "fairly sure" if confidence >= 0.5 else "unsure"
    return f"{word} ({confidence:.2f})"


def describe(relation: Relation) -> str:
    """The relation's reasons as one line: "'No' opens the reply; replies to the post ..."."""
    return "; ".join(reasons(relation))
