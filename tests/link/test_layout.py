"""link.layout: which claims share a paragraph (the writer's unit of local argument)."""

from __future__ import annotations

from importlib import resources

from hypothesis import given, settings
from hypothesis import strategies as st

from argmap.link import layout
from argmap.model import Claim, Post, Thread


def _post(text: str, pieces: list[str]) -> tuple[list[Thread], tuple[Claim, ...], dict]:
    post = Post(id="t:p", thread_id="t", text=text)
    claims, at = [], 0
    for k, piece in enumerate(pieces):
        start = text.index(piece, at)
        claims.append(Claim(f"t:p/c{k}", post.id, start, start + len(piece), piece))
        at = start + len(piece)
    return [Thread(id="t", title=None, posts=(post,))], tuple(claims), {post.id: list(
        range(len(claims)))}


def test_layout_blank_lines_make_paragraphs_and_single_breaks_do_not():
    text = "Cats are great.\nThey purr.\n\nDogs are loyal. They fetch."
    threads, claims, by_post = _post(text, ["Cats are great.", "They purr.", "Dogs are loyal.",
                                            "They fetch."])
    assert layout.same_paragraph(threads, claims, by_post) == [False, True, False, True]


def test_layout_lines_are_paragraphs_in_a_post_without_blank_lines():
    # plain-text exports (the seed documents) break paragraphs with one newline
    text = "  Cats are great. They purr.\nDogs are loyal. They fetch.\nFish swim."
    threads, claims, by_post = _post(text, ["Cats are great.", "They purr.", "Dogs are loyal.",
                                            "They fetch.", "Fish swim."])
    assert layout.same_paragraph(threads, claims, by_post) == [False, True, False, True, False]


def test_layout_one_line_post_has_no_paragraph_structure():
    text = "Cats are great. They purr. Dogs are loyal."
    threads, claims, by_post = _post(text, ["Cats are great.", "They purr.", "Dogs are loyal."])
    assert layout.same_paragraph(threads, claims, by_post) == [False, False, False]


def _sklearn_tfidf(texts: list[str]):
    """The reference ``_vectorise`` stands in for: scikit-learn's own estimators."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.feature_extraction.text import TfidfVectorizer

    try:
        return TfidfVectorizer(sublinear_tf=True, dtype=np.float64).fit_transform(texts).tocsr()
    except ValueError:  # no words at all
        return csr_matrix((len(texts), 1), dtype=np.float64)


_WORDS = st.sampled_from(["The", "cat", "CAT", "sat", "on", "a", "mat", "x", "7", "42", "naïve",
                          "Straße", "don't", "e-mail", "ÉTÉ", "İstanbul", "_", "a_b", "!", "é",
                          "\u0130", "ﬁne", "日本語", "  ", "\n", "--"])
_TEXTS = st.lists(st.lists(_WORDS, max_size=12).map(" ".join), max_size=30)


@settings(max_examples=300, deadline=None)
@given(texts=_TEXTS, repeat=st.lists(st.integers(0, 29), max_size=10))
def test_layout_vectorise_same_bits_as_sklearn(texts, repeat):
    # the linker's TF-IDF without scikit-learn's estimators must be theirs to the last bit
    # (entry order within rows included: cosines sum in that order); repeated texts are common
    texts = texts + [texts[i] for i in repeat if i < len(texts)]
    ours, theirs = layout._vectorise(texts), _sklearn_tfidf(texts)
    assert type(ours) is type(theirs)
    assert ours.shape == theirs.shape
    assert ours.indptr.tolist() == theirs.indptr.tolist()
    assert ours.indices.tolist() == theirs.indices.tolist()
    assert ours.data.tobytes() == theirs.data.tobytes()


def test_layout_vectorise_same_bits_as_sklearn_on_real_claims():
    from argmap.options import SegmentOptions
    from argmap.segment import segment

    corpora = (resources.files("argmap") / "resources" / "corpora").iterdir()
    for path in sorted((p for p in corpora if p.name.endswith(".txt")), key=str):
        post = Post(id="t:p", thread_id="t", text=path.read_text(encoding="utf-8"))
        claims, _ = segment((Thread(id="t", title=None, posts=(post,)),), SegmentOptions())
        texts = [c.text for c in claims]
        ours, theirs = layout._vectorise(texts), _sklearn_tfidf(texts)
        assert ours.indices.tolist() == theirs.indices.tolist()
        assert ours.data.tobytes() == theirs.data.tobytes()


@given(st.text(st.sampled_from(list("aZk09_'-. ,\u212a\u0130\u00e9\u0661\u00b2xY")), max_size=40))
def test_layout_tokens_ascii_shortcut_same_tokens(text: str) -> None:
    """The vectoriser's tokens of lower-case ASCII text (an ASCII pattern) are those of
    scikit-learn's default pattern, for ASCII and non-ASCII text alike."""
    assert layout._tokens(text) == layout._TOKEN.findall(text.lower())
