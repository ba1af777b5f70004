"""The hostile-input campaign: every file-shaped case of ecosystem-and-reliability.md B5 through
``argmap map``, ``argmap batch`` and ``argmap inspect`` as real CLI subprocesses.

For each case and command it checks: the exit code is one the README's "Exit codes" allows for
it; no traceback; a skipped record is named ``file:line (byte N)``; batch's summary conserves
records (in = processed + skipped + quarantined); a run that exits 65 writes nothing; no
``*.tmp`` is left; no output holds a NUL or an ESC byte, every JSON output parses, no CSV cell
starts a formula. It prints one row per case and command (rc, seconds, the first stderr line)
and exits 1 when any check fails. Cases that are properties of text (#25-#35, #42), of many
runs (#41) or of the pipeline's caps (#36-#39) are the tests' business (tests/test_hostile.py,
tests/test_degenerate.py, tests/test_determinism.py): here they appear once, small.

    .venv/bin/python benchmarks/hostile_campaign.py [--only 3,21] [--keep DIR]
"""

from __future__ import annotations

import argparse
import bz2
import gzip
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import zstandard

REAL = "Cities should ban cars from the centre because pollution harms children."
PLACE = re.compile(r":\d+ \(byte [\d,]+\)")


def rows(texts: list[str], **extra: object) -> bytes:
    return b"".join(json.dumps({"id": f"p{i}", "thread": "t", "text": t, **extra}).encode()
                    + b"\n" for i, t in enumerate(texts))


def real(count: int = 12) -> bytes:
    return rows([f"{REAL} Point {i}, because evidence {i} shows it." for i in range(count)])


