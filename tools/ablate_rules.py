"""Each hand-written linking rule and cue list switched off in turn, measured on the sealed part
(and, for contrast, the study part) of every labelled corpus.

Usage: python tools/ablate_rules.py [--data ../shared/data] [--parts sealed,study]
                                    [--only NAME,...] [--retrain] [--json OUT]

Why: the rules were chosen while reading development errors, so a rule that helped "on dev"
may only have fitted those texts. A rule is worth its code only if switching it off lowers
the sealed figures it was written for. Rules are switched off by patching the module attribute
that holds them (a rule table, a weight, a cue list, a function), never by editing code, and
the text-cue cache is cleared around each run. ``--retrain`` adds the ablations of the
shipped model's recipe, each of which trains a model on the study parts of the licence-clean
corpora (about half a minute to two minutes each).

Printed: for each ablation the change of every figure (off minus on; negative = the rule
helps), and the mean change over the figures the rule was written for ("targets").
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from unittest import mock

import numpy as np

from argmap import lexicon
from argmap.evaluation import load_corpora
from argmap.evaluation.data import shared_data
from argmap.evaluation.maps import evaluate_maps
from argmap.evaluation.relations import evaluate_relations
from argmap.evaluation.stance import evaluate_stance
from argmap.link import cue_rules, cues, linker, post_structure, reply_edges, reply_stance
from argmap.link import layout as layout_module
from argmap.link.relation_model import RelationModel, default_model

RELATION_FIGURES = {
    "arg_microtexts": ("attachment_f1", "stance_macro_f1"),
    "arg_microtexts_part2": ("attachment_f1", "stance_macro_f1"),
    "cmv_hidey2017": ("attachment_f1", "stance_macro_f1"),
    "cdcp": ("attachment_f1",),
    "createdebate_argmin2016": ("stance_macro_f1",),
}
STANCE_FIGURES = {
    "ibm_claim_stance": ("stance_macro_f1",),
    "debatepedia_pairs": ("stance_macro_f1",),
    "subreddit_agreement": ("stance_macro_f1",),
}
MAP_FIGURES = ("drawn_precision", "within_post_recall")
SHIPPABLE = ("argkp", "cdcp", "createdebate_argmin2016", "ibm_claim_stance")

WITHIN = ("arg_microtexts:attachment_f1", "arg_microtexts_part2:attachment_f1",
          "cmv_hidey2017:attachment_f1", "cdcp:attachment_f1")
WITHIN_STANCE = ("arg_microtexts:stance_macro_f1", "arg_microtexts_part2:stance_macro_f1",
                 "cmv_hidey2017:stance_macro_f1")
ACROSS_STANCE = ("subreddit_agreement:stance_macro_f1", "createdebate_argmin2016:stance_macro_f1",
                 "cmv_hidey2017:stance_macro_f1")
CLAIM_STANCE = ("ibm_claim_stance:stance_macro_f1", "debatepedia_pairs:stance_macro_f1",
                "createdebate_argmin2016:stance_macro_f1")
REDDIT = ("subreddit_agreement:stance_macro_f1",)
MAPS = ("cmv_maps:drawn_precision", "cmv_maps:within_post_recall")


def _set(target: object, name: str, value: object) -> contextlib.AbstractContextManager:
    return mock.patch.object(target, name, value)


def _without_table(name: str) -> contextlib.AbstractContextManager:
    return _set(cue_rules, "WITHIN_CONNECTIVE_RULES", tuple(
        r for r in cue_rules.WITHIN_CONNECTIVE_RULES if r[0] != name))


def _without(module: object, attribute: str, name: str) -> contextlib.AbstractContextManager:
    return _set(module, attribute, frozenset(getattr(module, attribute) - {name}))


def _no_rows(layout, children, parents, rows):  # answers_previous switched off
    return np.zeros(len(children), dtype=bool)


def _cue_index_without(index: cues._CueIndex, drop: tuple[str, ...]) -> cues._CueIndex:
    return cues._CueIndex(tuple(c for c in index.cues if c not in drop))


_CROWD_CONCESSIONS = ("on one hand", "it could be argued", "it might be argued",
                      "it can be argued", "there are those", "counter argument",
                      "counterargument", "i have to admit", "i admit")

# name -> (what the rule does, the figures it was written for, the patch that switches it off)
ABLATIONS: dict[str, tuple[str, tuple[str, ...], Callable[[], contextlib.AbstractContextManager]]] = {
    # --- a post's structure (post_structure, linker) ---
    "main_claim_pull": ("claims lean to their post's main claim", WITHIN,
                        lambda: _set(post_structure, "far_from_main",
                                     lambda layout, is_main: np.ones(len(layout.claims), bool))),
    "main_claim_reach": ("the pull stops 8 claims away", WITHIN,
                         lambda: _set(post_structure, "MAIN_CLAIM_REACH", 10**9)),
    "answers_previous": ('"but/because/for example" answer the claim before', WITHIN,
                         lambda: _set(post_structure, "answers_previous", _no_rows)),
    "paragraph_continues": ("a claim continues the one before it in its paragraph", WITHIN,
                            lambda: _set(layout_module, "same_paragraph",
                                         lambda threads, ordered, by_post: [False] * len(ordered))),
    "lines_are_paragraphs": ("in a post without blank lines each line is a paragraph", WITHIN,
                             lambda: _set(layout_module, "LINES_ARE_PARAGRAPHS", False)),
    "and_continues": ('an "and" claim takes the target of the claim before', WITHIN,
                      lambda: _set(post_structure, "continuations",
                                   lambda layout, c, p, rows, chosen: (chosen, chosen[:0]))),
    "normative_bonus": ('"should" claims are likelier main claims', WITHIN,
                        lambda: _set(post_structure, "NORMATIVE_BONUS", 0.0)),
    "conclusion_bonus": ('"therefore" claims are likelier main claims', WITHIN,
                         lambda: _set(post_structure, "CONCLUSION_BONUS", 0.0)),
    "first_claim_bonus": ("the first claim is the likelier main claim", WITHIN,
                          lambda: _set(post_structure, "FIRST_CLAIM_BONUS", 0.0)),
    "last_claim_bonus": ("the last claim is a likelier main claim", WITHIN,
                         lambda: _set(post_structure, "LAST_CLAIM_BONUS", 0.0)),
    "shouted_last_bonus": ("a last claim in capitals is the main claim", WITHIN,
                           lambda: _set(post_structure, "SHOUTED_LAST_BONUS", 0.0)),
    "opens_conceding": ("a post opening with a concession has its thesis second", WITHIN,
                        lambda: _set(post_structure, "_opens_conceding", lambda a, b: False)),
    # --- the within-post cue rules (cue_rules) ---
    **{name: (f"within-post connective rule {name}", WITHIN + WITHIN_STANCE,
              lambda name=name: _without_table(name))
       for name, _rule in cue_rules.WITHIN_CONNECTIVE_RULES},
    "within_concession_cue": ("a concession cue votes attack inside a post", WITHIN_STANCE,
                              lambda: _without(cue_rules, "WITHIN_CUE_RULES", "concession_cue")),
    # --- the across-post cue rules ---
    **{f"across_{name}": (f"across-post cue rule {name}", ACROSS_STANCE,
                          lambda name=name: _without(cue_rules, "ACROSS_RULES", name))
       for name in sorted(cue_rules.ACROSS_RULES)},
    **{f"reply_{name}": (f"a reply's sign {name} (reply_stance, naive Bayes on CreateDebate)",
                         ACROSS_STANCE, lambda name=name: _without(reply_stance, "RULES", name))
       for name in sorted(reply_stance.RULES)},
    "no_side_reply": ("a reply that takes no side gets no edge", REDDIT + MAPS,
                      lambda: _set(linker, "NO_SIDE_FACTOR", 1.0)),
    "reply_from_opening_only": ("a reply links to its parent through its opening and main "
                                "claim only", ("cmv_hidey2017:attachment_f1",) + MAPS,
                                lambda: _set(linker, "REPLY_FROM_OPENING_ONLY", False)),
    "reply_carrying_pair_only": ("a reply keeps one reply edge, the pair that carries its "
                                 "post decision, with its stance", MAPS,
                                 lambda: _set(reply_edges, "CARRYING_PAIR_ONLY", False)),
    # --- cue lists (cues, lexicon) ---
    "crowd_concession_markers": ('"it could be argued", "on one hand" ... as concessions',
                                 WITHIN_STANCE + WITHIN,
                                 lambda: _set(cues, "_CONCESSION", _cue_index_without(
                                     cues._CONCESSION, _CROWD_CONCESSIONS))),
    "concession_openers": ('"Some ...", "Yes, ...", "Sure, ..." open a concession',
                           WITHIN_STANCE + WITHIN,
                           lambda: _set(cues, "CONCESSION_OPENERS", ())),
    "affirming_concessions": ('"Yes", "Of course" affirm rather than voice the other side',
                              WITHIN, lambda: _set(cues, "AFFIRMING_CONCESSIONS", frozenset())),
    "addressed_judgement": ('"you\'re an idiot" disagrees', REDDIT,
                            lambda: _set(cues, "addressed_judgement", lambda words: ())),
    "response_openers": ('"Exactly.", "Nope" open an (dis)agreeing reply', ACROSS_STANCE,
                         lambda: contextlib.ExitStack()),  # replaced below (two patches)
    "no_side_conceding": ('"yes, but ..." takes no side', REDDIT,
                          lambda: contextlib.ExitStack()),  # replaced below
    "no_side_phatic": ("thanks, greetings take no side", REDDIT,
                       lambda: _set(lexicon, "PHATIC_WORDS", frozenset())),
    "no_side_reaction": ('"Oh", "Wow" openers take no side', REDDIT,
                         lambda: _set(lexicon, "REACTION_OPENERS", frozenset())),
    "no_side_first_person": ("a reply on the writer's own experience takes no side", REDDIT,
                             lambda: _set(lexicon, "FIRST_PERSON_OPENERS", frozenset())),
    "no_side_question": ("a question takes no side", REDDIT,
                         lambda: _set(cues, "side_neutral", _side_neutral_no_question)),
    "motion_direction": ('"ban X" reverses what is said of X', CLAIM_STANCE,
                         lambda: _set(cues, "motion_direction", lambda tokens: 1)),
}


def _side_neutral_no_question(tokens, has_stance_cue, question):
    return _ORIGINAL_SIDE_NEUTRAL(tokens, has_stance_cue, False)


_ORIGINAL_SIDE_NEUTRAL = cues.side_neutral


@contextlib.contextmanager
def _two(*managers: contextlib.AbstractContextManager) -> Iterator[None]:
    with contextlib.ExitStack() as stack:
        for manager in managers:
            stack.enter_context(manager)
        yield


ABLATIONS["response_openers"] = (ABLATIONS["response_openers"][0],
                                 ABLATIONS["response_openers"][1],
                                 lambda: _two(_set(lexicon, "AGREE_OPENERS", ()),
                                              _set(lexicon, "DISAGREE_OPENERS", ())))
ABLATIONS["no_side_conceding"] = (ABLATIONS["no_side_conceding"][0],
                                  ABLATIONS["no_side_conceding"][1],
                                  lambda: _two(_set(cues, "_CONCEDING", frozenset()),
                                               _set(cues, "_CONCEDING_THEN", ())))

# The shipped model's recipe: each trains a model on the study parts (--retrain).
RECIPE: dict[str, tuple[str, tuple[str, ...], Callable[[], contextlib.AbstractContextManager]]] = {}


def _recipe() -> None:
    from argmap.link import training

    original_fit = training._fit_head

    def attach_without_words(xs, ys, positive, negative, *args, **kwargs):
        if positive == "attached":
            words = ("pw:", "cw:", "pstart", "cstart")
            xs = [{k: v for k, v in x.items() if not k.startswith(words)} for x in xs]
        return original_fit(xs, ys, positive, negative, *args, **kwargs)

    original_features = training.all_features

    def pair_without(prefixes):
        """Training never sees these features, so the model has no weight for them and
        both scorers add nothing for them."""
        def features(parent, child, ctx):
            return {k: v for k, v in original_features(parent, child, ctx).items()
                    if not k.startswith(prefixes)}
        return _set(training, "all_features", features)

    RECIPE.update({
        "model_attach_word_features": (
            "the attachment head sees the words of both texts", WITHIN + ("cmv_hidey2017:"
                                                                          "attachment_f1",),
            lambda: _set(training, "_fit_head", attach_without_words)),
        "model_learned_lexicon": (
            "the stance head's learned word polarities (lex:)", CLAIM_STANCE,
            lambda: pair_without(("lex:",))),
        "model_sentiment": ("VADER sentiment x direction features", CLAIM_STANCE,
                            lambda: pair_without(("sentiment_x", "positive_x",
                                                  "negative_x", "polarity_x"))),
    })


def measure(data: Path, part: str, model: RelationModel | None) -> dict[str, float]:
    cues.text_cues.cache_clear()
    out: dict[str, float] = {}
    for corpus, names in RELATION_FIGURES.items():
        figures = evaluate_relations(load_corpora([data / corpus / f"{corpus}.dev.jsonl"], part),
                                     model=model)["pooled"]
        out.update({f"{corpus}:{n}": figures[n] for n in names if figures.get(n) is not None})
    for corpus, names in STANCE_FIGURES.items():
        figures = evaluate_stance(load_corpora([data / corpus / f"{corpus}.dev.jsonl"], part),
                                  model=model)["pooled"]
        out.update({f"{corpus}:{n}": figures[n] for n in names if figures.get(n) is not None})
    records = load_corpora([data / "cmv_hidey2017" / "cmv_hidey2017.dev.jsonl"], part)
    with _model_as_default(model):
        figures = evaluate_maps(records["cmv_hidey2017"], sweep=())
    out.update({f"cmv_maps:{n}": figures[n] for n in MAP_FIGURES if figures.get(n) is not None})
    cues.text_cues.cache_clear()
    return out


@contextlib.contextmanager
def _model_as_default(model: RelationModel | None) -> Iterator[None]:
    """``evaluate_maps`` runs the pipeline, which loads the default model."""
    from argmap.link import relation_model

    if model is None:
        yield
        return
    saved = dict(relation_model._DEFAULT)
    relation_model._DEFAULT["model"] = model
    try:
        yield
    finally:
        relation_model._DEFAULT.clear()
        relation_model._DEFAULT.update(saved)


def train_study(data: Path) -> RelationModel:
    from argmap.link.training import fit_model

    corpora = load_corpora([data / c / f"{c}.dev.jsonl" for c in SHIPPABLE], "study")
    model, _ = fit_model(corpora, part="study")
    with tempfile.TemporaryDirectory() as tmp:  # as the file stores it (rounded weights)
        path = Path(tmp) / "model.json"
        model.save(path)
        return RelationModel.load(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path,
                        default=shared_data(__file__))
    parser.add_argument("--parts", default="sealed,study")
    parser.add_argument("--only", default="")
    parser.add_argument("--retrain", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        args.data = Path("/work/shared/data")
    parts = [p for p in args.parts.split(",") if p]
    only = {n for n in args.only.split(",") if n}
    table = dict(ABLATIONS)
    if args.retrain:
        _recipe()
        table.update(RECIPE)
    base_model = default_model()
    base = {part: measure(args.data, part, base_model) for part in parts}
    report = {"base": base, "ablations": {}}
    print(json.dumps({"base": base}, sort_keys=True), flush=True)
    for name, (what, targets, patch) in table.items():
        if only and name not in only:
            continue
        entry: dict = {"what": what, "targets": list(targets)}
        with patch():
            model = train_study(args.data) if name in RECIPE else base_model
            for part in parts:
                figures = measure(args.data, part, model)
                delta = {k: round(figures[k] - base[part][k], 4) for k in base[part]
                         if k in figures}
                entry[part] = delta
                hit = [delta[t] for t in targets if t in delta]
                entry[f"{part}_targets_mean"] = round(sum(hit) / len(hit), 4) if hit else None
        report["ablations"][name] = entry
        print(json.dumps({name: entry}, sort_keys=True), flush=True)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
