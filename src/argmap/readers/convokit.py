"""ConvoKit corpus folders: ``utterances.jsonl`` plus metadata files.

Each utterance has ``id``, ``speaker`` (legacy ``user``), ``conversation_id`` (legacy ``root``),
``reply_to`` (legacy ``reply-to``), ``timestamp`` and ``text``. ConvoKit stores "bin" metadata
in ``*-bin.p`` pickles; argmap never unpickles anything (loading an untrusted pickle runs
code), so those files are reported as "binary metadata ignored" and left alone.

Utterances whose ``meta`` names a ``subreddit`` (ConvoKit's Reddit corpora, the largest family)
are Reddit bodies and read as the Reddit readers read them (``reddit.reddit_body``: markdown
rendered, ``[deleted]`` placeholders and bots flagged); other corpora's text is kept as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from argmap.errors import InputError
from argmap.model import Post, Problem, SourceRef
from argmap.options import ReadOptions
from argmap.readers.jsonl import Draft, Located, Mapper, read_records
from argmap.readers.records import RecordError, as_id, as_optional_str, as_text, as_time
from argmap.readers.reddit import DELETED_TEXT, reddit_body
from argmap.readers.result import ReadResult


def _corpus_name(folder: Path) -> str:
    return folder.name or "convokit"


def _mapper_for(corpus: str) -> Mapper:
    def mapper(record: Mapping[str, object], where: Located, path: str,
               options: ReadOptions) -> Draft:
        native = as_id(record.get("id"), "id")
        if native is None:
            raise RecordError("missing_field", "utterance without id")
        parent = as_id(record.get("reply_to", record.get("reply-to")), "reply_to")
        conversation = as_id(record.get("conversation_id", record.get("root")),
                             "conversation_id")
        speaker = record.get("speaker", record.get("user"))
        if isinstance(speaker, Mapping):  # very old corpora store {"name": ...}
            speaker = speaker.get("name")
        author = as_optional_str(speaker)
        text, flags = as_text(record.get("text")), set[str]()
        meta = record.get("meta")
        if isinstance(meta, Mapping) and "subreddit" in meta:
            text, flags = reddit_body(text, author)
            author = None if author in DELETED_TEXT else author
        post = Post(
            id=f"convokit:{corpus}:{native}", thread_id="", text=text, author=author,
            flags=tuple(sorted(flags)),
            reply_to=f"convokit:{corpus}:{parent}" if parent else None,
            created=as_time(record.get("timestamp")),
            source=SourceRef(path, where.line, where.line),
        )
        key = f"convokit:{corpus}:{conversation}" if conversation else None
        return Draft(post, key)

    return mapper


def corpus_parts(path: Path) -> tuple[Path, Mapper, str, tuple[Problem, ...]]:
    """A ConvoKit corpus folder (or its utterances.jsonl) as what reading it takes: the
    utterances file, the mapper, the thread of keyless utterances and the pickles left alone
    (``argmap batch`` streams the same file with the same mapper)."""
    folder = path if path.is_dir() else path.parent
    utterances = folder / "utterances.jsonl" if path.is_dir() else path
    if not utterances.is_file():
        raise InputError("ConvoKit folder without utterances.jsonl", path, code="unknown_shape")
    corpus = _corpus_name(folder)
    ignored = tuple(
        Problem("binary_metadata_ignored", "binary metadata ignored (pickles are never loaded)",
                str(p))
        for p in sorted(folder.glob("*-bin.p"))
    )
    return utterances, _mapper_for(corpus), f"convokit:{corpus}", ignored


def read_convokit(path: Path, options: ReadOptions) -> ReadResult:
    """A ConvoKit corpus folder (or its utterances.jsonl)."""
    utterances, mapper, file_thread, ignored = corpus_parts(path)
    result = read_records(utterances, options, mapper, file_thread)
    return ReadResult(result.threads, result.problems + ignored, result.records_in)
