"""A deterministic embedder for tests of logic that do not judge answer quality.

Words are hashed into a fixed number of dimensions, so texts that share words are near and
others are not: enough for the store, the pipeline, crash safety and front-end plumbing,
in milliseconds and without loading torch. ``VNQA_EMBEDDING_MODEL=fake`` selects it.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

from ingest.text.textnorm import strip_diacritics

_WORD = re.compile(r"\w+")


class FakeEmbedder:
    """Hashed bag of folded words, L2-normalised; one token per word."""

    def __init__(self, dimension: int = 64, max_seq_length: int = 512) -> None:
        self.name = f"fake/hashed-words-{dimension}"
        self.dimension = dimension
        self._max = max_seq_length

    @property
    def max_seq_length(self) -> int:
        """Longest input, in tokens (words), that is embedded whole."""
        return self._max

    @property
    def passage_prompt(self) -> str:
        """No prompt: the fake model needs none."""
        return ""

    @property
    def query_prompt(self) -> str:
        """No prompt: the fake model needs none."""
        return ""

    def count_tokens(self, texts: list[str], *, special: bool = False) -> list[int]:
        """Words per text (plus the two special tokens a real model adds, if asked)."""
        extra = 2 if special else 0
        return [len(_WORD.findall(t)) + extra for t in texts]

    def _bucket(self, word: str) -> int:
        digest = hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest()
        return int.from_bytes(digest, "little") % self.dimension

    def encode(self, texts: list[str], *, query: bool = False) -> np.ndarray:
        """One normalised row per text; a text without words gets a fixed unit vector."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(strip_diacritics(text).lower()):
                out[row, self._bucket(word)] += 1.0
            norm = float(np.linalg.norm(out[row]))
            if norm:
                out[row] /= norm
            else:
                out[row, 0] = 1.0
        return out
