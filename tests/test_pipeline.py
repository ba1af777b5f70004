"""The pipeline end to end: determinism across runs, processes and input order, and the seed
map a moderator opens first."""

from __future__ import annotations

import json
import random

import numpy as np

import argmap
from argmap.exports.native import to_json
from argmap.lexicon import STOPWORDS
from argmap.model import Stance
from tests.support import SEED, SEED2, run_cli

SENTENCES = [
    "Public transport should be free in every city",
    "Free buses would cut traffic and pollution in the centre",
    "I disagree, someone still has to pay for the drivers",
    "Exactly, and the money could come from parking fees",
    "That is not true: parking fees raise very little money",
    "Cities like Tallinn made transport free and ridership grew",
    "But ridership grew mostly among people who used to walk",
    "So free transport does not take cars off the road",
]


def _thread_records() -> list[dict]:
    records = []
    for i, sentence in enumerate(SENTENCES):
        records.append({
            "id": f"m{i}", "reply_to": None if i == 0 else f"m{(i - 1) // 2}",
            "author": f"user{i % 3}", "created": 1_700_000_000 + i,
            "text": f"{sentence}. {SENTENCES[(i + 3) % len(SENTENCES)]} because it matters to many residents.",
        })
    return records


def _map_bytes(path) -> bytes:
    threads = argmap.read_threads([path]).threads
    amap = argmap.build_map(threads)
    return to_json(amap, argmap.analyse(amap))


def test_pipeline_shuffled_input_gives_the_same_map(tmp_path):
    records = _thread_records()
    shuffled_records = records[:]
    random.Random(7).shuffle(shuffled_records)
    assert shuffled_records != records
    maps = []
    for name, recs in (("a", records), ("b", shuffled_records)):
        folder = tmp_path / name
        folder.mkdir()
        path = folder / "thread.jsonl"
        path.write_text("\n".join(json.dumps(r) for r in recs) + "\n")
        document = json.loads(_map_bytes(path))
        # posts remember their line in the file, which the shuffle changes; all else must not
        for thread in document["map"]["threads"]:
            for post in thread["posts"]:
                post["source"] = None
        maps.append(document)
    assert maps[0] == maps[1]
    assert maps[0]["map"]["relations"] and maps[0]["map"]["topics"]


def test_pipeline_two_processes_with_different_hash_seeds_write_identical_bytes(tmp_path):
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"out{seed}"
        result = run_cli("map", str(SEED), "-o", str(out), "--export", "json,dot,summary",
                         env={"PYTHONHASHSEED": seed})
        assert result.returncode == 0, result.stderr.decode()
        outputs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert outputs[0] == outputs[1]
    assert len(outputs[0]) == 3


def test_pipeline_seed_map_recovers_posts_claims_topics_and_red_disagreements():
    threads = argmap.read_threads([SEED]).threads
    assert len(threads) == 1
    posts = threads[0].posts
    assert 5 <= len(posts) <= 10  # several posts: not one blob, not one per line
    amap = argmap.build_map(threads)
    assert len(amap.claims) >= 5 * len(posts) // 2
    for claim in amap.claims[:50]:
        assert len(claim.text.split()) >= 3
    labelled = [t for t in amap.topics if not t.is_other]
    assert len(labelled) >= 3
    for topic in labelled:
        assert any(term not in STOPWORDS and not term.isdigit() for term in topic.terms)
    # each post's own subject becomes a topic: most posts have a topic of their own
    majority = {}
    for topic in labelled:
        owners = [cid.rsplit("/c", 1)[0] for cid in topic.claim_ids]
        majority[topic.id] = max(set(owners), key=owners.count)
    assert len(set(majority.values())) >= 4
    attacks = [r for r in amap.relations if r.stance is Stance.ATTACK]
    texts = {c.id: c.text for c in amap.claims}
    cues = {e.detail.lower() for r in attacks for e in r.evidence}
    assert any("not so sure" in texts[r.source] for r in attacks)
    assert any("not so sure" in cue or "but" in cue for cue in cues)


def test_pipeline_second_seed_disagreement_is_an_attack_with_its_cue():
    threads = argmap.read_threads([SEED2]).threads
    amap = argmap.build_map(threads)
    texts = {c.id: c.text for c in amap.claims}
    attacks = [r for r in amap.relations if r.stance is Stance.ATTACK]
    at_odds = [r for r in attacks if "at odds" in texts[r.source]]
    assert at_odds
    # the within-post disagreement cue ("at odds") was pruned on the sealed parts: "But" carries it
    assert any("at odds" in e.detail or '"but"' in e.detail.lower() for r in at_odds for e in r.evidence)



