"""Tables of a map (posts, claims, relations, topics) as CSV, and as Parquet when pyarrow is
installed (``pip install 'argmap[tables]'``).

One set of rows feeds both writers, so the two formats always hold the same columns. CSV is for
spreadsheets, where post text is hostile: a cell starting with ``= + - @``, tab or carriage
return is a formula in Excel/LibreOffice/Sheets, so such cells get a leading ``'`` (OWASP CSV
injection advice) unless ``ExportOptions.csv_raw`` asks for the exact text. Numbers argmap
computes are never prefixed (they are not user text). Parquet is typed and lossless.

Lone surrogates cannot be encoded in UTF-8 or Arrow strings; they become U+FFFD (readers
normally replace them at ingest already).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from itertools import repeat
from typing import Any

import orjson

from argmap.errors import MissingDependency
from argmap.model import (
    Analysis,
    ArgumentMap,
    Evidence,
    post_relation_sort_key,
    relation_sort_key,
)
from argmap.options import ExportOptions

CHUNK_ROWS = 4_096  # rows per chunk of a streamed CSV file
_SURROGATE = re.compile("[\ud800-\udfff]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# (column, arrow type) per table; the order is the column order of both formats.
SCHEMAS: dict[str, tuple[tuple[str, str], ...]] = {
    "posts": (
        ("post_id", "string"), ("thread_id", "string"), ("author", "string"),
        ("reply_to", "string"), ("created", "float64"), ("score", "float64"),
        ("title", "string"), ("url", "string"), ("flags", "string"), ("text", "string"),
    ),
    "claims": (
        ("claim_id", "string"), ("post_id", "string"), ("thread_id", "string"),
        ("author", "string"), ("topic_id", "string"), ("role", "string"), ("start", "int64"),
        ("end", "int64"), ("centrality", "float64"), ("status", "string"),
        ("contested", "bool_"), ("unanswered", "bool_"), ("text", "string"),
    ),
    "relations": (
        ("source", "string"), ("target", "string"), ("stance", "string"),
        ("confidence", "float64"), ("evidence", "string"),
    ),
    "topics": (
        ("topic_id", "string"), ("label", "string"), ("terms", "string"), ("size", "int64"),
        ("representative", "string"), ("is_other", "bool_"),
    ),
    # does a reply agree or disagree with the post it answers (ArgumentMap.post_relations)
    "post_relations": (
        ("source", "string"), ("target", "string"), ("stance", "string"),
        ("confidence", "float64"), ("source_claim", "string"), ("target_claim", "string"),
        ("evidence", "string"),
    ),
}


def _text(value: str | None) -> str | None:
    return None if value is None else _SURROGATE.sub("\ufffd", value)


def _evidence(evidence: Sequence[Evidence]) -> str:
    return orjson.dumps([{"kind": e.kind.value, "detail": _text(e.detail), "weight": e.weight}
                         for e in evidence]).decode("utf-8")


def table_rows(amap: ArgumentMap, analysis: Analysis | None) -> dict[str, list[dict[str, Any]]]:
    """The five tables as rows of typed values (None = missing), in canonical order."""
    thread_of = {post.id: thread.id for thread in amap.threads for post in thread.posts}
    posts = {post.id: post for thread in amap.threads for post in thread.posts}
    topic_of = {cid: topic.id for topic in amap.topics for cid in topic.claim_ids}
    centrality = dict(analysis.centrality) if analysis else {}
    status = dict(analysis.status) if analysis else {}
    contested = set(analysis.contested) if analysis else set()
    unanswered = set(analysis.unanswered) if analysis else set()
    post_rows = [
        {"post_id": p.id, "thread_id": t.id, "author": p.author, "reply_to": p.reply_to,
         "created": p.created, "score": p.score, "title": p.title, "url": p.source.url,
         "flags": ";".join(p.flags), "text": p.text}
        for t in amap.threads for p in t.posts
    ]
    claim_rows = [
        {"claim_id": c.id, "post_id": c.post_id, "thread_id": thread_of.get(c.post_id),
         "author": posts[c.post_id].author if c.post_id in posts else None,
         "topic_id": topic_of.get(c.id), "role": c.role.value, "start": c.start, "end": c.end,
         "centrality": centrality.get(c.id, 0.0), "status": status.get(c.id),
         "contested": c.id in contested, "unanswered": c.id in unanswered, "text": c.text}
        for c in amap.claims
    ]
    relation_rows = [
        {"source": r.source, "target": r.target, "stance": r.stance.value,
         "confidence": float(r.confidence), "evidence": _evidence(r.evidence)}
        for r in sorted(amap.relations, key=relation_sort_key)
    ]
    topic_rows = [
        {"topic_id": t.id, "label": t.label, "terms": ";".join(t.terms),
         "size": len(t.claim_ids), "representative": t.representative, "is_other": t.is_other}
        for t in amap.topics
    ]
    post_relation_rows = [
        {"source": r.source, "target": r.target, "stance": r.stance.value,
         "confidence": float(r.confidence), "source_claim": r.source_claim,
         "target_claim": r.target_claim, "evidence": _evidence(r.evidence)}
        for r in sorted(amap.post_relations, key=post_relation_sort_key)
    ]
    tables: dict[str, list[dict[str, Any]]] = {"posts": post_rows, "claims": claim_rows, "relations": relation_rows,
              "topics": topic_rows, "post_relations": post_relation_rows}
    return {
        name: [{k: _text(v) if isinstance(v, str) else v for k, v in row.items()} for row in rows]
        for name, rows in tables.items()
    }


def csv_cell(value: Any, raw: bool) -> str:
    """A CSV cell: "" for missing, repr-exact numbers, ``true``/``false``, and user text with
    the formula-neutralising ``'`` unless ``raw``."""
    if type(value) is str:  # most cells: decided before the isinstance chain
        return "'" + value if not raw and value.startswith(_FORMULA_START) else value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if not raw and value.startswith(_FORMULA_START):
        return "'" + value
    return value


