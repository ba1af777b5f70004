"""The linker: cues become edges with evidence, candidates stay near-linear, threads stay apart."""

from __future__ import annotations

import random
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from argmap.link.linker import generate_candidates, link
from argmap.model import Claim, EvidenceKind, Post, Stance, Thread, Topic, claim_id
from argmap.options import LinkOptions


def _post(pid: str, tid: str, sentences: list[str], reply_to: str | None = None):
    text, claims, at = "", [], 0
    for n, sentence in enumerate(sentences):
        if text:
            text += " "
        at = len(text)
        text += sentence
        claims.append(Claim(claim_id(pid, n), pid, at, at + len(sentence), sentence))
    return Post(id=pid, thread_id=tid, text=text, reply_to=reply_to), claims


def _build(spec: dict[str, list[tuple[str, list[str], str | None]]]):
    threads, claims = [], []
    for tid, posts in spec.items():
        built = [_post(pid, tid, sentences, reply) for pid, sentences, reply in posts]
        threads.append(Thread(id=tid, title=None, posts=tuple(p for p, _ in built)))
        claims.extend(c for _, cs in built for c in cs)
    topic = Topic(id="t00", label="all", terms=(), claim_ids=tuple(c.id for c in claims))
    return threads, claims, [topic]


def _find(relations, source, target):
    return next((r for r in relations if r.source == source and r.target == target), None)


SEED = {
    "t1": [
        ("t1:a", ["Anthropic claims this change to the security policy is minor."], None),
        ("t1:b", ["But, I'm not so sure it's a small change to the security policy: "
                  "we don't know what fraction of employees could get this access."], "t1:a"),
    ]
}


def test_link_seed_disagreement_becomes_attack_with_cue() -> None:
    threads, claims, topics = _build(SEED)
    for model_on in (False, True):
        relations = link(threads, claims, topics, LinkOptions(use_model=model_on))
        edge = _find(relations, "t1:b/c0", "t1:a/c0")
        assert edge is not None and edge.stance is Stance.ATTACK
        details = " ".join(e.detail for e in edge.evidence)
        assert "not so sure" in details
        assert any(e.kind is EvidenceKind.REPLY for e in edge.evidence)


def test_link_within_post_connectives() -> None:
    threads, claims, topics = _build({"t": [
        ("t:p", ["We should ban cars from the city centre.",
                 "Because the air in the centre is unhealthy to breathe."], None),
        ("t:q", ["We should ban cars from the city centre.",
                 "The air in the centre is unhealthy to breathe.",
                 "However, many shops depend on customers who drive in."], None)]})
    relations = link(threads, claims, topics, LinkOptions(use_model=False, min_confidence=0.0))
    because = _find(relations, "t:p/c1", "t:p/c0")
    assert because is not None and because.stance is Stance.SUPPORT
    assert any("answering the claim before" in e.detail or "main claim" in e.detail
               for e in because.evidence)
    however = _find(relations, "t:q/c2", "t:q/c1")
    assert however is not None and however.stance is Stance.ATTACK
    assert any(e.kind is EvidenceKind.CONNECTIVE and "however" in e.detail
               for e in however.evidence)


def test_link_forward_connective_points_backwards() -> None:
    threads, claims, topics = _build({"t": [("t:p", [
        "Rents in the city rose by forty percent in five years.",
        "So the council must build more social housing now.",
    ], None)]})
    relations = link(threads, claims, topics, LinkOptions(use_model=False, min_confidence=0.0))
    edge = _find(relations, "t:p/c0", "t:p/c1")
    assert edge is not None and edge.stance is Stance.SUPPORT
    assert _find(relations, "t:p/c1", "t:p/c0") is None


def test_link_quote_targets_the_quoted_claim() -> None:
    threads, claims, topics = _build({"t": [
        ("t:a", ["Nuclear power is the safest source of energy per kilowatt hour.",
                 "Solar panels are getting cheaper every single year."], None),
    ]})
    reply_text = ("> Nuclear power is the safest source of energy\n"
                  "That is wrong, waste lasts forever.")
    start = reply_text.index("That")
    reply = Post(id="t:b", thread_id="t", text=reply_text, reply_to="t:a")
    claims.append(Claim("t:b/c0", "t:b", start, len(reply_text), reply_text[start:]))
    threads = [replace(threads[0], posts=threads[0].posts + (reply,))]
    topics = [replace(topics[0], claim_ids=tuple(c.id for c in claims))]
    relations = link(threads, claims, topics, LinkOptions(use_model=False))
    edge = _find(relations, "t:b/c0", "t:a/c0")
    assert edge is not None and edge.stance is Stance.ATTACK
    assert any(e.kind is EvidenceKind.QUOTE for e in edge.evidence)


