"""What a writer can rebuild from the catalog, the one truth: vectors of stored chunks."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ingest.store.catalog import Catalog
from ingest.store.vectors import VectorIndex, chunk_metadata

EmbedFn = Callable[[list[str]], np.ndarray]
Rebuilt = tuple[list[str], np.ndarray, list[dict]]  # chunk ids, vectors, metadata


def reembedded(catalog: Catalog, doc_ids: list[str], embed: EmbedFn) -> list[Rebuilt]:
    """Vectors rebuilt from the stored chunks of committed articles, ready to upsert."""
    out = []
    for doc_id in doc_ids:
        article = catalog.article(doc_id)
        chunks = catalog.chunks_of(doc_id)
        if article and chunks:
            vectors = embed([c.embed_text for c in chunks])
            metas = [chunk_metadata(article, c) for c in chunks]
            out.append(([c.chunk_id for c in chunks], vectors, metas))
    return out


def vector_gaps(catalog: Catalog, vectors: VectorIndex) -> tuple[list[str], list[str]]:
    """(articles with a chunk that has no vector, vector ids of no stored chunk)."""
    in_catalog, in_vectors = catalog.all_chunk_ids(), vectors.all_ids()
    missing = list(in_catalog - in_vectors)
    docs = sorted({c.doc_id for c in catalog.chunks_by_id(missing).values()})
    return docs, sorted(in_vectors - in_catalog)
