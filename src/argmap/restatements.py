"""Restatements: claims that say, word for word, what another claim of the map says.

Heated threads repeat themselves: a slogan posted again, a paragraph pasted into reply after
reply, a claim quoted back without a quote marker. Each copy is segmented into its own claim,
so a 3,000-post heated thread had 16,336 claims with 628 distinct texts, and 84 % of its drawn
relations joined two copies of one text ("similarity 1.00", as often "attacks" as "supports").
A restatement is not an argument for or against itself: the linker proposes no similarity or
cross-thread pair between two copies (their reply and quote pairs stay: a reply opening
"Exactly." or "No." before the parent's words takes its stance from them; a bare
repetition gets the reply prior, which leans to disagreement, a known limit), and the maps draw one node per text, "said in N posts".

Two texts are copies when they are equal after case folding and with punctuation and spacing
removed. Short texts are never merged: "I agree." or "Source?" mean something different under
each post they answer, so only texts of at least ``MIN_WORDS`` words and ``MIN_CHARS``
characters count. The copy a group is drawn as is its first claim in canonical order (post id,
then offset), so the choice never depends on input order.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence

import numpy as np

from argmap.model import Claim, claim_sort_key

MIN_WORDS = 5
MIN_CHARS = 24
_NOT_WORD = re.compile(r"[\W_]+")

__all__ = ["MIN_CHARS", "MIN_WORDS", "Restatements", "restatement_codes", "text_key"]


def text_key(text: str) -> str | None:
    """What two copies of one statement share, or None when the text is too short to say
    the same thing wherever it is posted."""
    words = _NOT_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).split()
    key = " ".join(words)
    if len(words) < MIN_WORDS or len(key) < MIN_CHARS:
        return None
    return key


def restatement_codes(claims: Sequence[Claim], near: Sequence[Hashable] | None = None,
                      ) -> np.ndarray:
    """Per claim, a number shared by its copies, or -1 when it has none (too short, or its
    text said once): the linker drops pairs whose codes are equal and not -1.

    ``near``: per claim, something every copy of it shares that is cheaper than
    ``text_key`` (the linker passes the tokens it has already; ``text_key`` costs ~15 us a
    claim, a fifth of a corpus run's budget per post if taken for every claim): only claims
    whose ``near`` is shared are keyed."""
    codes = np.full(len(claims), -1, dtype=np.int64)
    first: dict[str, int] = {}
    seen_twice: set[str] = set()
    if near is None:
        keys = [text_key(claim.text) for claim in claims]
    else:
        count = Counter(near)
        keys = [text_key(claim.text) if count[mark] > 1 else None
                for claim, mark in zip(claims, near, strict=True)]
    for key in keys:
        if key is not None:
            if key in first:
                seen_twice.add(key)
            else:
                first[key] = len(first)
    for i, key in enumerate(keys):
        if key is not None and key in seen_twice:
            codes[i] = first[key]
    return codes


class Restatements:
    """The groups of copies in a set of claims: which claim each copy is drawn as, and the
    copies each drawn claim stands for (itself first)."""

    __slots__ = ("copies", "drawn_as")

    def __init__(self, claims: Iterable[Claim]) -> None:
        groups: dict[str, list[Claim]] = defaultdict(list)
        for claim in claims:
            key = text_key(claim.text)
            if key is not None:
                groups[key].append(claim)
        self.drawn_as: dict[str, str] = {}
        self.copies: dict[str, tuple[Claim, ...]] = {}
        for members in groups.values():
            if len(members) < 2:
                continue
            ordered = tuple(sorted(members, key=claim_sort_key))
            head = ordered[0].id
            self.copies[head] = ordered
            for claim in ordered[1:]:
                self.drawn_as[claim.id] = head

    def __bool__(self) -> bool:
        return bool(self.copies)

    def head(self, claim_id: str) -> str:
        """The claim a copy is drawn as (itself when it is no copy, or the first one)."""
        return self.drawn_as.get(claim_id, claim_id)

    def once(self, ids: Iterable[str]) -> list[str]:
        """A list of claims with each restated text once, as the claim it is drawn as, in
        the order its first listed copy comes."""
        if not self.copies:
            return list(ids)
        return list(dict.fromkeys(self.head(cid) for cid in ids))

    def said(self, claim_id: str, authors: Mapping[str, str | None]) -> tuple[int, int]:
        """(posts, authors) that say a drawn claim's text; an unnamed author counts once per
        post (nobody can tell two anonymous posters apart)."""
        posts = self.posts_of(claim_id)
        return len(posts), len({authors.get(p) or f"\0anonymous:{p}" for p in posts})

    def most_said(self, authors: Mapping[str, str | None]) -> list[tuple[str, int, int]]:
        """(drawn claim, posts, authors) for every text said in more than one post, the most
        said first (ties: canonical order of the claim)."""
        rows = [(head, *self.said(head, authors)) for head in self.copies]
        rows = [row for row in rows if row[1] > 1]
        order = {head: n for n, head in enumerate(sorted(
            self.copies, key=lambda h: claim_sort_key(self.copies[h][0])))}
        return sorted(rows, key=lambda row: (-row[1], -row[2], order[row[0]]))

    def posts_of(self, claim_id: str) -> tuple[str, ...]:
        """The distinct posts that say a drawn claim's text, in canonical order."""
        copies = self.copies.get(claim_id)
        if not copies:
            return ()
        return tuple(dict.fromkeys(c.post_id for c in copies))
