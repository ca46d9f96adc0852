"""The read side of the store, as the answering core sees it: the one seam between them."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

import numpy as np

from ingest.models import Article, Chunk, SearchFilter
from ingest.store.fulltext import LexicalHit
from ingest.store.vectors import DenseHit


@runtime_checkable
class StoreReader(Protocol):
    """Articles, chunks, term statistics and the two searches; nothing that writes."""

    def article(self, doc_id: str) -> Article | None: ...

    def articles_by_id(self, doc_ids: list[str]) -> dict[str, Article]: ...

    def chunks_by_id(self, chunk_ids: list[str]) -> dict[str, Chunk]: ...

    def chunk_count(self) -> int: ...

    def document_frequencies(self, terms: list[str]) -> dict[str, int]: ...

    def newest_titles(self, n: int) -> list[str]: ...

    def dense_search(
        self, vector: np.ndarray, k: int, filt: SearchFilter | None = None
    ) -> list[DenseHit]: ...

    def lexical_search(
        self,
        terms: list[str],
        k: int,
        *,
        phrases: list[str] = ...,
        filt: SearchFilter | None = None,
    ) -> list[LexicalHit]: ...

    def stats(self) -> dict[str, Any]: ...

    def close(self) -> None: ...
