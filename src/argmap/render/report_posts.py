"""The report's "Who disagrees with whom": each reply's stance on the post it answers.

A moderator of a heated thread asks who disagrees with whom before anything else, so the
report lists the disagreements and agreements between posts strongest first (calibrated
confidence), each with both authors, both posts in short, and the claim pair that carries the
decision (links that open the claims in the details panel); counts per stance; and the posts
that drew the most disagreeing replies. Decisions below ``render.min_confidence`` are listed
too but hidden behind the report's "show uncertain" toggle, like the claim edges below it.
Lists are capped (the rest is counted and stays in the JSON and the post_relations table).

The page script gets the same records, compact (``prel`` rows of integers), to show in the
details panel a post's stance on its parent and its replies' stances on it.
Every string here is post text: it reaches the page only through Jinja's autoescape and
``|tojson``.
"""

from __future__ import annotations

from typing import Any

from argmap.model import ArgumentMap, Post, PostRelation, PostStance, Stance
from argmap.render.disputes import (
    STANCE_ORDER,
    STANCE_WORDS,
    most_disputed,
    ranked,
    stance_counts,
)
from argmap.render.dot import safe_url
from argmap.render.evidence import confidence_words, explain
from argmap.render.labels import clean_text, truncate

EXCERPT_CHARS = 120
ROWS_LIMIT = 100  # per list, above and below the threshold each; the rest is counted
DISPUTED_LIMIT = 10
STANCE_CODE = {PostStance.NONE: 0, PostStance.AGREE: 1, PostStance.DISAGREE: 2}  # for the script
LISTED = ((PostStance.DISAGREE, "Disagreements"), (PostStance.AGREE, "Agreements"))


def excerpt(post: Post | None, limit: int = EXCERPT_CHARS) -> str:
    """A post's text in short, on one line."""
    return truncate(" ".join(clean_text(post.text).split()), limit) if post else ""


def author(post: Post | None) -> str:
    return (clean_text(post.author or "") if post else "") or "anonymous"


def _why(relation: PostRelation) -> str:
    stance = Stance.SUPPORT if relation.stance is PostStance.AGREE else Stance.ATTACK
    return "; ".join(dict.fromkeys(clean_text(explain(e, stance)) for e in relation.evidence))


def _row(relation: PostRelation, posts: dict[str, Post], claims: dict[str, Any],
         min_confidence: float) -> dict[str, Any]:
    reply, parent = posts.get(relation.source), posts.get(relation.target)
    return {
        "source": relation.source, "target": relation.target, "stance": relation.stance.value,
        "word": STANCE_WORDS[relation.stance], "sure": confidence_words(relation.confidence),
        "uncertain": relation.confidence < min_confidence,
        "source_author": author(reply), "target_author": author(parent),
        "source_excerpt": excerpt(reply), "target_excerpt": excerpt(parent),
        "source_url": safe_url(reply.source.url if reply else None),
        "target_url": safe_url(parent.source.url if parent else None),
        "source_claim": relation.source_claim if relation.source_claim in claims else None,
        "target_claim": relation.target_claim if relation.target_claim in claims else None,
        "why": _why(relation),
    }


def post_stance_context(amap: ArgumentMap, posts: dict[str, Post], claims: dict[str, Any],
                        min_confidence: float) -> dict[str, Any]:
    """What the template's section needs: counts, the capped lists, the most disputed posts."""
    relations = ranked(amap.post_relations)
    counts = stance_counts(relations)
    lists = []
    for stance, title in LISTED:
        of_stance = [r for r in relations if r.stance is stance]
        sure = [r for r in of_stance if r.confidence >= min_confidence][:ROWS_LIMIT]
        unsure = [r for r in of_stance if r.confidence < min_confidence][:ROWS_LIMIT]
        rows = [_row(r, posts, claims, min_confidence) for r in sure + unsure]
        lists.append({"stance": stance.value, "title": title, "rows": rows,
                      "n": len(of_stance), "n_sure": sum(not r["uncertain"] for r in rows),
                      "more": len(of_stance) - len(rows)})
    disputed = [{"post": d.post_id, "author": author(posts.get(d.post_id)),
                 "excerpt": excerpt(posts.get(d.post_id)), "disagree": d.disagree,
                 "agree": d.agree, "replies": d.replies,
                 "url": safe_url(posts[d.post_id].source.url if d.post_id in posts else None)}
                for d in most_disputed(relations, min_confidence, DISPUTED_LIMIT)]
    return {
        "total": len(relations),
        "counts": [(STANCE_WORDS[s], s.value, counts[s]) for s in STANCE_ORDER],
        "n_uncertain": sum(r.confidence < min_confidence for r in relations),
        "lists": lists, "disputed": disputed,
    }


def post_stance_data(amap: ArgumentMap, index: dict[str, int],
                     min_confidence: float) -> tuple[list[str], list[list[Any]]]:
    """For the page script: the post ids the stances name, and one row per stance:
    [reply post, parent post (indices into the ids), stance code (0 none, 1 agree,
    2 disagree), confidence, below the threshold (0/1), reply claim, parent claim (indices
    into the claim ids, -1 for none)]."""
    relations = ranked(amap.post_relations)
    pids = sorted({pid for r in relations for pid in (r.source, r.target)})
    at = {pid: i for i, pid in enumerate(pids)}
    rows = [[at[r.source], at[r.target], STANCE_CODE[r.stance], r.confidence,
             int(r.confidence < min_confidence), index.get(r.source_claim or "", -1),
             index.get(r.target_claim or "", -1)] for r in relations]
    return pids, rows
