"""One frozen tree of options, one section per stage.

Layers, later wins: defaults, then a TOML file (``[segment]`` tables), then overrides given as
``{"segment.min_claim_words": 3}`` (what the CLI's flags become). Every value is validated with
a message naming the key, what it expects and what it got. ``fingerprint()`` goes into every
output and the batch manifest, so a result always says which settings made it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import os
import stat
import tomllib
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import orjson

from argmap.errors import OptionsError, UnknownOption

# the readers' formats (``argmap.readers.FORMATS``; a test keeps the two equal), listed here so
# that a wrong --from is refused with the valid values before anything is read
READ_FORMATS = ("auto", "text", "jsonl", "json", "reddit", "reddit-ndjson", "hn", "discourse",
                "lesswrong", "convokit", "argmap")
# what --export accepts: the drawn views and every exporter (``argmap.exports.registry.EXPORTERS``)
EXPORT_FORMATS = ("svg", "dot", "html", "json", "summary", "graphml", "aif", "argdown", "csv",
                  "parquet")


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How inputs are read. ``fields`` maps argmap's names (text, id, reply_to, author,
    created, thread, title, url) to the names in a JSON record.

    The error budget: a run fails (exit 65) when more than ``max(max_errors_min,
    max_errors x records)`` records are skipped, so one bad line in a small file is skipped
    and reported (exit 3) while a real share of a real number of bad records stops the run."""

    format: str = "auto"
    fields: tuple[tuple[str, str], ...] = ()
    single_post: bool = False  # keep a plain-text file as one post (no boundary recovery)
    max_record_bytes: int = 16 * 1024 * 1024
    max_text_chars: int = 200_000
    max_errors: float = 0.01  # share of records that may be skipped before the run fails
    max_errors_min: int = 10  # ... but this many skipped records never fail a run
    strict: bool = False  # anything skipped or left out fails the run
    max_input_bytes: int = 1 << 30  # cap on one file's (decompressed) bytes: zip bombs


@dataclass(frozen=True, slots=True)
class SegmentOptions:
    """How posts become claims."""

    min_claim_words: int = 4
    max_claim_chars: int = 600
    split_clauses: bool = True
    keep_questions: bool = False
    max_post_chars: int = 50_000
    min_clause_words: int = 5  # cut at a connective only if both sides keep this many words
    split_at_and: bool = True  # also cut at ", and ..." / ", or ..." (tools/tune_segment.py)
    trim_leading_connective: bool = False  # leave "So,"/"But," out of the claim span
    # a claim must read on its own: no cut that leaves a fragment, and a line with no verb
    # and no sentence end is dropped as not_argumentative (segment/statements.py)
    drop_fragments: bool = True


@dataclass(frozen=True, slots=True)
class ClusterOptions:
    """How claims are grouped into topics."""

    max_topics: int = 40
    min_topic_size: int = 3
    label_terms: int = 4
    seed: int = 0  # cluster ignores it on purpose: topics must not change with the seed
    claims_per_topic: int = 60  # k = claims / this (then capped): the number of topics follows the data
    max_topic_share: float = 0.1  # k >= 1 / this, so no topic is forced to hold everything
    min_similarity: float = 0.2  # cosine to the nearest topic centre below this -> "other"
    min_coherence: float = 0.3  # mean cosine of a topic's claims to its centre below this -> "other"
    min_content_words: int = 2  # claims with fewer distinct content words are not fitted on
    lsa_dims: int = 100  # LSA (TruncatedSVD) dimensions before spherical k-means
    fit_sample: int = 20_000  # fit on at most this many claims (hash-chosen), assign the rest
    min_graceful: int = 5  # this many claims or fewer -> one topic
    post_context: bool = True  # a claim is clustered with the words of its whole post