def test_link_sibling_posts_link_by_similarity() -> None:
    threads, claims, topics = _build({"t": [
        ("t:a", ["Remote work makes software teams more productive overall."], None),
        ("t:b", ["I doubt remote work makes software teams more productive."], None),
    ]})
    relations = link(threads, claims, topics, LinkOptions(use_model=False))
    edge = _find(relations, "t:b/c0", "t:a/c0")
    assert edge is not None and edge.stance is Stance.ATTACK
    assert any(e.kind is EvidenceKind.SIMILARITY for e in edge.evidence)


def _synthetic(posts: int, threads: int = 40, seed: int = 7):
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(300)]
    spec: dict[str, list] = {}
    for n in range(posts):
        tid = f"t{n % threads:03d}"
        mine = spec.setdefault(tid, [])
        reply = mine[rng.randrange(len(mine))][0] if mine and rng.random() < 0.8 else None
        sentences = [" ".join(rng.choice(words) for _ in range(8)) + "." for _ in range(3)]
        mine.append((f"{tid}:p{n:05d}", sentences, reply))
    return _build(spec)


def test_link_candidates_near_linear_in_claims() -> None:
    threads, claims, topics = _synthetic(2000)
    options = LinkOptions()
    _layout, cands = generate_candidates(threads, claims, topics, options)
    # within a post: <= 2 * window + 2 targets; reply: <= 3; similarity: <= max links;
    # cross-thread: <= cross_thread_links (quotes: none here)
    bound = 2 * options.within_post_window + 2 + 3 + options.max_links_per_claim + \
        options.cross_thread_links
    assert len(cands) <= bound * len(claims)


def test_link_threads_stay_apart_except_bounded_cross_thread() -> None:
    threads, claims, topics = _synthetic(200, threads=10)
    thread_of = {c.id: c.post_id.split(":")[0] for c in claims}
    none = link(threads, claims, topics, LinkOptions(cross_thread_links=0, use_model=False))
    assert all(thread_of[r.source] == thread_of[r.target] for r in none)
    some = link(threads, claims, topics, LinkOptions(cross_thread_links=1, min_confidence=0.0,
                                                     cross_thread_threshold=0.05))
    crossing = [r for r in some if thread_of[r.source] != thread_of[r.target]]
    assert crossing, "a low threshold should find some cross-thread links"
    per_source: dict[str, int] = {}
    for r in crossing:
        per_source[r.source] = per_source.get(r.source, 0) + 1
    assert max(per_source.values()) <= 1


def test_link_output_independent_of_input_order() -> None:
    threads, claims, topics = _synthetic(60, threads=3)
    first = link(threads, claims, topics, LinkOptions())
    shuffled = list(claims)
    random.Random(1).shuffle(shuffled)
    again = link(list(reversed(threads)), shuffled, topics, LinkOptions())
    assert first == again
    assert list(first) == sorted(first, key=lambda r: (r.source, r.target, r.stance.value))


@settings(max_examples=25, deadline=None)
@given(st.lists(st.lists(st.text(min_size=1, max_size=80), min_size=1, max_size=4),
                min_size=1, max_size=5), st.booleans())
def test_link_relations_always_valid(posts, use_model) -> None:
    spec = {"t": [(f"t:p{i}", sentences, f"t:p{i - 1}" if i else None)
                  for i, sentences in enumerate(posts)]}
    threads, claims, topics = _build(spec)
    ids = {c.id for c in claims}
    relations = link(threads, claims, topics, LinkOptions(use_model=use_model,
                                                          min_confidence=0.0))
    for r in relations:
        assert r.evidence and 0.0 <= r.confidence <= 1.0
        assert r.source in ids and r.target in ids and r.source != r.target


def test_link_disagreement_inside_a_long_post_is_an_attack() -> None:
    threads, claims, topics = _build({"t": [("t:p", [
        "I feel like there are two things going on with the proposal from the lab.",
        "The lab considers itself the expert on safety and security policy.",
        "The lab thinks the state government is too political to regulate it.",
        "It wants the state to set only a few high level rules for labs.",
        "But, what they propose in return just seems to be at odds with their stated purpose.",
    ], None)]})
    relations = link(threads, claims, topics, LinkOptions())
    edges = [r for r in relations if r.source == "t:p/c4"]
    assert edges and all(r.stance is Stance.ATTACK for r in edges)
    assert any('"but"' in e.detail for e in edges[0].evidence)


