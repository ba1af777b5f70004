"""Support and attack edges between claims.

Candidate pairs come from the structure of the discussion, never from all pairs of claims (a
dense cosine matrix over all claims runs out of memory at ~6k posts):

1. inside a post: each claim and the claims within ``within_post_window`` of it, plus the
   post's first and last claim (where authors put their main claim);
2. the reply tree: each claim of a reply and the claims of the post it replies to;
3. quotes: a ``>`` line or a ``Post.quotes`` text is matched to the claim it quotes, and the
   reply's claims after it respond to that claim;
4. similarity inside a thread and topic (the only cross-post links of plain-text dumps whose
   posts are siblings), and at most ``cross_thread_links`` per claim across threads inside a
   topic, both as thresholded sparse products computed in row chunks.

Each candidate collects evidence (connectives, stance cues, negation, the reply, the quote, the
similarity; the cue rules are ``relation_model.within_post_cues``/``across_post_cues``) and,
when a model is given, the model's attachment and stance probabilities. The stance logit is the
model's plus 2.5 per cue vote (inside a post only the cues decide unless the model was trained
on within-post stances); confidence is a noisy-OR of the cue weights blended 50/50 with the
model's attachment probability. Within a post each claim keeps its best target and the post's
main claim (most incoming, least outgoing, normative wording) keeps none; across posts a claim
keeps one reply link plus quote/similarity links, at most ``max_links_per_claim`` in all.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from .model import Claim, Evidence, EvidenceKind, Relation, Stance, Thread, Topic
from .model import relation_sort_key as _relation_key
from .options import LinkOptions
from .relation_model import (
    PairContext,
    RelationModel,
    across_post_cues,
    default_model,
    pair_features,
    text_cues,
    within_post_cues,
)

_CHUNK = 512  # rows per sparse product: bounds memory whatever the thread or topic size
MAIN_CLAIM_WEIGHT = 0.3  # evidence weight of "the target is the post's main claim"
NORMATIVE_BONUS = 0.6  # rootness bonus of a "should/must/ought" claim
_CUE_LOGIT = 2.5  # how far one full-strength cue moves the stance logit


@dataclass(slots=True)
class Candidate:
    """A possible edge child -> parent and everything that speaks for it."""

    child: int
    parent: int
    ctx: PairContext
    origin: str  # within | reply | quote | similarity | cross_thread
    evidence: list[Evidence] = field(default_factory=list)
    stance_votes: float = 0.0  # > 0 leans attack, < 0 leans support


@dataclass(slots=True)
class _Layout:
    """Claims indexed by post and thread, and the posts' places in their threads."""

    claims: tuple[Claim, ...]
    by_post: dict[str, list[int]]
    post_thread: dict[str, str]
    post_rank: dict[str, int]
    reply_to: dict[str, str | None]
    topic_of: list[str]
    vectors: object  # scipy CSR matrix, one L2-normalised TF-IDF row per claim


def _layout(threads: Sequence[Thread], claims: Sequence[Claim], topics: Sequence[Topic]) -> _Layout:
    ordered = tuple(sorted(claims, key=lambda c: (c.post_id, c.start, c.end, c.id)))
    by_post: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(ordered):
        by_post[c.post_id].append(i)
    post_thread, post_rank, reply_to = {}, {}, {}
    for thread in threads:
        for rank, post in enumerate(thread.posts):
            post_thread[post.id], post_rank[post.id] = thread.id, rank
            reply_to[post.id] = post.reply_to
    topic_by_claim = {cid: t.id for t in topics for cid in t.claim_ids}
    topic_of = [topic_by_claim.get(c.id, "other") for c in ordered]
    return _Layout(ordered, dict(by_post), post_thread, post_rank, reply_to, topic_of,
                   _vectorise([c.text for c in ordered]))


def _vectorise(texts: list[str]):  # -> scipy.sparse.csr_matrix
    from scipy.sparse import csr_matrix

    try:
        return TfidfVectorizer(sublinear_tf=True, dtype=np.float32).fit_transform(texts).tocsr()
    except ValueError:  # no words at all
        return csr_matrix((len(texts), 1), dtype=np.float32)


