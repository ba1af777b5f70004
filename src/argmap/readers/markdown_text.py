"""Reddit-flavoured markdown rendered to the text a reader sees, block markers kept.

Why: a Reddit ``body`` is markdown source. Left as it is, claims carry link targets, escapes
and emphasis marks (``\\#2: [Power BI laughs nervously](https://i.redd.it/...)``), and the
map, the summaries, the topic terms and the similarity features all see them. Hacker News,
Discourse and LessWrong send HTML, which ``html_text`` renders; this is the same step for
markdown.

Only *inline* syntax is rendered: links and images become their text, backslash escapes their
character, emphasis, strike-through, superscript and spoiler marks go, and zero-width
characters Reddit users paste as spacers are removed. *Block* syntax (``>`` quotes, ``#``
headings, code fences, bullets, table rows) stays, because ``sentences.scan_blocks`` sorts
lines by it (a quoted line is a quote, not a claim). Code (fenced blocks and ``inline code``)
is left verbatim. Every pattern is bounded, so hostile input costs linear time.
"""

from __future__ import annotations

import re

_FENCE = re.compile(r"[ \t]*(```|~~~)")
_INLINE_CODE = re.compile(r"(`+)[^`\n]{1,2000}?\1")
# [label](target "title"), target without spaces; one level of parentheses inside the target
# (Wikipedia links). An image is the same with "!" in front and its alt text as the label.
_LINK = re.compile(
    r"!?\[(?P<label>[^\[\]\n]{0,500})\]"
    r"\((?P<target>(?:[^()\s]|\([^()\s]{0,200}\)){1,2000})(?:[ \t]+\"[^\"\n]{0,300}\")?\)"
)
# "\#" -> "#": markdown's escapable punctuation
_ESCAPABLE = "\\`*_{}[]()#+-.!|>~^"
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~^])")
_HELD = 0xE000  # private-use code points stand in for escaped characters while rendering
_HELD_CHARS = re.compile(f"[{chr(_HELD)}-{chr(_HELD + len(_ESCAPABLE) - 1)}]")
_RESTORE = {_HELD + n: c for n, c in enumerate(_ESCAPABLE)}
# an escape at the start of a line that would turn into block syntax if undone ("\> x" must
# not become a quote, "\# x" a heading, "\- x" a bullet)
_BLOCK_ESCAPE = re.compile(r"^([ \t]*)\\(>|[#+*-](?=[ \t]|$))", re.M)
_EMPHASIS = (
    # ***x***, **x**, __x__, ~~x~~: the delimiters hug the text
    re.compile(r"(\*\*\*|\*\*|__|~~)(?=\S)([^\n]{1,1000}?)(?<=\S)\1"),
    # *x* and _x_ only between non-word characters ("2*3*4" and snake_case stay)
    re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]{1,1000}?)(?<=[^\s*])\*(?![\w*])"),
    re.compile(r"(?<![\w_])_(?=[^\s_])([^_\n]{1,1000}?)(?<=[^\s_])_(?![\w_])"),
)
_SPOILER = re.compile(r">!([^\n]{1,500}?)!<")
# "^(small print)" and "^^word": Reddit's superscript, only where a word starts ("2^10" stays)
_SUPERSCRIPT_GROUP = re.compile(r"(?:^|(?<=[\s^]))\^\(([^()\n]{0,300})\)")
_SUPERSCRIPT = re.compile(r"(?:^|(?<=\s))\^+(?=\S)")
_TABLE_RULE = re.compile(r"[ \t|:-]{3,2000}")  # |---|:-:| (with "|" and "-" in the line)
_ZERO_WIDTH = re.compile("&#x200[bB];|&#8203;|\u200b|\ufeff")
_NBSP = re.compile(r"&nbsp;")
# what ``sentences.scan_blocks`` reads as a quote, a heading, a fence or a bullet
_BLOCK_START = re.compile(r"[ \t]*(>|#{1,6}(?=[ \t]|$)|```|~~~|[-*+](?=[ \t]))")
# any of these characters may start inline syntax; a line without them is returned as it is
_SPECIAL = re.compile(r"[\\*_\[\]^~`|&\u200b\ufeff!]")


def markdown_to_text(text: str) -> str:
    """The text of a markdown post as a reader sees it, with its block markers kept."""
    if not _SPECIAL.search(text):
        return text
    out: list[str] = []
    in_code = False
    for line in text.split("\n"):
        if _FENCE.match(line):
            in_code = not in_code
            out.append(line)
        elif in_code:
            out.append(line)
        elif "|" in line and "-" in line and _TABLE_RULE.fullmatch(line):
            continue  # the |---|---| row under a table header carries no text
        else:
            out.append(_render_line(line))
    return "\n".join(out)


def _render_line(line: str) -> str:
    """Inline markdown of one line rendered, inline code spans left verbatim. A line whose
    rendering would start block syntax it did not start ("^>" -> ">", "**#**" -> "#") is
    left as it is: a writer's words must not turn into a quote or a heading."""
    if not _SPECIAL.search(line):
        return line
    rendered = _render_inline(line)
    if _block_start(rendered) != _block_start(line):
        return line
    return rendered


def _block_start(line: str) -> str | None:
    found = _BLOCK_START.match(line)
    return found.group(1) if found else None


def _render_inline(line: str) -> str:
    pieces, last = [], 0
    for code in _INLINE_CODE.finditer(line):
        pieces.append(_render_prose(line[last:code.start()]))
        pieces.append(code.group())
        last = code.end()
    pieces.append(_render_prose(line[last:]))
    return "".join(pieces)


def _render_prose(text: str) -> str:
    """Links, spoilers, emphasis and superscript rendered, then escapes undone. Escaped
    characters are held as private-use code points meanwhile, so "\\*not emphasis\\*" stays
    two stars (a text that already holds such code points has its escapes undone last)."""
    if not text:
        return text
    head = ""
    kept = _BLOCK_ESCAPE.match(text)
    if kept is not None:  # "\\> x" at a line start stays escaped: undone, it would quote
        head, text = text[:kept.end()], text[kept.end():]
    hold = _HELD_CHARS.search(text) is None
    if hold:
        text = _ESCAPE.sub(lambda m: chr(_HELD + _ESCAPABLE.index(m.group(1))), text)
    text = _ZERO_WIDTH.sub("", text)
    text = _NBSP.sub(" ", text)
    text = _LINK.sub(_link_text, text)
    text = _SPOILER.sub(r"\1", text)
    for pattern in _EMPHASIS:
        text = pattern.sub(lambda m: m.group(m.lastindex or 1), text)
    text = _SUPERSCRIPT_GROUP.sub(r"\1", text)
    text = _SUPERSCRIPT.sub("", text)
    text = text.translate(_RESTORE) if hold else _ESCAPE.sub(r"\1", text)
    return head + text


def _link_text(match: re.Match[str]) -> str:
    label = match.group("label").strip()
    return label if label else match.group("target")