def test_link_post_quotes_field_targets_the_quoted_post() -> None:
    from argmap.model import Quote

    threads, claims, topics = _build({"t": [
        ("t:a", ["Nuclear power is the safest source of energy per kilowatt hour."], None),
        ("t:b", ["Wind farms kill many birds every single year in Europe."], None),
    ]})
    text = "I don't think the safety record is that simple at all."
    reply = Post(id="t:c", thread_id="t", text=text, reply_to="t:b",
                 quotes=(Quote("Nuclear power is the safest source of energy", "t:a"),))
    claims.append(Claim("t:c/c0", "t:c", 0, len(text), text))
    threads = [replace(threads[0], posts=threads[0].posts + (reply,))]
    topics = [replace(topics[0], claim_ids=tuple(c.id for c in claims))]
    relations = link(threads, claims, topics, LinkOptions(use_model=False))
    edge = _find(relations, "t:c/c0", "t:a/c0")
    assert edge is not None and edge.stance is Stance.ATTACK
    assert any(e.kind is EvidenceKind.QUOTE for e in edge.evidence)


_CUE_SENTENCES = [
    "We should ban cars from the city centre.", "Because the air is unhealthy to breathe.",
    "However, many shops depend on customers who drive in.", "I disagree, that is wrong.",
    "Exactly, I agree with this point.", "Admittedly, buses are slow.",
    "So the council must build more social housing now.", "Is that really true?",
    "It is not a good idea and it harms people.", "Bike lanes improve safety for everyone.",
]


def _cue_corpus(posts: int, seed: int = 3):
    rng = random.Random(seed)
    spec: dict[str, list] = {}
    for n in range(posts):
        tid = f"t{n % 5}"
        mine = spec.setdefault(tid, [])
        reply = mine[rng.randrange(len(mine))][0] if mine and rng.random() < 0.7 else None
        sentences = [rng.choice(_CUE_SENTENCES) + f" w{rng.randrange(40)} w{rng.randrange(40)}"
                     for _ in range(rng.randrange(1, 6))]
        mine.append((f"{tid}:p{n:04d}", sentences, reply))
    return _build(spec)


def test_link_batch_scores_equal_the_per_pair_reference() -> None:
    from argmap.link.linker import _batch_scores, score_candidate
    from argmap.link.relation_model import default_model

    threads, claims, topics = _cue_corpus(120)
    extra, extra_claims, _ = _build(NO_SIDE)  # replies that take no side
    threads, claims = [*threads, *extra], [*claims, *extra_claims]
    layout, cands = generate_candidates(threads, claims, topics, LinkOptions())
    ordered = [cands[key] for key in sorted(cands)]
    assert {c.origin for c in ordered} >= {"within", "reply", "similarity"}
    assert any(layout.cues[c.child].no_side for c in ordered if c.origin == "reply")
    for model in (default_model(), None):
        attack, confidence, _logits, _model_stance, _no_side = _batch_scores(layout, ordered,
                                                                             model)
        for k, cand in enumerate(ordered):
            stance, conf, _evidence, _certainty = score_candidate(layout, cand, model)
            assert (stance is Stance.ATTACK, conf) == (attack[k], confidence[k])


MICROTEXT = {
    "m1": [("m1:p", [
        "The city should ban cars from the old town.",
        "Admittedly, shop owners fear losing customers who arrive by car.",
        "But pedestrian streets attract more shoppers than car traffic does.",
        "Air pollution in the narrow streets harms the residents.",
    ], None)]
}


def test_link_first_claim_is_the_main_claim_others_attach_to() -> None:
    threads, claims, topics = _build(MICROTEXT)
    for model_on in (False, True):
        relations = link(threads, claims, topics, LinkOptions(use_model=model_on))
        assert not any(r.source == "m1:p/c0" for r in relations if r.target.startswith("m1:"))
        assert _find(relations, "m1:p/c3", "m1:p/c0") is not None


def test_link_contrast_opener_answers_the_claim_before_it() -> None:
    threads, claims, topics = _build(MICROTEXT)
    for model_on in (False, True):
        relations = link(threads, claims, topics, LinkOptions(use_model=model_on))
        rebuttal = _find(relations, "m1:p/c2", "m1:p/c1")
        assert rebuttal is not None
        assert any("answering the claim before it" in e.detail for e in rebuttal.evidence)
        assert _find(relations, "m1:p/c2", "m1:p/c0") is None  # one target per claim