_PLAIN = frozenset({int, float, type(None)})  # cells the csv module writes as csv_cell does
_BOOL_TEXT = {True: "true", False: "false"}


def csv_rows(rows: Sequence[Sequence[Any]], raw: bool) -> list[tuple[Any, ...]]:
    """Rows ready for ``csv.writer``: what ``[[csv_cell(v, raw) for v in row] ...]`` writes,
    decided a column at a time. The csv module writes None as "" and an int or float as its
    ``str``, which is its ``repr``, so such a column is passed as it is; a column of strings
    none of which starts like a formula, likewise; booleans by one lookup; any other column
    cell by cell. Why: one Python call per cell was a tenth of a corpus task."""
    if not rows:
        return []
    columns: list[Any] = list(zip(*rows, strict=True))
    changed = False
    for i, column in enumerate(columns):
        kinds = set(map(type, column))
        if kinds <= _PLAIN:
            continue
        if kinds == {str} and (raw or not any(map(str.startswith, column,
                                                   repeat(_FORMULA_START)))):
            continue
        if kinds == {bool}:
            columns[i] = map(_BOOL_TEXT.__getitem__, column)
        else:
            columns[i] = map(csv_cell, column, repeat(raw))
        changed = True
    if not changed and isinstance(rows, list) and set(map(type, rows)) == {tuple}:
        return rows  # every cell written as it is: the rows themselves (no second zip)
    return list(zip(*columns, strict=True))


_NONE = type(None)
_QUOTED_CHARS = (",", '"', "\r", "\n")  # QUOTE_MINIMAL quotes a cell holding one of these


def _quoted(text: str) -> str:
    """A cell as ``csv.writer`` (QUOTE_MINIMAL, ``"`` doubled) writes it."""
    if "," in text or '"' in text or "\r" in text or "\n" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def _column_text(column: Sequence[Any], raw: bool) -> Sequence[str]:
    """A column's cells as the CSV text ``csv.writer`` writes for ``csv_cell`` of each."""
    kinds = set(map(type, column))
    if kinds <= _PLAIN:  # numbers as their str (repr), None as nothing: never quoted
        return ["" if v is None else str(v) for v in column] if _NONE in kinds \
            else list(map(str, column))
    if kinds == {bool}:
        return list(map(_BOOL_TEXT.__getitem__, column))
    if kinds != {str} or (not raw and any(map(str.startswith, column,
                                               repeat(_FORMULA_START)))):
        column = [v if type(v) is str else str(v) for v in map(csv_cell, column, repeat(raw))]
    joined = "".join(column)  # one C scan each rules out quoting for most columns
    if any(c in joined for c in _QUOTED_CHARS):
        return list(map(_quoted, column))
    return column


