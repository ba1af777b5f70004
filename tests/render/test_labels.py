"""The one label recipe: literal text, valid XML characters, capped, wrapped by display width."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from argmap.render.labels import (
    ELLIPSIS,
    _break_word,
    char_width,
    clean_text,
    display_width,
    dot_label,
    dot_text,
    label_lines,
    quoted,
    tooltip_text,
)

XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _unescape_label(value: str) -> list[str]:
    """Undo dot_text: split on the \\l line ends, halve backslashes, decode &amp;."""
    assert value.endswith("\\l") or value == ""
    lines = re.split(r"(?<!\\)((?:\\\\)*)\\l", value)
    joined = [a + b for a, b in zip(lines[0::2], lines[1::2] + [""], strict=True)]
    return [line.replace("\\\\", "\\").replace("&amp;", "&") for line in joined if line]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400), st.integers(min_value=4, max_value=60))
def test_render_labels_lines_fit_the_width_and_keep_every_word(text, width):
    lines = label_lines(text, width=width, max_chars=10_000)
    for line in lines:
        assert display_width(line) <= width or len(line) == 1 or display_width(line[0]) > width
        assert not XML_ILLEGAL.search(line)
    assert "".join("".join(lines).split()) == "".join(clean_text(text).split())


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_render_labels_dot_text_is_literal_and_reversible(text):
    value = str(dot_text(text, width=20, max_chars=10_000))
    assert _unescape_label(value) == label_lines(text, width=20, max_chars=10_000)
    assert not re.search(r"(?<!\\)(\\\\)*\\[^\\l]", value)  # no live escString but \l
    assert not XML_ILLEGAL.search(value)


def test_render_labels_removes_controls_bidi_and_noncharacters():
    text = "a\x00b\x01c\x0cd\u202ee\ufffef\uffff\ud800g\x7fh\u2066i"
    assert clean_text(text) == "abcde" + "f\ufffdghi"


def test_render_labels_caps_length_with_an_ellipsis():
    lines = label_lines("word " * 10_000, width=30, max_chars=100)
    joined = " ".join(lines)
    assert joined.endswith(ELLIPSIS) and len(joined) <= 100
    assert len(str(dot_text("x" * 50_000))) < 2000
    assert len(str(tooltip_text("y" * 50_000, max_chars=300))) <= 300


def test_render_labels_wraps_cjk_by_display_width_and_keeps_marks_with_their_base():
    lines = label_lines("中" * 20, width=10)
    assert lines == ["中" * 5] * 4
    marked = "q\u0301\u0323" * 12  # no precomposed form: NFC keeps the marks
    for line in label_lines(marked, width=5):
        assert line.startswith("q") and display_width(line) <= 5 and len(line) % 3 == 0


def test_render_labels_tooltips_have_no_backslashes_and_no_raw_ampersands():
    value = str(tooltip_text('a\\N "q" &#60;b&#62;\nnext'))
    assert "\\" not in value and "\n" not in value
    assert "&amp;#60;" in value
    assert quoted('say "hi"') == '"say \\"hi\\""'


SAFE_CHARS = st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters=(
    "\ufffe\uffff\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"))


@settings(max_examples=200, deadline=None)
@given(st.text(SAFE_CHARS, min_size=30, max_size=200))
def test_render_labels_clean_text_keeps_every_safe_character(text):
    import unicodedata

    assert clean_text(text) == unicodedata.normalize("NFC", text)
    lines = label_lines(text, width=25, max_chars=10_000)
    assert "".join("".join(lines).split()) == "".join(unicodedata.normalize("NFC", text).split())


def _break_word_by_columns(word: str, width: int) -> list[str]:
    """The general rule ``_break_word`` follows, character by character."""
    pieces, current, used = [], "", 0
    for char in word:
        w = char_width(char)
        if current and w and used + w > width:
            pieces.append(current)
            current, used = "", 0
        current += char
        used += w
    return pieces + ([current] if current else [])


@settings(max_examples=300)
@given(st.text(max_size=120) | st.text(st.characters(max_codepoint=127), max_size=120),
       st.integers(4, 40))
def test_labels_ascii_fast_paths_equal_the_per_character_rule(text, width):
    assert display_width(text) == sum(char_width(c) for c in text)
    assert _break_word(text, width) == _break_word_by_columns(text, width)
    assert dot_label(label_lines(text, width=width)) == dot_text(text, width=width)
