"""The store's lexical side: which engine ranks words, and keeping tantivy in step.

FTS5 lives inside the catalog, so it commits with it. Tantivy (``tantivy_index``) is a
second index, derived from the catalog's folded texts: the store changes it under the same
journal as Chroma (marked pending first, catalog committed last), so that ``recover`` can
redo it for exactly the articles an interrupted write left. The engine a store uses is
recorded in its catalog; a writer converts the store once when the setting asks for the
other one, without embedding anything.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from ingest.errors import StoreError
from ingest.models import SearchFilter
from ingest.store.catalog import Catalog
from ingest.store.fulltext import LexicalHit, selective_terms
from ingest.store.locks import share_like_umask
from ingest.store.tantivy_index import FORMAT, Row, TantivyIndex, build

log = logging.getLogger(__name__)

FTS5, TANTIVY = "fts5", "tantivy"
ENGINES = (FTS5, TANTIVY)
ENGINE_KEY, FORMAT_KEY = "lexical_engine", "lexical_format"

Report = Callable[[int, int], None]  # chunks done, chunks in all


class LexicalSide:
    """Lexical search and its index maintenance for one store."""

    def __init__(
        self,
        catalog: Catalog,
        folder: Path,
        wanted: str = TANTIVY,
        *,
        refresh_seconds: float = 30.0,
        readonly: bool = False,
    ) -> None:
        if wanted not in ENGINES:
            raise ValueError(f"unknown lexical engine {wanted!r}; use one of {ENGINES}")
        self.catalog, self.folder, self.wanted = catalog, folder, wanted
        self.refresh_seconds, self.readonly = refresh_seconds, readonly
        self._index: TantivyIndex | None = None
        self._generation, self._loaded_at = -1, 0.0

    @property
    def engine(self) -> str:
        """The engine this store uses: recorded by the last conversion, FTS5 before any (or
        when its tantivy index has an older format, until a writer builds it again)."""
        engine = self.catalog.meta(ENGINE_KEY) or FTS5
        if engine == TANTIVY and self.catalog.meta(FORMAT_KEY) != FORMAT:
            return FTS5
        return engine

    @property
    def index(self) -> TantivyIndex:
        """The tantivy index, opened on first use."""
        if self._index is None:
            if not self.folder.is_dir():
                raise StoreError(
                    f"the full-text index {self.folder} is missing; "
                    "run 'vnqa reindex' to build it again from the catalog"
                )
            self._index = TantivyIndex(self.folder, readonly=self.readonly)
            self._generation, self._loaded_at = self.catalog.generation(), time.monotonic()
        return self._index

    # Writes: each runs inside the store's journalled write, before the catalog commits.

    def replace(self, doc_ids: list[str], rows: Iterable[Row]) -> None:
        """Index these articles' new chunks in place of their old ones, atomically."""
        if self.engine != TANTIVY:
            return
        try:
            self.index.delete_docs(doc_ids)
            self.index.add(rows)
            self.index.commit()
        except BaseException:
            self.index.rollback()
            raise

    def delete(self, doc_ids: list[str]) -> None:
        """Remove these articles' chunks."""
        self.replace(doc_ids, [])

    def restore(self, pending: list[str], committed: list[str]) -> None:
        """After a crash: drop what the interrupted write may have left of ``pending``, and
        index again the ``committed`` catalog rows of those that had a committed version."""
        self.replace(pending, self.catalog.folded_texts(committed))

    def settle(self, report: Report) -> bool:
        """Convert the store to the wanted engine if it uses the other (writers only);
        True when it did."""
        if self.engine == self.wanted and (self.wanted == FTS5 or self.folder.is_dir()):
            if self.wanted == TANTIVY:
                share_like_umask(self.folder)  # an index made before readers could read it
            return False
        self.close()
        if self.wanted == FTS5:
            self.catalog.set_meta(ENGINE_KEY, FTS5)  # readers leave tantivy before it goes
            shutil.rmtree(self.folder, ignore_errors=True)
            return True
        total = self.catalog.chunk_count()
        log.info("building the tantivy index of %d chunks in %s", total, self.folder)
        quiet: Report = lambda done, total: None  # noqa: E731 (a new store: nothing to say)
        build(self.folder, self.catalog.folded_texts(), total, report if total else quiet)
        self.catalog.set_meta(FORMAT_KEY, FORMAT)
        self.catalog.set_meta(ENGINE_KEY, TANTIVY)
        return True

    # Reads.

    def search(
        self, terms: list[str], k: int, phrases: list[str], filt: SearchFilter | None
    ) -> list[LexicalHit]:
        """Best BM25 matches, from whichever engine the store uses."""
        if self.engine != TANTIVY:
            return self.catalog.search(terms, k, phrases=phrases, filt=filt)
        doc_ids = self.catalog.doc_ids(filt) if filt else None
        terms = selective_terms(terms, self.document_frequencies(terms), self.chunk_count())
        return self.index.search(terms, phrases, k, doc_ids)

    def document_frequencies(self, terms: list[str]) -> dict[str, int]:
        """How many chunks contain each folded term: from tantivy's term dictionary (constant
        time), or from FTS5's vocabulary (which reads each term's whole list)."""
        if self.engine != TANTIVY:
            return self.catalog.document_frequencies(terms)
        self._refresh()
        return self.index.doc_freqs(terms)

    def chunk_count(self) -> int:
        """Chunks in the lexical index (the catalog's count when they agree, as they must)."""
        if self.engine != TANTIVY:
            return self.catalog.chunk_count()
        self._refresh()
        return self.index.count()

    def _refresh(self) -> None:
        """Show another process's commits, checked at most every ``refresh_seconds``."""
        if self._index is None or time.monotonic() - self._loaded_at < self.refresh_seconds:
            return
        self._loaded_at = time.monotonic()
        generation = self.catalog.generation()
        if generation == self._generation:
            return
        if self._index.copied:
            self.close()  # a private copy of a read-only index is made again
        else:
            self._index.reload()
        self._generation = generation

    def mismatch(self, chunk_ids: set[str]) -> int:
        """Chunks the catalog has and tantivy lacks, plus the reverse and duplicates."""
        if self.engine != TANTIVY:
            return 0
        self.index.reload()
        indexed = list(self.index.chunk_ids())
        return len(chunk_ids ^ set(indexed)) + len(indexed) - len(set(indexed))

    def stats(self) -> dict[str, object]:
        """The engine, and for tantivy how many chunks it holds."""
        if self.engine != TANTIVY:
            return {"lexical_engine": FTS5}
        return {"lexical_engine": TANTIVY, "lexical_chunks": self.index.count()}

    def release(self) -> None:
        """Give up tantivy's writer, so that another process may write next."""
        if self._index is not None:
            self._index.release()

    def close(self) -> None:
        """Release tantivy's writer and files."""
        if self._index is not None:
            self._index.close()
            self._index = None
