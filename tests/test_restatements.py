"""Restatements: copies of one text are one statement, never an argument for or against itself."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from argmap.model import Claim, Post, Thread
from argmap.options import Options
from argmap.pipeline import build_map
from argmap.restatements import Restatements, restatement_codes, text_key

SLOGAN = "Rent control protects the tenants who already live in the city."


def test_restatements_text_key_ignores_case_punctuation_and_spacing():
    assert text_key(SLOGAN) == text_key("  rent CONTROL protects the tenants, who already live "
                                        "in the city!!")
    assert text_key(SLOGAN) == text_key("Rent control protects the tenants\nwho already live in "
                                        "the city")
    assert text_key(SLOGAN) != text_key("Rent control protects the tenants who already live in "
                                        "the suburbs.")


def test_restatements_short_texts_are_never_copies():
    # "I agree." under two posts agrees with two different things
    for short in ("I agree.", "Source?", "This is wrong.", "No no no no", "a b c d e"):
        assert text_key(short) is None
    claims = [Claim(id=f"p{n}/c0", post_id=f"p{n}", start=0, end=8, text="I agree.")
              for n in range(3)]
    assert not Restatements(claims)
    assert restatement_codes(claims).tolist() == [-1, -1, -1]


def _claims(texts: list[str]) -> list[Claim]:
    return [Claim(id=f"p{n:03d}/c0", post_id=f"p{n:03d}", start=0, end=len(t), text=t)
            for n, t in enumerate(texts)]


def test_restatements_codes_pair_exactly_the_copies():
    texts = [SLOGAN, "Rents rose faster than wages in every city we looked at.", SLOGAN.upper(),
             "Short one."]
    codes = restatement_codes(_claims(texts)).tolist()
    assert codes[0] == codes[2] >= 0
    assert codes[1] == -1 and codes[3] == -1  # said once, or too short


@settings(max_examples=60, deadline=None)
@given(st.permutations(range(8)))
def test_restatements_the_drawn_copy_does_not_depend_on_input_order(order):
    texts = [SLOGAN, "Landlords pass every new cost on to the people renting from them."] * 4
    claims = _claims(texts)
    shuffled = Restatements([claims[i] for i in order])
    assert shuffled.copies.keys() == {"p000/c0", "p001/c0"}
    assert shuffled.drawn_as == Restatements(claims).drawn_as
    assert shuffled.head("p006/c0") == "p000/c0" and shuffled.head("p000/c0") == "p000/c0"
    assert shuffled.posts_of("p001/c0") == ("p001", "p003", "p005", "p007")


def _dump_thread() -> Thread:
    """A plain-text dump (no reply tree, so every cross-post link is a similarity link) in
    which one claim is pasted into three posts, beside a near-copy that differs in a word."""
    texts = [
        f"{SLOGAN} Without it families are pushed out by speculation.",
        "Rent control protects the tenants who already live in the town. New housing matters too.",
        f"I keep saying it. {SLOGAN}",
        f"{SLOGAN} Landlords will not build more if rents are capped.",
        "Landlords will not build more if rents are capped, and supply falls.",
    ]
    posts = tuple(Post(id=f"d:{n}", thread_id="d", text=t, author=f"user{n}")
                  for n, t in enumerate(texts))
    return Thread(id="d", title=None, posts=posts)


def test_restatements_the_linker_never_links_two_copies_of_one_text():
    amap = build_map([_dump_thread()], Options())
    text = {c.id: c.text for c in amap.claims}
    copies = [c.id for c in amap.claims if text_key(c.text) == text_key(SLOGAN)]
    assert len(copies) == 3  # the slogan is segmented as its own claim in three posts
    across = [r for r in amap.relations
              if r.source.split("/")[0] != r.target.split("/")[0]]
    assert across, "the similarity route links across posts in this thread"
    joined = [(r.source, r.target) for r in across if r.source in copies and r.target in copies]
    assert joined == []
    # a near-copy ("town" for "city") is another statement and may still be linked to a copy
    assert any({text_key(text[r.source]), text_key(text[r.target])} >= {text_key(SLOGAN)}
               for r in across)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from([SLOGAN, SLOGAN.upper(), "Rent control protects the tenants, who "
                                 "already live in the city!", "Short one.",
                                 "Landlords pass every new cost on to the people renting."]),
                max_size=12))
def test_restatements_the_linkers_cheap_prefilter_finds_the_same_copies(texts):
    from argmap.link.cues import text_cues

    claims = _claims(texts)
    codes = restatement_codes(claims).tolist()
    near = restatement_codes(claims, [text_cues(c.text).tokens for c in claims]).tolist()
    # the same partition into copies (the numbers themselves may differ)
    assert [[j for j in range(len(codes)) if codes[j] == codes[i] >= 0] for i in range(len(codes))] \
        == [[j for j in range(len(near)) if near[j] == near[i] >= 0] for i in range(len(near))]
