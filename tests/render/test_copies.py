"""Restated claims are drawn once, carry their copies' relations, and are listed once."""

from __future__ import annotations

import json
import os
import re

import pytest

from argmap.files import write_atomic
from argmap.model import (
    Analysis,
    ArgumentMap,
    Claim,
    Evidence,
    EvidenceKind,
    Post,
    Relation,
    SourceRef,
    Stance,
    Thread,
    Topic,
)
from argmap.options import RenderOptions
from argmap.render.copies import MIN_BUDGET, head_relations
from argmap.render.dot import to_dot
from argmap.render.html import render_html
from argmap.render.svg import render_svg
from argmap.restatements import Restatements
from tests.builders import DRAW_ALL, make_map
from tests.render.test_html import CHROMIUM, _launch

SLOGAN = "Rent control protects the tenants who already live in the city."
TEXTS = {
    "p0": SLOGAN,
    "p1": "Landlords stop repairing flats when the rent they may ask is capped.",
    "p2": SLOGAN,
    "p3": "Studies of San Francisco found that capped buildings were sold off as condos.",
    "p4": SLOGAN.lower(),
}
WHY = (Evidence(EvidenceKind.CONNECTIVE, "because", 0.5),)


def _rel(source: str, target: str, stance: Stance, confidence: float) -> Relation:
    return Relation(f"{source}/c0", f"{target}/c0", stance, confidence, WHY)


def _map() -> tuple[ArgumentMap, Analysis]:
    """The slogan is said in p0, p2 and p4 (by ann, bob, ann); p1 supports the first copy, p3
    attacks the second, the third copy "supports" the first (a restatement, no argument)."""
    authors = {"p0": "ann", "p1": "cat", "p2": "bob", "p3": "dan", "p4": "ann"}
    posts = tuple(Post(id=f"t:{p}", thread_id="t", text=text, author=authors[p],
                       source=SourceRef(path="x.jsonl", line=n + 1))
                  for n, (p, text) in enumerate(TEXTS.items()))
    claims = tuple(Claim(id=f"t:{p}/c0", post_id=f"t:{p}", start=0, end=len(t), text=t)
                   for p, t in TEXTS.items())
    relations = (_rel("t:p1", "t:p0", Stance.SUPPORT, 0.8), _rel("t:p3", "t:p2", Stance.ATTACK, 0.9),
                 _rel("t:p4", "t:p0", Stance.SUPPORT, 0.95))
    topics = (Topic(id="t00", label="rent control", terms=("rent",),
                    claim_ids=tuple(c.id for c in claims)),)
    amap = ArgumentMap(threads=(Thread(id="t", title="Rent control", posts=posts),),
                       claims=claims, dropped=(), topics=topics, relations=relations)
    ids = [c.id for c in claims]
    analysis = Analysis(centrality=tuple((cid, 0.2) for cid in ids),
                        contested=("t:p0/c0", "t:p2/c0", "t:p4/c0"), unanswered=("t:p3/c0",),
                        status=tuple((cid, "in") for cid in ids), camps=(), summaries=())
    return amap, analysis


def _labels(dot: str) -> dict[str, str]:
    """DOT node id -> label, for the claim nodes."""
    return {m.group(1): m.group(2) for m in re.finditer(
            r'^\s+(c\d+) \[id="claim-c\d+" class="[^"]*" label="((?:[^"\\]|\\.)*)"', dot, re.M)}


def test_copies_one_node_per_text_said_in_n_posts_with_every_copys_relations():
    amap, analysis = _map()
    dot = to_dot(amap, analysis, DRAW_ALL)
    labels = _labels(dot)
    assert len(labels) == 3  # the slogan once, and the two other claims
    slogan = [nid for nid, label in labels.items() if "Rent control" in label]
    assert len(slogan) == 1 and "(said in 3 posts by 2 authors)" in labels[slogan[0]]
    head = slogan[0]
    edges = re.findall(r"^\s+(c\d+) -> (c\d+) \[id=\"rel-c\d+-c\d+-(\w+)\"", dot, re.M)
    # p1 supports the first copy, p3 attacks the second: both drawn at the one node; the
    # copy "supporting" another copy is a self-loop, not drawn
    assert sorted(stance for upper, lower, stance in edges if upper == head) == [
        "attack", "support"]
    assert all(upper != lower for upper, lower, _ in edges)
    render_svg(dot)  # the real dot draws it


def test_copies_a_map_without_copies_is_drawn_from_the_same_relations():
    amap, analysis = make_map(40, seed=3)
    assert not Restatements(amap.claims)
    assert head_relations(amap.relations, Restatements(amap.claims)) is amap.relations


