"""Language resources: discourse connectives, stance cues, negation, stopwords, Punkt parameters.

The only module that touches ``nltk.data``. Word lists live here so that the segmenter, the
linker and the relation model read the same cues, and a change to a list is one edit.
"""

from __future__ import annotations

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

# Connectives that introduce a reason for what came before: "X because Y" -> Y supports X.
SUPPORT_BACKWARD = (
    "because", "since", "as", "for", "given that", "due to", "after all", "the reason is",
    "as shown by", "considering that", "in that",
)
# Connectives that introduce a consequence of what came before: "X, so Y" -> X supports Y.
SUPPORT_FORWARD = (
    "so", "therefore", "thus", "hence", "consequently", "which means", "that means",
    "as a result", "accordingly", "it follows that", "this shows", "this means",
)
# Connectives that add a further point in the same direction.
SUPPORT_ADDITIVE = (
    "also", "moreover", "furthermore", "in addition", "besides", "additionally",
    "what is more", "for example", "for instance", "e.g.", "indeed", "in fact",
)
# Connectives that contrast with what came before: "X, but Y" -> Y attacks X.
ATTACK = (
    "but", "however", "although", "though", "even though", "yet", "nevertheless",
    "nonetheless", "on the other hand", "whereas", "while", "still", "instead",
    "on the contrary", "despite", "in contrast", "rather", "except that", "admittedly",
)
# Connectives where the contrast runs the other way: "although X, Y" -> X is conceded.
CONCESSIVE_OPENERS = ("although", "though", "even though", "while", "whereas", "despite", "admittedly")

# Cues across posts: a reply that opens with these agrees or disagrees with its parent.
DISAGREE_CUES = (
    "i disagree", "i don't agree", "i do not agree", "not really", "that's not true",
    "that is not true", "this is wrong", "that's wrong", "that is wrong", "you're wrong",
    "you are wrong", "not so sure", "i'm not sure", "i am not sure", "i doubt", "skeptical",
    "sceptical", "no,", "nope", "actually,", "on the contrary", "that's false", "incorrect",
    "misleading", "i don't think", "i do not think", "i don't buy", "nonsense", "not convinced",
    "disagree", "wrong", "why i disagree", "objection", "counterpoint", "at odds",
    "unrealistic", "doesn't follow", "does not follow", "isn't how", "is not how",
)
AGREE_CUES = (
    "i agree", "agreed", "exactly", "good point", "well said", "this is right", "you're right",
    "you are right", "that's right", "that's true", "that is true", "indeed", "yes,",
    "absolutely", "same here", "+1", "i appreciate", "great point", "fair point", "true,",
    "makes sense", "i think so too", "spot on",
)
NEGATIONS = (
    "not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "n't", "cannot",
    "without", "hardly", "isn't", "aren't", "wasn't", "weren't", "don't", "doesn't",
    "didn't", "won't", "wouldn't", "shouldn't", "can't", "couldn't",
)
HEDGES = ("i think", "i guess", "maybe", "perhaps", "probably", "might", "could", "seems")

STOPWORDS: frozenset[str] = frozenset(ENGLISH_STOP_WORDS)
