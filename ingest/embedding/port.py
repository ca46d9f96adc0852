"""What vnqa needs of an embedding model: the seam between the model and everything else."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Embedder(Protocol):
    """Encodes queries and passages; counts tokens so chunks fit the model."""

    name: str

    @property
    def max_seq_length(self) -> int: ...

    @property
    def passage_prompt(self) -> str: ...

    def count_tokens(self, texts: list[str], *, special: bool = False) -> list[int]: ...

    def encode(self, texts: list[str], *, query: bool = False) -> np.ndarray: ...