def _zst_cut() -> bytes:
    """Two frames, the second cut: the first frame's records are kept (one frame cut inside
    its only block keeps nothing: exit 65)."""
    compressor = zstandard.ZstdCompressor()
    second = compressor.compress(real(300).replace(b'"p', b'"q'))
    return compressor.compress(real(300)) + second[:len(second) // 2]


def _zst_bomb() -> bytes:
    compressor = zstandard.ZstdCompressor(level=1)
    out = compressor.compressobj()
    parts = [out.compress(b"\x00" * (1 << 20)) for _ in range(2048)]  # 2 GiB of zeros
    return b"".join(parts) + out.flush()


def _zst_long() -> bytes:
    """A frame declaring a 2 GiB window and no content size (``zstd --long=31`` streamed, as
    Pushshift writes): read (codecs.ZSTD_MAX_WINDOW; zstd's largest window on 64-bit)."""
    params = zstandard.ZstdCompressionParameters.from_level(3, window_log=31)
    stream = zstandard.ZstdCompressor(compression_params=params).compressobj()
    return stream.compress(real(40)) + stream.flush()


def _convokit(folder: Path, legacy: bool) -> None:
    folder.mkdir()
    keys = ("user", "root", "reply-to") if legacy else ("speaker", "conversation_id", "reply_to")
    lines = [json.dumps({"id": f"u{i}", keys[0]: f"s{i % 3}", keys[1]: "u0",
                         keys[2]: None if i == 0 else f"u{i - 1}", "text": f"{REAL} {i}"})
             for i in range(8)]
    (folder / "utterances.jsonl").write_text("\n".join(lines) + "\n")
    (folder / "utterances-bin.p").write_bytes(b"cos\nsystem\n(S'echo pwned'\ntR.")


def _mixed(folder: Path) -> None:
    folder.mkdir()
    (folder / "a.jsonl").write_bytes(real(6))
    (folder / "b.jsonl.zst").write_bytes(zstandard.ZstdCompressor().compress(real(6)))
    (folder / "c.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (folder / "loop").symlink_to(folder, target_is_directory=True)


def _discourse(hidden: bool) -> bytes:
    posts = [{"id": 10 + n, "post_number": n, "username": f"u{n}", "created_at":
              f"2020-01-0{n}T00:00:00Z", "reply_to_post_number": None if n == 1 else 1,
              "cooked": f"<p>{REAL} {n}</p>"} for n in (1, 2, 3)]
    if hidden:
        posts[1].update(cooked_hidden=True, cooked="<p>This post is hidden</p>")
    else:
        posts[2]["cooked"] = ('<aside class="quote" data-post="1" data-topic="5"><blockquote>'
                              f"<p>{REAL} 1</p></blockquote></aside><p>No, because shops.</p>")
    return json.dumps({"id": 5, "title": "Cars", "post_stream": {"posts": posts}}).encode()


def _reddit_stubs() -> bytes:
    def comment(cid: str, body: str, replies: object = "") -> dict:
        return {"kind": "t1", "data": {"id": cid, "name": f"t1_{cid}", "parent_id": "t3_s",
                                       "link_id": "t3_s", "author": "a", "body": body,
                                       "created_utc": 1, "replies": replies}}
    more = {"kind": "more", "data": {"count": 7, "children": ["x1", "x2"], "parent_id": "t3_s"}}
    cont = {"kind": "more", "data": {"count": 0, "children": [], "parent_id": "t1_c1",
                                     "id": "_"}}
    listing = {"kind": "Listing", "data": {"children": [
        comment("c1", f"{REAL} &amp;gt; quoted", {"kind": "Listing",
                                                    "data": {"children": [cont]}}),
        comment("c2", "[deleted]"), comment("c3", "[removed]"), more]}}
    post = {"kind": "Listing", "data": {"children": [{"kind": "t3", "data": {
        "id": "s", "name": "t3_s", "title": "Cars", "selftext": REAL, "author": "op",
        "created_utc": 0}}]}}
    return json.dumps([post, listing]).encode()


CASES: dict[int, tuple[str, Callable[[Path], Path], set[int]]] = {}


def case(number: int, name: str, codes: set[int]) -> Callable:
    def register(build: Callable[[Path], Path]) -> Callable[[Path], Path]:
        CASES[number] = (name, build, codes)
        return build
    return register


def file_case(number: int, name: str, codes: set[int], data: Callable[[], bytes]) -> None:
    def build(base: Path) -> Path:
        path = base / name
        path.write_bytes(data())
        return path
    CASES[number] = (name, build, codes)


file_case(1, "empty.jsonl", {65}, lambda: b"")
file_case(2, "bom.jsonl", {0}, lambda: b"\xef\xbb\xbf" + real())
file_case(3, "bad-utf8.jsonl", {3}, lambda: real(16) + b'{"id": "z", "text": "caf\xff"}\n'
          + real(4).replace(b'"p', b'"q'))
file_case(4, "surrogate.jsonl", {3}, lambda: real() + b'{"id": "s", "text": "a \\ud800 b"}\n')
file_case(5, "truncated.jsonl", {3}, lambda: real() + b'{"id": "cut", "text": "Cities sh')
file_case(6, "long-line.jsonl", {3}, lambda: real() + b'{"id": "big", "text": "'
          + b"a" * (24 << 20) + b'"}\n' + real(3).replace(b'"p', b'"q'))
file_case(7, "deep.jsonl", {3}, lambda: real() + b"[" * 100_000 + b"\n")
file_case(8, "dupes.jsonl", {0, 3}, lambda: real(6) + real(2))
file_case(9, "cycle.jsonl", {0}, lambda: b"".join(
    json.dumps({"id": k, "reply_to": p, "text": f"{REAL} {k}"}).encode() + b"\n"
    for k, p in (("a", "b"), ("b", "a"), ("c", "c"))))
file_case(10, "orphans.jsonl", {0}, lambda: rows([REAL, REAL + " Yes.", REAL + " No."],
                                                 reply_to="gone"))
file_case(11, "chain.jsonl", {0}, lambda: b"".join(
    json.dumps({"id": f"c{i}", "reply_to": f"c{i - 1}" if i else None,
                "text": f"{REAL} {i}"}).encode() + b"\n" for i in range(20_000)))
file_case(12, "single.jsonl", {0}, lambda: rows(["Thanks!"]))
file_case(13, "deleted.jsonl", {0}, lambda: b"".join(json.dumps(
    {"id": f"c{i}", "link_id": "t3_s", "parent_id": "t3_s", "author": "[deleted]", "body": body,
     "subreddit": "x"}).encode() + b"\n" for i, body in enumerate(["[deleted]", "[removed]"])))
file_case(14, "reddit-stubs.json", {0}, _reddit_stubs)
file_case(16, "discourse-hidden.json", {0}, lambda: _discourse(True))
file_case(17, "discourse-quote.json", {0}, lambda: _discourse(False))
file_case(18, "html.json", {0}, lambda: json.dumps({"id": 5, "title": "x", "post_stream": {
    "posts": [{"id": 1, "post_number": 1, "username": "u", "created_at": "2020-01-01T00:00:00Z",
               "cooked": f"<p>{REAL}</p><script>alert(1)</script><style>p{{}}</style>"
                         "<img src=javascript:alert(1) onerror=alert(2)>"}]}}).encode())
file_case(19, "divs.json", {0, 3}, lambda: json.dumps({"id": 5, "title": "x", "post_stream": {
    "posts": [{"id": 1, "post_number": 1, "username": "u", "created_at": "2020-01-01T00:00:00Z",
               "cooked": "<div>" * 100_000 + REAL + "</div>" * 100_000}]}}).encode())
file_case(20, "bomb.jsonl.zst", {65}, _zst_bomb)
file_case(21, "cut.jsonl.zst", {3}, _zst_cut)
file_case(22, "long-window.jsonl.zst", {0}, _zst_long)
file_case(25, "hostile-text.jsonl", {0}, lambda: rows([
    "</script><script>alert(1)</script> because cars are bad",
    "<lambda> <map> is how we think, so \\N \\G \\l and a trailing \\",
    'Quotes " { | } : ; node subgraph are words, because \x00 NUL \x1b[31m and \ufffe',
    "=HYPERLINK(\"https://evil.example\") and @SUM(1) +1 -2h because formulas",
    "A very long post " + "that goes on and on " * 2500]))
file_case(26, "urls.jsonl", {0}, lambda: rows([REAL, REAL + " No."], url="javascript:alert(1)"))
# over read.max_text_chars: skipped as text_too_long, and the only record (65)
file_case(36, "no-spaces.jsonl", {65}, lambda: rows(["a" * 1_000_000]))
file_case(37, "dots.jsonl", {0}, lambda: rows(["a." * 50_000]))
file_case(38, "scripts.jsonl", {0}, lambda: rows(["Emoji 🙂 CJK 中文字符没有空格 e\u0301 because " + REAL]))
file_case(39, "wide.jsonl", {0}, lambda: b"".join(
    json.dumps({"id": f"w{i}", "reply_to": "w0" if i else None,
                "text": f"{REAL} Reply {i}."}).encode() + b"\n" for i in range(3000)))
file_case(15, "gz.jsonl.gz", {0}, lambda: gzip.compress(real()))
file_case(43, "bz2.jsonl.bz2", {0}, lambda: bz2.compress(real()))
# session 14: posts keyed by id (Firebase's export shape), one member broken
file_case(44, "keyed.json", {3}, lambda: json.dumps(
    {f"k{i}": {"text": f"{REAL} Point {i}, because evidence {i} shows it.", "n": i}
     for i in range(12)}, indent=1).encode().replace(b'"n": 3', b'"n": tru', 1))


@case(23, "convokit", {0})
def _convokit_case(base: Path) -> Path:
    _convokit(base / "convokit", legacy=False)
    return base / "convokit"


@case(24, "convokit-legacy", {0})
def _convokit_legacy(base: Path) -> Path:
    _convokit(base / "convokit-legacy", legacy=True)
    return base / "convokit-legacy"


@case(40, "mixed-folder", {3})
def _mixed_case(base: Path) -> Path:
    _mixed(base / "mixed")
    return base / "mixed"


def _check_outputs(out: Path, rc: int) -> list[str]:
    issues = []
    files = [p for p in out.rglob("*") if p.is_file()] if out.exists() else []
    if rc == 65 and [p for p in files if ".argmap" not in p.parts]:
        issues.append(f"exit 65 but wrote {len(files)} files")
    for path in files:
        if path.name.endswith(".tmp"):
            issues.append(f"left {path.name}")
        if ".argmap" in path.parts or path.suffix in (".sqlite", ".parquet", ".svg"):
            continue
        data = path.read_bytes()
        # CSV and JSON keep post text losslessly (escaped in JSON; CSV re-reads equal): only
        # the formats a person or an XML parser reads must be free of NUL and ESC
        if path.suffix in (".dot", ".html", ".md", ".graphml", ".argdown") and (
                b"\x00" in data or b"\x1b" in data):
            issues.append(f"{path.name} holds NUL/ESC")
        if path.suffix == ".json":
            try:
                json.loads(data)
            except ValueError:
                issues.append(f"{path.name} is not JSON")
        if path.suffix == ".csv":
            import csv
            import io
            for row in csv.reader(io.StringIO(data.decode("utf-8"), newline="")):
                if any(cell and cell[0] in "=+-@\t\r" for cell in row):
                    issues.append(f"{path.name}: formula cell")
                    break
    return issues


def run(command: str, source: Path, out: Path) -> tuple[int, float, str, list[str]]:
    args = {"map": ["map", str(source), "-o", str(out), "-q", "--export",
                    "json,summary,dot,csv,argdown,html,graphml"],
            "batch": ["batch", str(source), "-o", str(out), "--jobs", "1", "-q",
                      "--tables", "csv"],
            "inspect": ["inspect", str(source)]}[command]
    began = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "argmap", *args], capture_output=True,
                          timeout=600, env={"NO_COLOR": "1", "COLUMNS": "200",
                                            "PATH": "/usr/bin:/bin:/usr/local/bin"})
    seconds = time.perf_counter() - began
    stderr = done.stderr.decode("utf-8", "replace")
    issues = []
    if "Traceback" in stderr:
        issues.append("traceback")
    skipped = re.search(r"(\d[\d,]*) skipped", stderr)
    if (command != "batch" and skipped and skipped.group(1) != "0"
            and not PLACE.search(stderr)):
        issues.append("a skipped record without a file:line (byte N) place")
    if command == "batch" and (out / "summary.json").exists():
        summary = json.loads((out / "summary.json").read_bytes())
        if summary["records_in"] != summary["processed"] + summary["skipped"] + summary.get(
                "quarantined", 0):
            issues.append(f"records not conserved: {summary}")
    if command != "inspect":
        issues += _check_outputs(out, done.returncode)
    first = next((line for line in stderr.splitlines() if line.strip()), "")
    return done.returncode, seconds, first[:110], issues


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", default="")
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    only = {int(n) for n in args.only.split(",") if n}
    base = args.keep or Path(tempfile.mkdtemp(prefix="hostile-"))
    base.mkdir(parents=True, exist_ok=True)
    failed = 0
    for number in sorted(CASES):
        if only and number not in only:
            continue
        name, build, codes = CASES[number]
        source = build(base)
        for command in ("map", "batch", "inspect"):
            out = base / f"out-{number}-{command}"
            rc, seconds, first, issues = run(command, source, out)
            if rc not in codes:
                issues.append(f"exit {rc}, expected {sorted(codes)}")
            failed += bool(issues)
            print(f"#{number:<3}{name:<24}{command:<8}rc={rc:<4}{seconds:6.1f}s  "
                  f"{'FAIL ' + '; '.join(issues) if issues else 'ok'}  | {first}", flush=True)
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
