"""Is a piece of text a statement a reader can weigh on its own? Rules and word lists, no tagger.

A claim must read on its own: "My guess is that it's" (it stops mid-clause), "and Ege Erdil,
who are leaving Epoch AI" (the tail of a list of names), "but possibly in different ways.)"
(no verb) and "Everything necessary for AI R&D" (a noun phrase) are not claims. The clause
splitter asks ``can_split`` before it cuts, and the segmenter drops a verbless line with no
sentence end (``is_unpunctuated_fragment``) with the reason ``not_argumentative``.
Measured (segmentation F1@50, study / sealed, microtexts, part 2, CDCP, CMV): no cut unless
both sides are statements 0.922/0.901/0.858/0.741 -> 0.930/0.901/0.867/0.746 and
0.940/0.873/0.869/0.778 -> 0.944/0.883/0.875/0.779.

Why word lists: NLTK's tagger data may be missing and nothing may be downloaded, so a finite
verb is found from what ships here: auxiliaries, modals and their contractions, a list of
common English verbs with their inflections (``_BASES``, ``_IRREGULAR``), pronoun
contractions ("it's", "they're"), verb endings (-ed, -ate, -ize, -ify), a word after a
subject pronoun and a word before its object ("cars pollute the air"). The test leans to "it has a verb": a missed fragment stays a claim, while a
sentence wrongly called verbless would be lost, so a word is a verb whenever one of its
readings can be.
"""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*|\d+")
_ASCII_WORD = re.compile(r"[a-z]+(?:'[a-z]+)*|[0-9]+")  # ``_WORD`` on lower-case ASCII

AUXILIARIES = frozenset("""am is are was were be been being has have had having do does did
will would shall should can could may might must ought need dare isn't aren't wasn't weren't
hasn't haven't hadn't don't doesn't didn't won't wouldn't shan't shouldn't can't cannot
couldn't mustn't mightn't needn't ain't im ive dont doesnt didnt isnt arent wasnt werent
cant wont wouldnt shouldnt couldnt havent hasnt hadnt""".split())
_PRONOUN_CONTRACTIONS = frozenset("""it's that's there's here's what's who's he's she's let's
i'm you're we're they're i've you've we've they've i'd you'd he'd she'd we'd they'd it'd i'll
you'll he'll she'll we'll they'll it'll that'll there'll that'd who'd thats theres youre
theyre""".split())
# Common English verbs (base forms); inflections are made by ``_inflect`` plus the irregular
# forms below. A base form that is also a noun ("use", "plan") counts: the test leans to "verb".
_BASES = """absorb abuse accept accomplish account accuse achieve acknowledge acquire act adapt add address
adjust admit adopt advance advise advocate affect afford agree aim allow alter analyse analyze
announce answer anticipate appeal appear apply appoint appreciate approach approve argue arise
arrange arrive ask assert assess assign assist assume assure attach attack attempt attend
attract avoid await bake ban base bear beat become begin behave believe belong benefit bet bind
blame block blow boost borrow bother break bring build burn buy calculate call cancel care carry
cater catch cause challenge change charge chase check choose cite claim clarify classify clean clear
climb close collapse collect combine come comment commit communicate compare compete complain
complete comply concern conclude condemn conduct confirm conflict confuse connect consider
consist constitute construct consult contain continue contribute control convert convince cook
cooperate cope copy correct cost count cover create criticize criticise cross cry cut damage
deal debase debate decide declare decline decrease deem defeat defend define delay delete deliver
demand demonstrate deny depend deploy describe deserve design desire destroy detect determine
develop die differ direct disprove disagree disappear discourage discover discuss dislike dismiss display
distinguish distribute divide do donate doubt draw dream dress drink drive drop earn eat
educate elect eliminate emerge emphasize emphasise employ enable encourage end endorse enforce
engage enhance enjoy ensure enter equal escape establish estimate evaluate evolve examine exceed
exist expand expect experience explain explore expose express extend face fail fall favor
favour fear feed feel fight figure fill finance find finish fire fit fix flow fly focus follow
forbid force forget forgive form found fund gain gather generate get give go govern grant grow
guarantee guess handle hang happen harm hate head hear help hide highlight hire hit hold hope
hurt identify ignore imagine implement imply impose improve include increase indicate influence
inform inherit insist inspire install intend interpret introduce invest investigate invite
involve issue join judge jump justify keep kill know lack last laugh launch lay lead learn
leave lend let lie like limit link listen live look lose love lower maintain make manage mark
marry match matter mean measure meet mention migrate mind miss mitigate modify monitor motivate
move name need negotiate note notice object observe obtain occur offer open operate oppose opt
order organize organise outweigh overcome overlook overregulate owe own participate pass pay
perceive perform permit persuade pick place plan play point position post predict prefer
prepare present preserve pretend prevent price prioritize prioritise proceed produce prohibit
promise promote propose protect prove provide publish pull punish purchase pursue push put
qualify question raise reach react read realize realise reason recall receive recognize
recognise recommend record recover reduce refer reflect refuse regard regret regulate reject
relate relax release rely remain remember remove render renew repeat replace reply report
represent request require rescue research resemble reserve resist resolve respect respond rest
restrict result retain retire return reveal review reward ride ring rise risk roll root rule run
rush save say score search secure see seek seem select sell send sense separate serve set
settle shake shape share shift shoot show shut sign signal sing sit skip sleep slip slow smell solve
sound speak spend split spread stand start state stay steal stem step stick stop store
strengthen stress strike struggle study submit succeed suffer suggest suit supply support
suppose surprise survive suspect sustain switch take talk target teach tell tend test thank
think threaten throw tolerate touch trade train transfer transform travel treat trigger trust
try turn understand undermine upset urge use value vary view violate visit vote wait wake walk
want warn wash waste watch wear weigh welcome win wish withdraw witness wonder work worry write
yield""".split()
_IRREGULAR = """arose arisen ate eaten bore borne beat beaten became begun began bent bet bit
bitten blew blown broke broken brought built burnt bought caught chose chosen came cost cut
dealt did done drew drawn dreamt drank drunk drove driven fell fallen fed felt fought found fled
flew flown forbade forbidden forgot forgotten forgave forgiven froze frozen got gotten gave given
went gone grew grown hung heard hid hidden hit held hurt kept knew known laid led left lent let
lay lain lost made meant met paid put quit read rode ridden rang rung rose risen ran said saw
seen sought sold sent set shook shaken shot shut sang sung sat slept spoke spoken spent split
spread stood stole stolen stuck struck swore sworn took taken taught tore torn told thought
threw thrown understood woke woken wore worn won withdrew withdrawn wrote written shown
proven sewn shaven swollen""".split()


