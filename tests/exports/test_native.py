"""Native JSON export: versioned, canonical bytes that round-trip to equal records."""

from __future__ import annotations

import dataclasses

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from argmap.errors import InputError
from argmap.exports.native import from_json, to_json
from argmap.files import write_atomic
from argmap.model import (
    SCHEMA_VERSION,
    Dropped,
    DropReason,
    Post,
    Problem,
    Quote,
    Role,
    Thread,
)
from tests.builders import make_map

NASTY = ["</script><script>alert(1)</script>", "\x00\x01\x0c", "\u202e evil", "\ufffe\uffff",
         "emoji 😀 中文 e\u0301", "\\N \\G \\", '"{|}:;', "\u2028\u2029"]


def _rich_map(text: str):
    amap, analysis = make_map(8, texts=[text or "x", "plain words here"])
    post = dataclasses.replace(
        amap.threads[0].posts[0], quotes=(Quote(text=text, post_id="t:00001"),),
        flags=("deleted", "orphan"), created=1.5e9, score=-3.0, title=text)
    thread = dataclasses.replace(
        amap.threads[0], posts=(post, *amap.threads[0].posts[1:]),
        problems=(Problem("orphan_reply", text, "x.jsonl", 3, 17, "t:00001"),), url=None)
    claims = (dataclasses.replace(amap.claims[0], role=Role.OBJECTION), *amap.claims[1:])
    dropped = (Dropped("t:00001", 0, 3, DropReason.QUESTION, text[:3]),)
    return dataclasses.replace(amap, threads=(thread,), claims=claims, dropped=dropped,
                               options_fingerprint="abc123"), analysis


@pytest.mark.parametrize("text", NASTY)
def test_exports_native_round_trips_through_a_real_file(tmp_path, text):
    amap, analysis = _rich_map(text)
    path = write_atomic(tmp_path / "map.json", to_json(amap, analysis))
    assert from_json(path.read_bytes()) == (amap, analysis)
    assert from_json(to_json(amap, None)) == (amap, None)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=200))
def test_exports_native_round_trips_any_text(text):
    amap, analysis = _rich_map(text)
    assert from_json(to_json(amap, analysis)) == (amap, analysis)


def test_exports_native_is_canonical_and_versioned():
    amap, analysis = make_map(20, seed=5)
    first = to_json(amap, analysis)
    assert first == to_json(amap, analysis) and first.endswith(b"\n")
    document = orjson.loads(first)
    assert document["format"] == "argmap"
    assert document["schema_version"] == SCHEMA_VERSION
    keys = list(document)
    assert keys == sorted(keys)
    assert document["map"]["relations"][0]["stance"] in {"support", "attack"}


@pytest.mark.parametrize("payload, code", [
    (b"{not json", "invalid_json"),
    (b"[" * 100_000, "invalid_json"),
    (b'{"format": "other"}', "wrong_format"),
    (b'{"format": "argmap", "schema_version": "9.0", "map": {}}', "schema_version"),
    (b'{"format": "argmap", "schema_version": "1.0", "map": {"claims": 3}}', "bad_record"),
])
def test_exports_native_rejects_bad_input_with_a_named_problem(payload, code):
    with pytest.raises(InputError) as caught:
        from_json(payload)
    assert caught.value.code == code


def test_exports_native_rejects_a_relation_without_evidence():
    amap, analysis = make_map(5)
    document = orjson.loads(to_json(amap, analysis))
    document["map"]["relations"][0]["evidence"] = []
    with pytest.raises(InputError, match="no evidence"):
        from_json(orjson.dumps(document))
    thread = Thread(id="x", title=None, posts=(Post(id="x:1", thread_id="x", text="t"),))
    assert from_json(to_json(dataclasses.replace(amap, threads=(thread,)), None))[0].threads == (
        thread,)


def test_native_a_map_from_a_newer_argmap_says_so_not_malformed():
    """A map written by a newer argmap (schema 1.2 adding a field) was refused as 'malformed
    argmap JSON: unknown field(s) ...', and a schema_version given as the number 1.1 as
    'schema_version 1.1 cannot be read by this argmap (it reads 1.1)'; each now says what is
    wrong (newer release; a version must be a string)."""
    amap, analysis = make_map(3, seed=2)
    document = orjson.loads(to_json(amap, analysis))
    major, minor = (int(part) for part in document["schema_version"].split("."))
    document["schema_version"] = f"{major}.{minor + 1}"
    document["map"]["threads"][0]["posts"][0]["language"] = "en"
    with pytest.raises(InputError, match=rf"written by a newer argmap \(schema {major}\.{minor + 1}; "
                       r"this one reads .*unknown field\(s\) \['language'\]"):
        from_json(orjson.dumps(document))
    document["schema_version"] = float(f"{major}.{minor}")
    with pytest.raises(InputError, match=r"schema_version must be a string such as '\d+\.\d+', "
                       r"got the number"):
        from_json(orjson.dumps(document))
