"""Forum-aware blocks and sentences: character spans, never rewritten text.

Why a layer before Punkt: forum posts are not prose. Quoted lines, code fences, markdown
headings, bullets, footnote lines and bare links would otherwise be glued into sentences and
become claims. ``scan_blocks`` sorts every line into text or a drop reason; ``split_sentences``
then runs Punkt (argmap's shipped parameters, see ``punkt.punkt_tokenizer``; run through
``punkt_fast``) inside text blocks only. Every span indexes the original string, so
``text[start:end]`` is always verbatim.

Hostile input: Punkt sees at most ``MAX_BLOCK_CHARS`` at a time and no sentence is longer than
``MAX_SENTENCE_CHARS`` (it is cut at whitespace), so run time stays linear in the input.
"""

from __future__ import annotations

import re

from argmap.model import DropReason
from argmap.segment.punkt_fast import span_tokenize

TEXT = "text"  # block kind for prose; every other block kind is a DropReason
MAX_BLOCK_CHARS = 20_000
MAX_SENTENCE_CHARS = 2_000

_LINE = re.compile(r"[^\n]*\n?")
_FENCE = re.compile(r"[ \t]*(```|~~~)")
_QUOTE = re.compile(r"[ \t]*(>|&gt;)")
_MD_HEADING = re.compile(r"[ \t]{0,3}#{1,6}(\s|$)")
_FOOTNOTE_LINE = re.compile(r"[ \t]*\[\^?\d{1,3}\]:?\s")
# A bare link, or a markdown link whose text is at most three words (a link with a sentence
# as its text is prose: CMV writers argue in link texts). Bounded, so it cannot backtrack.
_URL_ONLY = re.compile(
    r"[ \t]*(<?(https?://|www\.)\S+>?|\[(?P<label>[^\]\n]{0,200})\]\((https?://|www\.)[^)\s]*\))"
    r"[ \t]*\r?\n?$"
)
LINK_LABEL_MAX_WORDS = 3
_BARE_URL = re.compile(r"(https?://|www\.)\S*")
_BULLET = re.compile(r"[ \t]*([*+\-\u2022]|\d{1,3}\.?\)|\d{1,3}\.|\(?[a-h]\.?\))[ \t]+(?=\S)")
_RULE = re.compile(r"[ \t]*([-*_=][ \t]*){3,}\r?\n?$")
_ENDS_SENTENCE = re.compile(r"[.!?:;,\"')\]\u201d\u2019*_]\s*$")
_STARTS_LOWER = re.compile(r"\s*[a-z(]")
_FOOTNOTE_MARK = re.compile(r"\[\^?\d{1,3}\]")
_WORD = re.compile(r"\w+")
_CLOSERS = ".?!\"')]}*_\u201d\u2019"
DENSE_MARK_CHARS = 12  # fewer than this many characters per .?! on average: not prose
_MARK_RUN = re.compile(r"[.?!]+\s")
_DENSE_BREAK = re.compile(r"[.?!]+[\"')\]\u201d\u2019]*\s+")
# "benefit.My experience": a sentence end with the space missing, which Punkt cannot see.
_GLUED_END = re.compile(r"[a-z]{2}[.!?](?=[A-Z][a-z])")
HEADING_MAX_WORDS = 10
_LEAD_IN_ENDINGS = frozenset(
    "a an the of to by for with in on at from as and or but that which because is are was "
    "were be include includes including like such".split()
)


_SMALL_WORDS = frozenset("a an the of and or to in on for with at by vs from as nor but".split())
_FULL_STOP = re.compile(r"[.!?][\"')\]\u201d\u2019*_]*\s*$")
TITLE_MIN_WORDS = 3
_TITLE_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")


def is_title_case(line: str) -> bool:
    """A line in title case with no full stop: "Emphasize Innovation (Again, Don't
    Overregulate)", an outline item or a heading, wherever it stands (a sentence capitalises
    its first word and its names, not most of its words)."""
    if _FULL_STOP.search(line):
        return False
    words = _TITLE_WORD.findall(line)
    content = [w for w in words[1:] if w.lower() not in _SMALL_WORDS]
    if len(words) < TITLE_MIN_WORDS or len(content) < 2:
        return False
    return sum(w[0].isupper() for w in content) >= 0.8 * len(content)


def _is_heading(line: str, next_line: str | None) -> bool:
    """A short unpunctuated line followed by a blank line or more prose is a heading/title, and
    so is a line in title case (``is_title_case``).

    A line ending in a function word ("... justified the change by") is a lead-in to what
    follows (often a list), not a heading, so it stays prose.
    """
    if len(line) <= 200 and is_title_case(line):
        return True
    if next_line is None or _ENDS_SENTENCE.search(line):
        return False
    words = _WORD.findall(line)
    if words and words[-1].lower() in _LEAD_IN_ENDINGS:
        return False
    return 0 < len(words) <= HEADING_MAX_WORDS and not _STARTS_LOWER.match(next_line)


