"""Behaviour of the segmenter: invariants on any text, each drop reason, roles, determinism."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from argmap.model import Claim, Dropped, DropReason, Post, Role, Thread, claim_id
from argmap.options import SegmentOptions
from argmap.segment.clauses import split_clauses
from argmap.segment.segmenter import segment, segment_post
from argmap.segment.sentences import scan_blocks, split_sentences

OPTIONS = SegmentOptions()


def _post(text: str, post_id: str = "t:1", flags: tuple[str, ...] = ()) -> Post:
    return Post(id=post_id, thread_id="t", text=text, flags=flags)


def _check_invariants(post: Post, claims: tuple[Claim, ...], dropped: tuple[Dropped, ...]) -> None:
    text = post.text
    spans = sorted([(c.start, c.end) for c in claims] + [(d.start, d.end) for d in dropped])
    for claim in claims:
        assert text[claim.start : claim.end] == claim.text
        assert claim.post_id == post.id
    for drop in dropped:
        assert text[drop.start : drop.end] == drop.text
        assert isinstance(drop.reason, DropReason)
    for (_, end), (next_start, _) in zip(spans, spans[1:], strict=False):
        assert end <= next_start, "spans overlap"
    covered = set()
    for start, end in spans:
        covered.update(range(start, end))
    uncovered = [i for i, ch in enumerate(text) if not ch.isspace() and i not in covered]
    assert uncovered == []
    assert [c.id for c in claims] == [claim_id(post.id, n) for n in range(len(claims))]
    assert [c.start for c in claims] == sorted(c.start for c in claims)


FORUM_ALPHABET = st.sampled_from(
    list("ab .,?!;:\n>#*-[]1()\"'")
    + ["because ", "but ", "http://x.io/a ", "```", "&gt; ", "e.g. "]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(FORUM_ALPHABET, max_size=120).map("".join))
def test_segment_invariants_on_forum_like_text(text: str) -> None:
    post = _post(text)
    claims, dropped = segment_post(post, OPTIONS)
    _check_invariants(post, claims, dropped)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_segment_invariants_on_any_unicode(text: str) -> None:
    post = _post(text)
    claims, dropped = segment_post(post, OPTIONS)
    _check_invariants(post, claims, dropped)


def test_segment_is_deterministic_and_keeps_thread_order() -> None:
    first = _post("Cars should be banned from cities because they pollute the air.", "t:2")
    second = _post("Bikes are cheaper to maintain than cars for most people.", "t:1")
    threads = [Thread(id="t", title=None, posts=(first, second))]
    once = segment(threads, OPTIONS)
    again = segment(threads, OPTIONS)
    assert once == again
    assert [c.post_id for c in once[0]] == ["t:2", "t:2", "t:1"]


def test_segment_splits_at_because_and_sets_roles() -> None:
    text = (
        "Cars should be banned from city centres because they pollute the air. "
        "Many drivers in this town will complain, but the air quality matters more. "
        "So the council should act this year."
    )
    claims, _ = segment_post(_post(text), OPTIONS)
    roles = {c.text: c.role for c in claims}
    assert roles["Cars should be banned from city centres"] == Role.CLAIM
    assert roles["because they pollute the air."] == Role.PREMISE
    assert roles["but the air quality matters more."] == Role.OBJECTION
    assert roles["So the council should act this year."] == Role.CONCLUSION


def test_segment_does_not_split_short_sides() -> None:
    pieces = split_clauses("It failed because of rain and wind today.", 0, 41, OPTIONS)
    assert pieces == [(0, 41)]


def test_segment_trims_leading_connective_when_asked() -> None:
    text = "So, the council should ban cars from the centre."
    options = SegmentOptions(trim_leading_connective=True)
    claims, dropped = segment_post(_post(text), options)
    assert claims[0].text == "the council should ban cars from the centre."
    assert claims[0].role == Role.CONCLUSION
    assert dropped[0].text == "So,"


def _reasons(text: str, options: SegmentOptions = OPTIONS) -> dict[DropReason, list[str]]:
    _, dropped = segment_post(_post(text), options)
    out: dict[DropReason, list[str]] = {}
    for drop in dropped:
        out.setdefault(drop.reason, []).append(drop.text)
    return out


def test_segment_drops_each_reason_on_crafted_posts() -> None:
    text = (
        "Hi everyone!\n\n"
        "# Why cities need fewer cars\n\n"
        "&gt; Cars are essential for everyone living in cities.\n\n"
        "Public transport moves far more people per lane than cars do.[1]\n"
        "Do you really think traffic will fix itself?\n"
        "Too short.\n\n"
        "https://example.org/study.pdf\n\n"
        "```\nprint('code is not a claim')\n```\n\n"
        "Edit: I also posted this on another forum.\n\n"
        "[1] Transport study, 2019, page 4.\n"
    )
    reasons = _reasons(text)
    assert reasons[DropReason.GREETING] == ["Hi everyone!"]
    assert reasons[DropReason.HEADING] == ["# Why cities need fewer cars"]
    assert reasons[DropReason.QUOTED] == ["&gt; Cars are essential for everyone living in cities."]
    assert reasons[DropReason.QUESTION] == ["Do you really think traffic will fix itself?"]
    assert reasons[DropReason.TOO_SHORT] == ["Too short."]
    assert reasons[DropReason.URL_ONLY] == ["https://example.org/study.pdf"]
    assert len(reasons[DropReason.CODE]) == 3
    assert "I also posted this on another forum." in reasons[DropReason.META]
    assert "[1] Transport study, 2019, page 4." in reasons[DropReason.FOOTNOTE]
    assert "[1]" in reasons[DropReason.FOOTNOTE]
    claims, _ = segment_post(_post(text), OPTIONS)
    assert [c.text for c in claims] == [
        "Public transport moves far more people per lane than cars do."
    ]


def test_segment_keeps_questions_when_asked() -> None:
    text = "Do you really think traffic will fix itself?"
    claims, _ = segment_post(_post(text), SegmentOptions(keep_questions=True))
    assert [c.text for c in claims] == [text]


def test_segment_deleted_and_hidden_posts_give_one_drop() -> None:
    for post, reason in (
        (_post("[deleted]"), DropReason.DELETED),
        (_post("Some text that was removed.", flags=("removed",)), DropReason.DELETED),
        (_post("A perfectly good argument here.", flags=("hidden",)), DropReason.HIDDEN),
    ):
        claims, dropped = segment_post(post, OPTIONS)
        assert claims == ()
        assert [(d.reason, d.start, d.end) for d in dropped] == [(reason, 0, len(post.text))]


def test_segment_caps_post_length_as_too_long() -> None:
    text = "Cities should plant many more trees. " * 40
    options = SegmentOptions(max_post_chars=200)
    claims, dropped = segment_post(_post(text), options)
    assert all(c.end <= 200 for c in claims)
    assert dropped[-1].reason == DropReason.TOO_LONG
    assert dropped[-1].end == len(text)


def test_segment_inline_url_stays_in_claim_and_bullets_are_claims() -> None:
    text = "- The study at https://example.org/x shows that buses cut emissions.\n- Trains too."
    claims, dropped = segment_post(_post(text), OPTIONS)
    assert claims[0].text == "The study at https://example.org/x shows that buses cut emissions."
    assert [d.text for d in dropped if d.reason == DropReason.NOT_ARGUMENTATIVE] == ["-", "-"]


def test_segment_pathological_inputs_stay_linear() -> None:
    """A hang guard, not a speed test: each input takes well under 0.5 s on a dev machine;
    10 s only catches a quadratic blow-up (speed itself is measured by the benchmarks)."""
    for text in ("a" * 1_000_000, "a." * 50_000, "a. " * 50_000, "?" * 100_000, "\n" * 100_000):
        started = time.process_time()
        claims, dropped = segment_post(_post(text), OPTIONS)
        assert time.process_time() - started < 10.0
        _check_invariants(_post(text), claims, dropped)
    claims, dropped = segment_post(_post("a" * 1_000_000), OPTIONS)
    assert claims == ()
    assert (dropped[-1].reason, dropped[-1].start) == (DropReason.TOO_LONG, OPTIONS.max_post_chars)
    assert {d.reason for d in dropped[:-1]} == {DropReason.TOO_SHORT}


def test_segment_abbreviations_do_not_split_sentences() -> None:
    text = "Some cities, e.g. this one, ban cars. Dr. Smith agrees with that plan."
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "Some cities, e.g. this one, ban cars.",
        "Dr. Smith agrees with that plan.",
    ]


def test_segment_blocks_join_hard_wrapped_lines_only() -> None:
    text = "This line is wrapped\nin the middle of a sentence.\nThis one is new."
    kinds = [(text[s:e], k) for s, e, k in scan_blocks(text)]
    assert kinds == [
        ("This line is wrapped\nin the middle of a sentence.", "text"),
        ("This one is new.", "text"),
    ]


@settings(max_examples=100, deadline=None)
@given(st.lists(FORUM_ALPHABET, max_size=150).map("".join))
def test_segment_sentence_spans_are_trimmed_sorted_and_disjoint(text: str) -> None:
    spans = split_sentences(text)
    for start, end in spans:
        assert 0 <= start < end <= len(text)
        assert not text[start].isspace() and not text[end - 1].isspace()
    for (_, end), (next_start, _) in zip(spans, spans[1:], strict=False):
        assert end <= next_start


def test_segment_footnote_marker_does_not_glue_sentences() -> None:
    text = "Buses are cleaner than cars.[1] Trains are cleaner still."
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "Buses are cleaner than cars.",
        "Trains are cleaner still.",
    ]


def test_segment_missing_space_after_period_still_splits() -> None:
    text = "Notice is no benefit.My experience says otherwise."
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "Notice is no benefit.",
        "My experience says otherwise.",
    ]


def test_segment_meta_label_is_dropped_but_its_claim_kept() -> None:
    text = "Edit: the study actually covers all European capitals."
    claims, dropped = segment_post(_post(text), OPTIONS)
    assert [(d.text, d.reason) for d in dropped] == [("Edit:", DropReason.META)]
    assert [c.text for c in claims] == ["the study actually covers all European capitals."]


def test_segment_overlong_claim_is_cut_at_commas() -> None:
    clause = "the council should plant more trees in every street"
    text = ", ".join([clause] * 20) + "."
    options = SegmentOptions(max_claim_chars=120, split_clauses=False)
    claims, dropped = segment_post(_post(text), options)
    assert all(len(c.text) <= 120 for c in claims)
    assert len(claims) > 1
    assert not [d for d in dropped if d.reason == DropReason.TOO_LONG]


def test_segment_lead_in_line_is_prose_but_short_title_is_heading() -> None:
    text = (
        "Why I changed my mind\n\n"
        "The council justified the change by\n"
        "a) pointing to lower costs for every household\n"
    )
    kinds = [(text[s:e], k) for s, e, k in scan_blocks(text)]
    assert kinds == [
        ("Why I changed my mind", DropReason.HEADING.value),
        ("The council justified the change by", "text"),
        ("a)", DropReason.NOT_ARGUMENTATIVE.value),
        ("pointing to lower costs for every household", "text"),
    ]


def test_segment_link_whose_text_is_a_url_is_url_only_but_prose_with_links_is_kept():
    from argmap.model import DropReason, Post
    from argmap.options import SegmentOptions
    from argmap.segment.segmenter import segment_post

    link = "[https://youtu.be/6UxFkU0LI8g?si=Lj3f](https://youtu.be/6UxFkU0LI8g?si=Lj3f)"
    prose = "Cars pollute the air in cities [source](https://x.org/a) and we should act now."
    claims, dropped = segment_post(Post("p", "t", link + "\n\n" + prose), SegmentOptions())
    assert [c.text for c in claims] == [prose]
    assert [d.reason for d in dropped] == [DropReason.URL_ONLY]
    bare = "Read this: https://example.com/very/long/path?x=1"
    claims, dropped = segment_post(Post("q", "t", bare), SegmentOptions())
    assert claims == () and dropped[0].reason is DropReason.URL_ONLY


def test_segmenter_word_minimums_past_re_repeats_drop_claims_instead_of_failing():
    """segment.min_claim_words and min_clause_words accept any whole number below 2**63; past
    the 2**32 repeats a regular expression allows, every thread failed ('OverflowError: the
    repetition number is too large', exit 3). Such a minimum keeps no claim, as any minimum
    past a post's length does."""
    post = _post("Cars pollute the air in our cities. Therefore the council should ban them, "
                 "but shop owners depend on customers who arrive by car.")
    for huge in (1 << 32, (1 << 63) - 1):
        options = SegmentOptions(min_claim_words=huge, min_clause_words=huge)
        claims, dropped = segment_post(post, options)
        _check_invariants(post, claims, dropped)
        assert claims == () and {d.reason for d in dropped} == {DropReason.TOO_SHORT}
    claims, _ = segment_post(post, SegmentOptions(min_clause_words=1 << 40))
    assert claims == segment_post(post, SegmentOptions(split_clauses=False))[0]
