"""Labelled files in formats A (documents with gold units) and B (pairs), turned into records.

Format A records become real ``Thread``/``Post``/``Claim`` records, so evaluation and training
run the same ``link`` code as the product: one thread per document, one post per gold post (or
the whole text as one post), one claim per gold unit. Gold relations whose target is another
relation (microtext undercuts and linked premises) are mapped to a unit: an undercut attacks the
*source* of the relation it undercuts, a linked premise (``add``) joins it and so relates to the
relation's target, with that relation's stance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from argmap.errors import InputError, MissingInput
from argmap.model import Claim, Post, SourceRef, Thread, Topic, claim_id


@dataclass(frozen=True, slots=True)
class GoldDocument:
    """One format A record as argmap records plus its gold unit-to-unit relations."""

    corpus: str
    thread: Thread
    claims: tuple[Claim, ...]
    unit_of_claim: dict[str, str]  # claim id -> gold unit id
    post_of_unit: dict[str, str]  # gold unit id -> post id
    gold: dict[tuple[str, str], str | None]  # (src unit, dst unit) -> support | attack | None
    has_posts: bool


@dataclass(frozen=True, slots=True)
class GoldPair:
    """One format B record."""

    corpus: str
    id: str
    parent: str
    child: str
    label: str
    group: str


def shared_data(script: str | Path) -> Path:
    """The labelled corpora for a script in a checkout's ``tools/`` or ``benchmarks/``: the
    first ``shared/data`` folder beside one of the script's parent folders (``../shared/data``
    beside a clone, ``/work/shared/data`` beside a worktree under ``/work/wt``), else
    ``../shared/data`` beside the checkout, which the reader's error then names as missing.

    Why one function: the tools that score or fit on the corpora each looked for the folder
    their own way, and some found none from a worktree one level deeper."""
    start = Path(script).resolve()
    for folder in start.parents:
        if (folder / "shared" / "data").is_dir():
            return folder / "shared" / "data"
    return start.parents[min(2, len(start.parents) - 1)] / "shared" / "data"


def corpus_name(path: str | Path) -> str:
    """``.../cdcp/cdcp.dev.jsonl`` -> ``cdcp``."""
    name = Path(path).name
    for suffix in (".jsonl", ".dev", ".test", ".train", ".heldout"):
        name = name.removesuffix(suffix)
    return name.removesuffix(".dev").removesuffix(".test")


def read_records(path: str | Path) -> list[dict[str, Any]]:
    """The JSON objects of a JSONL file, with errors that name the file and line."""
    p = Path(path)
    if not p.is_file():
        raise MissingInput(f"no such labelled file: {p}", path=p)
    records = []
    with p.open("rb") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise InputError(f"invalid JSON: {exc}", path=p, line=number) from exc
            if not isinstance(record, dict):
                raise InputError("expected a JSON object per line", path=p, line=number)
            records.append(record)
    return records


def record_format(record: dict[str, Any]) -> str:
    """``A`` (document with units), ``B`` (pair) or ``unknown``."""
    if "units" in record and "text" in record:
        return "A"
    if "parent" in record and "child" in record and "label" in record:
        return "B"
    return "unknown"


def detect_task(records: Sequence[dict[str, Any]]) -> str:
    """The evaluation task a file's records call for."""
    formats = {record_format(r) for r in records[:50]}
    if formats == {"B"}:
        labels = {r.get("label") for r in records[:500]}
        return "topics" if labels <= {"match", "no_match"} else "stance"
    if formats == {"A"}:
        return "relations" if any(r.get("relations") for r in records[:200]) else "segmentation"
    raise InputError(f"cannot tell the task from records of formats {sorted(formats)}")


def _mapped_relations(record: dict[str, Any]) -> dict[tuple[str, str], str | None]:
    """Gold (src unit, dst unit) -> stance, with relation targets resolved to units."""
    units = {u["id"] for u in record["units"]}
    by_id = {r.get("id"): r for r in record.get("relations", []) if r.get("id")}

    def resolve(rel: dict[str, Any], depth: int = 0) -> str | None:
        dst = rel["dst"]
        if not rel.get("dst_is_relation") and dst in units:
            return dst
        target = by_id.get(dst)
        if target is None or depth > 5:
            return None
        if rel.get("type") == "add":
            return resolve(target, depth + 1)
        return target["src"] if target["src"] in units else None

    gold: dict[tuple[str, str], str | None] = {}
    for rel in record.get("relations", []):
        dst = resolve(rel)
        if dst is not None and rel["src"] in units and dst != rel["src"]:
            gold[(rel["src"], dst)] = rel.get("stance")
    return gold


def gold_document(record: dict[str, Any], corpus: str) -> GoldDocument:
    """Build the thread, posts and claims of one format A record."""
    text: str = record["text"]
    doc = str(record["id"])
    units = sorted(record["units"], key=lambda u: (u["start"], u["end"], u["id"]))
    raw_posts = record.get("posts") or [{"id": "p", "start": 0, "end": len(text), "reply_to": None}]
    post_ids = {p["id"] for p in raw_posts}
    unit_post: dict[str, str] = {}
    for unit in units:
        owner = unit.get("post_id")
        if owner not in post_ids:
            inside = [p for p in raw_posts
                      if p["start"] <= unit["start"] < max(p["end"], p["start"] + 1)]
            nearest = min(raw_posts, key=lambda p: abs(p["start"] - unit["start"]))
            owner = (inside or [nearest])[0]["id"]
        unit_post[unit["id"]] = owner
    posts, claims, unit_of_claim, post_of_unit = [], [], {}, {}
    for raw in raw_posts:
        mine = [u for u in units if unit_post[u["id"]] == raw["id"]]
        start = min([raw["start"], *(u["start"] for u in mine)])
        end = max([raw["end"], *(u["end"] for u in mine)])
        pid = f"{doc}:{raw['id']}"
        reply = raw.get("reply_to")
        posts.append(Post(id=pid, thread_id=doc, text=text[start:end], author=raw.get("author"),
                          reply_to=f"{doc}:{reply}" if reply in post_ids else None,
                          source=SourceRef(path=corpus)))
        for n, unit in enumerate(mine):
            cid = claim_id(pid, n)
            claims.append(Claim(id=cid, post_id=pid, start=unit["start"] - start,
                                end=unit["end"] - start, text=text[unit["start"]:unit["end"]]))
            unit_of_claim[cid] = unit["id"]
            post_of_unit[unit["id"]] = pid
    thread = Thread(id=doc, title=record.get("topic"), posts=tuple(posts))
    return GoldDocument(corpus, thread, tuple(claims), unit_of_claim, post_of_unit,
                        _mapped_relations(record), bool(record.get("posts")))


def document_topic(doc: GoldDocument) -> Topic:
    """One topic per document, so similarity links stay inside it."""
    return Topic(id=f"doc:{doc.thread.id}", label=doc.thread.id, terms=(),
                 claim_ids=tuple(c.id for c in doc.claims))


def gold_pair(record: dict[str, Any], corpus: str) -> GoldPair:
    return GoldPair(corpus, str(record["id"]), str(record["parent"]), str(record["child"]),
                    str(record["label"]), str(record.get("group") or record["id"]))
