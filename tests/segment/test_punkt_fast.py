"""punkt_fast must give exactly NLTK Punkt's spans (it re-implements its loop for speed).

Why this test: punkt_fast copies the algorithm of ``PunktSentenceTokenizer.span_tokenize``;
a future NLTK that changes that algorithm would make the two drift apart silently.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from argmap.segment.punkt import punkt_tokenizer
from argmap.segment.punkt_fast import span_tokenize

CASES = [
    "",
    "   ",
    "No break here",
    "We met Dr. Brown at 5 p.m. today. He agreed with us.",
    "Very bad acting!!! I promise. (Sent1.) Sent2. \"Quoted.\" Next one?! Yes.",
    "The U.S. is big. So is Canada, i.e. the north. No. 5 is hon. Friend's seat.",
    "Ends with a quote.\u201d Then more. \u00abGuillemets.\u00bb And -- dashes. --Like this.",
    "Tabs.\tand\x0bodd\x0cspaces.\rHere.\nNew line. \x1cSeparator. \u00a0Non-breaking.",
    " Leading space. Trailing space.   ",
    "a.b.c. d.e.f. G.H.I. Jk. Lm.",
]
TOKENS = st.sampled_from(
    ["Dr.", "U.S.", "e.g.", "No.", "word", "Word", "The", "it", "5.30", "...", "?!", "!!!",
     ".)", '."', "\u201d", "\u00bb", ")", "(", "--", " ", "  ", "\n", "\t", "\x0b", "\x1c",
     "\u00a0", ".", "?", "!", ",", ";"]
)


def _nltk(text: str) -> list[tuple[int, int]]:
    return list(punkt_tokenizer().span_tokenize(text))


def test_punkt_fast_matches_nltk_on_tricky_text() -> None:
    for text in CASES:
        assert span_tokenize(text) == _nltk(text), text


@settings(max_examples=300, deadline=None)
@given(st.lists(TOKENS, max_size=40).map("".join))
def test_punkt_fast_matches_nltk_on_generated_text(text: str) -> None:
    assert span_tokenize(text) == _nltk(text)
