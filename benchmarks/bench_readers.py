"""Readers on hostile shapes: is reading linear in the input? (issue 13)

For each shape the same generator writes the input at n and 10n posts; ``read_threads`` reads
both in this process and the table shows CPU seconds, posts per CPU second and the per-post
cost ratio 10n / n (linear: ~1.0; the aim is < 1.5). A same-run baseline - splitting the same
bytes into lines and parsing each with orjson (what any JSON Lines reader must do), or
splitting the text into lines - says how far argmap is from the floor.

Shapes: a reply chain (each post answers the one before: 100,000 deep at 10n), a fan (every post
answers the first: 50,000 direct replies), a forum-like JSONL (replies to one of the 40 posts
before), the same as a two-frame .zst (the codec path), a text dump of one-line posts and one of
blank-separated short posts (post-boundary recovery). Run:

    python benchmarks/bench_readers.py [--scale 1.0] [--json]

``--scale 0.1`` runs a tenth of the sizes (quick check).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import orjson

from argmap.options import ReadOptions
from argmap.readers import read_threads

WORDS = ("cities should ban cars because pollution harms children while shops need drivers "
         "from far away and buses trains bikes cost money the council says it will review "
         "parking fees next year but residents disagree strongly about it").split()


def _sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def _jsonl(parent_of: Callable[[int, random.Random], int | None]) -> Callable[[int, Path], Path]:
    def write(n: int, folder: Path) -> Path:
        rng = random.Random(0)
        path = folder / f"posts-{n}.jsonl"
        with open(path, "wb") as handle:
            for i in range(n):
                parent = parent_of(i, rng)
                handle.write(orjson.dumps({"id": i, "reply_to": parent, "author": f"u{i % 97}",
                                           "created": 1_000_000 + i,
                                           "text": _sentence(rng, 12)}) + b"\n")
        return path

    return write


def _zst(n: int, folder: Path) -> Path:
    import zstandard

    plain = _jsonl(lambda i, rng: None if i == 0 else max(0, i - 1 - rng.randrange(40)))(n, folder)
    lines = plain.read_bytes().splitlines(keepends=True)
    compressor = zstandard.ZstdCompressor()
    path = folder / f"posts-{n}.jsonl.zst"
    path.write_bytes(compressor.compress(b"".join(lines[: n // 2]))
                     + compressor.compress(b"".join(lines[n // 2:])))
    return path


def _text(blank: bool) -> Callable[[int, Path], Path]:
    def write(n: int, folder: Path) -> Path:
        rng = random.Random(0)
        path = folder / f"dump-{n}-{'blank' if blank else 'lines'}.txt"
        separator = "\n\n" if blank else "\n"
        path.write_text(separator.join(_sentence(rng, rng.randint(5, 12)) for _ in range(n))
                        + "\n", encoding="utf-8")
        return path

    return write


SHAPES: dict[str, tuple[Callable[[int, Path], Path], int]] = {
    "chain": (_jsonl(lambda i, rng: i - 1 if i else None), 10_000),
    "fan": (_jsonl(lambda i, rng: 0 if i else None), 5_000),
    "forum": (_jsonl(lambda i, rng: None if i == 0 else max(0, i - 1 - rng.randrange(40))),
              10_000),
    "forum .zst": (_zst, 10_000),
    "text lines": (_text(False), 2_000),
    "text blank-separated": (_text(True), 2_000),
}


def _baseline(path: Path) -> float:
    """CPU seconds to split the (decompressed) bytes into lines and parse each: the floor."""
    data = path.read_bytes()
    start = time.process_time()
    if path.suffix == ".zst":
        import zstandard

        data = zstandard.ZstdDecompressor().decompressobj().decompress(data)
    if path.suffix == ".txt":
        data.decode("utf-8").splitlines()
    else:
        for line in data.split(b"\n"):
            if line:
                orjson.loads(line)
    return time.process_time() - start


def measure(scale: float) -> list[dict[str, object]]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="argmap-bench-readers-") as tmp:
        folder = Path(tmp)
        for name, (write, base) in SHAPES.items():
            row: dict[str, object] = {"shape": name}
            for label, n in (("n", max(10, int(base * scale))), ("10n", max(100, int(base * 10 * scale)))):
                path = write(n, folder)
                start = time.process_time()
                result = read_threads([path], ReadOptions(max_text_chars=10**9))
                cpu = time.process_time() - start
                row[label] = {"posts_in": n, "posts": result.posts_kept, "cpu_s": round(cpu, 3),
                              "posts_per_cpu_s": round(n / cpu) if cpu else None,
                              "baseline_cpu_s": round(_baseline(path), 3)}
            small, big = row["n"], row["10n"]  # type: ignore[index]
            row["per_post_ratio"] = round((big["cpu_s"] / big["posts_in"]) /  # type: ignore[index]
                                          (small["cpu_s"] / small["posts_in"]), 2)  # type: ignore[index]
            rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = measure(args.scale)
    if args.json:
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    print(f"{'shape':<22}{'posts n / 10n':>18}{'CPU s n / 10n':>18}{'posts/CPU-s 10n':>17}"
          f"{'x baseline 10n':>16}{'per-post 10n/n':>16}")
    for row in rows:
        small, big = row["n"], row["10n"]
        over = (f"{big['cpu_s'] / big['baseline_cpu_s']:.1f}x" if big["baseline_cpu_s"] >= 0.01
                else "-")
        print(f"{row['shape']:<22}{small['posts_in']:>8,} / {big['posts_in']:<7,}"
              f"{small['cpu_s']:>8.2f} / {big['cpu_s']:<7.2f}{big['posts_per_cpu_s']:>17,}"
              f"{over:>16}{row['per_post_ratio']:>15.2f}x")


if __name__ == "__main__":
    main()
