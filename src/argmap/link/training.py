"""``argmap train``: fit the relation model on labelled files and write it as JSON text.

Examples come from the same code the linker runs: format A documents become threads and
claims, ``generate_candidates`` proposes the pairs the linker would score, and a candidate is a
positive attachment example when it is a gold relation. Every gold support/attack relation is a
stance example (with the placement the linker would give it). Format B pairs are two-post
threads: support/attack (agree/disagree) pairs are stance examples, and where a corpus has
"neutral", its pairs are attachment examples (neutral = not attached). Key-point match pairs
(argkp) say nothing about stance or attachment between discussion claims; their arguments'
stance on the topic does, and becomes topic -> argument stance examples.

Fitting is deterministic (lbfgs, fixed order of examples, sorted feature names), so training
twice on the same files writes identical bytes.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

from argmap.errors import InputError
from argmap.evaluation import load_corpora
from argmap.evaluation.data import GoldPair, document_topic, gold_document, gold_pair, record_format
from argmap.evaluation.stance import pair_records
from argmap.link.candidates import forced_candidate, generate_candidates
from argmap.link.relation_model import (
    LEXICON_PREFIX,
    LinearHead,
    RelationModel,
    all_features,
    is_base_rate_feature,
)
from argmap.options import LinkOptions

# What each known corpus's licence allows; the model file records it next to the corpus name.
LICENCES = {
    "cdcp": "ODbL 1.0 + DbCL 1.0",
    "createdebate_argmin2016": "CC BY 3.0",
    "ibm_claim_stance": "CC BY-SA 3.0",
    "argkp": "CDLA-Sharing 1.0",
    "arg_microtexts": "CC BY-NC-SA 4.0 (NonCommercial: do not ship a model trained on it)",
    "arg_microtexts_part2": "CC BY-NC-SA 4.0 (NonCommercial: do not ship a model trained on it)",
    "cmv_hidey2017": "none stated (internal evaluation only)",
    "debatepedia_pairs": "none stated (internal evaluation only)",
    "subreddit_agreement": "none stated (internal evaluation only)",
}
STANCE_OF = {"support": 1, "agree": 1, "attack": 0, "disagree": 0}
MIN_FEATURE_COUNT = 2  # features seen fewer times are dropped: a smaller, steadier model
# The learned word polarities (``learn_lexicon``): add-one smoothing, a word must occur under
# at least two different parents (a word of one topic is that topic's vocabulary, not a
# polarity), and the dense feature of a training example comes from a lexicon fitted on the
# other LEXICON_FOLDS groups of parents (cross-fitting: fitted on its own label, the feature
# would look perfect in training and take the weight of every other feature).
LEXICON_SMOOTHING = 1.0
LEXICON_MIN_PARENTS = 2
LEXICON_FOLDS = 5
LEXICON_FEATURE = "lexicon_x_direction"


@dataclass
class Examples:
    """Feature dicts and labels for the two heads, with per-corpus counts."""

    attach_x: list[dict[str, float]] = field(default_factory=list)
    attach_y: list[int] = field(default_factory=list)
    stance_x: list[dict[str, float]] = field(default_factory=list)
    stance_y: list[int] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    within: list[bool] = field(default_factory=list)  # per stance example: inside one post?
    stance_parent: list[str] = field(default_factory=list)  # per stance example: parent text


def _document_examples(corpus: str, records: list[dict[str, Any]], ex: Examples) -> None:
    options = LinkOptions()
    docs = [gold_document(r, corpus) for r in records]
    for doc in docs:
        if not doc.claims:
            continue
        layout, cands = generate_candidates([doc.thread], doc.claims, [document_topic(doc)],
                                            options)
        index = {c.id: i for i, c in enumerate(layout.claims)}
        unit = doc.unit_of_claim
        for (child, parent), cand in sorted(cands.items()):
            src, dst = unit[layout.claims[child].id], unit[layout.claims[parent].id]
            ex.attach_x.append(all_features(layout.claims[parent].text,
                                            layout.claims[child].text, cand.ctx))
            ex.attach_y.append(int((src, dst) in doc.gold))
        claim_of = {u: cid for cid, u in unit.items()}
        posts = {p.id: p for p in doc.thread.posts}
        for (src, dst), stance in sorted(doc.gold.items(), key=lambda kv: kv[0]):
            if stance not in STANCE_OF:
                continue
            child, parent = index[claim_of[src]], index[claim_of[dst]]
            cand = cands.get((child, parent)) or forced_candidate(layout, posts, child, parent)
            ex.stance_x.append(all_features(layout.claims[parent].text,
                                            layout.claims[child].text, cand.ctx))
            ex.stance_y.append(STANCE_OF[stance])
            ex.counts[f"{corpus}:stance"] += 1
            ex.within.append(cand.ctx.same_post)
            ex.stance_parent.append(layout.claims[parent].text)
    ex.counts[f"{corpus}:documents"] += len(docs)


def topic_stance_pairs(corpus: str, records: list[dict[str, Any]]) -> list[GoldPair]:
    """Key-point records (argkp) also carry each argument's stance on its topic (+1 / -1):
    one support/attack pair per distinct argument, with the topic as the parent. That is the
    claim-stance task (topic -> claim) on 22 more topics."""
    seen: dict[tuple[str, str], GoldPair] = {}
    for r in records:
        stance, topic = r.get("stance"), r.get("topic")
        if stance not in (1, -1, "1", "-1") or not topic:
            continue
        key = (str(topic), str(r["child"]))
        if key not in seen:
            label = "support" if int(stance) > 0 else "attack"
            seen[key] = GoldPair(corpus, str(r.get("child_id") or r["id"]), str(topic),
                                 str(r["child"]), label, str(r.get("group") or topic))
    return [seen[k] for k in sorted(seen)]


def _pair_examples(corpus: str, records: list[dict[str, Any]], ex: Examples) -> None:
    pairs = [gold_pair(r, corpus) for r in records]
    if pairs and all(p.label in ("match", "no_match") for p in pairs):
        pairs = topic_stance_pairs(corpus, records)
    has_neutral = any(p.label == "neutral" for p in pairs)
    usable = [p for p in pairs if p.label in STANCE_OF or p.label == "neutral"]
    threads, _claims, _wanted = pair_records(usable)
    for pair, thread in zip(usable, threads, strict=True):
        feats = all_features(pair.parent, pair.child, _reply_context(thread))
        if has_neutral:
            ex.attach_x.append(feats)
            ex.attach_y.append(int(pair.label != "neutral"))
        if pair.label in STANCE_OF:
            ex.stance_x.append(feats)
            ex.stance_y.append(STANCE_OF[pair.label])
            ex.counts[f"{corpus}:stance"] += 1
            ex.within.append(False)
            ex.stance_parent.append(pair.parent)
    ex.counts[f"{corpus}:pairs_used"] += len(usable)
    ex.counts[f"{corpus}:pairs_skipped"] += len(pairs) - len(usable)


def _reply_context(thread):
    """The placement ``judge_pairs`` gives a two-post pair thread (child replies to parent)."""
    layout, cands = generate_candidates([thread], _pair_claims(thread), [], LinkOptions())
    cand = cands.get((1, 0)) or forced_candidate(layout, {p.id: p for p in thread.posts}, 1, 0)
    return cand.ctx


def _pair_claims(thread):
    from argmap.model import Claim

    return [Claim(f"{p.id}/c0", p.id, 0, len(p.text), p.text) for p in thread.posts]


def collect_examples(corpora: dict[str, list[dict[str, Any]]]) -> Examples:
    """Examples of every corpus. A corpus whose stance labels are all one class (CDCP annotates
    supports only) gives no stance examples: its "but ..." supports would teach the stance
    head that contrast means support."""
    ex = Examples()
    for corpus in sorted(corpora):
        records = corpora[corpus]
        kind = record_format(records[0]) if records else "unknown"
        one = Examples()
        if kind == "A":
            _document_examples(corpus, records, one)
        elif kind == "B":
            _pair_examples(corpus, records, one)
        else:
            raise InputError(f"corpus {corpus!r}: records are neither format A nor B")
        ex.attach_x += one.attach_x
        ex.attach_y += one.attach_y
        if len(set(one.stance_y)) > 1:
            ex.stance_x += one.stance_x
            ex.stance_y += one.stance_y
            ex.within += one.within
            ex.stance_parent += one.stance_parent
        elif one.stance_y:
            one.counts[f"{corpus}:stance_skipped_one_class"] = one.counts.pop(f"{corpus}:stance")
        ex.counts.update(one.counts)
    return ex


def _fit_head(xs: list[dict[str, float]], ys: list[int], positive: str, negative: str,
              c_value: float, seed: int, balanced: bool,
              placement: bool = True) -> tuple[LinearHead, float]:
    if len(set(ys)) < 2:
        share = sum(ys) / len(ys) if ys else 0.5
        share = min(max(share, 0.05), 0.95)
        import math

        return LinearHead(positive, negative, round(math.log(share / (1 - share)), 6), {}), 1.0
    counts = Counter(name for x in xs for name in x)
    kept = [{k: v for k, v in x.items() if counts[k] >= MIN_FEATURE_COUNT
             and (placement or not is_base_rate_feature(k))} for x in xs]
    vectorizer = DictVectorizer(sort=True)
    matrix = vectorizer.fit_transform(kept)
    clf = LogisticRegression(C=c_value, solver="lbfgs", max_iter=3000, random_state=seed,
                             class_weight="balanced" if balanced else None)
    clf.fit(matrix, ys)
    names = vectorizer.get_feature_names_out()
    # Rounded as the JSON file stores them, so the model in memory predicts what the file does.
    weights = {str(n): round(float(w), 6) for n, w in zip(names, clf.coef_[0], strict=True)
               if round(float(w), 6)}
    return (LinearHead(positive, negative, round(float(clf.intercept_[0]), 6), weights),
            float(clf.score(matrix, ys)))


def _lexicon_terms(x: dict[str, float]) -> list[tuple[str, float]]:
    """The ``lex:`` features of one example (word, direction x sign / length), in their order."""
    n = len(LEXICON_PREFIX)
    return [(k[n:], v) for k, v in x.items() if k.startswith(LEXICON_PREFIX)]


def learn_lexicon(xs: Sequence[dict[str, float]], ys: Sequence[int],
                  parents: Sequence[str]) -> dict[str, float]:
    """Word polarities learned from stance examples: the Naive-Bayes log-count ratio (as in
    NBSVM, Wang & Manning 2012) of a child word between texts that speak well of what the
    parent is for and texts that speak ill of it. An occurrence counts as "well" when the
    label (support +1, attack -1) times the parent's direction times the word's composed sign
    (the sign of its ``lex:`` value) is positive: "reduces crime" attacking "ban X" counts
    "crime" as ill. Words under fewer than LEXICON_MIN_PARENTS distinct parents are left out
    (one topic's vocabulary is not a polarity). Deterministic: plain counts, sorted words."""
    good: Counter = Counter()
    bad: Counter = Counter()
    under: dict[str, set[str]] = {}
    for x, y, parent in zip(xs, ys, parents, strict=True):
        label = 1 if y else -1
        for word, value in _lexicon_terms(x):
            (good if label * value > 0 else bad)[word] += 1
            under.setdefault(word, set()).add(parent)
    vocab = sorted(w for w, ps in under.items() if len(ps) >= LEXICON_MIN_PARENTS)
    if not vocab:
        return {}
    a = LEXICON_SMOOTHING
    total_good = sum(good[w] for w in vocab) + a * len(vocab)
    total_bad = sum(bad[w] for w in vocab) + a * len(vocab)
    return {w: math.log((good[w] + a) / total_good) - math.log((bad[w] + a) / total_bad)
            for w in vocab}


def lexicon_value(lexicon: dict[str, float], x: dict[str, float]) -> float:
    """The dense feature: the example's ``lex:`` values weighted by the lexicon, summed in
    the features' order (what the stored ``lex:`` weights add up to, times its weight)."""
    return sum(lexicon[w] * v for w, v in _lexicon_terms(x) if w in lexicon)


def _fold_of(parent: str) -> int:
    return int.from_bytes(hashlib.sha256(parent.encode()).digest()[:4], "big") % LEXICON_FOLDS


def cross_fitted_lexicon_values(xs: Sequence[dict[str, float]], ys: Sequence[int],
                                parents: Sequence[str]) -> list[float]:
    """Each example's dense feature from a lexicon learned without its group of parents."""
    fold = [_fold_of(p) for p in parents]
    lexicons = []
    for k in range(LEXICON_FOLDS):
        keep = [i for i, f in enumerate(fold) if f != k]
        lexicons.append(learn_lexicon([xs[i] for i in keep], [ys[i] for i in keep],
                                      [parents[i] for i in keep]))
    return [lexicon_value(lexicons[f], x) for f, x in zip(fold, xs, strict=True)]


def _fit_stance_head(ex: Examples, c_value: float, seed: int,
                     ) -> tuple[LinearHead, float, dict[str, Any]]:
    """The stance head with the learned lexicon: fitted on the cross-fitted dense feature
    (instead of the sparse ``lex:`` words), then stored as ``lex:`` word weights = the
    lexicon learned on all examples times that feature's weight, so prediction needs no
    separate lexicon and both scorers read plain weights."""
    values = cross_fitted_lexicon_values(ex.stance_x, ex.stance_y, ex.stance_parent)
    xs = []
    for x, value in zip(ex.stance_x, values, strict=True):
        row = {k: v for k, v in x.items() if not k.startswith(LEXICON_PREFIX)}
        if value:
            row[LEXICON_FEATURE] = value
        xs.append(row)
    head, acc = _fit_head(xs, ex.stance_y, "support", "attack", c_value, seed, balanced=True,
                          placement=False)
    weight = head.weights.pop(LEXICON_FEATURE, 0.0)
    lexicon = learn_lexicon(ex.stance_x, ex.stance_y, ex.stance_parent) if weight else {}
    for word, polarity in lexicon.items():
        w = round(weight * polarity, 6)
        if w:
            head.weights[f"{LEXICON_PREFIX}{word}"] = w
    weights = dict(sorted(head.weights.items()))
    about = {"words": len(lexicon), "feature_weight": round(weight, 6)}
    return LinearHead(head.positive, head.negative, head.intercept, weights), acc, about


def fit_model(corpora: dict[str, list[dict[str, Any]]], *, seed: int = 0, c_attach: float = 0.5,
              c_stance: float = 0.05, part: str = "all") -> tuple[RelationModel, dict[str, Any]]:
    """The model and its training figures, without writing anything."""
    ex = collect_examples(corpora)
    # the learned lexicon is the stance head's: the attachment head does not see its words
    attach_x = [{k: v for k, v in x.items() if not k.startswith(LEXICON_PREFIX)}
                for x in ex.attach_x]
    attach, attach_acc = _fit_head(attach_x, ex.attach_y, "attached", "not_attached",
                                   c_attach, seed, balanced=True)
    if len(set(ex.stance_y)) > 1:
        stance, stance_acc, lexicon_about = _fit_stance_head(ex, c_stance, seed)
    else:
        stance, stance_acc = _fit_head(ex.stance_x, ex.stance_y, "support", "attack",
                                       c_stance, seed, balanced=True, placement=False)
        lexicon_about = {"words": 0, "feature_weight": 0.0}
    try:
        version = metadata.version("argmap")
    except metadata.PackageNotFoundError:  # pragma: no cover
        version = "unknown"
    meta = {
        "name": "argmap relation model",
        "argmap_version": version,
        "seed": seed,
        "regularisation": {"attach_C": c_attach, "stance_C": c_stance},
        # the learned word polarities: the head's ``lex:`` weights are polarity x feature_weight
        "stance_lexicon": {**lexicon_about, "smoothing": LEXICON_SMOOTHING,
                           "min_parents": LEXICON_MIN_PARENTS, "folds": LEXICON_FOLDS},
        # The linker trusts the stance head inside posts only when it learned from such pairs.
        "stance_within_post_examples": sum(ex.within),
        "stance_across_posts_examples": len(ex.within) - sum(ex.within),
        "training_corpora": [{"name": n, "licence": LICENCES.get(n, "unknown: see its "
                                                                  "SOURCE_LICENSE.txt")}
                             for n in sorted(corpora)],
        # which part of each corpus it learned from (``evaluation.splits``): "study" leaves
        # the sealed part for honest figures
        "training_part": part,
    }
    figures = {
        "attach_examples": len(ex.attach_y), "attach_positive": sum(ex.attach_y),
        "stance_examples": len(ex.stance_y), "stance_support": sum(ex.stance_y),
        "attach_training_accuracy": attach_acc, "stance_training_accuracy": stance_acc,
        "features_attach": len(attach.weights), "features_stance": len(stance.weights),
        "counts": dict(sorted(ex.counts.items())),
    }
    return RelationModel(attach, stance, meta), figures


def train(paths: Sequence[str | Path], out: str | Path, *, seed: int = 0,
          part: str = "all") -> dict[str, Any]:
    """Fit the relation model on labelled files (``part`` of each: all, study or sealed,
    ``evaluation.splits``) and write it atomically to ``out``."""
    corpora = load_corpora(paths, part)
    if not any(corpora.values()):
        raise InputError("no labelled records in the given files")
    model, figures = fit_model(corpora, seed=seed, part=part)
    model.save(out)
    return {"model": str(out), "corpora": sorted(corpora), **figures}
