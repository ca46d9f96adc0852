"""Full-text search over the catalog's chunks: SQLite FTS5 with BM25, insensitive to accents."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

from ingest.models import Chunk, SearchFilter
from ingest.text.textnorm import normalize_query, strip_diacritics

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class LexicalHit:
    """A chunk matched by the full-text index; a larger score is a better match."""

    chunk_id: str
    score: float


def fts_fields(chunk: Chunk) -> tuple[str, str]:
    """The two indexed forms of a chunk: accented (canonical tones) and folded."""
    exact = normalize_query(f"{chunk.header}\n{chunk.text}")
    return exact, strip_diacritics(exact)


def query_parts(terms: list[str], phrases: list[str]) -> list[list[str]]:
    """The words of each distinct folded term or phrase to search for (any of them)."""
    parts = [p for p in dict.fromkeys([*terms, *phrases]) if _WORD.search(p)]
    return [_WORD.findall(p.lower()) for p in parts]


def fts_match(terms: list[str], phrases: list[str]) -> str:
    """An FTS5 MATCH expression: any of the folded ``terms`` or ``phrases``, each quoted."""
    return " OR ".join(f'"{" ".join(words)}"' for words in query_parts(terms, phrases))


def filter_sql(filt: SearchFilter | None, alias: str = "a") -> tuple[str, list[object]]:
    """A SQL condition on the articles table for ``filt`` (always true when empty)."""
    if not filt:
        return "1", []
    conds, args = [], []
    if filt.since:
        conds.append(f"{alias}.published_ts >= ?")
        args.append(int(filt.since.timestamp()))
    if filt.until:
        conds.append(f"{alias}.published_ts <= ?")
        args.append(int(filt.until.timestamp()))
    if filt.site:
        conds.append(f"{alias}.site = ?")
        args.append(filt.site)
    if filt.source:
        conds.append(f"instr({alias}.source, ?) > 0")
        args.append(filt.source)
    return " AND ".join(conds), args


class FullTextSearch:
    """BM25 search and term statistics over ``chunks_fts`` (mixed into the Catalog)."""

    @property
    def db(self) -> sqlite3.Connection:
        raise NotImplementedError

    def chunk_count(self) -> int:
        raise NotImplementedError

    def search(
        self,
        terms: list[str],
        k: int = 20,
        *,
        phrases: list[str] = (),
        filt: SearchFilter | None = None,
    ) -> list[LexicalHit]:
        """BM25 over the diacritic-folded text for any of ``terms`` and ``phrases``.

        Words in more than a tenth of all chunks are searched only inside ``phrases``: on
        their own they match nearly everything, which costs time and adds no ranking signal.
        """
        match = fts_match(self.selective(list(terms)), list(phrases))
        if not match:
            return []
        cond, args = filter_sql(filt)
        rows = self.db.execute(
            "SELECT c.chunk_id, -bm25(chunks_fts, 0.0, 1.0) AS score FROM chunks_fts "
            "JOIN chunks c ON c.rowid = chunks_fts.rowid JOIN articles a ON a.doc_id = c.doc_id "
            f"WHERE chunks_fts MATCH ? AND {cond} ORDER BY score DESC LIMIT ?",
            (f"folded : ({match})", *args, k),
        )
        return [LexicalHit(cid, float(score)) for cid, score in rows]

    def folded_texts(self, doc_ids: list[str] | None = None) -> Iterator[tuple[str, str, str]]:
        """(chunk id, doc id, folded text) of every chunk, or of these articles' chunks: what
        a derived lexical index is built from."""
        select = (
            "SELECT c.chunk_id, c.doc_id, f.folded FROM chunks c "
            "JOIN chunks_fts f ON f.rowid = c.rowid"
        )
        if doc_ids is None:
            yield from self.db.execute(select)
            return
        for doc_id in doc_ids:
            yield from self.db.execute(f"{select} WHERE c.doc_id = ?", (doc_id,))

    def document_frequencies(self, terms: list[str]) -> dict[str, int]:
        """How many chunks contain each folded term (for IDF weights)."""
        out: dict[str, int] = {}
        for term in dict.fromkeys(terms):
            row = self.db.execute(
                "SELECT doc FROM chunks_vocab WHERE term = ? AND col = 'folded'", (term,)
            ).fetchone()
            out[term] = int(row[0]) if row else 0
        return out

    def selective(self, terms: list[str]) -> list[str]:
        """The terms worth searching on their own (see ``selective_terms``)."""
        if len(terms) <= KEEP_TERMS:
            return terms
        return selective_terms(terms, self.document_frequencies(terms), self.chunk_count())


SHARE_TERMS, KEEP_TERMS = 0.1, 2


def selective_terms(terms: list[str], df: dict[str, int], total: int) -> list[str]:
    """The terms in at most a tenth of the ``total`` chunks (at least the two rarest): a word
    in nearly every chunk costs time and adds no ranking signal on its own."""
    if len(terms) <= KEEP_TERMS:
        return terms
    limit = SHARE_TERMS * max(total, 1)
    rare = [t for t in terms if df.get(t, 0) <= limit]
    if len(rare) >= KEEP_TERMS:
        return rare
    return sorted(terms, key=lambda t: df.get(t, 0))[:KEEP_TERMS]
