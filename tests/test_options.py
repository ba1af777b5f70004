"""Options: layering, validation messages, fingerprints."""

from __future__ import annotations

import pytest

from argmap.errors import OptionsError
from argmap.options import Options


def test_options_overrides_coerce_cli_strings():
    options = Options().with_overrides(
        {"segment.min_claim_words": "6", "read.single_post": "true", "export.formats": "svg,json"}
    )
    assert options.segment.min_claim_words == 6
    assert options.read.single_post is True
    assert options.export.formats == ("svg", "json")


def test_options_field_pairs_are_sorted_and_deduplicated():
    options = Options().with_overrides({"read.fields": "text=body,id=name,text=selftext"})
    assert options.read.fields == (("id", "name"), ("text", "selftext"))


@pytest.mark.parametrize(
    ("key", "value", "fragment"),
    [
        ("segment.min_claim_words", "many", "a whole number"),
        ("segment.min_claim_words", -1, "a whole number"),
        ("read.single_post", "perhaps", "true or false"),
        ("link.min_confidence", "nan", "a number"),
        ("segment.nonsense", 1, "unknown option"),
        ("nosection.key", 1, "known keys are"),
        ("cluster.max_topic", 1, "did you mean 'cluster.max_topics'"),
        ("render.max_claims_per_map", "9" * 23, "below 2**63"),
        ("render.dot_timeout", "inf", "not inf or nan"),
        ("analyse.damping", float("inf"), "not inf or nan"),
        ("LINK.MODEL", "m.json", "did you mean 'link.model'"),
    ],
)
def test_options_validation_names_key_expected_and_given(key, value, fragment):
    with pytest.raises(OptionsError) as info:
        Options().with_overrides({key: value})
    message = str(info.value)
    assert key in message and fragment in message and repr(value) in message


def test_options_toml_layer_then_overrides(tmp_path):
    config = tmp_path / "argmap.toml"
    config.write_text('[cluster]\nmax_topics = 7\nseed = 3\n[render]\nrankdir = "LR"\n')
    options = Options.from_toml(config).with_overrides({"cluster.seed": 5})
    assert (options.cluster.max_topics, options.cluster.seed, options.render.rankdir) == (7, 5, "LR")


def test_options_bad_toml_is_an_options_error(tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text("[cluster\n")
    with pytest.raises(OptionsError, match="TOML"):
        Options.from_toml(config)


def test_options_fingerprint_is_stable_and_sensitive():
    assert Options().fingerprint() == Options().fingerprint()
    changed = Options().with_overrides({"cluster.seed": 1})
    assert changed.fingerprint() != Options().fingerprint()
    assert len(Options().fingerprint()) == 16


def test_options_unknown_key_names_the_closest_known_keys():
    """A typo names the key it was probably meant to be, not the whole list of keys."""
    with pytest.raises(OptionsError) as info:
        Options().with_overrides({"link.min_confidense": 0.3})
    message = str(info.value)
    assert message.startswith("unknown option 'link.min_confidense'")
    assert "'link.min_confidence'" in message and "known keys" not in message


def test_options_numbers_past_what_the_stages_take_are_refused_before_any_work(tmp_path):
    """``--set render.max_claims_per_map=`` 23 nines was taken, then every thread failed at
    the fingerprint ('thread t:a was not mapped: TypeError: Integer exceeds 64-bit range',
    exit 3); ``render.dot_timeout=inf`` drew no map ('internal error: OverflowError', exit 3).
    Both are now a bad option value (64) before anything is read."""
    from argmap.link.relation_model import model_at
    from tests.support import SEED, run_cli

    config = tmp_path / "inf.toml"  # TOML has inf: an int option given it was a traceback
    config.write_text("[analyse]\ncamp_dense_limit = inf\n")
    with pytest.raises(OptionsError, match="analyse.camp_dense_limit"):
        Options.from_toml(config)
    config.write_text('[link]\nmodel = "a\\u0000b.json"\n')  # a NUL in a path: ValueError
    with_nul = Options.from_toml(config)
    assert with_nul.fingerprint() != Options().fingerprint()
    with pytest.raises(OptionsError, match="embedded null byte"):
        model_at(with_nul.link.model)
    with pytest.raises(OptionsError, match="below 2"):
        Options().with_overrides({"render.max_claims_per_map": "9" * 23})
    result = run_cli("map", str(SEED), "-o", str(tmp_path / "out"), "--set",
                     "render.dot_timeout=inf")
    message = result.stderr.decode()
    assert result.returncode == 64, message
    assert "render.dot_timeout" in message and "Traceback" not in message
    assert not (tmp_path / "out").exists()


def test_options_config_that_is_a_device_fifo_or_huge_is_refused_without_reading_it(tmp_path):
    """``--config /dev/zero`` read zeros until memory ran out (a MemoryError traceback, exit
    1, under a 3 GB limit) and ``--config`` of a FIFO blocked for ever; now a config must be a
    regular file of at most 16 MB, else a bad option value (64) naming it. The cases run in
    one subprocess with a memory limit and a timeout, so a regression fails, not hangs."""
    import os
    import resource
    import subprocess
    import sys

    fifo = tmp_path / "config.fifo"
    os.mkfifo(fifo)
    huge = tmp_path / "huge.toml"
    with open(huge, "wb") as handle:
        handle.truncate((16 << 20) + 1)  # sparse

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))

    script = ("import sys\n"
              "from argmap.errors import OptionsError\n"
              "from argmap.options import Options\n"
              "for path in sys.argv[1:]:\n"
              "    try:\n"
              "        Options.from_toml(path)\n"
              "    except OptionsError as exc:\n"
              "        print(exc.exit_code, exc)\n")
    result = subprocess.run([sys.executable, "-c", script, "/dev/zero", str(fifo), str(huge)],
                            capture_output=True, timeout=60, preexec_fn=limited)
    lines = result.stdout.decode().splitlines()
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    assert len(lines) == 3 and all(line.startswith("64 option 'config'") for line in lines)
    assert "/dev/zero: not a regular file" in lines[0]
    assert f"{fifo}: not a regular file" in lines[1] and f"{huge}: 16,777,217 bytes" in lines[2]


