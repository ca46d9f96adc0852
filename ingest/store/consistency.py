"""Whether the sides of a store agree: the catalog's chunks, Chroma's vectors, the full text."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.store.catalog import Catalog
from ingest.store.lexical import LexicalSide
from ingest.store.vectors import VectorIndex


@dataclass(frozen=True)
class Consistency:
    """How the two sides of the store compare."""

    catalog_chunks: int
    vector_chunks: int
    missing_vectors: int  # chunks in SQLite without a vector
    orphan_vectors: int  # vectors without a chunk in SQLite
    pending: int
    fts_mismatch: int  # chunks without a full-text row, plus full-text rows without a chunk
    lexical_mismatch: int = 0  # chunks the tantivy index lacks, has extra, or has twice

    @property
    def ok(self) -> bool:
        """True when all sides hold exactly the same chunks and nothing is half-written."""
        problems = (
            self.missing_vectors,
            self.orphan_vectors,
            self.pending,
            self.fts_mismatch,
            self.lexical_mismatch,
        )
        return not any(problems)


def compare(catalog: Catalog, vectors: VectorIndex, lexical: LexicalSide) -> Consistency:
    """The chunk ids of every side, compared."""
    in_catalog = catalog.all_chunk_ids()
    in_vectors = vectors.all_ids()
    return Consistency(
        catalog_chunks=len(in_catalog),
        vector_chunks=len(in_vectors),
        missing_vectors=len(in_catalog - in_vectors),
        orphan_vectors=len(in_vectors - in_catalog),
        pending=len(catalog.pending()),
        fts_mismatch=catalog.fts_mismatch(),
        lexical_mismatch=lexical.mismatch(in_catalog),
    )
