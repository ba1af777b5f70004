"""Relation figures on format A corpora: attachment P/R/F1 and stance on gold-attached pairs.

The gold units become claims and the documents threads, then the real ``link`` proposes edges
and the real ``judge_pairs`` gives the stance of every gold pair, so the figures measure the
linker the product runs. Baselines come from the same run: the majority stance, the cue-only
linker (no model) and "each unit attaches to the unit before it" (a reply's first unit to the
first unit of the post it replies to). ``calibration_ece`` and ``reliability_curve``
(``reliability``) say whether the confidence of the edges ``link`` keeps is a probability.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Any, cast

from argmap.evaluation.data import GoldDocument, document_topic, gold_document
from argmap.evaluation.metrics import accuracy, macro_f1, majority_label, precision_recall_f1
from argmap.evaluation.reliability import figures as reliability_figures
from argmap.link.linker import judge_pairs, link
from argmap.link.relation_model import RelationModel
from argmap.model import Stance
from argmap.options import LinkOptions

STANCES = ("support", "attack")


def _adjacent_baseline(doc: GoldDocument) -> set[tuple[str, str, str]]:
    pairs: set[tuple[str, str, str]] = set()
    first_of_post: dict[str, Any] = {}
    for claim in doc.claims:
        first_of_post.setdefault(claim.post_id, claim)
    posts = {p.id: p for p in doc.thread.posts}
    previous = None
    for claim in doc.claims:
        if previous is not None and previous.post_id == claim.post_id:
            pairs.add((doc.thread.id, doc.unit_of_claim[claim.id], doc.unit_of_claim[previous.id]))
        else:
            parent_post = posts[claim.post_id].reply_to
            target = first_of_post.get(parent_post or "") or previous
            if target is not None:
                pairs.add((doc.thread.id, doc.unit_of_claim[claim.id],
                           doc.unit_of_claim[target.id]))
        previous = claim
    return pairs


def _scope(doc: GoldDocument, src: str, dst: str) -> str:
    return "within_post" if doc.post_of_unit[src] == doc.post_of_unit[dst] else "across_posts"


def _in_scope(by_doc: dict[str, GoldDocument], name: str, key: tuple[str, str, str]) -> bool:
    return _scope(by_doc[key[0]], key[1], key[2]) == name


def _figures(docs: list[GoldDocument], options: LinkOptions, model: RelationModel | None,
             has_posts: bool) -> dict[str, Any]:
    threads = [d.thread for d in docs]
    claims = [c for d in docs for c in d.claims]
    topics = [document_topic(d) for d in docs if d.claims]
    by_doc = {d.thread.id: d for d in docs}
    doc_of_claim = {c.id: d for d in docs for c in d.claims}
    edges = [((doc_of_claim[r.source].thread.id, doc_of_claim[r.source].unit_of_claim[r.source],
               doc_of_claim[r.target].unit_of_claim[r.target]), r)
             for r in link(threads, claims, topics, options, model)]
    predicted = {key for key, _r in edges}
    gold = {(d.thread.id, s, t): st for d in docs for (s, t), st in d.gold.items()}
    adjacent = set().union(*(_adjacent_baseline(d) for d in docs)) if docs else set()
    claim_of = {(d.thread.id, u): cid for d in docs for cid, u in d.unit_of_claim.items()}
    stance_keys = sorted(k for k, st in gold.items() if st in STANCES)
    pairs = [(claim_of[(k[0], k[1])], claim_of[(k[0], k[2])]) for k in stance_keys]
    judged = judge_pairs(threads, claims, topics, pairs, options, model)
    cue_only = judge_pairs(threads, claims, topics, pairs, replace(options, use_model=False))
    gold_st = cast("list[str]", [gold[k] for k in stance_keys])  # stances, not None
    pred_st = [judged[p][0].value for p in pairs]
    cue_st = [cue_only[p][0].value for p in pairs]
    scopes: dict[str, Callable[[tuple[str, str, str]], bool]] = {"": lambda key: True}
    if has_posts:
        for name in ("within_post", "across_posts"):
            scopes["_" + name] = partial(_in_scope, by_doc, name)
    out: dict[str, Any] = {"documents": len(docs), "units": len(claims)}
    for suffix, keep in scopes.items():
        att = precision_recall_f1({k for k in predicted if keep(k)}, {k for k in gold if keep(k)})
        base = precision_recall_f1({k for k in adjacent if keep(k)}, {k for k in gold if keep(k)})
        idx = [i for i, k in enumerate(stance_keys) if keep(k)]
        g = [gold_st[i] for i in idx]
        majority = [majority_label(g)] * len(g) if g else []
        scope: dict[str, Any] = {
            f"gold_relations{suffix}": att["gold"],
            f"predicted_relations{suffix}": att["predicted"],
            f"attachment_precision{suffix}": att["precision"],
            f"attachment_recall{suffix}": att["recall"],
            f"attachment_f1{suffix}": att["f1"],
            f"baseline_adjacent_attachment_f1{suffix}": base["f1"],
            f"stance_pairs{suffix}": len(g),
            f"stance_macro_f1{suffix}": macro_f1(g, [pred_st[i] for i in idx], STANCES),
            f"stance_accuracy{suffix}": accuracy(g, [pred_st[i] for i in idx]),
            f"baseline_majority_stance_macro_f1{suffix}": macro_f1(g, majority, STANCES),
            f"baseline_majority_accuracy{suffix}": accuracy(g, majority),
            f"baseline_connective_stance_macro_f1{suffix}": macro_f1(
                g, [cue_st[i] for i in idx], STANCES),
            f"baseline_connective_accuracy{suffix}": accuracy(g, [cue_st[i] for i in idx]),
        }
        # a scope with no gold relations (or no stance pairs) has no figure, not a zero
        for key in scope:
            is_count = key.startswith(("gold_", "predicted_", "stance_pairs"))
            empty = not att["gold"] if "attachment" in key else not g
            if empty and not is_count:
                scope[key] = None
        out.update(scope)
        # is the confidence a probability? an edge is right when it is a gold relation with
        # its stance
        mine = [(r.confidence, gold.get(key) == r.stance.value) for key, r in edges if keep(key)]
        out.update(reliability_figures([c for c, _ in mine], [ok for _, ok in mine],
                                       suffix.lstrip("_") + "_" if suffix else ""))
    return out


def evaluate_relations(
    records_by_corpus: dict[str, list[dict[str, Any]]], options: LinkOptions | None = None,
    model: RelationModel | None = None,
) -> dict[str, Any]:
    """Per-corpus and pooled relation figures (``model`` None: the shipped model)."""
    options = options or LinkOptions()
    corpora, pooled_docs, any_posts = {}, [], False
    for corpus in sorted(records_by_corpus):
        docs = [gold_document(r, corpus) for r in records_by_corpus[corpus]]
        has_posts = any(d.has_posts for d in docs)
        any_posts |= has_posts
        corpora[corpus] = _figures(docs, options, model, has_posts)
        pooled_docs.extend(docs)
    pooled = _figures(pooled_docs, options, model, any_posts) if len(corpora) > 1 else (
        next(iter(corpora.values()), {}))
    return {"task": "relations", "corpora": corpora, "pooled": pooled,
            "model": _model_note(model, options), "stances": list(STANCES),
            "stance_labels_note": f"{Stance.SUPPORT.value}/{Stance.ATTACK.value} on gold pairs"}


def _model_note(model: RelationModel | None, options: LinkOptions) -> dict[str, Any]:
    from argmap.link.relation_model import default_model, model_at

    used = model or (model_at(options.model) if options.model else default_model())
    if used is None:
        return {"name": "none (cue rules only)"}
    return {"name": used.meta.get("name", "custom"),
            "trained_on": used.meta.get("training_corpora", [])}