SHOUTED = {
    "s1": [("s1:p", [
        "The city should close the old bridge to cars.",
        "Repairs would cost more than a new footpath.",
        "Cyclists already avoid the bridge in winter.",
        "THE BRIDGE SHOULD BECOME A FOOTPATH.",
    ], None)]
}


def test_link_closing_claim_in_capitals_is_the_main_claim() -> None:
    threads, claims, topics = _build(SHOUTED)
    for model_on in (False, True):
        relations = link(threads, claims, topics, LinkOptions(use_model=model_on))
        assert not any(r.source == "s1:p/c3" for r in relations)  # the thesis answers nothing
        assert _find(relations, "s1:p/c0", "s1:p/c3") is not None


CONCEDED = {
    "k1": [("k1:p", [
        "Tuition should be free for every student.",
        "Some say free tuition only helps families who could already pay.",
        "Poorer students are the ones who drop out over fees.",
        "A country gains when talent is not wasted.",
    ], None)]
}


def test_link_claim_after_a_concession_answers_it() -> None:
    threads, claims, topics = _build(CONCEDED)
    for model_on in (False, True):
        relations = link(threads, claims, topics, LinkOptions(use_model=model_on))
        answer = _find(relations, "k1:p/c2", "k1:p/c1")
        assert answer is not None, relations
        assert _find(relations, "k1:p/c2", "k1:p/c0") is None
        assert _find(relations, "k1:p/c1", "k1:p/c2") is None


CONCEDING_OPENING = {
    "w1": [("w1:p", [
        "Smart watches have many useful features,",
        "but they will never replace a smart phone.",
        "Their screens are too small to read a book on.",
        "Typing a message on a watch is slow and awkward.",
    ], None)]
}


def test_link_post_that_opens_by_conceding_states_its_thesis_after(monkeypatch) -> None:
    import argmap.link.post_structure as structure

    threads, claims, topics = _build(CONCEDING_OPENING)
    relations = link(threads, claims, topics, LinkOptions(use_model=True))
    assert not any(r.source == "w1:p/c1" for r in relations)  # "but ..." is the thesis
    assert _find(relations, "w1:p/c0", "w1:p/c1") is not None  # the conceded point attacks it
    without_model = link(threads, claims, topics, LinkOptions(use_model=False))
    assert any(r.source == "w1:p/c0" for r in without_model)  # the concession is no thesis
    monkeypatch.setattr(structure, "_opens_conceding", lambda first, second: False)
    for model_on in (False, True):  # without the rule the first-place bonus keeps the concession
        relations = link(threads, claims, topics, LinkOptions(use_model=model_on))
        assert not any(r.source == "w1:p/c0" for r in relations)
        assert _find(relations, "w1:p/c1", "w1:p/c0") is not None


def test_link_opens_conceding_reads_concessions_and_contrasts() -> None:
    from argmap.link.cues import text_cues
    from argmap.link.post_structure import _opens_conceding

    plain = text_cues("Smart watches have many useful features.")
    assert _opens_conceding(text_cues("Although smart watches are useful,"), plain)
    assert _opens_conceding(text_cues("Some believe paper books will soon disappear."), plain)
    assert _opens_conceding(plain, text_cues("but they will never replace a phone."))
    assert not _opens_conceding(plain, text_cues("Their screens are too small."))
    # an affirming opener states the writer's own thesis ("Yes, ...")
    assert not _opens_conceding(text_cues("Yes, recycling makes a difference."), plain)


CONTINUED = {
    "a1": [("a1:p", [
        "Cities should ban cars from their centres.",
        "Some say that cars bring customers to the shops,",
        "and that many people need a car to get to work.",
        "But clean air matters more than convenience.",
    ], None)]
}


def test_link_claim_opened_by_and_takes_the_target_of_the_claim_before(monkeypatch) -> None:
    import argmap.link.post_structure as structure

    threads, claims, topics = _build(CONTINUED)
    for model_on in (False, True):
        options = LinkOptions(use_model=model_on)
        relations = link(threads, claims, topics, options)
        assert _find(relations, "a1:p/c1", "a1:p/c0") is not None
        second = _find(relations, "a1:p/c2", "a1:p/c0")  # a second objection beside the first
        assert second is not None, relations
        assert any('("and ...")' in e.detail for e in second.evidence)
        assert _find(relations, "a1:p/c2", "a1:p/c1") is None
        assert not any('("and ...")' in e.detail for r in relations if r is not second
                       for e in r.evidence)
        with monkeypatch.context() as patched:  # without the rule: the claim beside it
            patched.setattr(structure, "_COORDINATING", frozenset())
            assert _find(link(threads, claims, topics, options), "a1:p/c2", "a1:p/c1")


