"""Restatements: copies of one text are one statement, never an argument for or against itself."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from argmap.model import Claim, Post, Thread
from argmap.options import Options
from argmap.pipeline import build_map
from argmap.restatements import Restatements, restatement_codes, text_key
from tests.support import run_cli

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


def test_restatements_a_thread_of_pasted_copies_maps_to_one_node_through_the_cli(tmp_path):
    """300 posts: a paragraph pasted 120 times by 40 accounts, each answered "That is simply
    wrong." (too short to be one statement: it answers something else each time), and a few
    real objections. The map draws the paragraph once, with the count; no relation in the JSON
    joins two copies; the report lists it once."""
    if shutil.which("dot") is None:
        pytest.skip("Graphviz 'dot' not installed")
    records = [{"id": "root", "thread": "t", "author": "mod",
                "text": "Should the city cap rents for the next five years?"}]
    for n in range(120):
        records.append({"id": f"s{n}", "thread": "t", "author": f"bot{n % 40}",
                        "reply_to": "root", "text": SLOGAN})
        records.append({"id": f"r{n}", "thread": "t", "author": f"user{n % 7}",
                        "reply_to": f"s{n}", "text": "That is simply wrong."})
    for n in range(60):
        records.append({"id": f"o{n}", "thread": "t", "author": f"critic{n % 5}",
                        "reply_to": f"s{n * 2}",
                        "text": f"Rents in district {n} rose faster after the cap, so it did "
                                "not protect anyone."})
    path = tmp_path / "pasted.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("map", str(path), "-o", str(out), "--export", "svg,html,json", "-q")
    assert result.returncode == 0, result.stderr.decode()
    svg = next(p for p in out.glob("*.svg") if p.name.count(".") == 1).read_text(
        encoding="utf-8")  # the main map, not the overview or a topic map
    labels = re.findall(r">Rent control protects", svg)  # label lines, not tooltips
    assert len(labels) == 1 and "said in 120 posts by 40 authors" in svg
    saved = json.loads(next(out.glob("*.json")).read_bytes())["map"]
    copies = {c["id"] for c in saved["claims"] if text_key(c["text"]) == text_key(SLOGAN)}
    assert len(copies) == 120  # every copy stays a claim of its own in the JSON
    assert not [r for r in saved["relations"]
                if r["source"] in copies and r["target"] in copies]
    page = next(out.glob("*.html")).read_text(encoding="utf-8")
    assert page.count("said in 120 posts by 40 authors") >= 1