# Endings of regular past forms and of verbs made with a verb suffix ("-ate", "-ize",
# "-ify"): "invigorates", "prioritized". Adjectives with these endings ("private") pass as
# verbs too, which errs the safe way.
_VERB_ENDINGS = ("ed", "ate", "ates", "ize", "izes", "ise", "ises", "ify", "ifies")


def _inflect(base: str) -> tuple[str, ...]:
    """Third person and past forms of a regular verb (both spellings where doubling is
    uncertain: "stop" -> "stopped", "visit" -> "visited")."""
    forms: tuple[str, ...]
    if base.endswith("e"):
        forms = (base + "s", base + "d")
    elif base.endswith("y") and len(base) > 2 and base[-2] not in "aeiou":
        forms = (base[:-1] + "ies", base[:-1] + "ied")
    elif base.endswith(("s", "sh", "ch", "x", "z", "o")):
        forms = (base + "es", base + "ed")
    else:
        forms = (base + "s", base + "ed", base + base[-1] + "ed")
    return (base, *forms)


VERB_FORMS = frozenset(f for base in _BASES for f in _inflect(base)) | frozenset(_IRREGULAR)
_SUBJECT_PRONOUNS = frozenset("i you we they he she it this that these those there who what "
                              "people everyone nobody someone everybody".split())
_DETERMINERS = frozenset("the a an my your our their his her its some any no every each to very "
                         "more most".split())
_RELATIVES = frozenset(("who", "which", "whom", "whose", "that", "where", "when"))
# Words after which a clause cannot stop: it stops mid-phrase ("My guess is that it's",
# "... in ways that"). Not prepositions (stranded: "something to play with", "surrounded
# by"), nor particles ("turn themselves in"), nor a copula ("its followers are"), nor "that"
# as an object ("touch that"; see ``dangling_end``).
DANGLING_ENDS = frozenset("""a an the and or but nor because although whereas if unless
than whether my your our their its including via per""".split()) | (
    _PRONOUN_CONTRACTIONS - {"let's", "thats", "theres", "youre", "theyre"})
# A piece that opens with these continues a sentence begun elsewhere.
DANGLING_STARTS = frozenset(("which", "who", "whom", "whose", "than", "etc", "whereby"))
COORDINATORS = frozenset(("and", "or", "nor"))
# a sentence end, before closing quotes and brackets (a colon leads in: it is no end)
_ENDS_SENTENCE = re.compile(r"[.!?][\"')\]\u201d\u2019*_]*\s*$")
_OBJECT_OPENERS = frozenset("""the a an their its his her my your our them him me us it many
much""".split())
_FUNCTION_WORDS = frozenset("""and or but nor so yet for of to in on at by with from into onto
about over under than as if that which who whom whose what when where why how all both each
every some any no not this these those there here such only also even just very too more most
less least many much few""".split())
_THAT_AS_OBJECT = frozenset("""all than like as about above after against along among around at before behind
below beside between beyond by despite during except for from in inside into like near of off
on onto out outside over past since through to toward towards under until upon with within
without""".split())


