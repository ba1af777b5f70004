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
_ESCAPE = re.compile(f"\\\\([{re.escape(_ESCAPABLE)}])")
# While inline syntax is rendered, escaped characters are held as private-use code points (the
# first block of them the text does not use), so "\*not emphasis\*" keeps its two stars.
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_HOLD_BASES = range(0xE000, 0xF8FF - len(_ESCAPABLE), 0x100)
# an escape at the start of a line that would turn into block syntax if undone ("\> x" must
# not become a quote, "\# x" a heading, "\- x" a bullet)
_BLOCK_ESCAPE = re.compile(r"^([ \t]*)\\(>|[#+*-](?=[ \t]|$))", re.M)
# (mark, pattern) in the order they apply; a pattern runs only where its mark occurs. The
# look-behinds follow the literal, so the engine scans for the mark first.
_EMPHASIS = (
    # ***x***, **x**, ~~x~~: the delimiters hug the text
    ("*", re.compile(r"(\*\*\*|\*\*)(?=\S)([^\n]{1,1000}?)(?<=\S)\1")),
    ("~~", re.compile(r"(~~)(?=\S)([^\n]{1,1000}?)(?<=\S)\1")),
    # __x__, *x* and _x_ only between non-word characters ("__init__", "2*3*4" and snake_case
    # stay)
    ("__", re.compile(r"(__)(?<![\w_]__)(?=[^\s_])([^\n]{1,1000}?)(?<=[^\s_])__(?![\w_])")),
    ("*", re.compile(r"\*(?<![\w*]\*)(?=[^\s*])([^*\n]{1,1000}?)(?<=[^\s*])\*(?![\w*])")),
    ("_", re.compile(r"_(?<![\w_]_)(?=[^\s_])([^_\n]{1,1000}?)(?<=[^\s_])_(?![\w_])")),
)
_SPOILER = re.compile(r">!([^\n]{1,500}?)!<")
# "^(small print)" and "^^word": Reddit's superscript, only where a word starts ("2^10" stays)
_SUPERSCRIPT_GROUP = re.compile(r"\^(?<![^\s^]\^)\(([^()\n]{0,300})\)")
_SUPERSCRIPT = re.compile(r"\^(?<![^\s]\^)\^*(?=\S)")
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
    if "`" in text or "~~~" in text or "|" in text:  # code and tables: a look at each line
        return "\n".join(_by_line(text))
    return _keep_block_starts(text, _render(text))  # no rule crosses a line break


def _by_line(text: str) -> list[str]:
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
        elif not _SPECIAL.search(line):
            out.append(line)
        else:  # inline code spans stay verbatim
            pieces, last = [], 0
            for code in _INLINE_CODE.finditer(line):
                pieces += [_render(line[last:code.start()]), code.group()]
                last = code.end()
            pieces.append(_render(line[last:]))
            out.append(_keep_block_starts(line, "".join(pieces)))
    return out


def _keep_block_starts(source: str, rendered: str) -> str:
    """``rendered``, except a line whose rendering would start block syntax it did not start
    (or lose one it did: "^>" -> ">", "**#** x" -> "# x"), which stays as written: a writer's
    words must not turn into a quote or a heading."""
    if rendered == source:
        return source
    before, after = source.split("\n"), rendered.split("\n")
    for n, (old, new) in enumerate(zip(before, after, strict=True)):
        if old != new and _block_start(old) != _block_start(new):
            after[n] = old
    return "\n".join(after)


def _block_start(line: str) -> str | None:
    found = _BLOCK_START.match(line)
    return found.group(1) if found else None


def _hold_base(text: str) -> int | None:
    """The first block of private-use code points ``text`` does not use (None: it uses all)."""
    if not _PRIVATE_USE.search(text):
        return _HOLD_BASES[0]
    used = {ord(c) for c in _PRIVATE_USE.findall(text)}
    for base in _HOLD_BASES:
        if used.isdisjoint(range(base, base + len(_ESCAPABLE))):
            return base
    return None


def _render(text: str) -> str:
    """Links, spoilers, emphasis and superscript rendered, then escapes undone; an escape at a
    line start that would make block syntax ("\\> x", "\\# x") stays escaped."""
    base = _hold_base(text) if text else None
    if base is None:
        return text
    held = {base + n: c for n, c in enumerate(_ESCAPABLE)}

    def hold(char: str) -> str:
        return chr(base + _ESCAPABLE.index(char))

    # each rule runs only where its mark occurs (a substring test is ~100x cheaper than a
    # pattern with a look-behind, which is tried at every position)
    if "\\" in text:
        text = _BLOCK_ESCAPE.sub(lambda m: m.group(1) + hold("\\") + hold(m.group(2)), text)
        text = _ESCAPE.sub(lambda m: hold(m.group(1)), text)
    if "&" in text or "\u200b" in text or "\ufeff" in text:
        text = _NBSP.sub(" ", _ZERO_WIDTH.sub("", text))
    if "](" in text:
        text = _LINK.sub(_link_text, text)
    if ">!" in text:
        text = _SPOILER.sub(r"\1", text)
    for mark, pattern in _EMPHASIS:
        if mark in text:
            text = pattern.sub(lambda m: m.group(m.lastindex or 1), text)
    if "^" in text:
        text = _SUPERSCRIPT.sub("", _SUPERSCRIPT_GROUP.sub(r"\1", text))
    return text.translate(held)


def _link_text(match: re.Match[str]) -> str:
    label = match.group("label").strip()
    return label if label else match.group("target")
