"""How the corpus topic model's quality depends on its fit sample: gold topics and stability.

Why: at 10k posts the corpus topic fit (``corpus.topic_model.fit`` on up to
``cluster.fit_sample`` = 20,000 claims) runs alone in the main process for ~20 % of a
``--jobs 2`` run. A smaller sample fits faster but changes the model, so a smaller sample is
kept only if this script shows that the topics hold:

    python benchmarks/topic_sample.py [--argkp DATA/argkp/argkp.dev.jsonl] [--part sealed]
                                      [--dump RC_bench-10000-...jsonl --out DIR]
                                      [--sizes 20000,15000,10000,5000] [--fractions ...]

1. ArgKP (the ``part`` of ``argkp.dev.jsonl``, every argument a one-claim post): the corpus
   fit on hash-chosen samples of a fraction of the arguments (five salts per fraction), every
   argument assigned, and the V-measure and adjusted Rand of the corpus topics against the
   debate (topic and stance) and against the key point (arguments matched to exactly one).
   Twice: with the corpus options (k follows the sample: claims / ``claims_per_topic``, capped)
   and with ``claims_per_topic`` scaled by the fraction, so k is the full corpus's and only
   the sample changes (what a smaller sample does to a 10k-post corpus, where k stays 40).
2. A dump (``--dump``; its spill is made by one ``argmap batch`` into ``--out``): the corpus
   fit on the first N claims in the batch's sample order (``corpus.steps``' loop) for each N,
   and on N claims taken from the *last* threads (another sample of the same size: the noise
   floor); every claim of the corpus assigned by each model; the agreement (V-measure,
   adjusted Rand) of each model's assignment with the 20,000-claim model's, beside the two
   20,000-claim models' agreement with each other; per model k, the "other" share, the
   largest topic's share, the mean cosine of a claim to its topic centre, and the fit's CPU s.
"""

from __future__ import annotations

import argparse
import hashlib
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import orjson
from sklearn.metrics import adjusted_rand_score, v_measure_score

from argmap.corpus import sample as sample_module
from argmap.corpus.topic_model import CorpusTopics, context_stems, fit, sample_rows
from argmap.model import Claim
from argmap.options import Options


def _key(text: str, salt: int) -> bytes:
    return hashlib.blake2b(f"{salt}\0{text}".encode(), digest_size=8).digest()


def _assigned(model: CorpusTopics, groups: Sequence[Sequence[Claim]]
              ) -> tuple[list[str], np.ndarray]:
    ids: list[str] = []
    close: list[np.ndarray] = []
    for found, typical in model.assign_many(groups):
        ids.extend(found)
        close.append(typical)
    return ids, np.concatenate(close) if close else np.zeros(0)


def _shape(model: CorpusTopics, ids: list[str]) -> str:
    other = next((t.id for t in model.topics if t.is_other), "other")
    sizes: dict[str, int] = {}
    for i in ids:
        sizes[i] = sizes.get(i, 0) + 1
    inner = [n for t, n in sizes.items() if t != other]
    return (f"k {len([t for t in model.topics if not t.is_other]):3d}  other "
            f"{sizes.get(other, 0) / len(ids):5.3f}  largest {max(inner or [0]) / len(ids):5.3f}")


def argkp(path: Path, part: str, fractions: list[float], salts: int) -> None:
    from argmap.evaluation.splits import select
    from argmap.evaluation.topics import key_point_groups

    records = select("argkp", [orjson.loads(line) for line in path.read_bytes().splitlines()
                               if line.strip()], part)
    groups = key_point_groups(records)
    claims: list[Claim] = []
    debate: list[str] = []
    point: dict[str, str] = {}
    for group in groups:
        for arg_id, text in group.arguments:
            cid = f"{group.topic}|{group.stance}|{arg_id}"
            claims.append(Claim(id=cid, post_id=cid, start=0, end=len(text), text=text))
            debate.append(f"{group.topic}|{group.stance}")
            if len(group.matches[arg_id]) == 1:
                point[cid] = group.matches[arg_id][0]
    stems = context_stems(claims, True)
    print(f"ArgKP {part}: {len(claims)} arguments, {len(set(debate))} debate sides, "
          f"{len(point)} with one key point ({len(set(point.values()))} key points)")
    base = Options().cluster
    print(f"{'options':9} {'fraction':>8} {'claims':>6}  {'k':>5}  {'V debate':>15}  "
          f"{'V key point':>15}  {'ARI key point':>15}")
    for held in (False, True):
        for fraction in fractions:
            rows = []
            for salt in range(1 if fraction >= 1.0 else salts):
                order = sorted(range(len(claims)), key=lambda i: _key(claims[i].id, salt))
                chosen = sorted(order[: max(1, round(fraction * len(claims)))])
                options = base
                if held:
                    options = replace(base, claims_per_topic=max(
                        1, round(base.claims_per_topic * fraction)))
                model = fit([claims[i] for i in chosen], [stems[i] for i in chosen], options)
                ids, _ = _assigned(model, [claims])
                kp = [i for i, c in enumerate(claims) if c.id in point]
                rows.append((len([t for t in model.topics if not t.is_other]),
                             v_measure_score(debate, ids),
                             v_measure_score([point[claims[i].id] for i in kp],
                                             [ids[i] for i in kp]),
                             adjusted_rand_score([point[claims[i].id] for i in kp],
                                                 [ids[i] for i in kp])))
            table = np.asarray(rows)
            cells = [f"{m:.3f} +- {s:.3f}" for m, s in zip(table[:, 1:].mean(axis=0),
                                                              table[:, 1:].std(axis=0),
                                                              strict=True)]
            print(f"{'k held' if held else 'corpus':9} {fraction:8.2f} {len(chosen):6d}  "
                  f"{table[:, 0].mean():5.1f}  " + "  ".join(cells))


