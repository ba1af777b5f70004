"""The corpus tables: their columns and types, one definition for CSV, Parquet and SQLite.

Rows are tuples in column order. Values are None (missing), bool, int, float or str; the same
tuple becomes a CSV line (``cell`` is ``exports.tables.csv_cell``, so a corpus CSV
and a per-map CSV read alike, formula-neutralised unless ``raw``), an Arrow row and an SQLite
row. The SQLite indexes are the ones the README's queries use.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from argmap.exports.tables import csv_cell as cell  # noqa: F401 - re-exported: one CSV cell rule

Row = tuple[Any, ...]

# (column, arrow type, sqlite type) per table; the order is the column order of every format
TABLES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "posts": (
        ("post_id", "string", "TEXT"), ("thread_id", "string", "TEXT"),
        ("author", "string", "TEXT"), ("reply_to", "string", "TEXT"),
        ("created", "float64", "REAL"), ("score", "float64", "REAL"),
        ("title", "string", "TEXT"), ("url", "string", "TEXT"), ("flags", "string", "TEXT"),
        ("source", "string", "TEXT"), ("line", "int64", "INTEGER"), ("text", "string", "TEXT"),
    ),
    "claims": (
        ("claim_id", "string", "TEXT"), ("post_id", "string", "TEXT"),
        ("thread_id", "string", "TEXT"), ("author", "string", "TEXT"),
        ("topic_id", "string", "TEXT"), ("topic_similarity", "float64", "REAL"),
        ("role", "string", "TEXT"), ("start", "int64", "INTEGER"), ("end", "int64", "INTEGER"),
        ("centrality", "float64", "REAL"), ("status", "string", "TEXT"),
        ("contested", "bool_", "INTEGER"), ("unanswered", "bool_", "INTEGER"),
        ("attacks_in", "int64", "INTEGER"), ("supports_in", "int64", "INTEGER"),
        ("text", "string", "TEXT"),
    ),
    "relations": (
        ("source", "string", "TEXT"), ("target", "string", "TEXT"),
        ("thread_id", "string", "TEXT"), ("stance", "string", "TEXT"),
        ("confidence", "float64", "REAL"), ("evidence", "string", "TEXT"),
    ),
    # per reply post: does it agree or disagree with the post it answers (model.PostRelation)
    "post_relations": (
        ("source", "string", "TEXT"), ("target", "string", "TEXT"),
        ("thread_id", "string", "TEXT"), ("stance", "string", "TEXT"),
        ("confidence", "float64", "REAL"), ("source_claim", "string", "TEXT"),
        ("target_claim", "string", "TEXT"), ("evidence", "string", "TEXT"),
    ),
    "threads": (
        ("thread_id", "string", "TEXT"), ("title", "string", "TEXT"), ("url", "string", "TEXT"),
        ("source", "string", "TEXT"), ("posts", "int64", "INTEGER"),
        ("authors", "int64", "INTEGER"), ("claims", "int64", "INTEGER"),
        ("relations", "int64", "INTEGER"), ("attacks", "int64", "INTEGER"),
        ("supports", "int64", "INTEGER"), ("contested_claims", "int64", "INTEGER"),
        ("camps", "int64", "INTEGER"), ("first_created", "float64", "REAL"),
        ("last_created", "float64", "REAL"),
    ),
    "camps": (
        ("thread_id", "string", "TEXT"), ("camp_id", "string", "TEXT"),
        ("authors", "string", "TEXT"), ("size", "int64", "INTEGER"),
        ("claims", "int64", "INTEGER"),
    ),
    "topics": (
        ("topic_id", "string", "TEXT"), ("label", "string", "TEXT"),
        ("terms", "string", "TEXT"), ("claims", "int64", "INTEGER"),
        ("threads", "int64", "INTEGER"), ("typical_claims", "string", "TEXT"),
        ("is_other", "bool_", "INTEGER"),
    ),
    "problems": (
        ("code", "string", "TEXT"), ("action", "string", "TEXT"),
        ("message", "string", "TEXT"), ("path", "string", "TEXT"),
        ("line", "int64", "INTEGER"), ("byte_offset", "int64", "INTEGER"),
        ("post_id", "string", "TEXT"), ("thread_id", "string", "TEXT"),
    ),
}
# written by the mapping tasks (per bucket range); the others by the runner from summaries
TASK_TABLES = ("posts", "claims", "relations", "post_relations", "threads", "camps")
RUNNER_TABLES = ("topics", "problems")
INDEXES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("posts_thread", "posts", ("thread_id",)),
    ("posts_author", "posts", ("author",)),
    ("claims_thread", "claims", ("thread_id",)),
    ("claims_topic", "claims", ("topic_id",)),
    ("claims_post", "claims", ("post_id",)),
    ("relations_target", "relations", ("target",)),
    ("relations_source", "relations", ("source",)),
    ("relations_thread", "relations", ("thread_id",)),
    ("post_relations_target", "post_relations", ("target",)),
    ("post_relations_thread", "post_relations", ("thread_id",)),
    ("threads_id", "threads", ("thread_id",)),
    ("camps_thread", "camps", ("thread_id",)),
    ("problems_code", "problems", ("code",)),
)

_SURROGATE = re.compile("[\ud800-\udfff]")


def columns(table: str) -> list[str]:
    return [name for name, _, _ in TABLES[table]]


def clean(value: Any) -> Any:
    """Strings without lone surrogates (UTF-8, Arrow and SQLite cannot hold them). ASCII text
    (``isascii`` reads a flag CPython keeps) holds none: most cells skip the search."""
    if isinstance(value, str) and not value.isascii() and _SURROGATE.search(value):
        return _SURROGATE.sub("\ufffd", value)
    return value


def clean_rows(rows: Sequence[Row]) -> list[Row]:
    """``[tuple(map(clean, row)) for row in rows]``, a column at a time: a column whose cells
    are all ASCII strings (or not strings) is kept as it is, decided by C-level passes
    (``map(type, ...)``, ``str.isascii``) instead of one Python call per cell."""
    if not rows:
        return []
    columns = list(zip(*rows, strict=True))
    changed = False
    for i, column in enumerate(columns):
        kinds = set(map(type, column))
        if str not in kinds:
            continue
        if kinds == {str} and all(map(str.isascii, column)):
            continue
        columns[i] = tuple(map(clean, column))
        changed = True
    if not changed and isinstance(rows, list) and set(map(type, rows)) == {tuple}:
        return rows  # most tables: every cell as it was, so the rows are (no second zip)
    return list(zip(*columns, strict=True))


def create_sql(table: str) -> str:
    body = ", ".join(f'"{name}" {kind}' for name, _, kind in TABLES[table])
    return f'CREATE TABLE "{table}" ({body})'


def insert_sql(table: str) -> str:
    marks = ", ".join("?" for _ in TABLES[table])
    return f'INSERT INTO "{table}" VALUES ({marks})'


def index_sql() -> list[str]:
    return [f'CREATE INDEX "{name}" ON "{table}" ({", ".join(cols)})'
            for name, table, cols in INDEXES]


def arrow_schema(table: str) -> Any:
    import pyarrow as pa

    return pa.schema([(name, getattr(pa, kind)()) for name, kind, _ in TABLES[table]])


def arrow_table(table: str, rows: Sequence[Row]) -> Any:
    import pyarrow as pa

    schema = arrow_schema(table)
    arrays = [pa.array([row[i] for row in rows], type=schema.field(i).type)
              for i in range(len(schema))]
    return pa.Table.from_arrays(arrays, schema=schema)


def sqlite_row(row: Row) -> Row:
    """Booleans as 0/1 (SQLite has no boolean type; ``sqlite3`` would store them so anyway)."""
    return tuple(int(v) if isinstance(v, bool) else v for v in row)
