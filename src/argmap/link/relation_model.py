"""The relation model: features of a (parent, child) claim pair and a linear model stored as JSON.

Why linear and why text: a logistic regression over a few hundred named features is fast enough
to score every candidate pair of a 100k-post corpus, deterministic, and its JSON file can be
read, diffed and audited (no pickle is ever loaded). Two heads share one feature space:

- ``attach``: does the child relate to the parent at all (the attachment decision);
- ``stance``: given that it does, does it support or attack the parent.

``stance_proba`` combines them as ``none = 1 - p(attach)``, ``support = p(attach) * p(support)``
and ``attack = p(attach) * p(attack)``. A score is the sum of a child-only part, a parent-only
part and a pair part; the first two depend on one text each, so the linker computes them once
per claim (``TextCues`` + ``partial``) instead of once per pair.
"""

from __future__ import annotations

import hashlib
import math
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from argmap.errors import OptionsError
from argmap.files import canonical_json, write_atomic
from argmap.link.cue_rules import across_post_cues, within_post_cues  # noqa: F401  (re-exported)
from argmap.link.cues import (  # noqa: F401  (re-exported: the model's public vocabulary)
    AGAINST_WORDS,
    CONCESSION_MARKERS,
    CONCESSION_OPENERS,
    OpeningCues,
    TextCues,
    concedes,
    find_cues,
    normalise,
    opening_cues,
    starts_with,
    text_cues,
)
from argmap.link.sentiment import signed_words

MODEL_FORMAT = "argmap-relation-model/1"
DEFAULT_MODEL_PATH = Path(__file__).parents[1] / "resources" / "relation_model.json"


@dataclass(frozen=True, slots=True)
class PairContext:
    """Where the two texts of a pair sit relative to each other."""

    same_post: bool = False
    distance: int = 0  # child position - parent position inside one post (0 across posts)
    parent_first: bool = False  # the parent is the first claim of its post
    parent_last: bool = False  # the parent is the last claim of its post
    child_first: bool = False  # the child is the first claim of its post (answers, main claims)
    reply: bool = False  # the child's post replies to the parent's post
    quoted: bool = False  # the child's post quotes the parent
    similarity: float | None = None  # TF-IDF cosine when the caller has one


def _position(ctx: PairContext) -> str:
    if not ctx.same_post:
        return "reply" if ctx.reply or ctx.quoted else "across"
    d = ctx.distance
    if d == 1:
        return "adj_after"
    if d == -1:
        return "adj_before"
    return ("near_" if abs(d) <= 3 else "far_") + ("after" if d > 0 else "before")


def side_features(cues: TextCues, role: str) -> dict[str, float]:
    """Features of one text alone; ``role`` is ``c`` (child) or ``p`` (parent)."""
    feats: dict[str, float] = {f"{role}w:{t}": 1.0 for t in cues.content}
    if cues.tokens:
        feats[f"{role}start:{cues.tokens[0]}"] = 1.0
    if len(cues.tokens) > 1:
        feats[f"{role}start2:{cues.tokens[0]}_{cues.tokens[1]}"] = 1.0
    feats[f"{role}conn:{cues.connective_class or 'none'}"] = 1.0
    for name, value in (
        ("disagree", len(cues.disagree)), ("agree", len(cues.agree)),
        ("neg", len(cues.negations)), ("concession", len(cues.concession)),
        ("normative", cues.normative), ("question", cues.question),
        ("concessive_opener", cues.concessive_opener),
    ):
        if value:
            feats[f"{role}{name}"] = float(min(int(value), 3))
    feats[f"{role}len"] = math.log1p(len(cues.tokens)) / 4.0
    return feats


def similarity_of(parent: TextCues, child: TextCues) -> float:
    """Cosine of the two content-word sets, the fallback when no TF-IDF cosine is given."""
    if not parent.content or not child.content:
        return 0.0
    shared = len(parent.content & child.content)
    return shared / math.sqrt(len(parent.content) * len(child.content))


def pair_features(parent: TextCues, child: TextCues, ctx: PairContext) -> dict[str, float]:
    """Features that need both texts or their placement."""
    pos = _position(ctx)
    sim = ctx.similarity if ctx.similarity is not None else similarity_of(parent, child)
    cconn, pconn = child.connective_class or "none", parent.connective_class or "none"
    feats = {
        f"pos:{pos}": 1.0,
        f"pos:{pos}|cconn:{cconn}": 1.0,
        f"pos:{pos}|pconn:{pconn}": 1.0,
        "sim": sim,
        "sim_zero": 1.0 if sim == 0.0 else 0.0,
        "neg_mismatch": 1.0 if bool(child.negations) != bool(parent.negations) else 0.0,
    }
    flags = (
        ("parent_first", ctx.parent_first), ("parent_last", ctx.parent_last),
        ("child_first", ctx.child_first), ("cconcession", child.concession),
        ("pconcession", parent.concession), ("cdisagree", child.disagree),
        ("cagree", child.agree),
    )
    for name, on in flags:  # position-conditioned flags, in a fixed order (the sum order)
        if on:
            feats[f"pos:{pos}|{name}"] = 1.0
    # the child's polarity and words seen through the parent's direction: "X harms" attacks
    # "support X" and supports "ban X"; lets the model learn word polarity across topics
    feats["polarity_x_direction"] = float(child.polarity * parent.direction)
    for name, value in sentiment_terms(parent, child):
        feats[name] = value
    d = float(parent.direction)
    for word, value in lexicon_terms(child):
        feats[f"{LEXICON_PREFIX}{word}"] = d * value
    return feats


