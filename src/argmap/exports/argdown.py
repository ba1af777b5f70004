"""Argdown export, with a parser for exactly the subset written, so tests can round-trip it.

Layout (Argdown "loose" mode): one ``# heading`` per topic, then each claim of the topic as a
statement definition ``[title]: text`` followed by the relations it receives, indented, in
Argdown's default child -> parent direction: ``  <+ [other]`` (other supports this claim) and
``  <- [other]`` (other attacks it). Titles are made from claim ids (letters, digits and ``_``
only, the prefix shared by all claims removed, made unique with ``_2``, ``_3``), so they can
never contain Argdown syntax.

Post text is hostile: a statement is one line (whitespace folded, control characters dropped)
and every character Argdown gives a meaning to inside a line is backslash-escaped: brackets and
angle brackets (references), ``#`` tags, ``@`` mentions, ``{}`` data, ``*``/``_``/`` ` ``/``~``
Markdown, the ``/`` of ``//`` and ``/*`` comments, ``:`` before a word (``:shortcode:``) and the
backslash itself. Line-start syntax (``+``, ``-``, ``>``, ``(1)``, ``===``) cannot occur because
a statement always starts after ``[title]: ``. Headings are escaped the same way.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass

from argmap.model import Analysis, ArgumentMap, Stance, relation_sort_key
from argmap.options import ExportOptions

_SPECIAL = re.compile(r"[\\\[\]<>#@{}*_`~]|/(?=[/*])|:(?=\w)")
_UNESCAPE = re.compile(r"\\(.)")
_TITLE_UNSAFE = re.compile(r"[^A-Za-z0-9]+")
# statement text as written: every Argdown-significant character escaped (what ``escape`` makes)
_TEXT = r"(?:\\.|[^\\\[\]<>#@{}*_`~/:\n]|/(?![/*])|:(?!\w))*"
_DEFINITION = re.compile(rf"\[([A-Za-z0-9_]+)\]: ?({_TEXT})")
_HEADING = re.compile(rf"# ({_TEXT})")
_RELATION = re.compile(r" {2}<([+-]) \[([A-Za-z0-9_]+)\]")
NO_TOPIC = "Claims without a topic"


def one_line(text: str) -> str:
    """Text folded to one line: control characters and lone surrogates dropped, whitespace runs
    (line breaks included) turned into single spaces. This is what a statement can hold."""
    kept = "".join(
        ch for ch in text if ch in "\t\n\r" or unicodedata.category(ch) not in {"Cc", "Cs"}
    )
    return " ".join(kept.split())


def escape(text: str) -> str:
    """``one_line(text)`` with every Argdown-significant character backslash-escaped."""
    return _SPECIAL.sub(lambda match: "\\" + match.group(0), one_line(text))


def unescape(text: str) -> str:
    return _UNESCAPE.sub(r"\1", text)


def _titles(claim_ids: list[str]) -> dict[str, str]:
    """Short, safe, unique titles: claim ids reduced to letters, digits and ``_``, without the
    prefix every claim shares (the source and thread), so a map reads ``[p12_c0]``."""
    slugs = [_TITLE_UNSAFE.sub("_", cid).strip("_") for cid in claim_ids]
    shared = os.path.commonprefix(slugs) if len(slugs) > 1 else ""
    shared = shared[: shared.rfind("_") + 1]  # cut at a word boundary, never inside a number
    taken: set[str] = set()
    titles: dict[str, str] = {}
    for cid, slug in zip(claim_ids, slugs, strict=True):
        base = slug[len(shared):] or slug or "claim"
        title, n = base, 1
        while title in taken:
            n += 1
            title = f"{base}_{n}"
        taken.add(title)
        titles[cid] = title
    return titles


def argdown_text(amap: ArgumentMap) -> str:
    """The Argdown document of a map, the same text for the same map."""
    known = {claim.id: claim for claim in amap.claims}
    titles = _titles([claim.id for claim in amap.claims])
    incoming: dict[str, list[tuple[str, str]]] = {}
    for rel in sorted(amap.relations, key=relation_sort_key):
        if rel.source in known and rel.target in known:
            symbol = "-" if rel.stance is Stance.ATTACK else "+"
            incoming.setdefault(rel.target, []).append((symbol, titles[rel.source]))
    sections: list[tuple[str, list[str]]] = []
    placed: set[str] = set()
    for topic in amap.topics:
        members = [cid for cid in topic.claim_ids if cid in known and cid not in placed]
        placed.update(members)
        if members:
            sections.append((one_line(topic.label) or one_line(topic.id) or NO_TOPIC, members))
    rest = [claim.id for claim in amap.claims if claim.id not in placed]
    if rest:
        sections.append((NO_TOPIC, rest))
    blocks: list[str] = []
    for heading, members in sections:
        blocks.append(f"# {escape(heading)}")
        for cid in members:
            lines = [f"[{titles[cid]}]: {escape(known[cid].text)}".rstrip()]
            received = dict.fromkeys(incoming.get(cid, []))  # a duplicate relation once
            lines += [f"  <{symbol} [{title}]" for symbol, title in received]
            blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def to_argdown(amap: ArgumentMap, analysis: Analysis, options: ExportOptions) -> dict[str, bytes]:
    """Exporter: ``{".argdown": bytes}`` (UTF-8)."""
    return {".argdown": argdown_text(amap).encode("utf-8")}


@dataclass(frozen=True, slots=True)
class ParsedArgdown:
    """What ``parse_argdown`` reads back: headings, statements and relations, in file order."""

    headings: tuple[str, ...]
    statements: tuple[tuple[str, str], ...]  # (title, text)
    relations: tuple[tuple[str, str, str], ...]  # (source title, target title, "support"|"attack")
    section_of: tuple[tuple[str, str], ...]  # (title, heading)


def parse_argdown(document: str) -> ParsedArgdown:
    """Parse the subset ``argdown_text`` writes; raise ``ValueError`` on any other line or on
    statement text with an unescaped Argdown character, so a test catches an escape that would
    let post text become syntax (the escaping rules were checked against ``@argdown/core``)."""
    headings: list[str] = []
    statements: list[tuple[str, str]] = []
    relations: list[tuple[str, str, str]] = []
    section_of: list[tuple[str, str]] = []
    current: str | None = None
    for number, line in enumerate(document.split("\n"), start=1):
        if not line:
            continue
        heading = _HEADING.fullmatch(line)
        if heading:
            headings.append(unescape(heading.group(1)))
            continue
        definition = _DEFINITION.fullmatch(line)
        if definition:
            current = definition.group(1)
            statements.append((current, unescape(definition.group(2))))
            section_of.append((current, headings[-1] if headings else ""))
            continue
        relation = _RELATION.fullmatch(line)
        if relation and current is not None:
            stance = "attack" if relation.group(1) == "-" else "support"
            relations.append((relation.group(2), current, stance))
            continue
        raise ValueError(f"line {number}: not argmap's Argdown subset: {line!r}")
    return ParsedArgdown(tuple(headings), tuple(statements), tuple(relations), tuple(section_of))