NO_SIDE = {
    "n1": [
        ("n1:a", ["Masks cut transmission in crowded rooms."], None),
        ("n1:b", ["Thanks, where did you read that?"], "n1:a"),
        ("n1:c", ["That's not true, the trials found no effect at all."], "n1:a"),
    ]
}


def test_link_reply_that_takes_no_side_gets_no_edge_unless_asked() -> None:
    threads, claims, topics = _build(NO_SIDE)
    for model_on in (False, True):
        relations = link(threads, claims, topics, LinkOptions(use_model=model_on))
        assert _find(relations, "n1:b/c0", "n1:a/c0") is None
        attack = _find(relations, "n1:c/c0", "n1:a/c0")
        assert attack is not None and attack.stance is Stance.ATTACK
    loose = link(threads, claims, topics, LinkOptions(min_confidence=0.01))
    thanks = _find(loose, "n1:b/c0", "n1:a/c0")
    assert thanks is not None and thanks.confidence < 0.35
    assert any("takes no side" in e.detail for e in thanks.evidence)


CONCLUDED = {
    "c1": [("c1:p", [
        "Many drivers park on cycle lanes in the city.",
        "Cyclists then have to swerve into traffic.",
        "Higher fines are therefore the right measure against careless parking.",
        "Cities that raised them saw fewer blocked lanes.",
    ], None)]
}


def test_link_claim_that_concludes_is_the_main_claim(monkeypatch) -> None:
    import argmap.link.post_structure as structure

    threads, claims, topics = _build(CONCLUDED)
    # the first-place bonus (1.0) outweighs the conclusion's (0.5): set it aside to see this one
    monkeypatch.setattr(structure, "FIRST_CLAIM_BONUS", 0.0)
    for model_on in (False, True):
        relations = link(threads, claims, topics, LinkOptions(use_model=model_on))
        assert not any(r.source == "c1:p/c2" for r in relations)  # the conclusion answers nothing
        assert any(r.target == "c1:p/c2" for r in relations)
    monkeypatch.setattr(structure, "CONCLUSION_BONUS", 0.0)  # without the cue: another claim
    relations = link(threads, claims, topics, LinkOptions(use_model=False))
    assert any(r.source == "c1:p/c2" for r in relations)


EXAMPLE = {
    "e1": [("e1:p", [
        "Cities should plant more trees along their streets.",
        "Trees cool the streets in summer.",
        "For example, shaded pavements stay ten degrees cooler at noon.",
        "Residents also report feeling calmer near trees.",
    ], None)]
}


def test_link_example_backs_the_claim_before_it(monkeypatch) -> None:
    import argmap.link.post_structure as structure

    threads, claims, topics = _build(EXAMPLE)
    for model_on in (False, True):
        relations = link(threads, claims, topics, LinkOptions(use_model=model_on))
        example = _find(relations, "e1:p/c2", "e1:p/c1")
        assert example is not None, relations
        assert any("answering the claim before it" in e.detail for e in example.evidence)
        assert _find(relations, "e1:p/c2", "e1:p/c0") is None
    monkeypatch.setattr(structure, "_ILLUSTRATING", frozenset())  # without the cue: the thesis
    relations = link(threads, claims, topics, LinkOptions(use_model=False))
    assert _find(relations, "e1:p/c2", "e1:p/c0") is not None


def _paragraphed(pid: str, tid: str, paragraphs: list[list[str]], separator: str = "\n\n"):
    """A post whose sentences are grouped in paragraphs (``separator`` between paragraphs)."""
    text, claims, n = "", [], 0
    for k, sentences in enumerate(paragraphs):
        if k:
            text += separator
        for j, sentence in enumerate(sentences):
            if j:
                text += " "
            claims.append(Claim(claim_id(pid, n), pid, len(text), len(text) + len(sentence),
                                sentence))
            text += sentence
            n += 1
    post = Post(id=pid, thread_id=tid, text=text)
    return [Thread(id=tid, title=None, posts=(post,))], claims, [
        Topic(id="t00", label="all", terms=(), claim_ids=tuple(c.id for c in claims))]