def _post_id_of(layout: _Layout, index: int) -> str:
    return layout.claims[index].post_id


def _cosine(layout: _Layout, a: int, b: int) -> float:
    va, vb = layout.vectors[a], layout.vectors[b]
    return float(va.multiply(vb).sum())


def _add(cands: dict[tuple[int, int], Candidate], cand: Candidate) -> Candidate:
    """Keep one candidate per (child, parent), merging the evidence of every route to it."""
    key = (cand.child, cand.parent)
    old = cands.get(key)
    if old is None:
        cands[key] = cand
        return cand
    old.evidence.extend(cand.evidence)
    old.stance_votes += cand.stance_votes
    if old.origin == "within" or cand.origin in {"quote", "reply"}:
        old.origin = old.origin if old.origin == "within" else cand.origin
    return old


def _within_post(layout: _Layout, options: LinkOptions, cands: dict) -> None:
    window = max(1, options.within_post_window)
    for members in layout.by_post.values():
        k = len(members)
        for ci in range(k):
            targets = set(range(max(0, ci - window), min(k, ci + window + 1))) | {0, k - 1}
            for pi in sorted(targets - {ci}):
                child, parent = members[ci], members[pi]
                ctx = PairContext(same_post=True, distance=ci - pi, parent_first=pi == 0,
                                  parent_last=pi == k - 1, child_first=ci == 0)
                cand = Candidate(child, parent, ctx, "within")
                _within_cues(layout, cand, ci - pi)
                _add(cands, cand)


def _within_cues(layout: _Layout, cand: Candidate, distance: int) -> None:
    evidence, votes = within_post_cues(
        text_cues(layout.claims[cand.child].text), text_cues(layout.claims[cand.parent].text),
        distance, cand.ctx.parent_first or cand.ctx.parent_last)
    cand.evidence.extend(evidence)
    cand.stance_votes += votes


def _across_cues(layout: _Layout, cand: Candidate, opening: str | None) -> None:
    first = layout.by_post[layout.claims[cand.child].post_id][0] == cand.child
    evidence, votes = across_post_cues(
        text_cues(layout.claims[cand.child].text), text_cues(layout.claims[cand.parent].text),
        first, text_cues(opening) if opening else None)
    cand.evidence.extend(evidence)
    cand.stance_votes += votes


def _pair_cosines(layout: _Layout, pairs: list[tuple[int, int]]) -> np.ndarray:
    """Cosine of many (a, b) claim pairs in one vectorised step (rows are L2-normalised)."""
    if not pairs:
        return np.zeros(0, dtype=np.float32)
    left = layout.vectors[[a for a, _ in pairs]]
    right = layout.vectors[[b for _, b in pairs]]
    return np.asarray(left.multiply(right).sum(axis=1)).ravel()


def _reply_tree(layout: _Layout, threads: Sequence[Thread], cands: dict) -> None:
    replies = []  # (post, parent post id)
    for thread in threads:
        for post in thread.posts:
            parent_post = post.reply_to
            if parent_post in layout.by_post and post.id in layout.by_post and \
                    layout.post_thread.get(parent_post) == thread.id:
                replies.append((post, parent_post))
    pairs = [(child, parent) for post, parent_post in replies
             for child in layout.by_post[post.id] for parent in layout.by_post[parent_post]]
    cosine = dict(zip(pairs, _pair_cosines(layout, pairs).tolist(), strict=True))
    for post, parent_post in replies:
        parents, children = layout.by_post[parent_post], layout.by_post[post.id]
        opening = post.text[:200]
        for child in children:
            sims = [cosine[(child, p)] for p in parents]
            best = sorted(range(len(parents)), key=lambda j: (-sims[j], j))[:2]
            for j in sorted(set(best) | {0}):
                sim = float(sims[j])
                ctx = PairContext(reply=True, parent_first=j == 0,
                                  parent_last=j == len(parents) - 1, similarity=sim,
                                  child_first=child == children[0])
                cand = Candidate(child, parents[j], ctx, "reply")
                cand.evidence.append(Evidence(EvidenceKind.REPLY, f"reply to {parent_post}",
                                              0.4 if child == children[0] else 0.15))
                if sim > 0:
                    cand.evidence.append(Evidence(EvidenceKind.SIMILARITY,
                                                  f"similarity {sim:.2f}", round(sim, 3)))
                _across_cues(layout, cand, opening)
                _add(cands, cand)


