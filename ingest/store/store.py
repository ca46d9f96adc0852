"""The store: Chroma vectors and the SQLite catalog, written so a crash never leaves them apart.

Every write is journalled in SQLite before Chroma is touched, and the journal entry is
cleared in the same transaction that commits the articles' rows. An interrupted write
leaves a journal entry; ``recover`` rolls such articles back to their last committed
state (or removes them if they had none), so both sides agree again.

Readers in other processes (the bot beside a running ingest) keep answering from the
index they loaded; embedded Chroma does not show them another process's new vectors, so
they reload it when the catalog says it changed, at most every ``refresh_seconds``.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from ingest.models import Article, Chunk, SearchFilter
from ingest.store.catalog import Catalog
from ingest.store.consistency import Consistency, compare
from ingest.store.fulltext import LexicalHit, fts_fields
from ingest.store.lexical import TANTIVY, LexicalSide, Report
from ingest.store.locks import (
    chroma_files,
    private_copy,
    sole_writer,
    writable,
    writer_active,
)
from ingest.store.repair import EmbedFn, reembedded, vector_gaps
from ingest.store.vectors import (
    DenseHit,
    VectorIndex,
    chroma_where,
    chunk_metadata,
    collection_name,
    connect,
)

log = logging.getLogger(__name__)


Item = tuple[Article, str, list[Chunk]]  # article, content hash, chunks


class Store:
    """Chunks of one embedding model: vectors in Chroma, text and FTS5 in SQLite, and
    (unless the store uses FTS5 to rank) a tantivy index of the same text."""

    def __init__(
        self,
        data_dir: Path,
        model_name: str,
        chroma_url: str = "",
        *,
        refresh_seconds: float = 30.0,
        readonly: bool = False,
        lexical_engine: str = TANTIVY,
    ) -> None:
        self.data_dir = data_dir
        self.readonly = readonly
        self.name = collection_name(model_name)
        self.chroma_url = chroma_url
        self.refresh_seconds = refresh_seconds
        self.catalog = Catalog(data_dir / "index" / f"{self.name}.sqlite3", readonly=readonly)
        self.lexical = LexicalSide(
            self.catalog,
            data_dir / "index" / f"{self.name}.tantivy",
            lexical_engine,
            refresh_seconds=refresh_seconds,
            readonly=readonly,
        )
        self._vectors: VectorIndex | None = None
        self._client: Any = None
        self._snapshot: Path | None = None  # a private copy of a read-only Chroma folder
        self._warned = False  # told that chunks lack vectors (once a process)
        self._guard = threading.Lock()  # a reload must not close Chroma under a running search
        self._generation = -1  # the catalog generation the loaded index reflects
        self._loaded_at = 0.0

    @property
    def vectors(self) -> VectorIndex:
        """The Chroma collection, opened on first use."""
        if self._vectors is None:
            self._open_vectors()
        return self._vectors  # type: ignore[return-value]

    def _open_vectors(self) -> None:
        if self._client is not None:
            self._client.close()  # embedded Chroma caches one index per path until closed
        self._client = connect(self._chroma_path(), self.chroma_url)
        self._vectors = VectorIndex(self._client, self.name, writer=not self.readonly)
        self._generation = self.catalog.generation()
        self._loaded_at = time.monotonic()
        if self.readonly and not self._warned:
            self._warn_if_vectors_missing()

    def _warn_if_vectors_missing(self) -> None:
        """Say once when chunks have no vectors (answers then lean on words alone)."""
        chunks, vectors = self.catalog.chunk_count(), self.vectors.count()
        if vectors < chunks and not writer_active(self.data_dir):
            self._warned = True
            log.warning(
                "%d of %d chunks have no vector, so answers rest on words alone; run "
                "'vnqa reindex' to embed them again",
                chunks - vectors,
                chunks,
            )

    def _chroma_path(self) -> Path:
        """Chroma's folder, or for a reader that may not write it, a private copy of it.

        Chroma opens its files read-write even to query them and has no read-only client
        (chroma-core/chroma#1438), so a store on a read-only mount or owned by another user
        is read from a copy made under the shared lock (and made again on reload).
        """
        path = self.data_dir / "chroma"
        if not self.readonly or self.chroma_url or not path.exists() or writable(path):
            return path
        self._drop_snapshot()
        copy = private_copy(path, "vnqa-chroma-")
        self._snapshot = copy.parent
        log.info("%s is read-only; querying a copy in %s", path, self._snapshot)
        return copy

    def _drop_snapshot(self) -> None:
        if self._snapshot is not None:
            shutil.rmtree(self._snapshot, ignore_errors=True)
            self._snapshot = None

    def close(self) -> None:
        """Release the SQLite connections, the tantivy index and the Chroma client."""
        self.lexical.close()
        self.catalog.close()
        if self._client is not None:
            self._client.close()
            self._client = self._vectors = None
        self._drop_snapshot()

    @contextmanager
    def writer_lock(self) -> Iterator[None]:
        """Exclusive right to write this data dir; a second writer fails with a clear message."""
        with sole_writer(self.data_dir):
            try:
                yield
            finally:
                self.lexical.release()

    @contextmanager
    def _changing(self) -> Iterator[None]:
        """Chroma's files change only here: readers load them before or after, never during."""
        with chroma_files(self.data_dir, write=True):
            yield
            self._generation = self.catalog.generation()  # our own writes need no reload

    def write(
        self,
        items: list[Item],
        vectors: np.ndarray,
        replacing: list[str],
        also: Callable[[sqlite3.Connection], None] | None = None,
    ) -> None:
        """Store articles with their chunk vectors (rows of ``vectors``, in chunk order);
        ``also`` runs in the transaction that commits them."""
        doc_ids = [a.doc_id for a, _, _ in items]
        self.catalog.mark_pending(doc_ids, "upsert")
        ids = [c.chunk_id for _, _, chunks in items for c in chunks]
        metas = [chunk_metadata(a, c) for a, _, chunks in items for c in chunks]
        with self._changing():
            if replacing:
                self.vectors.delete_docs(replacing)
            if ids:
                self.vectors.upsert(ids, vectors, metas)
            rows = [(c.chunk_id, c.doc_id, fts_fields(c)[1]) for _, _, cs in items for c in cs]
            self.lexical.replace(doc_ids, rows)
            self.catalog.replace_articles(items, also)

    def update_metadata(self, articles: list[tuple[Article, str]]) -> None:
        """Re-tag articles whose text is unchanged: new metadata, same vectors.

        Chroma is updated first; if the SQLite commit is lost, the next run sees the old
        hash and repeats this idempotent update.
        """
        ids, metas = [], []
        for article, _ in articles:
            for chunk in self.catalog.chunks_of(article.doc_id):
                ids.append(chunk.chunk_id)
                metas.append(chunk_metadata(article, chunk))
        with self._changing():
            if ids:
                self.vectors.update_metadata(ids, metas)
            self.catalog.update_metadata(articles)

    def delete(self, doc_ids: list[str]) -> None:
        """Remove articles from both sides."""
        if not doc_ids:
            return
        self.catalog.mark_pending(doc_ids, "delete")
        with self._changing():
            self.vectors.delete_docs(doc_ids)
            self.lexical.delete(doc_ids)
            self.catalog.delete_articles(doc_ids)

    def recover(self, embed: Callable[[], EmbedFn]) -> int:
        """Finish or roll back writes an earlier run left half-done; returns how many."""
        pending = self.catalog.pending()
        if not pending:
            return 0
        log.warning("recovering %d articles from an interrupted ingest", len(pending))
        deletes = [d for d, op in pending.items() if op == "delete"]
        upserts = [d for d, op in pending.items() if op != "delete"]
        restore = [d for d in upserts if self.catalog.article(d) is not None]
        # Embedding happens before the lock: readers wait only for Chroma's files to change.
        restored = reembedded(self.catalog, restore, embed()) if restore else []
        with self._changing():
            self.vectors.delete_docs(list(pending))
            self.catalog.delete_articles(deletes)
            for ids, vectors, metas in restored:
                self.vectors.upsert(ids, vectors, metas)
            self.lexical.restore(list(pending), restore)
            self.catalog.clear_pending(upserts)
        return len(pending)

    def repair_vectors(self, embed: Callable[[], EmbedFn]) -> int:
        """Embed again the chunks that lost their vectors (a deleted or damaged Chroma
        folder) and drop vectors of no chunk; returns how many articles were re-embedded."""
        if self.vectors.count() == self.catalog.chunk_count():  # the cheap look first
            return 0
        docs, orphans = vector_gaps(self.catalog, self.vectors)
        if not docs and not orphans:
            return 0
        log.warning("re-embedding %d articles whose vectors are missing", len(docs))
        restored = reembedded(self.catalog, docs, embed()) if docs else []
        with self._changing():
            if orphans:
                self.vectors.delete_ids(orphans)
            for ids, vectors, metas in restored:
                self.vectors.upsert(ids, vectors, metas)
        return len(docs)

    @property
    def catalog_path(self) -> Path:
        """The catalog's SQLite file (feedback keeps its tables in it too)."""
        return self.catalog.path

    def verify(self) -> None:
        """A ``StoreError`` with the way to recover when the catalog file is damaged."""
        self.catalog.verify()

    def check(self) -> Consistency:
        """Compare the chunk ids on every side."""
        return compare(self.catalog, self.vectors, self.lexical)

    def dense_search(
        self, vector: np.ndarray, k: int, filt: SearchFilter | None = None
    ) -> list[DenseHit]:
        """Nearest chunks by cosine similarity, within ``filt``."""
        doc_ids = (
            self.catalog.doc_ids(SearchFilter(source=filt.source)) if filt and filt.source else None
        )
        if doc_ids == []:
            return []
        where = chroma_where(filt, doc_ids)
        with self._guard:
            if not self._stale():
                return self.vectors.search(vector, k, where)
            # The first search after (re)opening loads Chroma's files: not while they change.
            with chroma_files(self.data_dir, write=False):
                self._open_vectors()
                return self.vectors.search(vector, k, where)

    def _stale(self) -> bool:
        """True when the index must be (re)loaded to show what other processes wrote."""
        if self._vectors is None:
            return True
        if self.chroma_url or time.monotonic() - self._loaded_at < self.refresh_seconds:
            return False  # a server always answers with what it holds
        return self.catalog.generation() != self._generation

    def lexical_search(
        self,
        terms: list[str],
        k: int,
        *,
        phrases: list[str] = (),
        filt: SearchFilter | None = None,
    ) -> list[LexicalHit]:
        """Best BM25 matches for folded ``terms``/``phrases``, insensitive to diacritics."""
        return self.lexical.search(terms, k, list(phrases), filt)

    def settle(self, report: Report) -> bool:
        """Bring a store made before to today's settings (a writer, under its lock): its
        lexical engine, converted once (True when it was), and Chroma's HNSW search breadth."""
        with self._changing():
            self.vectors  # noqa: B018 (opened as a writer, it sets ef_search once)
            return self.lexical.settle(report)

    # The read side (ingest.store.port.StoreReader): what answering and front-ends use.

    def article(self, doc_id: str) -> Article | None:
        """One stored article, or None."""
        return self.catalog.article(doc_id)

    def articles_by_id(self, doc_ids: list[str]) -> dict[str, Article]:
        """Stored articles by id (missing ids are left out)."""
        return self.catalog.articles_by_id(doc_ids)

    def chunks_by_id(self, chunk_ids: list[str]) -> dict[str, Chunk]:
        """Stored chunks by id (missing ids are left out)."""
        return self.catalog.chunks_by_id(chunk_ids)

    def chunk_count(self) -> int:
        """Number of stored chunks."""
        return self.lexical.chunk_count()

    def document_frequencies(self, terms: list[str]) -> dict[str, int]:
        """How many chunks contain each folded term."""
        return self.lexical.document_frequencies(terms)

    def newest_titles(self, n: int) -> list[str]:
        """Titles of the most recently published articles."""
        return self.catalog.newest_titles(n)

    def stats(self) -> dict[str, Any]:
        """What the store holds: the catalog's counts and ranges, vectors, size on disk."""
        return (
            self.catalog.stats()
            | self.lexical.stats()
            | {
                "collection": self.name,
                "vectors": self.vectors.count(),
                "size_bytes": self.size_bytes(),
                "writing": writer_active(self.data_dir),
            }
        )

    def size_bytes(self) -> int:
        """Disk used here: the SQLite index, and Chroma's files unless Chroma is a server."""
        roots = [self.catalog.path.parent]
        if not self.chroma_url:
            roots.append(self.data_dir / "chroma")
        return sum(p.stat().st_size for r in roots for p in r.rglob("*") if p.is_file())
