"""The Markdown summary a moderator reads first: what the thread says, what is contested,
what nobody answered, which camps formed and which claims stand.

Every sentence is a verbatim claim with a link back to its post. Post text is hostile here too:
Markdown renders raw HTML and link syntax, so each claim is escaped before it is written.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from argmap.model import Analysis, ArgumentMap, Claim, Post, PostStance
from argmap.render.disputes import STANCE_WORDS, most_disputed, ranked, stance_counts
from argmap.restatements import Restatements

TOP_DISPUTES = 5  # strongest disagreements quoted in the summary
TOP_DISPUTED_POSTS = 5
TOP_REPEATED = 10  # texts said in the most posts

_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}<>#|!~&])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def md_text(text: str, limit: int = 400) -> str:
    """One line of Markdown-inert text: controls removed, newlines folded, syntax escaped."""
    flat = " ".join(_CONTROL.sub("", text).split())
    if len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "…"
    return _MD_SPECIAL.sub(r"\\\1", flat)


def to_markdown(amap: ArgumentMap, analysis: Analysis) -> str:
    """A summary of one map in Markdown, deterministic for the same records."""
    posts = {p.id: p for t in amap.threads for p in t.posts}
    claims = {c.id: c for c in amap.claims}
    lines: list[str] = []
    title = next((t.title for t in amap.threads if t.title), None) or ", ".join(
        t.id for t in amap.threads
    )
    lines += [f"# Argument map: {md_text(title, 200)}", ""]
    attacks = sum(1 for r in amap.relations if r.stance.value == "attack")
    lines.append(
        f"{sum(len(t.posts) for t in amap.threads)} posts, {len(amap.claims)} claims, "
        f"{len(amap.topics)} topics, {len(amap.relations) - attacks} support and {attacks} attack "
        f"edges, {len(amap.dropped)} spans dropped."
    )
    lines.append("")
    for summary in analysis.summaries:
        if summary.scope != "thread":
            continue
        lines += ["## What the thread says", ""]
        lines += [_item_line(i.text, i.post_id, i.url, i.share) for i in summary.items]
        lines.append("")
    topic_summaries = {s.scope_id: s for s in analysis.summaries if s.scope == "topic"}
    if amap.topics:
        lines += ["## Topics", ""]
        for topic in amap.topics:
            share = len(topic.claim_ids) / max(1, len(amap.claims))
            lines.append(f"### {md_text(topic.label, 120)} ({len(topic.claim_ids)} claims, {share:.0%})")
            lines.append("")
            typical = claims.get(topic.representative or "")
            if typical is not None:
                lines += [f"Typical claim: “{md_text(typical.text)}”", ""]
            of_topic = topic_summaries.get(topic.id)
            if of_topic:
                lines += [_item_line(i.text, i.post_id, i.url, i.share) for i in of_topic.items]
            lines.append("")
    lines += _post_stance_section(amap, claims, posts)
    copies = Restatements(amap.claims)  # each restated text listed once (argmap.restatements)
    lines += _repeated_section(copies, claims, posts)
    lines += _claim_section("Contested claims (attacked and defended)",
                            copies.once(analysis.contested), claims, posts)
    lines += _claim_section("Unanswered objections", copies.once(analysis.unanswered), claims,
                            posts)
    defeated = copies.once(cid for cid, label in analysis.status if label == "out")
    related = _related(amap)
    standing = copies.once(cid for cid, label in analysis.status
                           if label == "in" and cid in related)
    lines += _claim_section("Claims that stand (grounded semantics)", standing, claims, posts)
    lines += _claim_section("Claims defeated by an unanswered attack", defeated, claims, posts)
    if analysis.camps:
        lines += ["## Camps", ""]
        for camp in analysis.camps:
            authors = ", ".join(md_text(a, 60) for a in camp.authors)
            lines.append(f"- **{camp.id}**: {authors} ({len(camp.claim_ids)} claims)")
        lines.append("")
    reasons = Counter(d.reason.value for d in amap.dropped)
    if reasons:
        lines += ["## Dropped text", ""]
        lines += [f"- {reason}: {count}" for reason, count in sorted(reasons.items())]
        lines.append("")
    lines.append(f"_argmap options fingerprint {amap.options_fingerprint}_")
    return "\n".join(lines) + "\n"


def _post_stance_section(
    amap: ArgumentMap, claims: dict[str, Claim], posts: dict[str, Post],
) -> list[str]:
    """Who disagrees with whom: the counts per stance, the strongest disagreements with the
    claim pair that carries each, and the posts that drew the most disagreeing replies."""
    relations = ranked(amap.post_relations)
    if not relations:
        return []
    counts = stance_counts(relations)
    lines = ["## Disagreements between posts", "",
             f"Of {len(relations)} replies, {counts[PostStance.DISAGREE]} disagree with the post "
             f"they answer, {counts[PostStance.AGREE]} agree and {counts[PostStance.NONE]} take "
             "no side (confidence: the probability that the stance is right).", ""]
    disputes = [r for r in relations if r.stance is PostStance.DISAGREE][:TOP_DISPUTES]
    if disputes:
        lines += ["Strongest disagreements:", ""]
        for r in disputes:
            line = (f"- {_who(r.source, posts)} {STANCE_WORDS[r.stance]} with "
                    f"{_who(r.target, posts)} ({r.confidence:.2f})")
            reply, parent = claims.get(r.source_claim or ""), claims.get(r.target_claim or "")
            if reply is not None and parent is not None:
                line += f": “{md_text(reply.text, 200)}” answering “{md_text(parent.text, 200)}”"
            lines.append(line)
        lines.append("")
    disputed = most_disputed(relations, limit=TOP_DISPUTED_POSTS)
    if disputed:
        lines += ["Most disputed posts:", ""]
        for d in disputed:
            post = posts.get(d.post_id)
            text = md_text(" ".join((post.text if post else "").split()), 160)
            lines.append(f"- {_who(d.post_id, posts)}: “{text}” — {d.disagree} of {d.replies} "
                         f"{'reply disagrees' if d.replies == 1 else 'replies disagree'}")
        lines.append("")
    return lines


def _repeated_section(copies: Restatements, claims: dict[str, Claim], posts: dict[str, Post],
                      ) -> list[str]:
    """The texts said in the most posts: talking points and pasted paragraphs."""
    rows = copies.most_said({pid: post.author for pid, post in posts.items()})
    if not rows:
        return []
    lines = ["## Said again and again", ""]
    for head, n_posts, n_authors in rows[:TOP_REPEATED]:
        claim = claims[head]
        lines.append(f"- “{md_text(claim.text)}” — {n_posts} posts by {n_authors} "
                     f"author{'s' if n_authors != 1 else ''}, first in "
                     f"{_post_link(claim.post_id, _url(claim.post_id, posts))}")
    if len(rows) > TOP_REPEATED:
        lines.append(f"- … and {len(rows) - TOP_REPEATED} more")
    lines.append("")
    return lines


def _url(post_id: str, posts: dict[str, Post]) -> str | None:
    post = posts.get(post_id)
    return post.source.url if post else None


def _who(post_id: str, posts: dict[str, Post]) -> str:
    """A post named by its author and its id, linked when it has an https URL."""
    post = posts.get(post_id)
    author = md_text(post.author or "anonymous", 60) if post else "anonymous"
    return f"{author} ({_post_link(post_id, post.source.url if post else None)})"


def _related(amap: ArgumentMap) -> set[str]:
    """Claims with at least one relation (one pass: a scan per claim took 126 s at 3k posts)."""
    return {cid for r in amap.relations for cid in (r.source, r.target)}


def _claim_section(
    heading: str, ids: Sequence[str], claims: dict[str, Claim], posts: dict[str, Post]
) -> list[str]:
    if not ids:
        return []
    lines = [f"## {heading}", ""]
    for cid in ids[:15]:
        claim = claims.get(cid)
        if claim is None:
            continue
        post = posts.get(claim.post_id)
        url = post.source.url if post else None
        lines.append(_item_line(claim.text, claim.post_id, url, None))
    if len(ids) > 15:
        lines.append(f"- … and {len(ids) - 15} more")
    lines.append("")
    return lines


def _post_link(post_id: str, url: str | None) -> str:
    where = md_text(post_id, 120)
    if url and url.startswith("https://"):
        safe_url = url.replace(")", "%29").replace("(", "%28").replace(" ", "%20")
        where = f"[{where}]({safe_url})"
    return where


def _item_line(text: str, post_id: str, url: str | None, share: float | None) -> str:
    where = _post_link(post_id, url)
    share_text = f" ({share:.0%} of claims)" if share is not None else ""
    return f"- “{md_text(text)}” — {where}{share_text}"