def _quoted_spans(post) -> list[tuple[int, str, str | None]]:
    """(offset where the answer starts, quoted text, quoted post id) for each quote."""
    spans, offset = [], 0
    lines = post.text.splitlines(keepends=True)
    block: list[str] = []
    for line in lines:
        offset += len(line)
        if line.lstrip().startswith(">") or line.lstrip().startswith("&gt;"):
            block.append(line.lstrip().lstrip(">").removeprefix("&gt;").strip())
        elif block:
            spans.append((offset - len(line), " ".join(block), None))
            block = []
    for quote in post.quotes:
        at = post.text.find(quote.text[:80]) if quote.text else -1
        spans.append((at + len(quote.text) if at >= 0 else 0, quote.text, quote.post_id))
    return sorted(spans, key=lambda s: (s[0], s[1], s[2] or ""))


def _quotes(layout: _Layout, threads: Sequence[Thread], cands: dict) -> None:
    for thread in threads:
        thread_claims = [i for p in thread.posts for i in layout.by_post.get(p.id, [])]
        for post in thread.posts:
            mine = layout.by_post.get(post.id, [])
            spans = _quoted_spans(post) if mine else []
            for n, (answer_at, quoted, quoted_post) in enumerate(spans):
                pool = layout.by_post.get(quoted_post or "", []) or layout.by_post.get(
                    post.reply_to or "", []) or [i for i in thread_claims if i not in set(mine)]
                target = _best_match(layout, quoted, pool)
                if target is None:
                    continue
                end = spans[n + 1][0] if n + 1 < len(spans) else math.inf
                answers = [i for i in mine if answer_at <= layout.claims[i].start < end][:2]
                for child in answers:
                    ctx = PairContext(quoted=True, reply=post.reply_to is not None)
                    cand = Candidate(child, target, ctx, "quote")
                    cand.evidence.append(Evidence(EvidenceKind.QUOTE,
                                                  f'quotes "{quoted[:60]}"', 0.7))
                    _across_cues(layout, cand, None)
                    _add(cands, cand)


def _best_match(layout: _Layout, quoted: str, pool: list[int]) -> int | None:
    words = set(text_cues(quoted).content)
    best, best_score = None, 0.0
    for i in pool:
        other = text_cues(layout.claims[i].text).content
        score = len(words & other) / max(1, len(other))
        if score > best_score:
            best, best_score = i, score
    return best if best_score >= 0.5 else None


def _top_similar(layout: _Layout, rows: list[int], cols: list[int], threshold: float):
    """Yield (row claim, col claim, cosine) with cosine >= threshold, by sparse row chunks."""
    block = layout.vectors[cols].T.tocsc()
    for lo in range(0, len(rows), _CHUNK):
        chunk = rows[lo:lo + _CHUNK]
        product = (layout.vectors[chunk] @ block).tocoo()
        keep = product.data >= threshold
        for r, c, v in zip(product.row[keep], product.col[keep], product.data[keep], strict=True):
            yield chunk[int(r)], cols[int(c)], float(v)


