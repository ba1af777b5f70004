"""Build a Reddit-dump-shaped corpus from real sentences: one file, threads interleaved in time.

Why: a corpus run is judged on what researchers feed it, a Pushshift / Arctic Shift month:
one NDJSON file (often ``.zst``), submissions and comments with Pushshift's fields, every
thread's posts spread over the month between other threads' posts. The threads and sentences
come from ``make_corpus.py`` (real House of Commons and news sentences, synthetic heavy-tailed
reply threads; see benchmarks/README.md); this script only re-times them over 30 days and
writes them as a dump.

Records: a thread's root is a submission ``{"id", "title", "selftext", "author",
"created_utc", "subreddit", "score", "num_comments"}``; every reply a comment ``{"id",
"link_id": "t3_<root>", "parent_id": "t3_<root>" or "t1_<parent>", "body", "author",
"created_utc", "subreddit", "score"}``. Ids are base 36 as Reddit's. Lines are sorted by
(created_utc, id), so threads interleave as in a real month. Same ``--posts`` and ``--seed``,
same bytes (``.zst`` included).

Usage: python benchmarks/make_dump.py --posts 100000 --out /tmp/RC_bench.jsonl [--zst]
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_corpus  # noqa: E402

MONTH = 30 * 86_400
START = 1_698_796_800  # 2023-11-01T00:00:00Z
SUBREDDITS = {"parl": "ukpolitics", "news": "worldnews"}
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def base36(number: int) -> str:
    out = ""
    while True:
        number, digit = divmod(number, 36)
        out = _DIGITS[digit] + out
        if number == 0:
            return out


def dump_records(n_posts: int, seed: int = 0) -> list[dict[str, object]]:
    """The posts of ``make_corpus.build_posts`` as Pushshift submissions and comments."""
    posts = make_corpus.build_posts(n_posts, seed)
    rng = random.Random(seed + 1)
    by_thread: dict[str, list[dict[str, object]]] = {}
    for post in posts:
        by_thread.setdefault(str(post["thread"]), []).append(post)
    records: list[dict[str, object]] = []
    for number, (thread, members) in enumerate(by_thread.items(), start=1):
        link = base36(36**5 + number)
        first = int(members[0]["created"])  # type: ignore[arg-type]
        start = START + rng.randrange(MONTH)
        subreddit = SUBREDDITS["parl" if rng.random() < make_corpus.PARL_SHARE else "news"]
        ids = {str(p["id"]): base36(36**6 + int(str(p["id"])[1:])) for p in members}
        for post in members:
            created = start + int(post["created"]) - first  # type: ignore[arg-type]
            author = post["author"]
            score = rng.randrange(-5, 200)
            if post["reply_to"] is None:
                records.append({"id": link, "title": post.get("title") or "",
                                "selftext": post["text"], "author": author,
                                "created_utc": created, "subreddit": subreddit, "score": score,
                                "num_comments": len(members) - 1})
                continue
            parent = str(post["reply_to"])
            parent_id = f"t3_{link}" if parent == members[0]["id"] else f"t1_{ids[parent]}"
            records.append({"id": ids[str(post["id"])], "link_id": f"t3_{link}",
                            "parent_id": parent_id, "body": post["text"], "author": author,
                            "created_utc": created, "subreddit": subreddit, "score": score})
        del thread
    records.sort(key=lambda r: (r["created_utc"], r["id"]))
    return records


def write_dump(records: list[dict[str, object]], out: Path, zst: bool = False) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    with open(tmp, "wb") as raw:
        if zst:
            import zstandard

            writer = zstandard.ZstdCompressor(level=3).stream_writer(raw, closefd=False)
        else:
            writer = raw
        for start in range(0, len(records), 10_000):
            writer.write(b"".join(orjson.dumps(r) + b"\n" for r in records[start:start + 10_000]))
        if zst:
            writer.close()
    tmp.replace(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--zst", action="store_true", help="zstd-compress the dump")
    args = parser.parse_args(argv)
    records = dump_records(args.posts, args.seed)
    write_dump(records, args.out, args.zst)
    threads = sum(1 for r in records if "link_id" not in r)
    print(f"wrote {len(records)} records ({threads} threads, interleaved in time) -> "
          f"{args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