@pytest.mark.parametrize("key", ["analyse.damping", "render.min_confidence", "read.max_errors",
                                 "cluster.min_similarity", "link.cross_thread_threshold"])
def test_options_shares_cosines_and_probabilities_past_one_are_refused(key):
    """A PageRank damping of 1.5 was clamped to 1 without a word and a drawing threshold of
    1.5 hid every edge: past 1 these mean nothing, so they are a bad option value naming the
    key; 0 and 1 themselves are taken."""
    with pytest.raises(OptionsError, match=key.replace(".", r"\.") + ".*from 0 to 1"):
        Options().with_overrides({key: "1.5"})
    for edge in ("0", "1", "1.0"):
        Options().with_overrides({key: edge})


def test_options_config_nested_too_deeply_or_with_a_huge_integer_is_a_bad_value(tmp_path):
    """A TOML config of arrays or inline tables nested 100,000 deep was a RecursionError
    traceback (exit 1), and one with an integer of 5,000 digits a ValueError traceback
    (Python refuses to read past 4,300): both are a bad option value (64) naming the file."""
    import pytest

    from argmap.errors import OptionsError
    from argmap.options import Options

    cases = {"deep.toml": "[read]\nfields = " + "[" * 100_000 + "]" * 100_000 + "\n",
             "inline.toml": "x = " + "{a=" * 5_000 + "1" + "}" * 5_000 + "\n",
             "digits.toml": "[render]\nmax_claims_per_map = " + "9" * 5_000 + "\n"}
    for name, text in cases.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        with pytest.raises(OptionsError, match=name) as caught:
            Options.from_toml(path)
        assert caught.value.exit_code == 64
        assert ("nested too deeply" in str(caught.value)) == (name != "digits.toml")


def test_options_fields_and_rankdir_are_checked_not_ignored():
    """--field txt=body (a name no reader reads), --field text= or =body, and
    render.rankdir=XX were accepted and ignored without a word (the text read from the
    defaults, the map drawn top to bottom): now a bad option value (64) naming the valid
    ones; rankdir is read in any case."""
    import pytest

    from argmap.errors import OptionsError
    from argmap.options import FIELD_NAMES, Options
    from argmap.readers.records import DEFAULT_FIELDS

    assert set(FIELD_NAMES) == set(DEFAULT_FIELDS)
    good = Options().with_overrides({"read.fields": "text=body,reply_to=parent.id"})
    assert good.read.fields == (("reply_to", "parent.id"), ("text", "body"))
    for bad in ("txt=body", "text=", "=body", "text=body,score=ups"):
        with pytest.raises(OptionsError, match="read.fields"):
            Options().with_overrides({"read.fields": bad})
    with pytest.raises(OptionsError, match="read.fields"):
        Options.from_mapping({"read": {"fields": {"txt": "body"}}})
    assert Options().with_overrides({"render.rankdir": " lr "}).render.rankdir == "LR"
    for bad in ("XX", "", "TB;"):
        with pytest.raises(OptionsError, match="one of TB, LR, BT, RL"):
            Options().with_overrides({"render.rankdir": bad})