def _similarity(layout: _Layout, threads: Sequence[Thread], options: LinkOptions,
                cands: dict) -> None:
    for thread in threads:
        members = [i for p in thread.posts for i in layout.by_post.get(p.id, [])]
        if len(members) < 2:
            continue
        has_tree = any(p.reply_to for p in thread.posts)
        threshold = options.similarity_threshold + (0.15 if has_tree else 0.0)
        found: dict[int, list[tuple[float, int]]] = defaultdict(list)
        for child, parent, sim in _top_similar(layout, members, members, threshold):
            c, p = layout.claims[child], layout.claims[parent]
            if layout.post_rank[p.post_id] >= layout.post_rank[c.post_id]:
                continue  # a claim answers what came before it, in another post
            if has_tree and layout.topic_of[child] != layout.topic_of[parent]:
                continue
            found[child].append((-sim, parent))
        for child in sorted(found):
            first = layout.by_post[_post_id_of(layout, child)][0] == child
            for neg_sim, parent in sorted(found[child])[: options.max_links_per_claim]:
                ctx = PairContext(similarity=-neg_sim, child_first=first)
                cand = Candidate(child, parent, ctx, "similarity")
                cand.evidence.append(Evidence(EvidenceKind.SIMILARITY,
                                              f"similarity {-neg_sim:.2f}", round(-neg_sim, 3)))
                _across_cues(layout, cand, None)
                _add(cands, cand)


def _cross_thread(layout: _Layout, options: LinkOptions, cands: dict) -> None:
    if options.cross_thread_links <= 0:
        return
    by_topic: dict[str, list[int]] = defaultdict(list)
    for i, topic in enumerate(layout.topic_of):
        if topic != "other":
            by_topic[topic].append(i)
    for topic in sorted(by_topic):
        members = by_topic[topic]
        thread_of = [layout.post_thread.get(layout.claims[i].post_id, "") for i in members]
        if len(set(thread_of)) < 2:
            continue
        found: dict[int, list[tuple[float, int]]] = defaultdict(list)
        for child, parent, sim in _top_similar(layout, members, members,
                                               options.cross_thread_threshold):
            tc = layout.post_thread.get(layout.claims[child].post_id, "")
            tp = layout.post_thread.get(layout.claims[parent].post_id, "")
            if tp < tc:  # one direction only: the later thread answers the earlier one
                found[child].append((-sim, parent))
        for child in sorted(found):
            for neg_sim, parent in sorted(found[child])[: options.cross_thread_links]:
                cand = Candidate(child, parent, PairContext(similarity=-neg_sim), "cross_thread")
                cand.evidence.append(Evidence(EvidenceKind.SIMILARITY,
                                              f"similarity {-neg_sim:.2f} (other thread, same "
                                              "topic)", round(-neg_sim, 3)))
                _across_cues(layout, cand, None)
                _add(cands, cand)


def generate_candidates(
    threads: Sequence[Thread], claims: Sequence[Claim], topics: Sequence[Topic],
    options: LinkOptions,
) -> tuple[_Layout, dict[tuple[int, int], Candidate]]:
    """Every candidate pair with its cues; near-linear in the number of claims."""
    ordered_threads = tuple(sorted(threads, key=lambda t: t.id))
    layout = _layout(ordered_threads, claims, topics)
    cands: dict[tuple[int, int], Candidate] = {}
    if options.within_post:
        _within_post(layout, options, cands)
    if options.across_posts:
        _reply_tree(layout, ordered_threads, cands)
        _quotes(layout, ordered_threads, cands)
        _similarity(layout, ordered_threads, options, cands)
        _cross_thread(layout, options, cands)
    return layout, cands