def test_copies_a_restated_claim_keeps_its_strongest_relations_within_a_budget():
    """Twelve copies, each attacked once by a different claim: the node keeps the
    ``MIN_BUDGET`` most confident attacks (its busiest copy had one)."""
    posts, claims, relations = [], [], []
    for n in range(12):
        for kind, text in (("s", SLOGAN), ("a", f"Objection number {n} says rents rose anyway "
                                                f"in district {n}.")):
            pid = f"t:{kind}{n:02d}"
            posts.append(Post(id=pid, thread_id="t", text=text, author=f"u{n}"))
            claims.append(Claim(id=f"{pid}/c0", post_id=pid, start=0, end=len(text), text=text))
        relations.append(_rel(f"t:a{n:02d}", f"t:s{n:02d}", Stance.ATTACK, 0.5 + n / 100))
    kept = head_relations(relations, Restatements(claims))
    assert len(kept) == MIN_BUDGET
    assert {r.source for r in kept} == {f"t:a{n:02d}/c0" for n in range(11, 11 - MIN_BUDGET, -1)}
    assert {r.target for r in kept} == {"t:s00/c0"}


def test_copies_report_lists_a_restated_claim_once_and_its_copies_share_its_node():
    amap, analysis = _map()
    options = RenderOptions(min_confidence=0.0)
    page = render_html(amap, analysis, None, options)
    section = page[page.index('<section id="contested">'):page.index('<section id="unanswered">')]
    assert "Contested claims (1)" in section
    assert section.count("data-claim=") == 1 and "said in 3 posts by 2 authors" in section
    # an objection in a list says what it attacks (here a copy: the text is the same)
    unanswered = page[page.index('<section id="unanswered">'):]
    unanswered = unanswered[:unanswered.index("</section>")]
    assert "San Francisco" in unanswered and f"against: {SLOGAN}" in unanswered
    data = json.loads(re.search(r'<script type="application/json" id="argmap-data">(.*?)</script>',
                                page, re.S).group(1))
    claims = data["claims"]
    assert claims["t:p0/c0"]["copies"] == ["t:p2/c0", "t:p4/c0"]
    assert claims["t:p2/c0"]["node"] == claims["t:p4/c0"]["node"] == claims["t:p0/c0"]["node"]


@pytest.mark.browser
@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="chromium is not installed at /usr/bin")
def test_copies_clicking_a_restated_claim_shows_its_other_posts_and_every_copys_relations(
        tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    amap, analysis = _map()
    options = RenderOptions(min_confidence=0.0)
    svg = render_svg(to_dot(amap, analysis, options)).decode("utf-8")
    path = write_atomic(tmp_path / "report.html", render_html(amap, analysis, svg, options))
    with sync_api.sync_playwright() as pw:
        browser = _launch(pw)
        try:
            page = browser.new_page()
            problems: list[str] = []
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.goto(path.as_uri())
            page.locator("#map g.node.claim", has_text="said in 3 posts").click()
            page.wait_for_selector("#details .claim-text")
            assert page.get_attribute("#details", "data-claim") == "t:p0/c0"
            details = page.inner_text("#details").lower()  # headings are set in capitals
            assert "also said in 2 other posts" in details
            assert "attacked by (1)" in details and "san francisco" in details
            assert "supported by (1)" in details and "landlords stop repairing" in details
            assert "supports (" not in details  # the copy restating the first is no argument
            assert page.locator("#map g.rel.selected").count() == 2
            assert problems == []
        finally:
            browser.close()


def test_copies_the_report_and_summary_say_what_was_said_again_and_again():
    from argmap.exports.summary import to_markdown

    amap, analysis = _map()
    page = render_html(amap, analysis, None, RenderOptions(min_confidence=0.0))
    section = page[page.index('<section id="repeated">'):]
    section = section[:section.index("</section>")]
    assert "Said again and again (1)" in section and 'href="#repeated"' in page
    assert section.count("data-claim=") == 1 and "said in 3 posts by 2 authors" in section
    summary = to_markdown(amap, analysis)
    assert "## Said again and again" in summary
    assert f"- “{SLOGAN}” — 3 posts by 2 authors, first in t:p0" in summary
    contested = summary[summary.index("## Contested claims"):]
    contested = contested[:contested.index("\n\n## ")]
    assert contested.count("Rent control") == 1  # three copies were contested: listed once
    # a map where nothing is said twice has no such section
    plain, plain_analysis = make_map(20, seed=2)
    assert 'id="repeated"' not in render_html(plain, plain_analysis, None, DRAW_ALL)
    assert "Said again and again" not in to_markdown(plain, plain_analysis)
