"""link.layout: which claims share a paragraph (the writer's unit of local argument)."""

from __future__ import annotations

from argmap.link import layout
from argmap.model import Claim, Post, Thread


def _post(text: str, pieces: list[str]) -> tuple[list[Thread], tuple[Claim, ...], dict]:
    post = Post(id="t:p", thread_id="t", text=text)
    claims, at = [], 0
    for k, piece in enumerate(pieces):
        start = text.index(piece, at)
        claims.append(Claim(f"t:p/c{k}", post.id, start, start + len(piece), piece))
        at = start + len(piece)
    return [Thread(id="t", title=None, posts=(post,))], tuple(claims), {post.id: list(
        range(len(claims)))}


def test_layout_blank_lines_make_paragraphs_and_single_breaks_do_not():
    text = "Cats are great.\nThey purr.\n\nDogs are loyal. They fetch."
    threads, claims, by_post = _post(text, ["Cats are great.", "They purr.", "Dogs are loyal.",
                                            "They fetch."])
    assert layout.same_paragraph(threads, claims, by_post) == [False, True, False, True]


def test_layout_lines_are_paragraphs_in_a_post_without_blank_lines():
    # plain-text exports (the seed documents) break paragraphs with one newline
    text = "  Cats are great. They purr.\nDogs are loyal. They fetch.\nFish swim."
    threads, claims, by_post = _post(text, ["Cats are great.", "They purr.", "Dogs are loyal.",
                                            "They fetch.", "Fish swim."])
    assert layout.same_paragraph(threads, claims, by_post) == [False, True, False, True, False]


def test_layout_one_line_post_has_no_paragraph_structure():
    text = "Cats are great. They purr. Dogs are loyal."
    threads, claims, by_post = _post(text, ["Cats are great.", "They purr.", "Dogs are loyal."])
    assert layout.same_paragraph(threads, claims, by_post) == [False, False, False]
