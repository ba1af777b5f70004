"""A Reddit-shaped dump of threads that all have one size: the issue's first example, 10,000
posts in 50 threads of 200, where a corpus run's per-post and pairwise costs dominate instead
of the per-thread fixed costs of ``make_dump.py``'s heavy-tailed threads (~8 posts each).

    python benchmarks/make_wide_dump.py --posts 10000 --thread-posts 200 --out /tmp/RC_wide.jsonl

Everything else is ``make_dump.py``'s (real sentences, replies, quotes, stance openers, the
month's interleaving); only ``make_corpus.thread_sizes`` is replaced. Same arguments, same bytes.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_corpus  # noqa: E402
import make_dump  # noqa: E402


def equal_sizes(size: int):
    """A ``thread_sizes`` replacement: threads of ``size`` posts, the last one the rest."""
    def sizes(n_posts: int, _rng: random.Random) -> list[int]:
        out = [size] * (n_posts // size)
        if n_posts % size:
            out.append(n_posts % size)
        return out
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, required=True)
    parser.add_argument("--thread-posts", type=int, default=200)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    make_corpus.thread_sizes = equal_sizes(max(2, args.thread_posts))
    records = make_dump.dump_records(args.posts, args.seed)
    make_dump.write_dump(records, args.out)
    threads = sum(1 for r in records if "link_id" not in r)
    print(f"wrote {len(records)} records ({threads} threads of ~{args.thread_posts} posts) -> "
          f"{args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
