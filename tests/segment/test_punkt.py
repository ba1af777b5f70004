"""Punkt parameters ship as text and load without any nltk data package."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nltk
from hypothesis import given, settings
from hypothesis import strategies as st
from nltk.tokenize.punkt import PunktSentenceTokenizer

from argmap.segment import punkt

PUNKT_DIR = Path(punkt.__file__).parents[1] / "resources" / "punkt"


def test_punkt_files_are_sorted_text() -> None:
    for name in punkt.PUNKT_FILES:
        lines = (PUNKT_DIR / name).read_text(encoding="utf-8").splitlines()
        assert lines, name
        assert lines == sorted(lines), f"{name} is not in canonical order"


def test_punkt_parameters_hold_forum_abbreviations() -> None:
    params = punkt.punkt_parameters()
    for abbreviation in ("e.g", "i.e", "etc", "vs", "approx", "u.s", "dr", "mr"):
        assert abbreviation in params.abbrev_types
    assert "no" not in params.abbrev_types  # "The answer is no. We ..." must split
    assert all(isinstance(flags, int) for flags in params.ortho_context.values())
    assert params.ortho_context["never-seen-token"] == 0  # a defaultdict, as Punkt expects


def test_punkt_loads_with_empty_nltk_data_path(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(nltk.data, "path", [str(tmp_path)])
    punkt.punkt_parameters.cache_clear()
    punkt.punkt_tokenizer.cache_clear()
    tokenizer = punkt.punkt_tokenizer()
    text = "We met Dr. Brown at 5 p.m. today. He agreed with us."
    assert [text[s:e] for s, e in tokenizer.span_tokenize(text)] == [
        "We met Dr. Brown at 5 p.m. today.",
        "He agreed with us.",
    ]


def test_punkt_needs_no_nltk_data_in_a_fresh_process(tmp_path: Path) -> None:
    code = (
        "import nltk, sys; nltk.data.path[:] = [sys.argv[1]];"
        "from argmap.segment.sentences import split_sentences;"
        "t = 'The U.S. is big. So is Canada, i.e. the north.';"
        "print([t[s:e] for s, e in split_sentences(t)])"
    )
    env = {"NLTK_DATA": str(tmp_path), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, env=env
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['The U.S. is big.', 'So is Canada, i.e. the north.']"


PUNKT_PIECES = st.sampled_from(
    ["air", "The", "we", "Dr", "etc", "e.g", "U.S", "A", "a", "5", "no", "It", "(", ")", '"']
)
PUNKT_GLUE = st.sampled_from([". ", " ", ".  ", "! ", "? ", ".\n", ", ", "... ", ".) ", "?\n\n",
                               "!  ", "?! ", "? (", "?) "])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(PUNKT_PIECES, PUNKT_GLUE), max_size=40))
def test_punkt_plain_word_shortcut_agrees_with_punkt(parts: list[tuple[str, str]]) -> None:
    text = "".join(word + glue for word, glue in parts)
    reference = PunktSentenceTokenizer(punkt.punkt_parameters())
    assert list(punkt.punkt_tokenizer().span_tokenize(text)) == list(
        reference.span_tokenize(text)
    )


@settings(max_examples=300, deadline=None)
@given(word=st.text(alphabet=st.sampled_from("aZqe."), min_size=1, max_size=6),
       mark=st.sampled_from("?!."), space=st.sampled_from([" ", "  ", "\n", "\n\n", "\t", " \n"]),
       after=st.text(alphabet=st.sampled_from('aB"\'([.?,)5'), min_size=1, max_size=5))
def test_punkt_mark_shortcut_agrees_with_punkt(word: str, mark: str, space: str,
                                               after: str) -> None:
    """A candidate's context decided by a shortcut gets Punkt's own answer."""
    context = word + mark + space + after
    reference = PunktSentenceTokenizer(punkt.punkt_parameters())
    assert punkt.punkt_tokenizer().text_contains_sentbreak(context) == \
        reference.text_contains_sentbreak(context)
