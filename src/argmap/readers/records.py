"""Turning one JSON record into the values of a Post, defensively.

JSON from the wild has every field in every type: ids as numbers, times as ISO strings or
milliseconds, text as null. These helpers coerce what has one obvious meaning and report the
rest, so readers stay short and every one of them treats hostile records alike.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

DEFAULT_FIELDS: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content", "selftext", "message", "comment"),
    "id": ("id", "name", "_id", "post_id", "uid"),
    "reply_to": ("reply_to", "parent_id", "parent", "in_reply_to", "reply-to", "parentCommentId"),
    "author": ("author", "user", "by", "username", "speaker", "user_name"),
    "created": ("created", "created_utc", "timestamp", "time", "created_at", "date", "postedAt"),
    "thread": ("thread", "thread_id", "link_id", "conversation_id", "root", "topic_id",
               "story_id"),
    "title": ("title",),
    "url": ("url", "permalink", "link"),
}
_SAFE_URL = re.compile(r"https://[^\s<>\"'\\\x00-\x1f\x7f]{1,2000}")
MS_THRESHOLD = 1e11  # epoch values above this are milliseconds (year 5138 in seconds)


@dataclass(frozen=True, slots=True)
class Located:
    """A parsed record and where it was: 1-based line and byte offset for line formats; inside
    a whole JSON document line 0 and its JSON ``pointer``, placed when a problem needs it
    (``record`` None with no pointer: a record already reported as skipped)."""

    line: int
    offset: int | None
    record: object
    pointer: tuple[str | int, ...] | None = None


class RecordError(ValueError):
    """A record cannot become a post; ``code`` names why (wrong_type, missing_field)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def lookup(record: Mapping[str, object], dotted: str) -> object:
    """``record["a"]["b"]`` for ``"a.b"``; None when any step is missing or not a mapping."""
    if dotted in record:
        return record[dotted]
    value: object = record
    for part in dotted.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def with_fields(record: Mapping[str, object], mapping: Mapping[str, str],
                native: Mapping[str, str]) -> Mapping[str, object]:
    """``record`` with the user's ``--field`` mapping applied for a reader with its own field
    names (``native``: argmap field -> the format's key): each mapped field's value is put
    under the format's key, so ``--field text=content`` reads a Reddit row's text from
    ``content`` instead of ``body``. Unmapped fields keep the format's meaning."""
    moved = {native[name]: lookup(record, source) for name, source in mapping.items()
             if name in native}
    return {**record, **moved} if moved else record


def field_value(record: Mapping[str, object], name: str,
                mapping: Mapping[str, str]) -> object:
    """The record's value for argmap field ``name``: the mapped field, else the first default."""
    if name in mapping:
        return lookup(record, mapping[name])
    for candidate in DEFAULT_FIELDS[name]:
        if candidate in record and record[candidate] is not None:
            return record[candidate]
    return None


def as_id(value: object, what: str) -> str | None:
    """Ids may be strings or integers; anything else is a wrong type."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise RecordError("wrong_type", f"{what} is a boolean, expected a string or integer")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        stripped = value.strip()
        return stripped or None
    raise RecordError("wrong_type", f"{what} is {type(value).__name__}, expected a string")


def as_text(value: object, what: str = "text") -> str:
    if isinstance(value, str):
        return value
    if value is None:
        raise RecordError("missing_field", f"no {what} field; map it with --field text=NAME")
    raise RecordError("wrong_type", f"{what} is {type(value).__name__}, expected a string")


def as_optional_str(value: object) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def as_time(value: object) -> float | None:
    """Seconds since the epoch from a number (s or ms) or an ISO-8601 string; else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        text = value.strip()
        try:
            number = float(text)
        except ValueError:
            try:
                parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError:
                return None
            if parsed.tzinfo is None:
                return None  # a local time of unknown zone is not a point in time
            return parsed.timestamp()
    else:
        return None
    if not math.isfinite(number):
        return None
    return number / 1000.0 if abs(number) > MS_THRESHOLD else number


def safe_url(value: object, base: str = "") -> str | None:
    """Only absolute https:// URLs survive (javascript:, data:, http: are dropped)."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    if url.startswith("/") and base:
        url = base + url
    return url if _SAFE_URL.fullmatch(url) else None


def as_score(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None