def scan_blocks(text: str) -> list[tuple[int, int, str]]:
    """Cut a post into (start, end, kind) blocks, kind TEXT or a DropReason value.

    Blank lines separate blocks. A line that ends without punctuation and is continued by a
    line starting in lower case is one block (hard-wrapped prose); other line breaks end a
    block, because forum writers use them as sentence breaks. Spans are trimmed of whitespace.
    """
    lines: list[tuple[int, str]] = []
    for match in _LINE.finditer(text):
        if match.start() == match.end():
            break
        lines.append((match.start(), match.group()))
    blocks: list[tuple[int, int, str]] = []
    in_code = False
    count = len(lines)
    for index, (offset, line) in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        start = offset + (len(line) - len(line.lstrip()))
        end = offset + len(line.rstrip())
        if _FENCE.match(line):
            in_code = not in_code
            blocks.append((start, end, DropReason.CODE.value))
            continue
        if in_code:
            blocks.append((start, end, DropReason.CODE.value))
            continue
        kind = _line_kind(line, _next_nonblank(lines, index, count))
        if kind == TEXT:
            bullet = _BULLET.match(line)
            if bullet:
                marker_end = offset + bullet.end()
                blocks.append(
                    (
                        start,
                        offset + len(bullet.group().rstrip()),
                        DropReason.NOT_ARGUMENTATIVE.value,
                    )
                )
                start = marker_end
            if (
                blocks
                and blocks[-1][2] == TEXT
                and _continues(text, blocks[-1], offset, line, bullet)
            ):
                start = blocks.pop()[0]
        blocks.append((start, end, kind))
    return blocks


def _next_nonblank(lines: list[tuple[int, str]], index: int, count: int) -> str | None:
    """The next line if it is not blank; '' if a blank line follows; None at the end."""
    for later in range(index + 1, count):
        candidate = lines[later][1]
        if candidate.strip():
            return candidate if later == index + 1 else ""
    return None


def _line_kind(line: str, next_line: str | None) -> str:
    if _QUOTE.match(line):
        return DropReason.QUOTED.value
    if _MD_HEADING.match(line):
        return DropReason.HEADING.value
    if _FOOTNOTE_LINE.match(line):
        return DropReason.FOOTNOTE.value
    url = _URL_ONLY.match(line)
    if url and len(_WORD.findall(_BARE_URL.sub(" ", url.group("label") or ""))) <= LINK_LABEL_MAX_WORDS:
        return DropReason.URL_ONLY.value  # a link whose text is itself a URL is still a link
    if _RULE.match(line):
        return DropReason.NOT_ARGUMENTATIVE.value
    if _is_heading(line.strip(), next_line):
        return DropReason.HEADING.value
    return TEXT


def _continues(
    text: str, previous: tuple[int, int, str], offset: int, line: str, bullet: re.Match[str] | None
) -> bool:
    """Whether this line continues the previous text block (hard-wrapped prose)."""
    gap = text[previous[1] : offset]
    if gap.count("\n") != 1 or bullet is not None:
        return False
    return not _ENDS_SENTENCE.search(text[previous[0] : previous[1]]) and bool(
        _STARTS_LOWER.match(line)
    )


def _mask_footnote_marks(block: str) -> str:
    """Blank out [1]-style markers (same length) so Punkt sees the period before them."""
    if "[" not in block:
        return block
    return _FOOTNOTE_MARK.sub(lambda m: " " * len(m.group()), block)


def punkt_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Punkt sentence spans inside text[start:end], trimmed, with hostile-input caps."""
    spans: list[tuple[int, int]] = []
    for chunk_start in range(start, end, MAX_BLOCK_CHARS):
        chunk_end = min(end, chunk_start + MAX_BLOCK_CHARS)
        chunk = _mask_footnote_marks(text[chunk_start:chunk_end])
        # A glued end inside a sentence is one in the chunk too; most chunks have none, and
        # one scan of the chunk then saves a scan per sentence.
        glued = _GLUED_END.search(chunk) is not None
        for s, e in _sentence_candidates(chunk):
            s, e = _trim(chunk, s, e)
            if s >= e:
                continue
            if not glued and e - s <= MAX_SENTENCE_CHARS:
                spans.append((chunk_start + s, chunk_start + e))  # the common case, as below
                continue
            cuts = [s, *(m.end() for m in _GLUED_END.finditer(chunk, s, e)), e]
            for left, right in zip(cuts, cuts[1:], strict=False):
                for piece_start in range(left, right, MAX_SENTENCE_CHARS):
                    ps, pe = _trim(chunk, piece_start, min(right, piece_start + MAX_SENTENCE_CHARS))
                    if ps < pe:
                        spans.append((chunk_start + ps, chunk_start + pe))
    return spans


def _sentence_candidates(chunk: str) -> list[tuple[int, int]]:
    """Punkt's spans, skipping Punkt when it cannot matter or would be slow.

    Punkt only ever breaks after ``.?!``; a chunk with none before its final punctuation is
    one sentence. A chunk with a sentence-end mark every few characters is not prose (hostile
    or garbage input, where Punkt's per-candidate work dominates): it is cut at every mark.
    """
    body = chunk.rstrip().rstrip(_CLOSERS)
    if "." not in body and "?" not in body and "!" not in body:
        return [(0, len(chunk))]
    # Counting every mark run is only needed when the chunk could be dense; the number of
    # mark characters bounds it from above and costs three C scans.
    bound = body.count(".") + body.count("?") + body.count("!")
    dense = bound * DENSE_MARK_CHARS > len(chunk)
    marks = len(_MARK_RUN.findall(body)) if dense else int(_MARK_RUN.search(body) is not None)
    if marks == 0:
        return [(0, len(chunk))]
    if dense and marks * DENSE_MARK_CHARS > len(chunk):
        spans, position = [], 0
        for match in _DENSE_BREAK.finditer(chunk):
            spans.append((position, match.end()))
            position = match.end()
        spans.append((position, len(chunk)))
        return spans
    return span_tokenize(chunk)  # NLTK Punkt's spans, computed faster (see punkt_fast)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of the prose in ``text`` (quotes, code, headings etc. left out)."""
    spans: list[tuple[int, int]] = []
    for start, end, kind in scan_blocks(text):
        if kind == TEXT:
            spans.extend(punkt_spans(text, start, end))
    return spans