LEXICON_PREFIX = "lex:"


def lexicon_terms(cues: TextCues) -> tuple[tuple[str, float], ...]:
    """The child's words for the stance head's learned word polarities (``lex:`` features):
    each content word with its composed sign (``sentiment.signed_words``: negated or
    decreased words count -1) over sqrt(content words + 1), so the ``lex:`` weights add up to the
    learned lexicon's length-normalised polarity of the text. Sorted by word (the sum order
    of both scorers). ``training`` fits the polarities (Naive-Bayes log-count ratios) and
    stores them, times the weight of that one dense feature, as the ``lex:`` weights."""
    words = signed_words(cues.tokens, cues.content)
    if not words:
        return ()
    scale = math.sqrt(len(cues.content) + 1)
    return tuple((w, sign / scale) for w, sign in words)


SENTIMENT_TERMS = ("sentiment_x_direction", "positive_x_direction", "negative_x_direction",
                   "sentiment_x_sentiment")


def sentiment_terms(parent: TextCues, child: TextCues) -> zip[tuple[str, float]]:
    """The composed sentiment of the child through the parent's direction (what the claim says
    of the motion's object), and the two texts' sentiments together (a statement as good or as
    bad as its claim tends to support it), in the order both scorers add them."""
    d = parent.direction
    return zip(SENTIMENT_TERMS, (child.sentiment * d, float(min(child.positive, 3) * d),
                                 float(min(child.negative, 3) * d),
                                 parent.sentiment * child.sentiment), strict=True)


_PARENT_SIDE = ("pw:", "pstart", "pconn:", "pdisagree", "pagree", "pneg", "pconcession",
                "pnormative", "pquestion", "pconcessive_opener", "plen")


def is_base_rate_feature(name: str) -> bool:
    """Features the stance head leaves out because they can only shift the base rate of a
    corpus, not say how two texts relate: placement (CDCP has only within-post supports), text
    length, "no connective", everything about the parent alone (with it the head learns
    "this parent looks like IBM's motions" instead of stance), and the child's words alone
    (they learn the training topics' vocabulary; their polarity comes through the learned
    ``lex:`` lexicon instead). Relations between the two texts (negation mismatch,
    sentiment against the parent's direction) stay in. Grouped CV on claim stance: 0.63 with
    the child's words, 0.64 without. The child's words through the parent's direction
    (``cw_dir:``) were a feature too; they only fitted the study data (sealed: IBM claim
    stance +0.027, Debatepedia +0.013, CreateDebate +0.027 without them)."""
    if name.startswith(_PARENT_SIDE) or name.startswith("cw:") or name in ("clen", "cconn:none"):
        return True
    if name.endswith(("|cconn:none", "|pconn:none")):
        return True
    return name.startswith("pos:") and ("|" not in name or name.endswith(
        ("|parent_first", "|parent_last", "|child_first")))


def all_features(parent: str, child: str, ctx: PairContext) -> dict[str, float]:
    """Every feature of a pair, as used for training."""
    pc, cc = text_cues(parent), text_cues(child)
    feats = side_features(cc, "c")
    feats.update(side_features(pc, "p"))
    feats.update(pair_features(pc, cc, ctx))
    return feats


def takes_no_side(parent: TextCues, child: TextCues) -> bool:
    """A reply that takes no side on what it answers: ``child.no_side``, or an answer to a
    question (an answer informs, it neither agrees nor disagrees) with no stance cue."""
    return child.no_side or (parent.question and not child.agree and not child.disagree)


# What a weight may be: a trained regularised logistic weight is a few units (the shipped
# model's largest is 3.5); a score sums a few hundred of them times features of at most ~3,
# so below this bound no sum overflows to inf and no inf - inf makes a NaN confidence.
MAX_WEIGHT = 1e6


