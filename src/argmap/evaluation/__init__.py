"""``evaluate``: measured argument-mining quality on labelled files in formats A and B.

The task is read from the records (``auto``) or given. Relations and stance live here; the
segmentation, topic and summary evaluations are other modules of this package, imported only
when asked for, so a missing one fails with a message instead of breaking the rest.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from argmap.errors import ArgmapError, InputError
from argmap.evaluation.data import corpus_name, detect_task, read_records, record_format
from argmap.evaluation.splits import PARTS, select
from argmap.options import LinkOptions, Options

TASKS = ("segmentation", "relations", "stance", "topics", "summaries", "maps")
_OTHERS = {
    "maps": ("argmap.evaluation.maps", "evaluate_maps"),
    "segmentation": ("argmap.evaluation.segmentation", "evaluate_segmentation"),
    "topics": ("argmap.evaluation.topics", "evaluate_topics"),
    "summaries": ("argmap.evaluation.summaries", "evaluate_summaries"),
}


def load_corpora(paths: Sequence[str | Path], part: str = "all",
                 ) -> dict[str, list[dict[str, Any]]]:
    """Records per corpus name (files of one corpus are concatenated in the order given),
    restricted to ``part``: ``all``, ``study`` or ``sealed`` (``splits``)."""
    if part not in PARTS:
        raise InputError(f"unknown part {part!r}; use one of {', '.join(PARTS)}")
    corpora: dict[str, list[dict[str, Any]]] = {}
    for path in paths:
        corpora.setdefault(corpus_name(path), []).extend(read_records(path))
    return {name: select(name, records, part) for name, records in corpora.items()}


def evaluate(paths: Sequence[str | Path], task: str = "auto", part: str = "all",
             model: str | Path | None = None) -> dict[str, Any]:
    """Figures for ``task`` on the labelled files: ``{"task", "part", "corpora", "pooled",
    ...}``. ``part`` picks the study or the sealed part of each corpus (``splits``); only
    sealed figures estimate held-out ones honestly. ``model``: a relation model ``argmap
    train`` wrote, scored as ``link.model`` maps with it (uncalibrated); None, the shipped one."""
    if task != "auto" and task not in TASKS:
        raise InputError(f"unknown evaluation task {task!r}; use one of auto, {', '.join(TASKS)}")
    link = LinkOptions(model=str(model) if model else "")
    if link.model:
        from argmap.link.relation_model import model_at

        model_at(link.model)  # a bad file is refused before any work
    corpora = load_corpora(paths, part)
    if not any(corpora.values()):
        raise InputError(f"no labelled records in the {part} part of the given files")
    return {**_evaluate(corpora, task, link), "part": part}


# the record format each task scores: A documents (text, units, relations) or B pairs
# (parent, child, label); data.record_format tells them apart
_FORMAT_OF = {"segmentation": "A", "relations": "A", "maps": "A", "stance": "B", "topics": "B",
              "summaries": "B"}
_FORMAT_NAMES = {"A": "format A documents (text, units)", "B": "format B pairs (parent, child, "
                 "label)"}


def _check_formats(corpora: dict[str, list[dict[str, Any]]], task: str) -> None:
    """A task given with ``--task`` scores one record format: records of the other (or of
    none) are refused naming the corpus, what the task needs and the tasks they fit, before
    any work. Before, ``eval A-FILE --task stance`` was a KeyError traceback (exit 1), and
    ``eval B-FILE --task maps`` said 'no posts found' of a temporary file."""
    need = _FORMAT_OF[task]
    for name in sorted(corpora):
        records = corpora[name]
        wrong = [index for index, record in enumerate(records) if record_format(record) != need]
        if not wrong:
            continue
        got = sorted({record_format(records[i]) for i in wrong})
        fits = [t for t, f in _FORMAT_OF.items() if [f] == got]
        hint = f"; they fit --task {' / '.join(fits)}" if fits else ""
        raise InputError(f"--task {task} scores {_FORMAT_NAMES[need]}, but {len(wrong):,} of "
                         f"the {len(records):,} {name} records are "
                         f"{_FORMAT_NAMES.get(got[0], 'of neither format')}{hint}")


def _evaluate(corpora: dict[str, list[dict[str, Any]]], task: str,
              link: LinkOptions) -> dict[str, Any]:
    if task == "auto":
        detected = {name: detect_task(records) for name, records in corpora.items() if records}
        if len(set(detected.values())) != 1:
            raise InputError(f"the files call for different tasks {detected}; pass task=...")
        task = next(iter(detected.values()))
    _check_formats(corpora, task)
    if task == "relations":
        from argmap.evaluation.relations import evaluate_relations

        return evaluate_relations(corpora, options=link)
    if task == "stance":
        from argmap.evaluation.stance import evaluate_stance

        return evaluate_stance(corpora, options=link)
    module_name, function_name = _OTHERS[task]
    try:
        function = getattr(importlib.import_module(module_name), function_name)
    except (ImportError, AttributeError) as exc:
        raise ArgmapError(f"the {task} evaluation is not available ({module_name}."
                          f"{function_name} is missing: {exc})") from exc
    if task == "maps":  # the only other evaluation that links
        function = functools.partial(function, options=replace(Options(), link=link))
    figures = {name: function(corpora[name]) for name in sorted(corpora)}
    pooled = function([r for name in sorted(corpora) for r in corpora[name]]) if len(
        figures) > 1 else next(iter(figures.values()), {})
    return {"task": task, "corpora": figures, "pooled": pooled}
