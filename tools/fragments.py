"""How many claims are fragments a reader cannot weigh on their own (no verb, stopping
mid-phrase, the tail of a list, a dangling start), on the seed documents and on real threads.

Usage: python tools/fragments.py [--data ../shared/data] [--show N] [--json]

Texts: the two seed documents (``corpora/*.txt``, through the real reader), the posts of
``raw_threads`` (real Reddit, Hacker News and Discourse threads as plain text) and of the
cmv_hidey2017 development records (their gold units are not used). Each is segmented with
``drop_fragments`` off (claims split wherever a connective allows, as before issue 15) and on.
A claim is counted by ``segment.statements.fragment_kind``, the same detector the segmenter
uses, so the "on" share is biased low: read the ``--show`` samples, not only the share.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from argmap.evaluation import load_corpora
from argmap.evaluation.data import shared_data
from argmap.model import Post, Thread
from argmap.options import Options, SegmentOptions
from argmap.readers import read_threads
from argmap.segment import segment
from argmap.segment.statements import fragment_kind

REPO = Path(__file__).resolve().parents[1]


def collections(data: Path) -> dict[str, list[Thread]]:
    options = Options()
    seeds = sorted((REPO / "corpora").glob("*.txt"))
    return {
        "seeds": list(read_threads(seeds, options.read).threads),
        "raw_threads": _post_threads(data, "raw_threads"),
        "cmv_posts": _post_threads(data, "cmv_hidey2017"),
    }


def _post_threads(data: Path, corpus: str) -> list[Thread]:
    """The posts of a corpus's records (``text[start:end]``), each post once (CMV's positive
    and negative paths share their first posts)."""
    records = load_corpora([data / corpus / f"{corpus}.dev.jsonl"])[corpus]
    threads, seen = [], set()
    for record in records:
        posts = []
        for p in record.get("posts") or []:
            if p["id"] in seen:
                continue
            seen.add(p["id"])
            posts.append(Post(id=f"{record['id']}:{p['id']}", thread_id=str(record["id"]),
                              text=record["text"][p["start"]:p["end"]]))
        threads.append(Thread(id=str(record["id"]), title=None, posts=tuple(posts)))
    return threads


def count(threads: list[Thread], options: SegmentOptions) -> tuple[Counter, list[tuple]]:
    claims, _dropped = segment(threads, options)
    kinds: Counter = Counter(claims=len(claims))
    flagged = []
    for claim in claims:
        kind = fragment_kind(claim.text)
        if kind:
            kinds[kind] += 1
            kinds["fragments"] += 1
            flagged.append((kind, claim.text))
    return kinds, flagged


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=shared_data(__file__))
    parser.add_argument("--show", type=int, default=0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    report = {}
    for name, threads in collections(args.data).items():
        for label, options in (("off", SegmentOptions(drop_fragments=False)),
                               ("on", SegmentOptions())):
            kinds, flagged = count(threads, options)
            share = kinds["fragments"] / kinds["claims"] if kinds["claims"] else 0.0
            report[f"{name}:{label}"] = {**dict(sorted(kinds.items())), "share": round(share, 4)}
            if not args.json:
                print(f"{name:12} drop_fragments={label:3} claims {kinds['claims']:5}  "
                      f"fragments {kinds['fragments']:4} ({share:.1%})  "
                      + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())
                                  if k not in ("claims", "fragments")))
                for kind, text in flagged[:args.show]:
                    print(f"    {kind:14} {text[:110]!r}")
    if args.json:
        print(json.dumps(report, indent=1, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
