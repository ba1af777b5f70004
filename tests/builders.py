"""Synthetic argument maps for the render and export tests: reply-tree shaped, seeded."""

from __future__ import annotations

import dataclasses
import random

from argmap.model import (
    Analysis,
    ArgumentMap,
    Camp,
    Claim,
    Evidence,
    EvidenceKind,
    Post,
    PostRelation,
    PostStance,
    Relation,
    SourceRef,
    Stance,
    Summary,
    SummaryItem,
    Thread,
    Topic,
)
from argmap.options import RenderOptions

WORDS = (
    "the tax policy would raise prices for renters because landlords pass costs on but evidence "
    "from other cities shows rents fell after the reform so the claim does not hold and wages "
    "matter more than zoning however transit access changes everything in dense suburbs"
).split()


def make_map(n_claims: int, *, seed: int = 0, texts: list[str] | None = None,
             url: str | None = "https://forum.example/p/{n}") -> tuple[ArgumentMap, Analysis]:
    """A reply-tree-shaped map: each claim answers one of the 40 before it, 30% extra links."""
    rng = random.Random(seed)
    posts, claims, relations = [], [], []
    for n in range(n_claims):
        text = texts[n % len(texts)] if texts else " ".join(
            rng.choice(WORDS) for _ in range(rng.randint(6, 28)))
        pid = f"t:{n:05d}"
        parent = f"t:{rng.randrange(max(0, n - 40), n):05d}" if n else None
        posts.append(Post(id=pid, thread_id="t", text=text, author=f"user{n % 7}", reply_to=parent,
                          source=SourceRef(path="x.jsonl", line=n + 1,
                                           url=url.format(n=n) if url else None)))
        claims.append(Claim(id=f"{pid}/c0", post_id=pid, start=0, end=len(text), text=text))
        targets = [parent] if parent else []
        if n > 2 and rng.random() < 0.3:
            targets.append(f"t:{rng.randrange(0, n):05d}")
        for target in dict.fromkeys(targets):
            stance = Stance.ATTACK if rng.random() < 0.4 else Stance.SUPPORT
            relations.append(Relation(source=f"{pid}/c0", target=f"{target}/c0", stance=stance,
                                      confidence=round(rng.random(), 2),
                                      evidence=(Evidence(EvidenceKind.CONNECTIVE, "because", 0.5),)))
    k = max(1, n_claims // 12)
    groups: list[list[str]] = [[] for _ in range(k)]
    for c in claims:
        groups[rng.randrange(k)].append(c.id)
    topics = tuple(Topic(id=f"t{i:02d}", label=" ".join(rng.sample(WORDS, 3)), terms=("tax",),
                         claim_ids=tuple(g)) for i, g in enumerate(groups) if g)
    indegree = {c.id: 0 for c in claims}
    for r in relations:
        indegree[r.target] += 1
    centrality = tuple(sorted(((cid, d / max(1, len(relations))) for cid, d in indegree.items()),
                              key=lambda kv: (-kv[1], kv[0])))
    status = tuple((c.id, rng.choice(["in", "out", "undecided"])) for c in claims)
    attacked = {r.target for r in relations if r.stance is Stance.ATTACK}
    supported = {r.target for r in relations if r.stance is Stance.SUPPORT}
    answered = {r.target for r in relations}
    unanswered = tuple(sorted(r.source for r in relations
                              if r.stance is Stance.ATTACK and r.source not in answered))
    summary = Summary("thread", "t", "Thread t", tuple(
        SummaryItem(c.id, c.post_id, c.text, 0.2, None) for c in claims[:3]))
    amap = ArgumentMap(threads=(Thread(id="t", title="Rent & <taxes>", posts=tuple(posts)),),
                       claims=tuple(claims), dropped=(), topics=topics, relations=tuple(relations))
    analysis = Analysis(centrality=centrality, contested=tuple(sorted(attacked & supported)),
                        unanswered=unanswered, status=status,
                        camps=(Camp("camp1", ("user1", "user2"), (claims[0].id,)),),
                        summaries=(summary,))
    return amap, analysis


# The render tests test drawing, not the drawing threshold: every relation drawn (the default
# render.min_confidence hides relations below the calibrated 0.5; tests of that say so).
DRAW_ALL = RenderOptions(min_confidence=0.0)


def with_post_relations(amap: ArgumentMap, *, seed: int = 0, no_pair_every: int = 5) -> ArgumentMap:
    """``amap`` with one PostRelation per reply (as link.post_stance makes them): a seeded
    stance and confidence, carried by the reply's and the parent's first claims, except every
    ``no_pair_every``-th reply, which carries none (a reply with no claims)."""
    rng = random.Random(seed)
    out = []
    for n, post in enumerate(p for t in amap.threads for p in t.posts if p.reply_to):
        stance = rng.choice([PostStance.DISAGREE, PostStance.DISAGREE, PostStance.AGREE,
                             PostStance.NONE])
        pair = (None, None) if no_pair_every and n % no_pair_every == no_pair_every - 1 else (
            f"{post.id}/c0", f"{post.reply_to}/c0")
        out.append(PostRelation(post.id, post.reply_to, stance, round(rng.random(), 3), *pair,
                                (Evidence(EvidenceKind.REPLY, f"reply to {post.reply_to}", 0.4),)))
    return dataclasses.replace(amap, post_relations=tuple(sorted(out, key=lambda r: r.source)))
