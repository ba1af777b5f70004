"""summary.md: the disagreements between posts, counted and quoted, inert as Markdown."""

from __future__ import annotations

import dataclasses
import re

from argmap.exports.summary import to_markdown
from argmap.model import Evidence, EvidenceKind, PostRelation, PostStance
from tests.builders import make_map, with_post_relations

HOSTILE = ["<script>alert(1)</script> [link](javascript:x) **bold** # heading",
           "| table | row | ![img](https://x.example/i.png) `code`"]


def _part(text: str) -> str:
    start = text.index("## Disagreements between posts")
    return text[start:text.index("\n## ", start + 1)]


def test_summary_counts_disagreements_and_quotes_the_strongest_with_their_claim_pair():
    plain, analysis = make_map(40, texts=HOSTILE, seed=3)
    amap = with_post_relations(plain, seed=3)
    part = _part(to_markdown(amap, analysis))
    rels = amap.post_relations
    counts = {s: sum(r.stance is s for r in rels) for s in PostStance}
    assert (f"Of {len(rels)} replies, {counts[PostStance.DISAGREE]} disagree with the post they "
            f"answer, {counts[PostStance.AGREE]} agree and {counts[PostStance.NONE]} take no "
            "side") in part
    strongest = sorted((r for r in rels if r.stance is PostStance.DISAGREE),
                       key=lambda r: (-r.confidence, r.source))[:5]
    lines = [x for x in part.split("Strongest disagreements:")[1].split(
        "Most disputed posts:")[0].splitlines() if x.startswith("- ")]
    assert len(lines) == 5
    for line, r in zip(lines, strongest, strict=True):
        assert line.startswith(f"- user{int(r.source[2:]) % 7} (")
        assert f"disagrees with user{int(r.target[2:]) % 7} (" in line
        assert f"({r.confidence:.2f})" in line
        assert ("answering" in line) == (r.source_claim is not None)
    for raw in (r"(?<!\\)<script", r"(?<!\\)\]\(javascript", r"(?<!\\)\*\*bold"):
        assert not re.search(raw, part), raw  # every Markdown/HTML character escaped
    assert "\\<script\\>" in part and "\\| table" in part
    top = part.split("Most disputed posts:")[1].splitlines()[2]
    assert top.endswith("replies disagree") or top.endswith("reply disagrees")
    assert to_markdown(amap, analysis) == to_markdown(amap, analysis)


def test_summary_post_stances_degenerate():
    amap, analysis = make_map(6, url=None)
    assert "Disagreements between posts" not in to_markdown(amap, analysis)  # no stances
    why = (Evidence(EvidenceKind.STANCE_CUE, "the reply makes no claim", 0.0),)
    only_none = dataclasses.replace(amap, post_relations=(
        PostRelation("t:00001", "t:00000", PostStance.NONE, 0.8, None, None, why),
        PostRelation("t:00002", "t:00002", PostStance.DISAGREE, 0.6, None, None, why)))
    part = _part(to_markdown(only_none, analysis))
    assert "Of 2 replies, 1 disagree with the post they answer, 0 agree and 1 take no side" in part
    assert "- user2 (t:00002) disagrees with user2 (t:00002) (0.60)\n" in part  # a self-reply
    assert "1 of 1 reply disagrees" in part
