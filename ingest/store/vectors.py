"""The Chroma side of the store: one cosine collection per embedding model."""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from ingest.errors import ConfigError, StoreError
from ingest.models import Article, Chunk, SearchFilter

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DenseHit:
    """A chunk found by vector search; ``similarity`` is cosine similarity."""

    chunk_id: str
    similarity: float


def collection_name(model_name: str) -> str:
    """A valid Chroma collection name that identifies the embedding model."""
    slug = re.sub(r"[^a-zA-Z0-9._-]+", "-", Path(model_name).name or model_name).strip("-._")
    digest = hashlib.sha1(model_name.encode("utf-8")).hexdigest()[:8]
    return f"chunks-{slug[:40] or 'model'}-{digest}"


def connect(path: Path, chroma_url: str = "") -> Any:
    """An embedded Chroma in the folder ``path``, or a client of the server at ``chroma_url``."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False)
    if not chroma_url:
        return chromadb.PersistentClient(path=str(path), settings=settings)
    url = urlparse(chroma_url)
    if url.scheme not in ("http", "https") or not url.hostname:
        raise ConfigError(f"VNQA_CHROMA_URL must look like http://host:8000, not {chroma_url!r}")
    try:
        return chromadb.HttpClient(
            host=url.hostname, port=url.port or 8000, ssl=url.scheme == "https", settings=settings
        )
    except Exception as exc:  # chromadb raises bare exceptions when the server is down
        raise StoreError(f"cannot reach the Chroma server at {chroma_url}: {exc}") from exc


def chunk_metadata(article: Article, chunk: Chunk) -> dict[str, str | int]:
    """What Chroma keeps beside a vector, for filtering by article, date and site."""
    pub = article.published
    return {
        "doc_id": article.doc_id,
        "idx": chunk.index,
        "site": article.site or "",
        "published_ts": int(pub.timestamp()) if pub else -1,
    }


def chroma_where(filt: SearchFilter | None, doc_ids: list[str] | None = None) -> dict | None:
    """The Chroma ``where`` clause for a filter (sources are resolved to ``doc_ids``)."""
    conds: list[dict] = []
    if filt and filt.since:
        conds.append({"published_ts": {"$gte": int(filt.since.timestamp())}})
    if filt and filt.until:
        conds.append({"published_ts": {"$lte": int(filt.until.timestamp())}})
    if filt and filt.since is None and filt.until:
        conds.append({"published_ts": {"$gte": 0}})  # undated articles have -1
    if filt and filt.site:
        conds.append({"site": filt.site})
    if doc_ids is not None:
        conds.append({"doc_id": {"$in": doc_ids}})
    if not conds:
        return None
    return conds[0] if len(conds) == 1 else {"$and": conds}


# HNSW candidates examined per search. Chroma's default (100) finds 0.943 of the exact top 40
# at 100k articles; 200 finds 0.974 for 0.3 ms more (bench/hnsw.py). M (max_neighbors) stays
# Chroma's 16: it is fixed when a collection is made, and at 400 recall is 0.981 already.
EF_SEARCH = 200


class VectorIndex:
    """Chunk vectors in a Chroma collection; Chroma never embeds anything itself."""

    def __init__(self, client: Any, name: str, *, writer: bool = False) -> None:
        # embedding_function=None: Chroma's default (a downloaded ONNX model) is never used.
        hnsw = {"space": "cosine", "ef_search": EF_SEARCH}
        self.collection = client.get_or_create_collection(
            name, embedding_function=None, configuration={"hnsw": hnsw}
        )
        self.batch = min(int(client.get_max_batch_size()), 2000)
        ef = (self.collection.configuration.get("hnsw") or {}).get("ef_search")
        if writer and ef is not None and ef != EF_SEARCH:  # a store made before: set it once
            self.collection.modify(configuration={"hnsw": {"ef_search": EF_SEARCH}})

    def upsert(self, ids: list[str], vectors: np.ndarray, metadatas: list[dict]) -> None:
        """Write vectors in batches Chroma accepts."""
        for i in range(0, len(ids), self.batch):
            self.collection.upsert(
                ids=ids[i : i + self.batch],
                embeddings=vectors[i : i + self.batch],
                metadatas=metadatas[i : i + self.batch],
            )

    def update_metadata(self, ids: list[str], metadatas: list[dict]) -> None:
        """Replace the metadata of stored vectors."""
        for i in range(0, len(ids), self.batch):
            self.collection.update(
                ids=ids[i : i + self.batch], metadatas=metadatas[i : i + self.batch]
            )

    def delete_docs(self, doc_ids: list[str]) -> None:
        """Remove every vector of these articles."""
        for i in range(0, len(doc_ids), 200):
            self.collection.delete(where={"doc_id": {"$in": doc_ids[i : i + 200]}})

    def delete_ids(self, ids: list[str]) -> None:
        """Remove these vectors."""
        for i in range(0, len(ids), 500):
            self.collection.delete(ids=ids[i : i + 500])

    def count(self) -> int:
        """Number of stored vectors."""
        return int(self.collection.count())

    def all_ids(self) -> set[str]:
        """Every stored vector id (for consistency checks)."""
        ids: set[str] = set()
        total = self.count()
        for offset in range(0, total, 5000):
            ids.update(self.collection.get(limit=5000, offset=offset, include=[])["ids"])
        return ids

    def search(self, vector: np.ndarray, k: int, where: dict | None = None) -> list[DenseHit]:
        """The ``k`` nearest chunks to ``vector`` that match ``where`` (none from an empty
        collection; no count first: counting costs 35 ms at 100k articles)."""
        res = self.collection.query(
            query_embeddings=[vector], n_results=k, where=where or None, include=["distances"]
        )
        return [
            DenseHit(cid, 1.0 - float(d))
            for cid, d in zip(res["ids"][0], res["distances"][0], strict=True)
        ]
