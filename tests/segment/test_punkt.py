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


PUNKT_WORDS = st.sampled_from(
    ["air", "The", "Dr.", "e.g.", "U.S.", "A.", "5", "3.5", "-2,000.", "1990s", "...", "..",
     "--", "-", "co-op", "it's", "'quoted'", '"said"', "(x)", "[y]", "{z}", ",", ";", ":",
     "Zoë", "ÉTÉ", "naïve.", "ß.", "Ω.", "٣.", "x,y", "a.b.c", "*", "@", "#", "&", "`"])
PUNKT_SPACE = st.sampled_from([" ", "  ", "\n", "\n\n", "\t", " \n", ". ", "? ", "! ", ".\n"])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(PUNKT_WORDS, PUNKT_SPACE), max_size=30))
def test_punkt_unguarded_patterns_agree_with_nltk(parts: list[tuple[str, str]]) -> None:
    """Punkt's word and token patterns run without NLTK's timeout (the same compiled patterns):
    the same word tokens, token types and sentence spans as NLTK's guarded tokenizer."""
    text = "".join(word + space for word, space in parts)
    ours = punkt.punkt_tokenizer()
    reference = PunktSentenceTokenizer(punkt.punkt_parameters())
    assert [(t.tok, t.type, t.linestart) for t in ours._tokenize_words(text)] == [
        (t.tok, t.type, t.linestart) for t in reference._tokenize_words(text)]
    assert list(ours.span_tokenize(text)) == list(reference.span_tokenize(text))
    for word, _ in parts:
        mine, theirs = ours._Token(word), reference._Token(word)
        assert (mine.type, bool(mine.is_ellipsis), bool(mine.is_initial), bool(mine.is_alpha),
                mine.is_number) == (theirs.type, bool(theirs.is_ellipsis),
                                    bool(theirs.is_initial), bool(theirs.is_alpha),
                                    theirs.is_number)


def test_punkt_word_patterns_run_without_the_timeout_wrapper() -> None:
    """NLTK's ReDoS wrapper makes ``regex`` match ~2.5x slower (a timeout per call): argmap's
    tokenizer calls the wrapped engine directly, the same pattern and flags."""
    ours = punkt.punkt_tokenizer()
    word_re = ours._lang_vars._word_tokenizer_re()
    wrapped = PunktSentenceTokenizer(punkt.punkt_parameters())._lang_vars._word_tokenizer_re()
    assert not hasattr(word_re, "_rx")
    assert (word_re.pattern, word_re.flags) == (getattr(wrapped, "_rx", wrapped).pattern,
                                                getattr(wrapped, "_rx", wrapped).flags)
    assert not hasattr(ours._Token._RE_NUMERIC, "_rx")