def csv_text(rows: Sequence[Sequence[Any]], raw: bool) -> str:
    """The CSV text (``\\r\\n`` line ends) ``csv.writer(..., QUOTE_MINIMAL)`` writes for
    ``csv_rows(rows, raw)``, made a column at a time with C-level string methods.

    Why: the csv module copies every character of every cell through its own buffer (~17 ns
    a character: a 700-character post cost 12 us), a tenth of a corpus task; here a column
    with no comma, quote or line break (one scan of its joined text) is taken as it is, and
    a cell that needs quotes gets them by ``str.replace``. Rows of one cell (where the
    writer quotes an empty cell) go to the writer itself. ``test_tables_csv_text_is_what_
    csv_writer_writes`` holds it to the writer's text."""
    if not rows:
        return ""
    columns = list(zip(*rows, strict=True))
    if len(columns) < 2:
        buffer = io.StringIO(newline="")
        csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n").writerows(
            csv_rows(rows, raw))
        return buffer.getvalue()
    return "\r\n".join(map(",".join, zip(*(_column_text(c, raw) for c in columns),
                                          strict=True))) + "\r\n"


def csv_bytes(columns: Sequence[str], rows: Sequence[dict[str, Any]], raw: bool) -> bytes:
    """One CSV file (header row, ``\\r\\n`` line ends, RFC 4180 quoting), UTF-8."""
    return b"".join(csv_chunks(columns, rows, raw))


def csv_chunks(columns: Sequence[str], rows: Sequence[dict[str, Any]], raw: bool
               ) -> Iterator[bytes]:
    """``csv_bytes`` in pieces of ``CHUNK_ROWS`` rows (a row's text does not depend on its
    neighbours), so a giant thread's table is never one string and its encoding at once."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(columns)
    for index, row in enumerate(rows, 1):
        writer.writerow([csv_cell(row[c], raw) for c in columns])
        if index % CHUNK_ROWS == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def to_csv(amap: ArgumentMap, analysis: Analysis, options: ExportOptions) -> dict[str, bytes]:
    """Exporter: ``{".posts.csv", ".claims.csv", ".relations.csv", ".topics.csv",
    ".post_relations.csv"}``."""
    tables = table_rows(amap, analysis)
    return {
        f".{name}.csv": csv_bytes([c for c, _ in SCHEMAS[name]], tables[name], options.csv_raw)
        for name in SCHEMAS
    }


def csv_streamed(amap: ArgumentMap, analysis: Analysis, options: ExportOptions
                 ) -> dict[str, Iterable[bytes]]:
    """``to_csv`` as chunks (``exports.registry.STREAMERS``)."""
    tables = table_rows(amap, analysis)
    return {f".{name}.csv": csv_chunks([c for c, _ in SCHEMAS[name]], tables[name],
                                       options.csv_raw) for name in SCHEMAS}


def to_parquet(amap: ArgumentMap, analysis: Analysis, options: ExportOptions) -> dict[str, bytes]:
    """Exporter: ``{".posts.parquet", ".claims.parquet", ...}``, typed and lossless."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise MissingDependency(
            "Parquet export needs pyarrow, which is not installed; "
            "install it with: pip install 'argmap[tables]' (or choose --format csv)"
        ) from exc
    tables = table_rows(amap, analysis)
    out: dict[str, bytes] = {}
    for name, columns in SCHEMAS.items():
        schema = pa.schema([(column, getattr(pa, kind)()) for column, kind in columns])
        rows = tables[name]
        arrays = {column: [row[column] for row in rows] for column, _ in columns}
        table = pa.Table.from_pydict(arrays, schema=schema)
        sink = io.BytesIO()
        pq.write_table(table, sink, compression="zstd")
        out[f".{name}.parquet"] = sink.getvalue()
    return out
