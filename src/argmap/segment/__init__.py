"""Stage 2, segment: posts in, claims out.

``segment(threads, SegmentOptions) -> (claims, dropped)``: every post's text is cut into
forum blocks (quotes, code, lists), sentences (Punkt with the parameters shipped in
``resources/punkt``, no NLTK data needed) and clauses at connectives; each span that is not a
claim is returned as ``Dropped`` with its reason. ``post.text[c.start:c.end] == c.text``.
"""

from argmap.segment.clauses import split_clauses
from argmap.segment.segmenter import segment, segment_post

__all__ = ["segment", "segment_post", "split_clauses"]
