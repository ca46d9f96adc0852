"""A tantivy index of the chunks: BM25 whose top-k cost stays nearly flat as the corpus grows.

SQLite FTS5 ranks every matching row; tantivy's block-max WAND skips the blocks that cannot
reach the top k. The index is derived from the catalog (each chunk's folded full text, the
same text FTS5 holds), so it can always be rebuilt from it without embedding anything: that
is how a store is converted, and how a crash is repaired. Only chunk and article ids are
stored in it; filters on metadata go through the catalog, which stays the one truth.
"""

from __future__ import annotations

import itertools
import logging
import re
import shutil
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import tantivy

from ingest.store.fulltext import LexicalHit, query_parts
from ingest.store.locks import private_copy, share_like_umask, writable

log = logging.getLogger(__name__)

WRITER_HEAP = 64_000_000  # bytes tantivy's writer buffers before it flushes a segment
FORMAT = "2"  # the schema's version: a store whose index has another is converted again
Row = tuple[str, str, str]  # chunk id, doc id, folded text
_TOKEN = re.compile(r"[^\W_]+")  # what tantivy's default tokenizer keeps: letters and digits


def word_pairs(words: list[str]) -> list[str]:
    """Adjacent words joined into one token: ['a', 'b', 'c'] -> ['a_b', 'b_c']."""
    return [f"{a}_{b}" for a, b in itertools.pairwise(words)]


def _schema() -> tantivy.Schema:
    return (
        tantivy.SchemaBuilder()
        .add_text_field("chunk_id", stored=True, tokenizer_name="raw")
        .add_text_field("doc_id", stored=False, tokenizer_name="raw")
        .add_text_field("folded", stored=False, tokenizer_name="default")
        # Every adjacent word pair as one token: a two-word phrase becomes a single term,
        # which block-max WAND can skip through, not an intersection of two long lists.
        .add_text_field("pairs", stored=False, tokenizer_name="whitespace")
        .build()
    )


class TantivyIndex:
    """The chunks' folded text in a tantivy index; one writer process, any number of readers.

    Readers in other processes see the writer's commits after ``reload``; changes are made
    only under the store's journal (see ``Store``).
    """

    def __init__(self, folder: Path, *, readonly: bool = False) -> None:
        self.folder = folder
        self._copy: Path | None = None
        if not readonly:
            folder.mkdir(parents=True, exist_ok=True)
            share_like_umask(folder)
        elif not writable(folder):
            # tantivy takes a lock file even to read; a read-only store is read from a copy.
            folder = private_copy(folder, "vnqa-tantivy-")
            self._copy = folder.parent
        self._writer: tantivy.IndexWriter | None = None
        try:
            self.index = tantivy.Index(_schema(), path=str(folder), reuse=True)
        except BaseException:
            self.close()  # no copy is left behind by a failed start
            raise
        self._searcher = self.index.searcher()

    @property
    def copied(self) -> bool:
        """Whether this reads a private copy (of an index this process may not write)."""
        return self._copy is not None

    @property
    def writer(self) -> tantivy.IndexWriter:
        """The index writer, opened on first use (it holds tantivy's writer lock)."""
        if self._writer is None:
            self._writer = self.index.writer(heap_size=WRITER_HEAP, num_threads=1)
        return self._writer

    def add(self, rows: Iterable[Row]) -> int:
        """Index chunks (not visible until ``commit``); returns how many."""
        n = 0
        for chunk_id, doc_id, folded in rows:
            words = _TOKEN.findall(folded.lower())
            pairs = " ".join(word_pairs(words))
            doc = tantivy.Document(chunk_id=chunk_id, doc_id=doc_id, folded=" ".join(words))
            doc.add_text("pairs", pairs)
            self.writer.add_document(doc)
            n += 1
        return n

    def delete_docs(self, doc_ids: Iterable[str]) -> None:
        """Remove every chunk of these articles (at the next ``commit``)."""
        for doc_id in doc_ids:
            self.writer.delete_documents_by_term("doc_id", doc_id)

    def commit(self) -> None:
        """Make the added and deleted chunks durable and visible, all or nothing."""
        if self._writer is not None:
            self._writer.commit()
            share_like_umask(self.folder)
            self.reload()

    def rollback(self) -> None:
        """Drop what was added or deleted since the last commit."""
        if self._writer is not None:
            self._writer.rollback()

    def reload(self) -> None:
        """See the latest commit (of this or another process)."""
        self.index.reload()
        self._searcher = self.index.searcher()

    def search(
        self, terms: list[str], phrases: list[str], k: int, doc_ids: list[str] | None = None
    ) -> list[LexicalHit]:
        """Best BM25 matches for any of ``terms``/``phrases``, within ``doc_ids`` if given."""
        query = self._query(terms, phrases)
        if query is None or doc_ids == []:
            return []
        if doc_ids is not None:
            within = tantivy.Query.term_set_query(self.index.schema, "doc_id", doc_ids)
            query = tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, query), (tantivy.Occur.Must, within)]
            )
        searcher = self._searcher
        found = searcher.search(query, k).hits
        return [LexicalHit(searcher.doc(a)["chunk_id"][0], float(s)) for s, a in found]

    def _query(self, terms: list[str], phrases: list[str]) -> tantivy.Query | None:
        schema, parts = self.index.schema, []
        for words in query_parts(terms, phrases):
            if len(words) == 1:
                parts.append(tantivy.Query.term_query(schema, "folded", words[0]))
            elif len(words) == 2:
                parts.append(tantivy.Query.term_query(schema, "pairs", word_pairs(words)[0]))
            else:  # an abbreviation's expansion: every pair of it, in order
                parts.append(tantivy.Query.phrase_query(schema, "folded", words))
        if not parts:
            return None
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in parts])

    def doc_freqs(self, terms: list[str]) -> dict[str, int]:
        """How many chunks contain each folded term (read from the term dictionary)."""
        searcher = self._searcher
        return {t: int(searcher.doc_freq("folded", t)) for t in dict.fromkeys(terms)}

    def chunk_ids(self) -> Iterator[str]:
        """Every indexed chunk id (for consistency checks)."""
        searcher = self._searcher
        total = searcher.num_docs
        if not total:
            return iter(())
        hits = searcher.search(tantivy.Query.all_query(), total).hits
        return (searcher.doc(a)["chunk_id"][0] for _, a in hits)

    def count(self) -> int:
        """Chunks in the last commit."""
        return int(self._searcher.num_docs)

    def release(self) -> None:
        """Let merges finish and give up the writer (and tantivy's writer lock)."""
        if self._writer is not None:
            self._writer.wait_merging_threads()
            self._writer = None

    def close(self) -> None:
        """Release the writer; drop a read-only copy."""
        self.release()
        if self._copy is not None:
            shutil.rmtree(self._copy, ignore_errors=True)


def build(
    folder: Path, rows: Iterable[Row], total: int, report: Callable[[int, int], None]
) -> None:
    """A complete index of ``rows`` at ``folder``, built beside it and moved in at the end,
    so that an interrupted build leaves no half index where a store would read it."""
    building = folder.with_name(folder.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    index = TantivyIndex(building)
    done, batch = 0, []
    for row in rows:
        batch.append(row)
        if len(batch) == 5000:
            done += index.add(batch)
            batch.clear()
            report(done, total)
    done += index.add(batch)
    index.commit()
    index.close()
    report(done, total)
    shutil.rmtree(folder, ignore_errors=True)
    building.rename(folder)
