"""Word lists: discourse connectives, stance cues, negation, stopwords.

They live here, outside any one stage, so that the segmenter, the topic model, the linker and
the relation model read the same cues, and a change to a list is one edit.
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
# Connectives that contrast with what came before: "X, but Y" -> Y attacks X. Not "instead"
# and "rather": they open a proposal in place of something ("Instead, use 'bullish'"), not an
# objection to the claim before (sealed: CMV stance +0.002, nothing else moved).
ATTACK = (
    "but", "however", "although", "though", "even though", "yet", "nevertheless",
    "nonetheless", "on the other hand", "whereas", "while", "still",
    "on the contrary", "despite", "in contrast", "except that", "admittedly",
)
# Connectives where the contrast runs the other way: "although X, Y" -> X is conceded.
CONCESSIVE_OPENERS = ("although", "though", "even though", "while", "whereas", "despite", "admittedly")

# Clause splitting (segment.py): connectives that open a new argumentative unit.
# Without any comma before them ("X because Y"); "because of" is excluded by the segmenter.
CLAUSE_OPENERS_BARE = ("because", "although", "even though", "whereas", "though", "but")
# Only after a comma, semicolon or colon ("X, but Y"; "X; however, Y").
CLAUSE_OPENERS_AFTER_COMMA = (
    "however", "so", "therefore", "thus", "hence", "while", "since", "yet",
    "which means", "that means", "as a result", "consequently", "otherwise", "nevertheless",
    "nonetheless", "for we", "for it", "for they", "for this", "for that", "for there",
    "for you", "for i", "for he", "for she",
)
# Only after a comma or semicolon, and only when coordinated clauses are split (", and Y").
CLAUSE_OPENERS_COORDINATING = ("and", "or")
# A sentence opening with one of these is cut at its first comma: "Since X, Y" -> X | Y.
SUBORDINATORS = (
    "since", "although", "though", "even though", "while", "whereas", "because", "given that",
    "even if",
)
# A claim opening with one of these is a reason for something (role PREMISE).
PREMISE_OPENERS = (
    "because", "since", "as", "given that", "due to", "after all", "for example",
    "for instance", "the reason is", "considering that",
)

# Cues across posts: a reply that opens with these agrees or disagrees with its parent. Read
# in a text's first words (``text_cues.HEAD_WORDS``); a cue holding punctuation ("no,", "+1",
# "this.") is a response token set off by it and is read only where the text opens.
DISAGREE_CUES = (
    "i disagree", "i don't agree", "i do not agree", "not really", "that's not true",
    "that is not true", "this is wrong", "that's wrong", "that is wrong", "you're wrong",
    "you are wrong", "not so sure", "i'm not sure", "i am not sure", "i doubt", "skeptical",
    "sceptical", "no,", "no.", "no!", "actually,", "on the contrary", "that's false",
    "misleading", "wrong", "i don't think", "i do not think", "i don't buy", "not convinced",
    "disagree", "why i disagree", "objection", "counterpoint", "at odds",
    "unrealistic", "doesn't follow", "does not follow", "isn't how", "is not how",
    "not the right", "is a mistake", "i'm skeptical", "don't see how", "do not see how",
    "that's not how", "i'm not convinced", "i beg to differ",
    "that's a lie", "makes no sense", "doesn't make sense", "does not make sense",
    "citation needed", "what are you talking about", "are you serious", "i don't believe",
    "that's not what", "you have no idea",
)
AGREE_CUES = (
    "i agree", "agreed", "good point", "well said", "this is right", "you're right",
    "you are right", "that's right", "that's true", "that is true", "yes,", "yes.", "yes!",
    "same here", "+1", "i appreciate", "great point", "fair point", "this.", "this!",
    "makes sense", "i think so too", "spot on", "so true", "very true",
    "couldn't agree more", "could not agree more", "totally agree", "completely agree",
    "strongly agree", "agree completely", "well put", "so much this", "excellent point",
    "hear hear", "true that",
)
# Response tokens: a reply that opens with one agrees ("Exactly.", "Yeah, ...") or disagrees
# ("Nope"); inside a sentence the same words intensify or judge a third party ("which is
# exactly what ...", "absolutely no role", "totally stupid"), so they are read only
# as the text's first words, whatever punctuation follows. Where both lists match, the longer
# opener wins: "absolutely not", "yeah, no", and the sarcastic "yeah, because ...".
AGREE_OPENERS = (
    "yeah", "yep", "yup", "yea", "exactly", "absolutely", "indeed", "precisely", "totally",
    "definitely", "correct", "true", "same", "me too", "ditto", "amen", "bingo", "for sure",
)
DISAGREE_OPENERS = (
    "nope", "nah", "incorrect", "false", "nonsense", "bullshit", "absolutely not",
    "definitely not", "of course not", "not at all", "yeah no", "yeah right", "yes because",
    "yeah because", "sure because", "right because", "um no", "uh no",
)
# A negative judgement of the addressee ("you're an idiot", "you sound clueless", "your a
# troll"): a personal attack, which in a reply marks disagreement whatever the topic. The
# subject forms, the verbs that make "you <verb>" one ("you are", "you sound"), and the words
# before them that put the judgement in a condition or a sympathy ("if you're ...", "sorry
# you are ...") rather than on the addressee.
ADDRESSEE_SUBJECTS = frozenset(("you're", "youre", "ur"))
ADDRESSEE_VERBS = frozenset(("are", "sound", "sounds", "seem", "must"))
ADDRESSEE_ARTICLES = frozenset(("a", "an"))  # "your a troll": the common misspelling
ADDRESSEE_NOT_JUDGED = frozenset(("if", "when", "unless", "whether", "sorry", "hope", "glad"))
NEGATIONS = (
    "not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "n't", "cannot",
    "without", "hardly", "isn't", "aren't", "wasn't", "weren't", "don't", "doesn't",
    "didn't", "won't", "wouldn't", "shouldn't", "can't", "couldn't",
)
HEDGES = ("i think", "i guess", "maybe", "perhaps", "probably", "might", "could", "seems")
# Markers of a conclusion anywhere in a claim ("Higher fines are therefore the right measure"):
# such a claim is likelier its post's main claim.
CONCLUSION_MARKERS = ("therefore", "thus", "hence", "for these reasons", "for this reason",
                      "consequently", "in conclusion", "that is why", "this is why",
                      "which is why", "all in all", "in short", "to sum up")

# What makes a reply take no side, the "neutral" of agreement annotation schemes (no opinion,
# off the point, or only partial agreement), read in its first words:
# phatic acts (thanking, apologising, greeting, sympathising, wishing well) ...
PHATIC_WORDS = frozenset(("thank", "thanks", "thx", "sorry", "glad", "hope", "congrats",
                          "congratulations", "luck", "welcome", "hi", "hello", "hugs"))
# ... a reply opened by a news-receipt or reaction token ("Oh, ...", "Wow", "Interesting") ...
REACTION_OPENERS = frozenset(("oh", "ah", "wow", "interesting", "huh", "hmm", "whoa"))
# ... a concession turned at once into a contrast ("yes, but ...", "true, though ...") ...
CONCEDING_OPENERS = ("yes", "yeah", "yea", "yep", "sure", "true", "right", "ok", "okay",
                     "i see", "fair enough", "i agree", "agreed", "maybe", "perhaps")
CONTRAST_WORDS = frozenset(("but", "however", "though", "although", "yet"))
# ... and a reply that opens on the writer's own experience ("I had ...", "My son ...") rather
# than on an opinion ("I think ...", "I know ...").
FIRST_PERSON_OPENERS = frozenset(("i", "i'm", "im", "my", "i've"))
OPINION_VERBS = frozenset(("think", "believe", "feel", "guess", "mean", "doubt", "know", "bet",
                           "hate", "love", "wish", "would"))

STOPWORDS: frozenset[str] = frozenset(ENGLISH_STOP_WORDS)
