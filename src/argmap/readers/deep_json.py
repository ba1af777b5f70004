"""JSON nested deeper than orjson parses (1,024 levels), read without recursion.

Why: orjson refuses any document nested deeper than 1,024 levels ("depth limit exceeded"), and
real exports get there. A Reddit comment tree nests five JSON levels per reply (t1, data,
replies, data, children), so a back-and-forth of ~200 replies in the API's own JSON is past
it; an HN Algolia item tree nests two per reply. Such a file was refused as invalid JSON
(exit 65), or, for a one-line file, reported as a record "cut off", though nothing was wrong
with it. The readers walk reply trees with explicit stacks, so only the parse was in the way.

``loads`` tries orjson first (every ordinary document, at its speed) and only on its depth
error parses the text again here: iteratively, with an explicit stack, into the same Python
values orjson makes (the same numbers, the last of duplicate keys, no NaN, no lone
surrogates, no control characters in strings), up to ``MAX_DEPTH`` levels, so that a hostile
``[[[[...`` of a million brackets still ends in a clear error. Errors are
``orjson.JSONDecodeError`` with a character position, as orjson's are, so every caller places
them the same way.
"""

from __future__ import annotations

import math
import re
from json.decoder import scanstring  # type: ignore[attr-defined]  # C-accelerated, untyped
from typing import Any

import orjson

MAX_DEPTH = 100_000  # 20,000 replies of a Reddit chain in the API's nesting
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_NUMBER_CHARS = re.compile(r"[-+0-9.eE]+")
# what a number, or a string literal, may start as when the text ends inside it
_NUMBER_START = re.compile(
    r"(?:-|-?(?:0|[1-9][0-9]*)(?:\.(?:[0-9]+(?:[eE][-+]?[0-9]*)?)?|[eE][-+]?[0-9]*)?)\Z")
_STRING_START = re.compile(
    r'"(?:[^"\\\x00-\x1f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*(?:\\(?:u[0-9a-fA-F]{0,3})?)?\Z')
_SURROGATE = re.compile("[\ud800-\udfff]")
_LITERALS = (("true", True), ("false", False), ("null", None))
_ARRAY = None  # an open array's key slot on the stack (an object's is always a str)
_INT_RANGE = (-(2**63), 2**64 - 1)  # orjson's integers; others become floats
_END = "unexpected end of data"  # orjson's words when the text ends inside the value
_TOO_DEEP = "nested deeper than"


