"""Small Reddit-dump-shaped corpora for the corpus tests: Pushshift fields, threads interleaved
in time order, argumentative sentences on a few subjects (no data files, no network)."""

from __future__ import annotations

import random
from pathlib import Path

import orjson

SUBJECTS = {
    "transit": [
        "Public transport should be free for everyone in the city.",
        "Free fares would drain the budget that pays for maintenance of the buses.",
        "The buses are already falling apart and nobody fixes them on time.",
        "Cars cost the city far more in roads and pollution than buses ever will.",
        "Road costs are paid by fuel taxes, not by the city budget.",
        "Fuel taxes do not cover the health costs of polluted air in the centre.",
    ],
    "school": [
        "Homework should be banned in primary schools because children need to play.",
        "Homework teaches discipline that children will need later in life.",
        "Most studies find no benefit of homework for young pupils at all.",
        "Parents who work late cannot help their children with homework anyway.",
        "Teachers use homework to cover a curriculum that is far too long.",
        "A shorter curriculum would leave more time for reading in class.",
    ],
    "energy": [
        "Nuclear power is the safest way to cut carbon emissions quickly.",
        "Nuclear plants take fifteen years to build and cost far too much.",
        "Wind and solar are now cheaper than any new nuclear plant.",
        "Renewables need storage that does not exist at the scale we need.",
        "Batteries are getting cheaper every year and grids can share power.",
        "Waste from nuclear plants stays dangerous for thousands of years.",
    ],
}
OPENERS = ("I disagree.", "Exactly.", "That's not true:", "Good point, and", "No.", "")


def reddit_dump(n_threads: int, seed: int = 0, min_posts: int = 2, max_posts: int = 12
                ) -> list[dict[str, object]]:
    """Submissions and comments of ``n_threads`` threads, sorted by ``created_utc`` so the
    threads interleave as in a Pushshift month."""
    rng = random.Random(seed)
    records: list[dict[str, object]] = []
    subjects = sorted(SUBJECTS)
    for t in range(n_threads):
        subject = SUBJECTS[subjects[t % len(subjects)]]
        link = f"l{t:04d}"
        start = 1_700_000_000 + rng.randrange(0, 30 * 86_400)
        size = rng.randint(min_posts, max_posts)
        records.append({"id": link, "title": rng.choice(subject), "selftext": " ".join(
            rng.sample(subject, 2)), "author": f"u{rng.randrange(40)}", "created_utc": start,
            "subreddit": "debate", "score": rng.randrange(100)})
        ids = []
        for p in range(1, size):
            cid = f"c{t:04d}x{p:03d}"
            parent = f"t3_{link}" if not ids or rng.random() < 0.3 else f"t1_{rng.choice(ids)}"
            body = f"{rng.choice(OPENERS)} {' '.join(rng.sample(subject, 2))}".strip()
            records.append({"id": cid, "link_id": f"t3_{link}", "parent_id": parent,
                            "body": body, "author": f"u{rng.randrange(40)}",
                            "created_utc": start + 60 * p + rng.randrange(50),
                            "subreddit": "debate", "score": rng.randrange(-5, 50)})
            ids.append(cid)
    records.sort(key=lambda r: (r["created_utc"], r["id"]))
    return records


def write_jsonl(path: Path, records: list[dict[str, object]], compress: str | None = None
                ) -> Path:
    data = b"".join(orjson.dumps(r) + b"\n" for r in records)
    if compress == "zst":
        import zstandard

        data = zstandard.ZstdCompressor().compress(data)
    elif compress == "gz":
        import gzip

        data = gzip.compress(data, mtime=0)
    path.write_bytes(data)
    return path


def by_thread(records: list[dict[str, object]]) -> dict[str, list[dict[str, object]]]:
    """Records grouped by thread (a submission's own id, a comment's link_id)."""
    groups: dict[str, list[dict[str, object]]] = {}
    for r in records:
        key = str(r.get("link_id", f"t3_{r['id']}"))
        groups.setdefault(key, []).append(r)
    return groups