def _score(layout: _Layout, cand: Candidate, model: RelationModel | None,
           parts: dict[tuple[int, str], tuple[float, float]],
           ) -> tuple[Stance, float, list, float]:
    """Stance, confidence, full evidence and stance certainty (0.5..1) of one candidate."""
    evidence = list(cand.evidence)
    prior = 1.0 - math.prod(1.0 - min(0.95, max(0.0, e.weight)) for e in evidence)
    logit_attack = cand.stance_votes * _CUE_LOGIT - 0.4  # no cue: support, the majority
    confidence = prior
    if model is not None:
        for idx, role in ((cand.child, "c"), (cand.parent, "p")):
            if (idx, role) not in parts:
                parts[(idx, role)] = model.side_scores(text_cues(layout.claims[idx].text), role)
        pair = pair_features(text_cues(layout.claims[cand.parent].text),
                             text_cues(layout.claims[cand.child].text), cand.ctx)
        proba = model.proba_from_parts(parts[(cand.parent, "p")], parts[(cand.child, "c")], pair)
        p_support = min(max(proba["support_given_attached"], 1e-6), 1 - 1e-6)
        detail = f"model: attach {proba['attach']:.2f}"
        if not cand.ctx.same_post or model.meta.get("stance_within_post_examples", 0) > 0:
            logit_attack = cand.stance_votes * _CUE_LOGIT + math.log((1 - p_support) / p_support)
            detail += f", support {proba['support']:.2f}, attack {proba['attack']:.2f}"
        else:  # the model never saw a stance inside a post: the cues decide
            detail += " (stance from cues: the model has no within-post stance training)"
        confidence = 0.5 * prior + 0.5 * proba["attach"]
        evidence.append(Evidence(EvidenceKind.MODEL, detail, round(proba["attach"], 3)))
    stance = Stance.ATTACK if logit_attack > 0 else Stance.SUPPORT
    certainty = 1.0 / (1.0 + math.exp(-abs(logit_attack)))
    confidence = round(min(1.0, max(0.0, confidence * (0.75 + 0.25 * certainty))), 4)
    return stance, confidence, evidence, round(certainty, 4)


def _main_claims(layout: _Layout, scored: dict) -> dict[str, int]:
    """Per post, the claim others attach to and that attaches to nothing: it keeps no outgoing
    within-post edge. Rootness = incoming confidence minus twice the best outgoing one, so a
    claim opened by "because" or "however" (a strong outgoing edge) is not the main claim, and
    a claim about what should be done is the likelier main claim, one that voices disagreement
    (it answers something) the less likely."""
    incoming: dict[int, float] = defaultdict(float)
    outgoing: dict[int, float] = defaultdict(float)
    for (child, parent), (cand, _stance, conf, _ev) in scored.items():
        if cand.origin == "within":
            incoming[parent] += conf
            outgoing[child] = max(outgoing[child], conf)
    main = {}
    for post, members in layout.by_post.items():
        main[post] = max(members, key=lambda i: (
            round(incoming.get(i, 0.0) - 2 * outgoing.get(i, 0.0)
                  + NORMATIVE_BONUS * text_cues(layout.claims[i].text).normative
                  - NORMATIVE_BONUS * bool(text_cues(layout.claims[i].text).disagree), 6),
            i == members[0], -i))
    return main


def select_relations(layout: _Layout, cands: dict, options: LinkOptions,
                     model: RelationModel | None) -> list[Relation]:
    """Score every candidate, then keep the best targets per claim above min_confidence."""
    parts: dict[tuple[int, str], tuple[float, float]] = {}
    scored = {key: (cand, *_score(layout, cand, model, parts)[:3]) for key, cand in sorted(
        cands.items())}
    main = _main_claims(layout, scored)
    within: dict[int, list] = defaultdict(list)
    across: dict[int, list] = defaultdict(list)
    for (child, parent), (cand, stance, conf, evidence) in scored.items():
        if cand.origin == "within" and main[layout.claims[parent].post_id] == parent:
            # most claims of a post argue for its main claim, whatever their distance to it
            evidence = [*evidence, Evidence(EvidenceKind.ADJACENCY, "main claim of the post",
                                            MAIN_CLAIM_WEIGHT)]
            conf = round(1.0 - (1.0 - conf) * (1.0 - MAIN_CLAIM_WEIGHT), 4)
        if conf < options.min_confidence:
            continue
        entry = (-conf, parent, stance, evidence, cand.origin)
        if cand.origin == "within":
            if main[layout.claims[child].post_id] != child:
                within[child].append(entry)
        else:
            across[child].append(entry)
    relations = []
    for child, entries in sorted(within.items()):
        relations.append(_relation(layout, child, min(entries, key=lambda e: (e[0], e[1]))))
    for child, entries in sorted(across.items()):
        kept, replies = [], 0
        for entry in sorted(entries, key=lambda e: (e[0], e[1])):
            if entry[4] == "reply":
                if replies:
                    continue  # one answer per claim to the post it replies to
                replies += 1
            kept.append(entry)
        for entry in kept[: options.max_links_per_claim]:
            relations.append(_relation(layout, child, entry))
    return relations


