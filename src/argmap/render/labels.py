"""The one place where post text becomes Graphviz text.

Post text is hostile. Graphviz reads labels as escStrings (``\\N`` leaks the node id, a trailing
backslash breaks the file), decodes ``&#60;`` entities, treats ``<...>`` as an HTML-like label
when a library passes it through, writes C0 controls into the SVG so it is no longer XML, and
rejects strings over 16 KB. Every label, cluster title and tooltip therefore goes through the
recipe below and nowhere else, so one property test covers them all:

text -> replace lone surrogates -> NFC -> drop controls (C0 except newline/tab, DEL, C1, NUL,
U+FFFE/U+FFFF, bidi overrides and isolates) -> cap the length with "..." -> wrap by display
width (CJK and emoji count double, combining marks count zero) -> per line: "&" -> "&amp;",
``graphviz.escape`` -> join with ``\\l`` (left-justified lines) -> ``NoHtml``.

``label_lines`` returns the lines *before* escaping: what a reader must see in the SVG, which
is what the tests compare against.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import graphviz

ELLIPSIS = "\u2026"
BACKSLASH_LOOKALIKE = "\u29f5"  # REVERSE SOLIDUS OPERATOR, used in tooltips only (see below)

_SURROGATES = re.compile("[\ud800-\udfff]")
# C0 except \t and \n, DEL, C1, noncharacters FFFE/FFFF, bidi embeddings/overrides/isolates and
# the directional marks: in DOT/SVG they either break XML or reorder what a reader sees.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]"
)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u2028\u2029]+")


def clean_text(text: str) -> str:
    """Text that is valid Unicode, NFC, and free of characters that break DOT, SVG or XML."""
    repaired = _SURROGATES.sub("\ufffd", text)
    return _UNSAFE.sub("", unicodedata.normalize("NFC", repaired))


@lru_cache(maxsize=8192)
def char_width(char: str) -> int:
    """Columns a character takes on screen: 2 for wide (CJK, most emoji), 0 for marks."""
    if unicodedata.combining(char) or unicodedata.category(char) in {"Mn", "Me", "Cf"}:
        return 0
    return 2 if unicodedata.east_asian_width(char) in {"W", "F"} else 1


def display_width(text: str) -> int:
    """Columns ``text`` takes (every ASCII character takes one: the common case, fast)."""
    return len(text) if text.isascii() else sum(char_width(c) for c in text)


def truncate(text: str, max_chars: int) -> str:
    """At most ``max_chars`` characters, ending in "..." when something was cut."""
    if max_chars <= 0:
        return ""
    if len(text) <= max_chars:
        return text
    return text[: max_chars - 1].rstrip() + ELLIPSIS


def _break_word(word: str, width: int) -> list[str]:
    """Split a word wider than a line, never between a base character and its marks."""
    if word.isascii():  # one column a character: plain slices (the same pieces, faster)
        return [word[i:i + width] for i in range(0, len(word), width)]
    pieces: list[str] = []
    current, used = "", 0
    for char in word:
        w = char_width(char)
        if current and w and used + w > width:
            pieces.append(current)
            current, used = "", 0
        current += char
        used += w
    if current:
        pieces.append(current)
    return pieces


def wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap by display width; newlines in the text start a new line."""
    width = max(width, 4)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current, used = "", 0
        for word in _SPACES.split(paragraph.strip()):
            if not word:
                continue
            for piece in _break_word(word, width):
                w = display_width(piece)
                if current and used + 1 + w <= width:
                    current, used = current + " " + piece, used + 1 + w
                else:
                    if current:
                        lines.append(current)
                    current, used = piece, w
        if current:
            lines.append(current)
    return lines


def label_lines(text: str, *, width: int = 34, max_chars: int = 600) -> list[str]:
    """The lines a reader sees for ``text``: cleaned, capped, wrapped (not yet escaped)."""
    return wrap(truncate(clean_text(text), max_chars), width)


def dot_text(text: str, *, width: int = 34, max_chars: int = 600) -> graphviz.quoting.NoHtml:
    """``text`` as a DOT label value: every line left-justified, literal to the last byte.

    The result still needs the ``"`` quoting every DOT string gets (``dot.quoted`` or the
    graphviz package's own quoting); it is a ``NoHtml`` so the package never reads it as an
    HTML-like label.
    """
    return dot_label(label_lines(text, width=width, max_chars=max_chars))


def dot_label(lines: list[str]) -> graphviz.quoting.NoHtml:
    """Lines from ``label_lines`` as a DOT label (for callers that already wrapped the text)."""
    escaped = [graphviz.escape(line.replace("&", "&amp;")) for line in lines]
    return graphviz.nohtml("".join(line + "\\l" for line in escaped))


def tooltip_text(text: str, *, max_chars: int = 300) -> graphviz.quoting.NoHtml:
    """``text`` as a DOT tooltip: one capped line of plain text.

    Graphviz 2.43 runs tooltips through escString expansion twice, so a doubled backslash still
    leaks ``\\N``; newer releases do it once. No escaping works for both, so backslashes in
    tooltips become a look-alike character. Labels keep real backslashes.
    """
    flat = " ".join(_SPACES.split(clean_text(text).replace("\n", " "))).strip()
    capped = truncate(flat, max_chars)
    return graphviz.nohtml(capped.replace("\\", BACKSLASH_LOOKALIKE).replace("&", "&amp;"))


def tooltip_visible(text: str, *, max_chars: int = 300) -> str:
    """What a tooltip shows for ``text`` (for tests and for the HTML report's own tooltips)."""
    return str(tooltip_text(text, max_chars=max_chars)).replace("&amp;", "&")


def quoted(value: str) -> str:
    """A DOT double-quoted string for an already-escaped value (labels, tooltips, URLs)."""
    return '"' + value.replace('"', '\\"') + '"'