@dataclass(frozen=True, slots=True)
class LinkOptions:
    """How support and attack edges are found."""

    within_post: bool = True
    across_posts: bool = True
    similarity_threshold: float = 0.2
    max_links_per_claim: int = 3
    min_confidence: float = 0.35  # score threshold for keeping an edge (before calibration)
    use_model: bool = True
    # report each edge's confidence as the probability that it is right, per route and
    # stance (link/calibration.py, resources/calibration.json); off: the raw score
    calibrate: bool = True
    within_post_window: int = 4  # inside a post, candidate targets this many claims either side
    cross_thread_links: int = 1  # per claim, similar claims of other threads in its topic
    cross_thread_threshold: float = 0.5  # minimum TF-IDF cosine of a cross-thread link
    # a relation model written by `argmap train` (JSON text), "" = the shipped one; the shipped
    # calibration belongs to the shipped model, so with another model confidences are its scores
    model: str = ""


@dataclass(frozen=True, slots=True)
class AnalyseOptions:
    """What the analysis computes."""

    summary_size: int = 5
    central_top: int = 10
    damping: float = 0.85  # PageRank damping for claim centrality
    max_camps: int = 8  # keep at most this many camps (largest first)
    camp_dense_limit: int = 200  # camp split: dense eigensolver up to this many authors, sparse above
    supported_attack_depth: int = 0  # 0 = plain Dung on attacks; k = a supports (<=k steps) b, b attacks c => a attacks c
    min_confidence: float = 0.5  # relations below are left out of the analysis as out of the maps (link.calibration.DRAW_THRESHOLD)


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """How maps are drawn."""

    max_claims_per_map: int = 80
    wrap_width: int = 34
    rankdir: str = "TB"
    dot_timeout: float = 60.0  # seconds per dot run; a map that times out is retried simpler
    show_legend: bool = True
    min_confidence: float = 0.5  # calibrated: maps draw relations likelier right than wrong; the HTML can show the rest (link.calibration.DRAW_THRESHOLD)
    overview_edges: int = 60  # the overview draws this many strongest topic-to-topic links
    dot_jobs: int = 0  # dot runs at once for one thread's maps; 0 = one per CPU (at most 4)


@dataclass(frozen=True, slots=True)
class ExportOptions:
    """Which files are written per thread or corpus."""

    formats: tuple[str, ...] = ("svg", "json", "summary")
    csv_raw: bool = False


MAX_CONFIG_BYTES = 16 << 20


@dataclass(frozen=True, slots=True)
class Options:
    read: ReadOptions = field(default_factory=ReadOptions)
    segment: SegmentOptions = field(default_factory=SegmentOptions)
    cluster: ClusterOptions = field(default_factory=ClusterOptions)
    link: LinkOptions = field(default_factory=LinkOptions)
    analyse: AnalyseOptions = field(default_factory=AnalyseOptions)
    render: RenderOptions = field(default_factory=RenderOptions)
    export: ExportOptions = field(default_factory=ExportOptions)

    def to_dict(self) -> dict[str, dict[str, Any]]:
        return {f.name: _section_dict(getattr(self, f.name)) for f in fields(self)}

    def fingerprint(self) -> str:
        """A short hash of every option that changes results (stable across runs). A relation
        model given by path counts by its content: the same file moved keeps the fingerprint,
        a retrained one at the same path changes it."""
        settings = self.to_dict()
        if self.link.model:
            settings["link"]["model"] = _file_digest(self.link.model)
        else:  # the shipped model: fingerprints stay those of the releases before the option
            del settings["link"]["model"]
        blob = orjson.dumps(settings, option=orjson.OPT_SORT_KEYS)
        return hashlib.sha256(blob).hexdigest()[:16]

    def with_overrides(self, overrides: Mapping[str, Any]) -> Options:
        """Apply ``{"section.key": value}`` overrides, validating each."""
        result = self
        for dotted, value in sorted(overrides.items()):
            section_name, _, key = dotted.partition(".")
            if section_name not in _SECTIONS or not key:
                raise UnknownOption(dotted, value, _known_keys())
            section = getattr(result, section_name)
            checked = _coerce(section, key, value, dotted)
            result = replace(result, **{section_name: replace(section, **{key: checked})})
        return result

    @classmethod
    def from_toml(cls, path: str | Path) -> Options:
        """Options from a TOML file: a regular file of at most ``MAX_CONFIG_BYTES`` (a device
        or a FIFO given by mistake is refused unread, not read until memory runs out)."""
        try:
            info = os.stat(path)
            if not stat.S_ISREG(info.st_mode):
                raise OptionsError("config", "a readable TOML file", f"{path}: not a regular file")
            if info.st_size > MAX_CONFIG_BYTES:
                raise OptionsError("config", "a readable TOML file", f"{path}: {info.st_size:,} "
                                   f"bytes, more than a config has (at most 16 MB)")
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except RecursionError as exc:  # [[[[... 100,000 deep: tomllib recurses per level
            raise OptionsError("config", "a readable TOML file",
                               f"{path}: arrays or tables nested too deeply") from exc
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise OptionsError("config", "a readable TOML file", f"{path}: {exc}") from exc
        except ValueError as exc:  # an integer past Python's int-from-text limit (4,300 digits)
            raise OptionsError("config", "a readable TOML file",
                               f"{path}: a number of more than 4,300 digits") from exc
        return cls.from_mapping(data)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Options:
        flat: dict[str, Any] = {}
        for section_name, table in data.items():
            if section_name not in _SECTIONS or not isinstance(table, Mapping):
                raise OptionsError(section_name, f"a table named one of {sorted(_SECTIONS)}", table)
            for key, value in table.items():
                flat[f"{section_name}.{key}"] = value
        return cls().with_overrides(flat)