def _spill(dump: str, out: Path) -> tuple[Path, int]:
    if not (out / ".argmap" / "manifest.jsonl").exists():
        from argmap.corpus.runner import run_batch
        run_batch([dump], out, jobs=2, tables="csv")
    header = orjson.loads((out / ".argmap" / "manifest.jsonl").read_bytes().splitlines()[0])
    return out / ".argmap" / "spill", int(header["buckets"])


def _first(threads: Sequence[sample_module.Segmented], size: int
           ) -> tuple[list[Claim], list[list[str]], int]:
    """``corpus.steps``' sample loop over ``threads``: claims until ``size`` claims or posts;
    also how many threads it took."""
    claims: list[Claim] = []
    context: list[list[str]] = []
    posts = taken = 0
    for found in threads:
        taken += 1
        for row in sample_rows(found.claims):
            claims.append(found.claims[row])
            context.append(found.stems[row])
        posts += len(found.thread.posts)
        if len(claims) >= size or posts >= size:
            break
    return claims, context, taken


def _chunks(threads: Sequence[sample_module.Segmented], size: int, most: int
            ) -> list[tuple[list[Claim], list[list[str]]]]:
    """Disjoint samples: ``corpus.steps``' loop run again from where the last one stopped
    (the first is the batch's own sample); a last sample short of ``size`` is left out."""
    out: list[tuple[list[Claim], list[list[str]]]] = []
    at = 0
    while len(out) < most and at < len(threads):
        claims, context, taken = _first(threads[at:], size)
        if len(claims) < size:
            break
        at += taken
        out.append((claims, context))
    return out


def dump_stability(dump: str, out: Path, sizes: list[int], most: int) -> None:
    spill, buckets = _spill(dump, out)
    options = Options()
    threads = list(sample_module.sample_threads(spill, buckets, options, frozenset()))
    groups = [found.claims for found in threads]
    total = sum(len(g) for g in groups)
    print(f"dump: {len(threads)} threads, {sum(len(t.thread.posts) for t in threads)} posts, "
          f"{total} claims")
    models: dict[int, list[list[str]]] = {}
    members: dict[int, list[frozenset[str]]] = {}
    for size in sizes:
        for n, (claims, context) in enumerate(_chunks(threads, size, most)):
            started = time.process_time()
            model = fit(claims, context, options.cluster)
            cpu = time.process_time() - started
            ids, close = _assigned(model, groups)
            models.setdefault(size, []).append(ids)
            members.setdefault(size, []).append(frozenset(c.id for c in claims))
            other = next((t.id for t in model.topics if t.is_other), "other")
            inside = np.asarray([i != other for i in ids])
            print(f"{size:6d} #{n}: sample {len(claims):6d} claims, fit {cpu:5.2f} CPU s, "
                  f"{_shape(model, ids)}, mean cosine to centre "
                  f"{float(close[inside].mean()) if inside.any() else 0.0:.3f}")
    print(f"agreement over all {total} claims of models fitted on disjoint samples "
          "(mean V-measure / adjusted Rand over the pairs; the first sample is the batch's):")
    for a in sizes:
        for b in sizes:
            if b > a:
                continue
            pairs = [(x, y) for i, x in enumerate(models[a]) for j, y in enumerate(models[b])
                     if (a != b or j > i) and members[a][i].isdisjoint(members[b][j])]
            if not pairs:
                continue
            v = [v_measure_score(x, y) for x, y in pairs]
            r = [adjusted_rand_score(x, y) for x, y in pairs]
            print(f"  {a:6d} vs {b:6d}: {np.mean(v):.3f} / {np.mean(r):.3f}  "
                  f"(V {min(v):.3f}-{max(v):.3f}, {len(pairs)} pairs)")
        first = models[sizes[0]][0]
        if a != sizes[0]:
            print(f"  {sizes[0]} #0 vs {a} #0 (nested: the batch's sample and its start): "
                  f"{v_measure_score(first, models[a][0]):.3f} / "
                  f"{adjusted_rand_score(first, models[a][0]):.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--argkp", default=None, help="argkp.dev.jsonl")
    parser.add_argument("--part", default="sealed")
    parser.add_argument("--fractions", default="1.0,0.5,0.36,0.18")
    parser.add_argument("--salts", type=int, default=5)
    parser.add_argument("--dump", default=None)
    parser.add_argument("--out", default=None, help="batch OUTDIR holding the dump's spill")
    parser.add_argument("--sizes", default="20000,15000,10000,5000")
    parser.add_argument("--most", type=int, default=4, help="disjoint samples per size")
    args = parser.parse_args()
    if args.argkp:
        argkp(Path(args.argkp), args.part, [float(f) for f in args.fractions.split(",")],
              args.salts)
    if args.dump:
        if not args.out:
            parser.error("--dump needs --out")
        dump_stability(args.dump, Path(args.out), [int(s) for s in args.sizes.split(",")],
                       args.most)


if __name__ == "__main__":
    main()