def _weight(value: Any, name: object) -> float:
    """A weight or intercept as stored by ``to_json``: a finite JSON number within
    ``MAX_WEIGHT`` (``float()`` alone would take "nan", "inf", "1.5" and true)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"weight {name!r:.60} is not a number: {value!r:.60}")
    number = float(value)
    if not math.isfinite(number) or abs(number) > MAX_WEIGHT:
        raise ValueError(f"weight {name!r:.60} is {number!r}, outside +-{MAX_WEIGHT:g}")
    return number


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


@dataclass(frozen=True, slots=True)
class LinearHead:
    """One logistic regression: P(positive) = sigmoid(intercept + sum(weight * feature))."""

    positive: str
    negative: str
    intercept: float
    weights: dict[str, float]

    def partial(self, feats: dict[str, float]) -> float:
        get = self.weights.get
        return sum(get(name, 0.0) * value for name, value in feats.items())


class RelationModel:
    """Attachment and stance heads over named features, saved and loaded as JSON text."""

    def __init__(self, attach: LinearHead, stance: LinearHead, meta: dict[str, Any]) -> None:
        self.attach = attach
        self.stance = stance
        self.meta = meta

    # --- persistence ---------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        def head(h: LinearHead) -> dict[str, Any]:
            return {
                "positive": h.positive, "negative": h.negative,
                "intercept": round(h.intercept, 6),
                "weights": {k: round(v, 6) for k, v in sorted(h.weights.items()) if round(v, 6)},
            }

        return {"format": MODEL_FORMAT, "heads": {"attach": head(self.attach),
                                                  "stance": head(self.stance)}, **self.meta}

    def save(self, path: str | Path) -> None:
        write_atomic(path, canonical_json(self.to_json()))

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RelationModel:
        if data.get("format") != MODEL_FORMAT:
            raise ValueError(f"not an argmap relation model (format {data.get('format')!r})")

        def head(d: dict[str, Any]) -> LinearHead:
            weights = {str(k): _weight(v, k) for k, v in d["weights"].items()}
            labels = d["positive"], d["negative"]
            if not all(isinstance(label, str) for label in labels):
                raise ValueError(f"head labels must be strings, got {labels!r:.80}")
            return LinearHead(*labels, _weight(d["intercept"], "intercept"), weights)

        meta = {k: v for k, v in data.items() if k not in {"format", "heads"}}
        return cls(head(data["heads"]["attach"]), head(data["heads"]["stance"]), meta)

    @classmethod
    def load(cls, path: str | Path) -> RelationModel:
        return cls.from_json(orjson.loads(Path(path).read_bytes()))

    # --- prediction ----------------------------------------------------------------------
    def side_scores(self, cues: TextCues, role: str) -> tuple[float, float]:
        """(attach, stance) score contributions of one text in one role; cache per claim."""
        feats = side_features(cues, role)
        return self.attach.partial(feats), self.stance.partial(feats)

    def proba_from_parts(
        self, parent_part: tuple[float, float], child_part: tuple[float, float],
        pair: dict[str, float],
    ) -> dict[str, float]:
        p_attach = _sigmoid(
            self.attach.intercept + parent_part[0] + child_part[0] + self.attach.partial(pair)
        )
        p_support = _sigmoid(
            self.stance.intercept + parent_part[1] + child_part[1] + self.stance.partial(pair)
        )
        return {
            "none": 1.0 - p_attach,
            "support": p_attach * p_support,
            "attack": p_attach * (1.0 - p_support),
            "attach": p_attach,
            "support_given_attached": p_support,
        }

    def stance_proba(self, parent: str, child: str, context: PairContext) -> dict[str, float]:
        """P(none), P(support), P(attack) for ``child`` relating to ``parent`` (they sum to 1),
        plus ``attach`` and ``support_given_attached`` for callers that need the two heads."""
        pc, cc = text_cues(parent), text_cues(child)
        return self.proba_from_parts(
            self.side_scores(pc, "p"), self.side_scores(cc, "c"), pair_features(pc, cc, context)
        )


_DEFAULT: dict[str, RelationModel | None] = {}
_GIVEN: dict[tuple[str, bytes], RelationModel] = {}


def model_at(path: str) -> RelationModel:
    """The model ``argmap train`` wrote at ``path`` (``link.model``), loaded once per content;
    an ``OptionsError`` naming the option when the file is missing or not such a model."""
    data = _model_bytes(path)
    key = (path, hashlib.sha256(data).digest())
    if key not in _GIVEN:
        try:
            _GIVEN[key] = RelationModel.from_json(orjson.loads(data))
        except (orjson.JSONDecodeError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise OptionsError("link.model", "a relation model written by 'argmap train'",
                               f"{path}: {exc}") from exc
    return _GIVEN[key]


# bytes a model file may have: the shipped one has 0.5 MB (11.6k weights); a model trained on
# far more data stays well below. A device (/dev/zero), a FIFO or a file of gigabytes given
# by mistake is refused before it is read, not read until memory runs out.
MAX_MODEL_BYTES = 256 << 20


def _model_bytes(path: str) -> bytes:
    def refused(why: str) -> OptionsError:
        return OptionsError("link.model", "a relation model written by 'argmap train'",
                            f"{path}: {why}")

    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise refused("not a regular file")
        if info.st_size > MAX_MODEL_BYTES:
            raise refused(f"{info.st_size:,} bytes, more than a relation model has "
                          f"(at most {MAX_MODEL_BYTES >> 20} MB)")
        with open(path, "rb") as handle:
            return handle.read(MAX_MODEL_BYTES + 1)
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path (from a TOML file)
        raise refused(getattr(exc, "strerror", None) or str(exc)) from exc


def default_model() -> RelationModel | None:
    """The shipped model, loaded once; None when the resource file is absent."""
    if "model" not in _DEFAULT:
        _DEFAULT["model"] = (
            RelationModel.load(DEFAULT_MODEL_PATH) if DEFAULT_MODEL_PATH.is_file() else None
        )
    return _DEFAULT["model"]
