"""Stage 4, link: threads, claims and topics in, support/attack relations out.

``link(threads, claims, topics, LinkOptions) -> tuple[Relation, ...]``: candidate pairs come
from the discussion's structure (inside a post, the reply tree, quotes, similarity inside a
thread, a bounded number across threads), never from all pairs; each pair's stance and
confidence come from text cues, the post's own structure and the JSON relation model; every
relation carries the evidence that made it. ``train`` fits that model from labelled corpora.
"""

from argmap.link.linker import link

__all__ = ["link"]
