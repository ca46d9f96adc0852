"""The SQLite side of the store: articles, chunk texts, an FTS5 index and a write journal."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from ingest.errors import StoreError
from ingest.models import Article, Chunk, SearchFilter
from ingest.sources.dates import parse_date
from ingest.store.fulltext import FullTextSearch, filter_sql, fts_fields

_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles(
  doc_id TEXT PRIMARY KEY, title TEXT NOT NULL, text TEXT NOT NULL, source TEXT NOT NULL,
  origin TEXT NOT NULL, published TEXT, published_ts INTEGER, author TEXT, site TEXT,
  content_hash TEXT NOT NULL, n_chunks INTEGER NOT NULL, ingested_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS articles_origin ON articles(origin);
CREATE TABLE IF NOT EXISTS chunks(
  rowid INTEGER PRIMARY KEY, chunk_id TEXT NOT NULL UNIQUE, doc_id TEXT NOT NULL,
  idx INTEGER NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL, text TEXT NOT NULL,
  header TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(
  exact, folded, tokenize='unicode61 remove_diacritics 0');
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_vocab USING fts5vocab(chunks_fts, 'col');
CREATE TABLE IF NOT EXISTS pending(doc_id TEXT PRIMARY KEY, op TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
_ARTICLE_SELECT = (
    "SELECT doc_id, title, text, source, published, author, site, origin FROM articles"
)


def _article(row: tuple) -> Article:
    return Article(
        doc_id=row[0],
        title=row[1],
        text=row[2],
        source=row[3],
        published=parse_date(row[4]),
        author=row[5],
        site=row[6],
        origin=row[7],
    )


def damaged(path: Path, detail: str) -> str:
    """What to say of a damaged catalog file, and how to recover."""
    return (
        f"the store's catalog {path} is damaged ({detail}); vnqa writes nothing into it. "
        "Restore the data dir from a backup, or move it aside and ingest your articles again"
    )


class Catalog(FullTextSearch):
    """Articles and chunks in SQLite, kept in step with the vector store by a journal."""

    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        self.path = path
        # A reader of an existing store never writes: it works where it may not (a bot
        # reading what a separate ingest job writes, a read-only mount).
        self.readonly = readonly and path.exists()
        self._immutable = False
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        if not self.readonly:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                self.db.executescript(_SCHEMA)
            except sqlite3.DatabaseError as exc:
                if not isinstance(exc, sqlite3.OperationalError):  # a malformed file
                    raise StoreError(damaged(path, str(exc))) from None
                raise StoreError(f"cannot create the store {path}: {exc}") from exc
            except OSError as exc:
                raise StoreError(f"cannot create the store {path}: {exc}") from exc

    @property
    def db(self) -> sqlite3.Connection:
        """This thread's connection (a bot answers in worker threads; WAL lets them read)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    def _connect(self) -> sqlite3.Connection:
        try:
            if not self.readonly:
                conn = sqlite3.connect(
                    self.path, timeout=30, isolation_level=None, check_same_thread=False
                )
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                return conn
            return self._connect_readonly()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open the index {self.path}: {exc}") from exc

    def _connect_readonly(self) -> sqlite3.Connection:
        """Read-only; on media where SQLite cannot create the WAL's shared-memory file and
        no writer has one open, the file is read as immutable (nothing can change it)."""
        options = "mode=ro&immutable=1" if self._immutable else "mode=ro"
        uri = f"{self.path.resolve().as_uri()}?{options}"
        conn = sqlite3.connect(
            uri, uri=True, timeout=30, isolation_level=None, check_same_thread=False
        )
        try:
            conn.execute("SELECT 1 FROM meta LIMIT 1")
        except sqlite3.OperationalError:
            conn.close()
            wal = self.path.with_name(f"{self.path.name}-wal")
            if self._immutable or wal.exists() or os.access(self.path.parent, os.W_OK):
                raise  # a writer may be at work, or the failure is not the read-only media
            self._immutable = True
            return self._connect_readonly()
        return conn

    def verify(self) -> None:
        """A ``StoreError`` saying how to recover when SQLite finds the file damaged
        (``PRAGMA quick_check``: seconds at 100k articles, so only where it is cheap beside
        the work: before a write run, and in a check)."""
        try:
            problems = [row[0] for row in self.db.execute("PRAGMA quick_check(5)")]
        except sqlite3.DatabaseError as exc:
            problems = [str(exc)]
        if problems != ["ok"]:
            raise StoreError(damaged(self.path, "; ".join(problems)))

    def close(self) -> None:
        """Close every thread's connection."""
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic write: everything in the block commits or nothing does."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
            self.db.execute(
                "INSERT INTO meta VALUES('generation', '1') ON CONFLICT(key) "
                "DO UPDATE SET value = CAST(value AS INTEGER) + 1"
            )
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def generation(self) -> int:
        """A number that changes with every committed write (readers reload when it does)."""
        row = self.db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        return int(row[0]) if row else 0

    def meta(self, key: str) -> str | None:
        """A value the store records about itself ('lexical_engine'), or None."""
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        """Record a value about the store (readers see it as a new generation)."""
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO meta VALUES(?, ?)", (key, value))

    def hashes(self) -> dict[str, str]:
        """Content hash of every stored article."""
        return dict(self.db.execute("SELECT doc_id, content_hash FROM articles"))

    def origins(self) -> dict[str, str]:
        """The file each stored article came from."""
        return dict(self.db.execute("SELECT doc_id, origin FROM articles"))

    def pending(self) -> dict[str, str]:
        """Writes that were started and not finished: doc_id -> 'upsert' | 'delete'."""
        return dict(self.db.execute("SELECT doc_id, op FROM pending"))

    def mark_pending(self, doc_ids: Iterable[str], op: str) -> None:
        """Journal that these articles are about to change in the vector store."""
        with self.transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO pending VALUES(?, ?)", [(d, op) for d in doc_ids]
            )

    def replace_articles(
        self,
        items: list[tuple[Article, str, list[Chunk]]],
        also: Callable[[sqlite3.Connection], None] | None = None,
    ) -> None:
        """Atomically store articles with their chunks and clear their journal entries
        (``also`` adds statements of its own to the same transaction)."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self.transaction() as db:
            self._delete_rows(db, [a.doc_id for a, _, _ in items])
            for article, content_hash, chunks in items:
                pub = article.published
                db.execute(
                    "INSERT INTO articles VALUES(?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        article.doc_id,
                        article.title,
                        article.text,
                        article.source,
                        article.origin,
                        pub.isoformat() if pub else None,
                        int(pub.timestamp()) if pub else None,
                        article.author,
                        article.site,
                        content_hash,
                        len(chunks),
                        now,
                    ),
                )
                for c in chunks:
                    cur = db.execute(
                        "INSERT INTO chunks(chunk_id, doc_id, idx, start, end, text, header) "
                        "VALUES(?,?,?,?,?,?,?)",
                        (c.chunk_id, c.doc_id, c.index, c.start, c.end, c.text, c.header),
                    )
                    db.execute(
                        "INSERT INTO chunks_fts(rowid, exact, folded) VALUES(?,?,?)",
                        (cur.lastrowid, *fts_fields(c)),
                    )
            db.executemany("DELETE FROM pending WHERE doc_id=?", [(a.doc_id,) for a, _, _ in items])
            if also is not None:
                also(db)

    def update_metadata(self, articles: list[tuple[Article, str]]) -> None:
        """Replace what is shown of articles (source, author, site, origin) and their hash."""
        with self.transaction() as db:
            db.executemany(
                "UPDATE articles SET source=?, author=?, site=?, origin=?, content_hash=? "
                "WHERE doc_id=?",
                [(a.source, a.author, a.site, a.origin, h, a.doc_id) for a, h in articles],
            )

    def delete_articles(self, doc_ids: list[str]) -> None:
        """Atomically remove articles, their chunks and their journal entries."""
        with self.transaction() as db:
            self._delete_rows(db, doc_ids)
            db.executemany("DELETE FROM pending WHERE doc_id=?", [(d,) for d in doc_ids])

    def clear_pending(self, doc_ids: list[str]) -> None:
        """Forget journal entries whose work is complete."""
        with self.transaction() as db:
            db.executemany("DELETE FROM pending WHERE doc_id=?", [(d,) for d in doc_ids])

    @staticmethod
    def _delete_rows(db: sqlite3.Connection, doc_ids: list[str]) -> None:
        for doc_id in doc_ids:
            rows = [r for (r,) in db.execute("SELECT rowid FROM chunks WHERE doc_id=?", (doc_id,))]
            db.executemany("DELETE FROM chunks_fts WHERE rowid=?", [(r,) for r in rows])
            db.execute("DELETE FROM chunks WHERE doc_id=?", (doc_id,))
            db.execute("DELETE FROM articles WHERE doc_id=?", (doc_id,))

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        """The stored chunks of one article, in order."""
        rows = self.db.execute(
            "SELECT chunk_id, doc_id, idx, start, end, text, header FROM chunks "
            "WHERE doc_id=? ORDER BY idx",
            (doc_id,),
        )
        return [Chunk(*row) for row in rows]

    def _rows_in(self, select: str, column: str, keys: list[str]) -> Iterator[tuple]:
        """Rows of ``select ... WHERE column IN keys``, asked in batches SQLite accepts."""
        for i in range(0, len(keys), 500):
            part = keys[i : i + 500]
            yield from self.db.execute(
                f"{select} WHERE {column} IN ({','.join('?' * len(part))})", part
            )

    def chunks_by_id(self, chunk_ids: list[str]) -> dict[str, Chunk]:
        """Stored chunks by id; ids that are not stored are left out."""
        select = "SELECT chunk_id, doc_id, idx, start, end, text, header FROM chunks"
        return {row[0]: Chunk(*row) for row in self._rows_in(select, "chunk_id", chunk_ids)}

    def article(self, doc_id: str) -> Article | None:
        """One stored article."""
        row = self.db.execute(f"{_ARTICLE_SELECT} WHERE doc_id=?", (doc_id,)).fetchone()
        return _article(row) if row else None

    def doc_ids(self, filt: SearchFilter | None = None) -> list[str]:
        """Ids of the stored articles that pass ``filt``."""
        cond, args = filter_sql(filt)
        return [d for (d,) in self.db.execute(f"SELECT doc_id FROM articles a WHERE {cond}", args)]

    def articles_by_id(self, doc_ids: list[str]) -> dict[str, Article]:
        """Stored articles by id, without their text (for citations and filters)."""
        select = _ARTICLE_SELECT.replace(" text,", " '',")
        return {row[0]: _article(row) for row in self._rows_in(select, "doc_id", doc_ids)}

    def newest_titles(self, n: int) -> list[str]:
        """Titles of the most recently published articles (undated ones last)."""
        rows = self.db.execute(
            "SELECT title FROM articles ORDER BY published_ts DESC, rowid DESC LIMIT ?", (n,)
        )
        return [t for (t,) in rows]

    def stats(self) -> dict[str, object]:
        """Counts and ranges for ``vnqa stats``."""
        q = self.db.execute
        articles, lo, hi = q(
            "SELECT COUNT(*), MIN(published), MAX(published) FROM articles"
        ).fetchone()
        return {
            "articles": articles,
            "chunks": q("SELECT COUNT(*) FROM chunks").fetchone()[0],
            "sites": [
                s
                for (s,) in q(
                    "SELECT DISTINCT site FROM articles WHERE site IS NOT NULL ORDER BY site"
                )
            ],
            "undated": q("SELECT COUNT(*) FROM articles WHERE published IS NULL").fetchone()[0],
            "published_min": lo,
            "published_max": hi,
            "pending": q("SELECT COUNT(*) FROM pending").fetchone()[0],
        }

    def chunk_count(self) -> int:
        """Number of stored chunks."""
        return int(self.db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0])

    def fts_mismatch(self) -> int:
        """Chunks without a full-text row plus full-text rows without a chunk."""
        return int(
            self.db.execute(
                "SELECT (SELECT COUNT(*) FROM chunks WHERE rowid NOT IN "
                "(SELECT rowid FROM chunks_fts)) + (SELECT COUNT(*) FROM chunks_fts "
                "WHERE rowid NOT IN (SELECT rowid FROM chunks))"
            ).fetchone()[0]
        )

    def all_chunk_ids(self) -> set[str]:
        """Every stored chunk id (for consistency checks)."""
        return {cid for (cid,) in self.db.execute("SELECT chunk_id FROM chunks")}