_SECTIONS = {f.name for f in fields(Options)}


def _file_digest(path: str) -> str:
    """sha256 of a file's bytes, or the path itself when it cannot be read or is not a
    regular file (/dev/zero, a FIFO: never read; the stage that needs the file names the
    problem). Hashed in blocks, so a big file is never whole in memory."""
    digest = hashlib.sha256()
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return path
        with open(path, "rb") as handle:
            while block := handle.read(1 << 20):
                digest.update(block)
    except (OSError, ValueError):  # ValueError: a NUL in the path (from a TOML file)
        return path
    return "sha256:" + digest.hexdigest()


def _known_keys() -> list[str]:
    defaults = Options()
    return sorted(
        f"{s}.{f.name}" for s in _SECTIONS for f in fields(getattr(defaults, s))
    )


def _section_dict(section: object) -> dict[str, Any]:
    out = {}
    for f in fields(section):  # type: ignore[arg-type]
        value = getattr(section, f.name)
        out[f.name] = [list(v) if isinstance(v, tuple) else v for v in value] if isinstance(
            value, tuple
        ) else value
    return out


def _coerce(section: object, key: str, value: Any, dotted: str) -> Any:
    """Turn a TOML or CLI value into the field's type, or raise a message naming the key."""
    hints = typing.get_type_hints(type(section))
    if key not in hints or key not in {f.name for f in dataclasses.fields(section)}:  # type: ignore[arg-type]
        raise UnknownOption(dotted, value, _known_keys())
    hint = hints[key]
    if dotted in _CHOICES:
        return _choice(dotted, value, _CHOICES[dotted], many=hint == tuple[str, ...])
    if hint is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in {"true", "1", "yes", "false", "0", "no"}:
            return value.lower() in {"true", "1", "yes"}
        raise OptionsError(dotted, "true or false", value)
    if hint is int:
        try:
            number = int(value) if not isinstance(value, bool) else None
        except (TypeError, ValueError, OverflowError):  # OverflowError: inf from a TOML file
            number = None
        if (number is None or (isinstance(value, float) and value != number) or number < 0
                or number >= 1 << 63):  # past 64 bits no count means anything (nor encodes)
            raise OptionsError(dotted, "a whole number >= 0 (below 2**63)", value)
        return number
    if hint is float:
        try:
            number_f = float(value) if not isinstance(value, bool) else None
        except (TypeError, ValueError):
            number_f = None
        if number_f is None or not math.isfinite(number_f) or number_f < 0:
            raise OptionsError(dotted, "a number >= 0 (not inf or nan)", value)
        if dotted in _UNIT_INTERVAL and number_f > 1:
            raise OptionsError(dotted, "a number from 0 to 1 (a share, cosine or probability)",
                               value)
        return number_f
    if hint is str:
        if not isinstance(value, str):
            raise OptionsError(dotted, "a string", value)
        if dotted == "render.rankdir":  # dot drew any other value top to bottom, unsaid
            if value.strip().upper() not in RANKDIRS:
                raise OptionsError(dotted, f"one of {', '.join(RANKDIRS)}", value)
            return value.strip().upper()
        return value
    if hint == tuple[str, ...]:
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, list | tuple) or not all(isinstance(i, str) for i in items):
            raise OptionsError(dotted, "a list of strings or a comma-separated string", value)
        return tuple(i.strip() for i in items if i.strip())
    if hint == tuple[tuple[str, str], ...]:
        pairs = _pairs(value)
        if pairs is None or not all(name and field for name, field in pairs):
            raise OptionsError(dotted, "NAME=FIELD pairs or a table", value)
        unknown = [name for name, _ in pairs if name not in FIELD_NAMES]
        if unknown:  # a mapping nothing reads was ignored without a word (--field txt=body)
            raise OptionsError(dotted, f"NAME=FIELD pairs, NAME one of {', '.join(FIELD_NAMES)}",
                               unknown[0])
        return pairs
    raise OptionsError(dotted, f"a value of type {hint}", value)  # pragma: no cover