def words(text: str) -> list[str]:
    """Lower-case words (letters, inner apostrophes; digits as words), curly apostrophes
    straightened."""
    low = text.lower()
    if low.isascii():  # no curly apostrophe; a letter is [a-z], a digit [0-9]: same words
        return _ASCII_WORD.findall(low)
    return [w.replace("\u2019", "'") for w in _WORD.findall(low)]


def _is_verb(tokens: list[str], i: int) -> bool:
    word = tokens[i]
    if word in AUXILIARIES or word in _PRONOUN_CONTRACTIONS:
        return True
    if word.endswith("n't"):
        return True
    previous = tokens[i - 1] if i else ""
    if word in VERB_FORMS or (len(word) > 4 and word.endswith(_VERB_ENDINGS)):
        # "to automate", "the required level": an infinitive or an adjective, not finite
        j = i - 1
        while j >= 0 and tokens[j].endswith("ly") and len(tokens[j]) > 3:
            j -= 1
        before = tokens[j] if j >= 0 else ""
        return before not in _DETERMINERS
    if previous in _SUBJECT_PRONOUNS and previous not in ("that", "this", "these", "those",
                                                          "who", "what"):
        return True
    # a word followed by its object ("cars pollute the air", "buses carry many people")
    following = tokens[i + 1] if i + 1 < len(tokens) else ""
    return (following in _OBJECT_OPENERS and word not in _FUNCTION_WORDS
            and not word.endswith(("ly", "ing")) and i > 0)


@lru_cache(maxsize=65536)
def has_finite_verb(text: str) -> bool:
    """Some word of the text can be a finite verb (or an imperative: "Consider X")."""
    tokens = words(text)
    return any(_is_verb(tokens, i) for i in range(len(tokens)))


def main_clause_verb(tokens: list[str]) -> bool:
    """A verb before any relative pronoun: "Ege Erdil, who are leaving" has none."""
    for i, word in enumerate(tokens):
        if i and word in _RELATIVES:
            return False
        if _is_verb(tokens, i):
            return True
    return False


def dangling_end(text: str) -> bool:
    """The text stops mid-phrase: its last word needs a continuation ("... the change by").
    A closing colon or dash is a lead-in to what follows and dangles the same way."""
    tokens = words(text)
    if not tokens or text.rstrip().endswith(("?", "!")):
        return False
    last = tokens[-1]
    if last == "that" and len(tokens) > 1:  # "in ways that" dangles, "touch that" does not
        before = tokens[-2]
        return not (_is_verb(tokens, len(tokens) - 2) or before in _THAT_AS_OBJECT
                    or before.endswith("ing"))
    return last in DANGLING_ENDS


def can_split(left: str, right: str) -> bool:
    """Both sides of a clause cut are statements: the left has a verb and does not stop
    mid-phrase; the right, after its connective, has a verb of its own; a right side opened by
    "and"/"or" must have a verb before any relative pronoun (a clause, or a predicate: "and
    regard it as ..."), or it is the next item of a list ("X, Y, and Z who ...")."""
    if not has_finite_verb(left) or dangling_end(left):
        return False
    tokens = words(right)
    if tokens and tokens[0] in COORDINATORS:
        return main_clause_verb(tokens[1:])
    return has_finite_verb(right)


def fragment_kind(text: str) -> str | None:
    """Why the text is not a statement that reads on its own, or None: ``verbless``,
    ``dangling_end`` ("My guess is that it's"), ``dangling_start`` ("which ...", "than
    ..."), ``list_tail`` ("and Ege Erdil, who ..."). What tools/fragments.py counts; the
    segmenter cuts only where ``can_split`` allows and drops ``is_unpunctuated_fragment``."""
    tokens = words(text)
    if not tokens:
        return "verbless"
    if tokens[0] in DANGLING_STARTS:
        return "dangling_start"
    if tokens[0] in COORDINATORS and not main_clause_verb(tokens[1:]):
        return "list_tail"
    if not has_finite_verb(text):
        return "verbless"
    if dangling_end(text):
        return "dangling_end"
    return None


def is_unpunctuated_fragment(text: str) -> bool:
    """No verb and no sentence end: a bullet or a line such as "Everything necessary for AI
    R&D" or "Just a collection of other thoughts:". The segmenter drops these; a verbless
    sentence that ends like one ("For example, Congregationalists and Universalists.") is an
    elliptical unit annotators mark as argumentative (dropping every verbless sentence cost
    CMV segmentation F1 0.007 on its sealed part, dropping dangling ones 0.001), so it stays."""
    return not _ENDS_SENTENCE.search(text) and not has_finite_verb(text)
