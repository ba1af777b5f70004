"""Each development corpus split by its groups into a part we study and a part we only score.

Why: the held-out part of every corpus was withheld by sorted document/group id, so it holds
topics, discussions and threads never seen here. Rules and cue lists chosen while reading dev
errors carry knowledge of those very texts into every cross-validation fold (the README's CV
figures were grouped, yet claim stance fell from CV 0.66 to 0.53 held out). So the
development part is split once more, the same way: a *sealed* part (about 30 %, the share the
held-out part has) that no rule, cue list, threshold or model is tuned or trained on, and a
*study* part for everything else. Figures on the sealed part are the honest estimate of the
held-out figures; figures on ``all`` or ``study`` are optimistic.

The rule is stable (it never depends on which other records are present, nor on their order):
a record is sealed iff ``int(sha256(f"{corpus}\\0{group}").hexdigest()[:8], 16) % 100 < 30``,
where the group is what must never straddle the split:

* pair corpora (argkp, ibm_claim_stance, debatepedia_pairs, subreddit_agreement): the record's
  ``group`` (its topic, discussion or quoted comment);
* the microtexts: the ``topic`` (texts written on one question stay together; the few texts
  with no topic are their own group);
* cmv_hidey2017: the thread, i.e. the original post's id (the positive and negative paths of
  one thread share their original post, up to 7 records, and must stay on one side);
* cdcp: ``meta.split_group`` (identical comments share it), else the record id;
* createdebate_argmin2016 and any other document corpus: the record id (one thread a record).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from argmap.errors import InputError

PARTS = ("all", "study", "sealed")
SEALED_PERCENT = 30
PAIR_CORPORA = frozenset({"argkp", "ibm_claim_stance", "debatepedia_pairs",
                          "subreddit_agreement"})


def group_of(corpus: str, record: dict[str, Any]) -> str:
    """The group a record belongs to: what the split never puts on both sides."""
    if corpus.startswith("arg_microtexts"):
        return str(record.get("topic") or record.get("id"))
    if corpus == "cmv_hidey2017":
        posts = record.get("posts") or []
        return str(posts[0]["id"]) if posts else str(record.get("id"))
    if corpus == "cdcp":
        return str((record.get("meta") or {}).get("split_group") or record.get("id"))
    if corpus in PAIR_CORPORA or ("parent" in record and "child" in record):
        return str(record.get("group") or record.get("id"))
    return str(record.get("id"))


def is_sealed_group(corpus: str, group: str) -> bool:
    """The stable rule: a hash of (corpus, group) below ``SEALED_PERCENT`` of 100."""
    digest = hashlib.sha256(f"{corpus}\0{group}".encode()).hexdigest()
    return int(digest[:8], 16) % 100 < SEALED_PERCENT


def is_sealed(corpus: str, record: dict[str, Any]) -> bool:
    return is_sealed_group(corpus, group_of(corpus, record))


def select(corpus: str, records: Sequence[dict[str, Any]], part: str) -> list[dict[str, Any]]:
    """The records of ``part`` (``all``, ``study`` or ``sealed``), in their order."""
    if part not in PARTS:
        raise InputError(f"unknown part {part!r}; use one of {', '.join(PARTS)}")
    if part == "all":
        return list(records)
    want = part == "sealed"
    return [r for r in records if is_sealed(corpus, r) == want]


def describe(corpus: str, records: Sequence[dict[str, Any]]) -> dict[str, int]:
    """Records and groups on each side (for reports and the tests)."""
    groups = {group_of(corpus, r) for r in records}
    sealed_groups = {g for g in groups if is_sealed_group(corpus, g)}
    sealed = sum(1 for r in records if is_sealed(corpus, r))
    return {"records": len(records), "sealed_records": sealed,
            "study_records": len(records) - sealed, "groups": len(groups),
            "sealed_groups": len(sealed_groups)}