def loads(data: bytes | str) -> Any:
    """``orjson.loads``, and for a document nested deeper than orjson allows, the same value
    parsed without recursion (up to ``MAX_DEPTH`` levels)."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        if not exc.msg.startswith("depth limit"):
            raise
    text = data if isinstance(data, str) else _text(data)
    return deep_loads(text)


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        prefix = data[:exc.start].decode("utf-8")
        raise orjson.JSONDecodeError("str is not valid UTF-8", prefix, len(prefix)) from None


def problem_code(exc: ValueError | RecursionError) -> str:
    """The problem a record that did not parse is: ``nesting_too_deep`` past ``MAX_DEPTH``
    levels (or a recursion error anywhere), else ``invalid_json``."""
    if isinstance(exc, RecursionError) or (
            isinstance(exc, orjson.JSONDecodeError) and exc.msg.startswith(_TOO_DEEP)):
        return "nesting_too_deep"
    return "invalid_json"


def ends_early(exc: orjson.JSONDecodeError) -> bool:
    """Whether the text ran out inside the value (a record cut off), not that it was wrong."""
    return exc.msg == _END


def _fail(message: str, text: str, pos: int) -> orjson.JSONDecodeError:
    return orjson.JSONDecodeError(_END if pos >= len(text) else message, text, pos)


def deep_loads(text: str) -> Any:
    """Parse ``text`` as one JSON value with an explicit stack instead of recursion."""
    stack: list[list[Any]] = []  # [container, key or _ARRAY] per open container
    end = len(text)
    pos = _WHITESPACE.match(text, 0).end()  # type: ignore[union-attr]
    if pos == end:  # nothing to read is not a value cut off
        raise orjson.JSONDecodeError("input data is empty", text, 0)
    if _SURROGATE.search(text):  # as orjson: such a str is no UTF-8 text at all
        raise orjson.JSONDecodeError("str is not valid UTF-8: surrogates not allowed", text, 0)
    while True:
        value, pos, opened = _value(text, pos, len(stack))
        if opened is not None:
            stack.append(opened)
            continue
        while True:  # a complete value: put it in its container, close what it completes
            if not stack:
                pos = _WHITESPACE.match(text, pos).end()  # type: ignore[union-attr]
                if pos != end:
                    raise _fail("trailing characters after the JSON value", text, pos)
                return value
            top = stack[-1]
            if top[1] is _ARRAY:
                top[0].append(value)
            else:
                top[0][top[1]] = value
            pos = _WHITESPACE.match(text, pos).end()  # type: ignore[union-attr]
            char = text[pos:pos + 1]
            if char == ",":
                pos = _WHITESPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
                if top[1] is not _ARRAY:
                    top[1], pos = _key(text, pos)
                elif text[pos:pos + 1] == "]":
                    raise _fail("trailing comma is not allowed", text, pos)
                break
            if char == ("]" if top[1] is _ARRAY else "}"):
                value = stack.pop()[0]
                pos += 1
                continue
            raise _fail("expected ',' or the container's end", text, pos)


def _value(text: str, pos: int, depth: int) -> tuple[Any, int, list[Any] | None]:
    """The value at ``pos`` (after whitespace): a scalar or empty container and the position
    after it, or a container just opened (its stack entry) and the position of its first
    member."""
    pos = _WHITESPACE.match(text, pos).end()  # type: ignore[union-attr]
    char = text[pos:pos + 1]
    if char in ("[", "{"):
        if depth >= MAX_DEPTH:
            raise _fail(f"{_TOO_DEEP} {MAX_DEPTH:,} levels", text, pos)
        inner = _WHITESPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
        closer = "]" if char == "[" else "}"
        if text[inner:inner + 1] == closer:
            return ([] if char == "[" else {}), inner + 1, None
        if char == "[":
            return None, inner, [[], _ARRAY]
        key, after = _key(text, inner)
        return None, after, [{}, key]
    if char == '"':
        return (*_string(text, pos), None)
    number = _NUMBER.match(text, pos)
    if number is not None and number.end() > pos:
        chars = _NUMBER_CHARS.match(text, pos)
        if chars is not None and chars.end() == len(text) > number.end() and (
                _NUMBER_START.match(text, pos)):
            raise _fail("", text, len(text))  # "1." or "1e" cut off
        return _number(number, text), number.end(), None
    for word, literal in _LITERALS:
        if text.startswith(word, pos):
            return literal, pos + len(word), None
    rest = text[pos:]
    if rest and (_NUMBER_START.match(rest) or any(w.startswith(rest) for w, _ in _LITERALS)):
        raise _fail("", text, len(text))  # "-" or "tr" cut off
    raise _fail("unexpected character, expected a JSON value", text, pos)


def _key(text: str, pos: int) -> tuple[str, int]:
    """An object key at ``pos`` and the position after its colon."""
    if text[pos:pos + 1] != '"':
        raise _fail("expected a string key", text, pos)
    key, pos = _string(text, pos)
    pos = _WHITESPACE.match(text, pos).end()  # type: ignore[union-attr]
    if text[pos:pos + 1] != ":":
        raise _fail("expected ':' after the key", text, pos)
    return key, pos + 1


def _string(text: str, pos: int) -> tuple[str, int]:
    try:
        value, after = scanstring(text, pos + 1, True)
    except ValueError as exc:
        if _STRING_START.match(text, pos):  # the text ends inside the string
            raise _fail("", text, len(text)) from None
        raise _fail(f"invalid string ({getattr(exc, 'msg', exc)})", text, pos) from None
    if _SURROGATE.search(value):
        raise _fail("lone surrogate in string", text, pos)
    return value, after


def _number(match: re.Match[str], text: str) -> int | float:
    literal = match.group(0)
    if match.group(1) is None and match.group(2) is None:
        whole = int(literal)
        if _INT_RANGE[0] <= whole <= _INT_RANGE[1]:
            return whole
    value = float(literal)
    if math.isinf(value):
        raise _fail("number is infinity when parsed as double", text, match.start())
    return value
