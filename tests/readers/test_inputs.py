"""readers.inputs: folders and symbolic links expand to files once, in order, without loops."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest
import zstandard

from argmap.errors import InputError, MissingInput
from argmap.readers import read_threads
from argmap.readers.inputs import expand_inputs


def _thread(path: Path, n: int = 3) -> Path:
    path.write_text("\n".join(json.dumps({"id": i, "text": f"post {i} of {path.stem}"})
                              for i in range(n)) + "\n")
    return path


def test_inputs_a_directory_symlink_loop_is_read_once_and_reported(tmp_path: Path):
    corpus = tmp_path / "corpus"
    deep = corpus
    for level in range(40):  # the case: a loop 40 levels down
        deep = deep / f"d{level:02}"
    deep.mkdir(parents=True)
    _thread(deep / "t.jsonl")
    (deep / "back").symlink_to(corpus, target_is_directory=True)
    inputs = expand_inputs([corpus])
    assert [f.path for f in inputs.files] == [deep / "t.jsonl"]
    assert [(p.code, p.path) for p in inputs.problems] == [("symlink_loop", str(deep / "back"))]
    result = read_threads([corpus])
    assert result.posts_kept == 3 and result.losses == ()


def test_inputs_mixed_folder_skips_what_is_not_a_thread_and_reads_the_rest(tmp_path: Path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    _thread(folder / "a.jsonl")
    (folder / "b.jsonl.zst").write_bytes(zstandard.ZstdCompressor().compress(
        (folder / "a.jsonl").read_bytes().replace(b"of a", b"of b")))
    (folder / "c.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (folder / "d.jsonl").write_bytes(b"")
    (folder / "e").symlink_to(folder / "nowhere")
    (folder / "f").symlink_to(folder / "f")  # a link to itself
    os.mkfifo(folder / "g.fifo")
    (folder / ".hidden.jsonl").write_text("{oops\n")
    result = read_threads([folder])
    assert [s.path for s in result.sources] == [str(folder / "a.jsonl"),
                                                str(folder / "b.jsonl.zst")]
    assert [s.codec for s in result.sources] == [None, "zstd"]
    assert result.posts_kept == 6
    found = {(Path(p.path).name, p.code) for p in result.problems}
    assert found == {("c.png", "unknown_format"), ("d.jsonl", "empty_input"),
                     ("e", "broken_link"), ("f", "broken_link"), ("g.fifo", "not_a_file")}
    assert all(p.message for p in result.problems)
    assert len(result.losses) == 5  # every one of them left a file out: the run says so
    # named on its own, the picture is an error, not a skip
    with pytest.raises(InputError, match="binary"):
        read_threads([folder / "c.png"])


def test_inputs_order_is_by_name_through_subfolders_and_stable(tmp_path: Path):
    for name in ("b/z.jsonl", "a.jsonl", "b/a.jsonl", "c.jsonl", "b/c/d.jsonl"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        _thread(path, 1)
    order = [f.path.relative_to(tmp_path).as_posix() for f in expand_inputs([tmp_path]).files]
    assert order == ["a.jsonl", "b/a.jsonl", "b/c/d.jsonl", "b/z.jsonl", "c.jsonl"]
    assert [f.named for f in expand_inputs([tmp_path / "c.jsonl", tmp_path]).files][:1] == [True]


def test_inputs_a_file_reached_twice_is_read_once(tmp_path: Path):
    _thread(tmp_path / "a.jsonl")
    (tmp_path / "also.jsonl").symlink_to(tmp_path / "a.jsonl")
    inputs = expand_inputs([tmp_path, tmp_path / "a.jsonl"])
    assert [f.path.name for f in inputs.files] == ["a.jsonl"]
    assert {p.code for p in inputs.problems} == {"duplicate_file"}
    assert read_threads([tmp_path]).losses == ()


def test_inputs_a_second_way_into_a_folder_is_not_called_a_loop(tmp_path: Path):
    (tmp_path / "real").mkdir()
    _thread(tmp_path / "real" / "t.jsonl")
    (tmp_path / "zlink").symlink_to(tmp_path / "real", target_is_directory=True)
    inputs = expand_inputs([tmp_path])
    assert [f.path.name for f in inputs.files] == ["t.jsonl"]
    assert [p.code for p in inputs.problems] == ["duplicate_folder"]


def test_inputs_named_inputs_that_are_missing_are_errors(tmp_path: Path):
    with pytest.raises(MissingInput, match="no such file"):
        expand_inputs([tmp_path / "nope.jsonl"])
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    with pytest.raises(MissingInput, match="points nowhere or loops"):
        expand_inputs([tmp_path / "dangling"])
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / ".only_hidden").write_text("x")
    with pytest.raises(InputError, match="no thread files in this folder") as caught:
        expand_inputs([tmp_path / "empty"])
    assert caught.value.code == "empty_input"


def test_inputs_convokit_folder_is_one_unit_inside_a_walk(tmp_path: Path):
    corpus = tmp_path / "corpora" / "ck"
    corpus.mkdir(parents=True)
    (corpus / "utterances.jsonl").write_text(json.dumps(
        {"id": "u1", "speaker": "a", "conversation_id": "u1", "reply_to": None,
         "text": "A post."}) + "\n")
    (corpus / "speakers.json").write_text("{}")
    _thread(tmp_path / "corpora" / "x.jsonl")
    inputs = expand_inputs([tmp_path / "corpora"])
    assert [f.path.name for f in inputs.files] == ["ck", "x.jsonl"]
    assert {s.format for s in read_threads([tmp_path / "corpora"]).sources} == {"convokit",
                                                                                "jsonl"}


def test_inputs_a_folder_of_only_unreadable_files_is_an_error(tmp_path: Path):
    (tmp_path / "a.bin").write_bytes(b"\x00\x01\x02" * 10)
    (tmp_path / "b.gz").write_bytes(gzip.compress(b"x" * 100)[:10])
    with pytest.raises(InputError, match="no file could be read as a thread") as caught:
        read_threads([tmp_path])
    assert caught.value.code == "empty_input"
