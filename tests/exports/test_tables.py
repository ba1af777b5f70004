"""CSV cells a column at a time (``csv_rows``) are exactly the per-cell rule (``csv_cell``),
and the corpus's column-wise surrogate cleaning is the per-cell ``clean``."""

from __future__ import annotations

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from argmap.corpus.schema import clean, clean_rows
from argmap.exports.tables import csv_cell, csv_rows, csv_text

_TEXT = st.text(alphabet=st.sampled_from(list("ab=+-@\t\r\n,\"' é\ud800\x00;\\")), max_size=6)
_CELL = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20),
                  st.floats(allow_nan=True, allow_infinity=True), _TEXT)
# columns of one kind (the tables' shape) and columns that mix kinds (the fallback)
_COLUMN_KIND = st.sampled_from([st.none(), st.booleans(), st.integers(), st.floats(), _TEXT,
                                st.one_of(st.none(), _TEXT), st.one_of(st.none(), st.floats()),
                                _CELL])


@st.composite
def _rows(draw: st.DrawFn) -> list[tuple]:
    kinds = draw(st.lists(_COLUMN_KIND, min_size=1, max_size=6))
    n = draw(st.integers(0, 8))
    return [tuple(draw(kind) for kind in kinds) for _ in range(n)]


def _written(rows: list) -> str:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


@settings(max_examples=400, deadline=None)
@given(_rows(), st.booleans())
def test_tables_csv_rows_write_what_csv_cell_writes(rows: list[tuple], raw: bool) -> None:
    by_cell = [[csv_cell(v, raw) for v in row] for row in rows]
    assert _written(csv_rows(rows, raw)) == _written(by_cell)


@settings(max_examples=300, deadline=None)
@given(_rows())
def test_tables_clean_rows_equal_clean_per_cell(rows: list[tuple]) -> None:
    assert clean_rows(rows) == [tuple(map(clean, row)) for row in rows]


def test_tables_csv_rows_neutralise_formulas_in_a_column_of_plain_text() -> None:
    rows = [("a", 1, True), ("=SUM(A1)", None, False)]
    assert _written(csv_rows(rows, False)) == "a,1,true\r\n'=SUM(A1),,false\r\n"
    assert _written(csv_rows(rows, True)) == "a,1,true\r\n=SUM(A1),,false\r\n"


@settings(max_examples=500, deadline=None)
@given(_rows(), st.booleans())
def test_tables_csv_text_is_what_csv_writer_writes(rows: list[tuple], raw: bool) -> None:
    """The corpus fragments' CSV text, made a column at a time: the csv module's text for
    the same rows (cells that need quotes, quotes doubled, empty cells, numbers, booleans,
    formulas, NUL, one-column rows where the writer quotes an empty cell)."""
    assert csv_text(rows, raw) == _written(csv_rows(rows, raw))


def test_tables_csv_text_quotes_as_the_writer_does() -> None:
    rows = [("", None, 'say "hi", ok', "a\r\nb", 1.5, True), ("=1", "", "x", "y", 2, False)]
    assert csv_text(rows, False) == ',,"say ""hi"", ok","a\r\nb",1.5,true\r\n' \
        "'=1,,x,y,2,false\r\n"
    assert csv_text([("",)], False) == _written([("",)]) == '""\r\n'