PARAGRAPHS = [
    ["The city should build a tram line to the harbour.",
     "Buses to the harbour are full every morning."],
    ["Trams run on electricity from the grid.",
     "The grid here is mostly wind power by now."],
]


def test_link_claim_continues_its_paragraph() -> None:
    for model_on in (False, True):
        options = LinkOptions(use_model=model_on)
        relations = link(*_paragraphed("g1:p", "g1", PARAGRAPHS), options)
        edge = _find(relations, "g1:p/c3", "g1:p/c2")
        assert edge is not None, relations
        assert any("in its paragraph" in e.detail for e in edge.evidence)
        # the paragraph break: the next paragraph's first claim does not continue the last one
        assert not any("in its paragraph" in e.detail for r in relations
                       if r.source == "g1:p/c2" for e in r.evidence)
        # one paragraph gives no such evidence: the claim argues for the thesis
        flat = link(*_paragraphed("g1:p", "g1", PARAGRAPHS, separator=" "), options)
        assert not any("in its paragraph" in e.detail for r in flat for e in r.evidence)
        assert _find(flat, "g1:p/c3", "g1:p/c0") is not None


LONG_POST = {
    "l1": [("l1:p", [
        "The council should make the old market square car free.",
        "Traffic there is heavy at every hour of the day.",
        "Delivery vans block the narrow lanes around the square.",
        "Children cross the square on their way to the school.",
        "Pollution readings on the square exceed the legal limit.",
        "The cafes could use the space for their terraces.",
        "Market stalls would have room to grow in summer.",
        "Tourists would stay longer in a quiet square.",
        "Buses could still reach the stop at the northern corner.",
        "Residents would keep access to their garages at night.",
        "Parking garages nearby have hundreds of empty spaces.",
        "Other towns closed their squares and shops did well.",
    ], None)]
}


def test_link_main_claim_pull_has_a_reach(monkeypatch) -> None:
    import argmap.link.post_structure as structure

    threads, claims, topics = _build(LONG_POST)
    options = LinkOptions(use_model=False, min_confidence=0.0)

    def pulled(relations, source):
        return any(r.source == source and "main claim of the post" in e.detail
                   for r in relations for e in r.evidence)

    relations = link(threads, claims, topics, options)
    assert pulled(relations, "l1:p/c3")  # near the thesis: drawn to it
    assert not pulled(relations, "l1:p/c11")  # 11 claims away: beyond the reach
    monkeypatch.setattr(structure, "MAIN_CLAIM_REACH", 100)
    assert pulled(link(threads, claims, topics, options), "l1:p/c11")


REPLY_THREAD = {
    "r1": [
        ("r1:a", ["Remote work makes teams less productive.",
                  "People chat less when they are not in one office."], None),
        ("r1:b", ["I disagree, remote teams in my company ship more often.",
                  "Meetings got shorter once everyone joined from home.",
                  "Nobody commutes for an hour anymore.",
                  "Quiet hours at home help with focused work."], "r1:a"),
    ]
}


def test_link_reply_answers_through_its_opening_and_main_claim() -> None:
    threads, claims, topics = _build(REPLY_THREAD)
    for model_on in (False, True):
        relations = link(threads, claims, topics, LinkOptions(use_model=model_on,
                                                              min_confidence=0.0))
        across = [r for r in relations
                  if r.source.startswith("r1:b") and r.target.startswith("r1:a")]
        assert any(r.source == "r1:b/c0" for r in across), relations
        answering = {r.source for r in across
                     if any(e.kind is EvidenceKind.REPLY for e in r.evidence)}
        inside = {r.source for r in relations
                  if r.source.startswith("r1:b") and r.target.startswith("r1:b")}
        main = {c.id for c in claims if c.post_id == "r1:b"} - inside  # answers nothing inside
        assert len(main) == 1
        # only the opening and the main claim answer the parent post; the rest argue inside
        assert answering <= {"r1:b/c0"} | main and len(answering) <= 2, across


def test_link_thread_without_claims_gives_no_relations() -> None:
    """Posts that hold no claim ("ok", "thanks") once made the main-claim step index with an
    empty float array (IndexError, a traceback from `argmap map`)."""
    posts = (Post("p1", "t", "ok"), Post("p2", "t", "thanks", reply_to="p1"))
    assert link([Thread("t", None, posts)], [], [], LinkOptions()) == ()
