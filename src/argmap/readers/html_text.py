"""HTML (HN ``text``, Discourse ``cooked``, LessWrong ``htmlBody``) to plain text.

Built on the stdlib's event-driven ``html.parser``: it never recurses, so a comment that nests
10,000 ``<div>``s cannot hit a recursion limit, and it tolerates any broken markup. Block tags
become newlines, ``<script>``/``<style>`` vanish, ``<blockquote>`` lines get a ``> `` prefix
(the segmenter drops those as quoted), and Discourse ``<aside class="quote" data-post=N>``
blocks are taken out *before* flattening and returned as quotes, so the quoted text is never
mistaken for the replier's own claim.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser

BLOCK_TAGS = frozenset({
    "p", "div", "br", "li", "ul", "ol", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5",
    "h6", "tr", "table", "aside", "hr", "section", "article", "header", "footer", "dd", "dt",
    "figure", "figcaption",
})
DROPPED_TAGS = frozenset({"script", "style", "template", "noscript", "head", "title"})
VOID_TAGS = frozenset({"br", "hr", "img", "input", "meta", "link", "wbr", "area", "col"})
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_MANY_NEWLINES = re.compile(r"\n{3,}")


@dataclass(frozen=True, slots=True)
class HtmlQuote:
    """A quote block found in the HTML: its text and the quoted post number if given."""

    text: str
    post_number: str | None = None
    username: str | None = None


class _Flattener(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.quote_out: list[str] = []
        self.quotes: list[HtmlQuote] = []
        self.open_tags: list[str] = []
        self.open_count: Counter[str] = Counter()  # O(1) "is this tag open?" on hostile nesting
        self.drop_depth = 0  # inside script/style
        self.quote_depth = 0  # inside aside.quote (depth of open tags at its start)
        self.quote_attrs: dict[str, str | None] = {}
        self.pre_depth = 0
        self.blockquote_depth = 0

    def _sink(self) -> list[str]:
        return self.quote_out if self.quote_depth else self.out

    def _newline(self) -> None:
        sink = self._sink()
        sink.append("\n")
        if self.blockquote_depth and not self.quote_depth:
            sink.append("> ")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID_TAGS:
            if tag in BLOCK_TAGS and not self.drop_depth:
                self._newline()
            return
        self.open_tags.append(tag)
        self.open_count[tag] += 1
        if tag in DROPPED_TAGS:
            self.drop_depth += 1
            return
        classes = (dict(attrs).get("class") or "").split()
        if tag == "aside" and "quote" in classes and not self.quote_depth:
            self.quote_depth = len(self.open_tags)
            self.quote_attrs = dict(attrs)
            self.quote_out = []
            return
        if tag == "pre":
            self.pre_depth += 1
        if tag == "blockquote":
            self.blockquote_depth += 1
        if tag in BLOCK_TAGS:
            self._newline()
        if tag == "li":
            self._sink().append("* ")

    def handle_endtag(self, tag: str) -> None:
        if not self.open_count[tag]:
            return  # stray end tag: ignore, as browsers do
        while self.open_tags:
            closed = self.open_tags.pop()
            self.open_count[closed] -= 1
            self._close(closed)
            if closed == tag:
                break

    def _close(self, tag: str) -> None:
        if tag in DROPPED_TAGS:
            self.drop_depth = max(0, self.drop_depth - 1)
            return
        if self.quote_depth and len(self.open_tags) < self.quote_depth:
            text = _tidy("".join(self.quote_out))
            # The quote's title line ("user said:") is part of the aside; keep the body.
            self.quotes.append(HtmlQuote(text, self.quote_attrs.get("data-post"),
                                         self.quote_attrs.get("data-username")))
            self.quote_depth = 0
            self.quote_out = []
            return
        if tag == "pre":
            self.pre_depth = max(0, self.pre_depth - 1)
        if tag == "blockquote":
            self.blockquote_depth = max(0, self.blockquote_depth - 1)
        if tag in BLOCK_TAGS:
            self._newline()

    def handle_data(self, data: str) -> None:
        if self.drop_depth:
            return
        if not self.pre_depth:
            data = _SPACES.sub(" ", data.replace("\n", " "))
        elif self.blockquote_depth:
            data = data.replace("\n", "\n> ")
        self._sink().append(data)


def _tidy(text: str) -> str:
    lines = [line.strip(" ") for line in text.split("\n")]
    cleaned = "\n".join(line if line not in {">", "*"} else "" for line in lines)
    return _MANY_NEWLINES.sub("\n\n", cleaned).strip()


def html_to_text(html: str) -> tuple[str, tuple[HtmlQuote, ...]]:
    """Plain text of ``html`` and the ``aside.quote`` blocks taken out of it."""
    parser = _Flattener()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):  # pragma: no cover - html.parser is very lenient
        pass
    if parser.quote_depth:  # unterminated aside: keep what it quoted
        parser.quotes.append(HtmlQuote(_tidy("".join(parser.quote_out)),
                                       parser.quote_attrs.get("data-post")))
    return _tidy("".join(parser.out)), tuple(parser.quotes)