_CHOICES = {"read.format": READ_FORMATS, "export.formats": EXPORT_FORMATS}
RANKDIRS = ("TB", "LR", "BT", "RL")  # Graphviz's rank directions (any case given)
# the argmap fields --field maps (readers.records.DEFAULT_FIELDS, which a test holds equal)
FIELD_NAMES = ("text", "id", "reply_to", "author", "created", "thread", "title", "url")
# Shares, cosines and probabilities: past 1 they mean nothing (a PageRank damping over 1 was
# clamped silently; a threshold over 1 hid everything without a word).
_UNIT_INTERVAL = frozenset((
    "read.max_errors", "cluster.max_topic_share", "cluster.min_similarity",
    "cluster.min_coherence", "link.similarity_threshold", "link.min_confidence",
    "link.cross_thread_threshold", "analyse.damping", "analyse.min_confidence",
    "render.min_confidence"))


def _choice(dotted: str, value: Any, allowed: tuple[str, ...], *, many: bool) -> Any:
    """A value (or, with ``many``, a comma list or list of values) from ``allowed``; the
    message lists every valid value."""
    if many:
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, list | tuple) or not all(isinstance(i, str) for i in items):
            raise OptionsError(dotted, f"a comma list of {', '.join(allowed)}", value)
        chosen = tuple(i.strip().lower() for i in items if i.strip())
    else:
        if not isinstance(value, str):
            raise OptionsError(dotted, f"one of {', '.join(allowed)}", value)
        chosen = (value.strip().lower(),)
    unknown = [c for c in chosen if c not in allowed]
    if unknown or not chosen:
        raise OptionsError(dotted, f"{'a comma list of' if many else 'one of'} "
                           f"{', '.join(allowed)}", unknown[0] if unknown else value)
    return chosen if many else chosen[0]


def _pairs(value: Any) -> tuple[tuple[str, str], ...] | None:
    if isinstance(value, Mapping):
        items = [(str(k), str(v)) for k, v in value.items()]
    elif isinstance(value, str):
        value = [v for v in value.split(",") if v]
        return _pairs(value)
    elif isinstance(value, list | tuple):
        items = []
        for item in value:
            if isinstance(item, str) and "=" in item:
                k, _, v = item.partition("=")
                items.append((k.strip(), v.strip()))
            elif isinstance(item, list | tuple) and len(item) == 2:
                items.append((str(item[0]), str(item[1])))
            else:
                return None
    else:
        return None
    return tuple(sorted(dict(items).items()))