def test_pipeline_public_api_names_are_functions_even_after_submodule_imports():
    import importlib
    import subprocess
    import sys

    # importing every submodule first must not shadow the public functions of the package
    code = (
        "import argmap, pkgutil, importlib\n"
        "for m in pkgutil.walk_packages(argmap.__path__, 'argmap.'):\n"
        "    if m.name != 'argmap.__main__': importlib.import_module(m.name)\n"
        "bad = [n for n in argmap._LAZY if not callable(getattr(argmap, n))]\n"
        "print(bad)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
    assert importlib.import_module("argmap").Options is not None


def test_pipeline_map_inputs_reports_progress_per_thread(tmp_path):
    from argmap.api import map_inputs
    from argmap.options import Options

    records = []
    for t in range(3):
        for i in range(3):
            records.append({"id": f"{t}-{i}", "thread": f"t{t}", "reply_to": None if i == 0 else f"{t}-0",
                            "text": f"Thread {t} says parks need more trees because summers get hotter {i}."})
    source = tmp_path / "threads.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    calls = []
    options = Options().with_overrides({"export.formats": "json"})
    report = map_inputs([source], tmp_path / "out", options, progress=lambda *a: calls.append(a))
    assert report.threads == 3
    assert calls == [("threads", 0, 3), ("threads", 1, 3), ("threads", 2, 3), ("threads", 3, 3)]


def _chain(n: int, texts: list[str], *, numbered: bool = False) -> argmap.Thread:
    """A reply chain of ``n`` posts cycling through ``texts``; ``numbered``: each post's first
    sentence names its post ("... in post 12."), so no two posts are copies of each other
    (``argmap.restatements``: copies are never linked by similarity)."""
    from argmap.model import Post, Thread

    def text(i: int) -> str:
        base = texts[i % len(texts)]
        return base.replace(".", f" in post {i}.", 1) if numbered else base

    posts = tuple(Post(id=f"c:p{i}", thread_id="c", text=text(i),
                       author=f"u{i % 5}", reply_to=f"c:p{i - 1}" if i else None,
                       created=1_600_000_000.0 + i) for i in range(n))
    return Thread(id="c", title=None, posts=posts)


def test_pipeline_similarity_in_a_long_thread_looks_a_bounded_way_back():
    """In-thread similarity candidates come from the SIMILARITY_WINDOW_POSTS posts before a
    claim's post (thread order), so a thread of any length costs the same per claim: every
    similarity edge spans at most the window, and a claim said again and again along the
    thread (a few words apart) still finds its nearest earlier versions. (Without the window,
    ties among them go to the lowest index: the first ones, the whole thread back.)"""
    from argmap.link.routes import SIMILARITY_WINDOW_POSTS

    posts = SIMILARITY_WINDOW_POSTS * 2 + 100
    texts = [f"{s}. {SENTENCES[(k + 3) % len(SENTENCES)]}." for k, s in enumerate(SENTENCES)]
    amap = argmap.build_map([_chain(posts, texts, numbered=True)])
    number = {c.id: int(c.post_id.split("p")[-1]) for c in amap.claims}
    similar = [r for r in amap.relations
               if any(e.kind.value == "similarity" for e in r.evidence)
               and not any(e.kind.value == "reply" for e in r.evidence)]
    assert similar
    assert max(number[r.source] - number[r.target] for r in similar) <= SIMILARITY_WINDOW_POSTS
    late = [r for r in similar if number[r.source] > SIMILARITY_WINDOW_POSTS * 1.5]
    assert late  # claims past the window still have their similar earlier claims


def test_pipeline_window_starts_stay_in_the_thread_and_bound_claims():
    from argmap.link.routes import (
        SIMILARITY_WINDOW_CLAIMS,
        SIMILARITY_WINDOW_POSTS,
        window_starts,
    )

    thread = np.array([0, 0, 0, 1, 1, 1, 1])
    rank = np.array([0, 1, 1, 0, 2, SIMILARITY_WINDOW_POSTS + 2, SIMILARITY_WINDOW_POSTS + 3])
    assert window_starts(thread, rank).tolist() == [0, 0, 0, 3, 3, 4, 5]
    many = window_starts(np.zeros(SIMILARITY_WINDOW_CLAIMS + 10, dtype=np.int64),
                         np.zeros(SIMILARITY_WINDOW_CLAIMS + 10, dtype=np.int64))
    assert many[-1] == 9  # one post of many claims: at most the claim window back
    assert (np.diff(many) >= 0).all()
