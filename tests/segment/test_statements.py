"""Claims are statements: no cut leaves a fragment, verbless lines are dropped, and the fragments
of the seed map named in issue 15 are gone."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from argmap.model import DropReason, Post
from argmap.options import Options, SegmentOptions
from argmap.readers import read_threads
from argmap.segment import segment
from argmap.segment.segmenter import segment_post
from argmap.segment.sentences import is_title_case
from argmap.segment.statements import (
    can_split,
    dangling_end,
    fragment_kind,
    has_finite_verb,
    is_unpunctuated_fragment,
)
from tests.support import SEED, SEED2


@pytest.mark.parametrize(("text", "kind"), [
    ("My guess is that it's", "dangling_end"),
    ("and Ege Erdil, who are leaving (or have left) Epoch AI to start this company.",
     "list_tail"),
    ('or just "short timelines" vs. "long timelines".', "list_tail"),
    ("but possibly in different ways.)", "verbless"),
    ("Everything necessary for AI R&D", "verbless"),
    ("which brings us to the second point.", "dangling_start"),
    ("I worry that companies focus on benchmarks in ways that", "dangling_end"),
    ("Cars should be banned from the city centre.", None),
    ("It'll go well with you to be smarter than that.", None),  # "that" as an object
    ("I know all that.", None),
    ("This is something to play with.", None),  # a stranded preposition ends a sentence
    ("Its followers are.", None),
    ("Im really good at doing certain things.", None),  # Reddit spelling of "I'm"
])
def test_statements_fragment_kind(text, kind):
    assert fragment_kind(text) == kind


def test_statements_can_split_only_between_statements():
    assert not can_split("My guess is that it's", "because the feeling was that it is slow")
    assert not can_split("The founders include Matthew Barnett, Tamay Besiroglu,",
                         "and Ege Erdil, who are leaving Epoch AI.")
    assert not can_split("Many people would make that area much narrower,",
                         "but possibly in different ways.)")
    assert not can_split("Especially from CA and DE residents,", "but they are real.")
    assert can_split("I'm not sure how to word this properly,",
                     "and I'm uncertain about the best approach,")
    # a predicate coordinated with "or" is a claim about the same subject (annotators cut it)
    assert can_split("Some may find the idea of a school uniform anachronistic,",
                     "or regard it as too much of an intervention.")
    assert can_split("Anthropic claims the change is minor,", "but it is not.")


def test_statements_verb_detection_leans_to_verb():
    assert has_finite_verb("The founders include two people.")
    assert has_finite_verb("This results in a lack of alertness.")  # "this" as a subject
    assert has_finite_verb("A young substitute always invigorates the team.")  # -ate ending
    assert not has_finite_verb("Especially from CA and DE residents,")
    assert not dangling_end("No studies have shown that.")


def test_statements_segmenter_does_not_cut_a_dangling_clause():
    text = ("My guess is that it's because the feeling was that the board would be too slow; "
            "it would be interesting to get confirmation though.")
    post = Post(id="t:1", thread_id="t", text=text)
    on = [c.text for c in segment_post(post, SegmentOptions())[0]]
    off = [c.text for c in segment_post(post, SegmentOptions(drop_fragments=False))[0]]
    assert "My guess is that it's" in off  # what the splitter did before issue 15
    assert on[0].startswith("My guess is that it's because the feeling was")
    assert all(fragment_kind(t) is None for t in on)


def test_statements_list_items_stay_in_their_sentence():
    text = ("The founders include Matthew Barnett, Tamay Besiroglu, and Ege Erdil, who are "
            "leaving Epoch AI to start this company.")
    claims, _ = segment_post(Post(id="t:1", thread_id="t", text=text), SegmentOptions())
    assert [c.text for c in claims] == [text]


def test_statements_unpunctuated_verbless_line_is_dropped():
    text = "Cars pollute the air in every city we studied.\n* Everything necessary for AI R&D"
    claims, dropped = segment_post(Post(id="t:1", thread_id="t", text=text), SegmentOptions())
    assert [c.text for c in claims] == ["Cars pollute the air in every city we studied."]
    assert any(d.reason is DropReason.NOT_ARGUMENTATIVE and d.text.startswith("Everything")
               for d in dropped)
    assert is_unpunctuated_fragment("Just a collection of other thoughts:")
    assert not is_unpunctuated_fragment("For example, Congregationalists and Universalists.")


def test_statements_title_case_lines_are_headings():
    assert is_title_case("Emphasize Innovation (Again, Don't Overregulate)")
    assert is_title_case("We Care About Other Things You Care About (like Misinformation)")
    assert not is_title_case("The EU should ban cars from Paris and Berlin.")
    assert not is_title_case("I think Anthropic is right")
    text = "Anthropic wants less regulation now.\nDon't Regulate Now (Again)"
    claims, dropped = segment_post(Post(id="t:1", thread_id="t", text=text), SegmentOptions())
    assert [c.text for c in claims] == ["Anthropic wants less regulation now."]
    assert any(d.reason is DropReason.HEADING for d in dropped)


def test_statements_seed_map_fragments_of_issue_15_are_gone():
    threads = read_threads([SEED, SEED2], Options().read).threads
    claims, _ = segment(threads, SegmentOptions())
    texts = {c.text for c in claims}
    for fragment in ("but possibly in different ways.)",
                     "and Ege Erdil, who are leaving (or have left) Epoch AI to start this company.",
                     'or just "short timelines" vs. "long timelines".',
                     "My guess is that it\u2019s",
                     "and training data to fully automate the economy."):
        assert fragment not in texts
    flagged = [t for t in texts if fragment_kind(t)]
    assert len(flagged) <= 1, flagged


@given(st.lists(st.sampled_from(list("ab ,.;'") + ["and ", "but ", "that ", "it's ", "is ",
                                                  "I "]), max_size=40).map("".join))
def test_statements_detectors_never_fail(text):
    fragment_kind(text)
    can_split(text, text)
    is_unpunctuated_fragment(text)


# text of the characters where the ASCII shortcut could differ from the Unicode pattern:
# letters, digits, apostrophes (straight and curly), hyphens, underscores, letters whose lower
# case is ASCII (Kelvin sign) or not (accented, dotted I), Unicode digits
_WORDISH = st.text(st.sampled_from(list("aZk09'\u2019-_ .,\u212a\u0130\u00e9\u0661xY")),
                   max_size=40)


@given(_WORDISH)
def test_statements_words_ascii_shortcut_same_words(text: str) -> None:
    """``words`` of lower-case ASCII text skips the Unicode pattern: the same list as the
    Unicode pattern gives, for ASCII and non-ASCII text alike."""
    from argmap.segment.statements import _WORD, words

    assert words(text) == [w.replace("\u2019", "'") for w in _WORD.findall(text.lower())]