def _relation(layout: _Layout, child: int, entry: tuple) -> Relation:
    neg_conf, parent, stance, evidence, _origin = entry
    return Relation(source=layout.claims[child].id, target=layout.claims[parent].id,
                    stance=stance, confidence=-neg_conf, evidence=tuple(evidence))


def _model_for(options: LinkOptions, model: RelationModel | None) -> RelationModel | None:
    if not options.use_model:
        return None
    return model if model is not None else default_model()


def forced_candidate(layout: _Layout, threads_by_post: dict, child: int, parent: int) -> Candidate:
    """A candidate for a pair the generator did not propose, with the cues it would carry."""
    c, p = layout.claims[child], layout.claims[parent]
    if c.post_id == p.post_id:
        members = layout.by_post[c.post_id]
        ci, pi = members.index(child), members.index(parent)
        ctx = PairContext(same_post=True, distance=ci - pi, parent_first=pi == 0,
                          parent_last=pi == len(members) - 1, child_first=ci == 0)
        cand = Candidate(child, parent, ctx, "within")
        _within_cues(layout, cand, ci - pi)
        return cand
    is_reply = layout.reply_to.get(c.post_id) == p.post_id
    sim = _cosine(layout, child, parent)
    ctx = PairContext(reply=is_reply, similarity=sim,
                      parent_first=layout.by_post[p.post_id][0] == parent,
                      child_first=layout.by_post[c.post_id][0] == child)
    cand = Candidate(child, parent, ctx, "reply" if is_reply else "similarity")
    cand.evidence.append(Evidence(EvidenceKind.REPLY, f"reply to {p.post_id}", 0.3) if is_reply
                         else Evidence(EvidenceKind.SIMILARITY, f"similarity {sim:.2f}", sim))
    post = threads_by_post.get(c.post_id)
    _across_cues(layout, cand, post.text[:200] if is_reply and post is not None else None)
    return cand


def judge_pairs(
    threads: Sequence[Thread], claims: Sequence[Claim], topics: Sequence[Topic],
    pairs: Sequence[tuple[str, str]], options: LinkOptions, model: RelationModel | None = None,
) -> dict[tuple[str, str], tuple[Stance, float, float]]:
    """(stance, confidence, stance certainty) the linker gives each (source, target) claim pair,
    whether or not it would have proposed it: how evaluation scores stance on gold pairs."""
    model = _model_for(options, model)
    layout, cands = generate_candidates(threads, claims, topics, options)
    index = {c.id: i for i, c in enumerate(layout.claims)}
    posts = {post.id: post for thread in threads for post in thread.posts}
    parts: dict[tuple[int, str], tuple[float, float]] = {}
    out = {}
    for source, target in pairs:
        child, parent = index[source], index[target]
        cand = cands.get((child, parent)) or forced_candidate(layout, posts, child, parent)
        stance, confidence, _evidence, certainty = _score(layout, cand, model, parts)
        out[(source, target)] = (stance, confidence, certainty)
    return out


def link(
    threads: Sequence[Thread], claims: Sequence[Claim], topics: Sequence[Topic],
    options: LinkOptions, model: RelationModel | None = None,
) -> tuple[Relation, ...]:
    """Support/attack relations between claims, sorted by ``relation_sort_key``."""
    model = _model_for(options, model)
    layout, cands = generate_candidates(threads, claims, topics, options)
    relations = select_relations(layout, cands, options, model)
    return tuple(sorted(relations, key=_relation_key))


__all__ = ["Candidate", "generate_candidates", "judge_pairs", "link"]
