"""The corpus report and summary of a batch run: ``report.html`` and ``summary.json``.

Why a module of its own: the report is made from what the tasks already cut to size (the
merged summaries: largest and most contested threads, typical and contested claims per topic),
the fitted topics and the problems, never from the tables, so it is a function of those alone;
``steps`` decides when it runs. Split from ``steps`` in session 14.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson

from argmap.corpus import plan
from argmap.corpus.fragments import sha256_of
from argmap.corpus.report import render_report
from argmap.corpus.settings import BatchReport, summary_json
from argmap.corpus.topic_model import CorpusTopics
from argmap.files import safe_filename, write_atomic

TYPICAL_SHOWN = 3


def topic_rows(model: CorpusTopics, merged: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The rows of the topics table: each topic's terms, counts and typical claims."""
    rows = []
    for topic in model.topics:
        typical = [item[1] for item in merged["typical"].get(topic.id, [])[:TYPICAL_SHOWN]]
        rows.append((topic.id, topic.label, ";".join(topic.terms),
                     merged["topic_claims"].get(topic.id, 0),
                     merged["topic_threads"].get(topic.id, 0),
                     orjson.dumps(typical).decode("utf-8"), topic.is_other))
    return rows


def write_report(out: Path, tables: Sequence[str], report: BatchReport, merged: dict[str, Any],
                 model: CorpusTopics, problems: list[dict[str, Any]], maps: dict[str, str]
                 ) -> dict[str, str]:
    """Write ``report.html`` and ``summary.json`` under ``out``; their checksums."""
    shown = {i[0] for i in merged["largest"] + merged["contested_threads"]}
    shown |= {i[2] for items in merged["contested"].values() for i in items}
    pages = _map_pages(maps, shown)
    counted: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for p in problems:
        counted.setdefault((p["code"], p["action"]), []).append(p)
    data = {
        "totals": {"records_in": report.records_in, "processed": report.processed,
                   "skipped": report.skipped, "quarantined": report.quarantined,
                   "threads": report.threads, "claims": report.claims,
                   "relations": report.relations},
        "largest": plan.thread_dicts(merged["largest"], 20),
        "contested_threads": plan.thread_dicts(merged["contested_threads"], 20),
        "topics": [{"id": t.id, "label": t.label, "terms": t.terms,
                    "claims": merged["topic_claims"].get(t.id, 0),
                    "threads": merged["topic_threads"].get(t.id, 0),
                    "typical": [{"text": i[1]} for i in merged["typical"].get(t.id, [])
                                [:TYPICAL_SHOWN]],
                    "contested": [{"text": i[5], "attacks": i[3], "supports": i[4],
                                   "thread": i[2]} for i in merged["contested"]
                                  .get(t.id, [])[:5]]}
                   for t in sorted(model.topics, key=lambda t: (
                       t.is_other, -merged["topic_claims"].get(t.id, 0), t.id))],
        "problems": [{"code": code, "action": action, "count": len(rows),
                      "where": f"{rows[0]['path']}:{rows[0]['line']}"}
                     for (code, action), rows in sorted(counted.items())],
        "tables": [{"csv": "csv/", "parquet": "parquet/", "sqlite": "corpus.sqlite"}[t]
                   for t in tables],
    }
    html = render_report(data, pages)
    write_atomic(out / "report.html", html)
    write_atomic(out / "summary.json", summary_json(report))
    return {"report.html": sha256_of(out / "report.html"),
            "summary.json": sha256_of(out / "summary.json")}


def _map_pages(maps: dict[str, str], thread_ids: set[str]) -> dict[str, str]:
    """thread id -> the page to link for it: its HTML report, else its SVG, else its JSON."""
    pages: dict[str, str] = {}
    for thread_id in sorted(thread_ids):
        stem = safe_filename(thread_id)
        for suffix in (".html", ".svg", ".json"):
            if f"maps/{stem}{suffix}" in maps:
                pages[thread_id] = f"maps/{stem}{suffix}"
                break
    return pages
