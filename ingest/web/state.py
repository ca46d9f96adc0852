"""What the watcher remembers, in the catalog's SQLite file: the sources followed, with
their last poll, and every page seen, with its validators and the article it gave. Page
rows of a written batch commit in the same transaction as its articles."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from ingest.store.catalog import Catalog
from ingest.web.fetch import Validators

_SCHEMA = """
CREATE TABLE IF NOT EXISTS web_sources(
  url TEXT PRIMARY KEY, kind TEXT, added TEXT NOT NULL, last_poll TEXT, last_ok TEXT,
  last_error TEXT, etag TEXT, last_modified TEXT);
CREATE TABLE IF NOT EXISTS web_pages(
  url TEXT PRIMARY KEY, source TEXT, doc_id TEXT, etag TEXT, last_modified TEXT,
  fetched TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS web_pages_source ON web_pages(source);
"""


def now() -> str:
    """The time as stored: UTC, ISO 8601, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Source:
    """A feed, sitemap or front page followed, and how its last polls went."""

    url: str
    kind: str | None
    added: str
    last_poll: str | None
    last_ok: str | None
    last_error: str | None
    validators: Validators
    articles: int = 0


@dataclass(frozen=True)
class Page:
    """An article URL fetched: the article it gave (if any) and its validators."""

    url: str
    source: str | None
    doc_id: str | None
    validators: Validators


class WebState:
    """The web tables of one catalog (created on first use by a writer)."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        if not catalog.readonly:
            catalog.db.executescript(_SCHEMA)

    def _has_tables(self) -> bool:
        row = self.catalog.db.execute(
            "SELECT 1 FROM sqlite_master WHERE name='web_sources'"
        ).fetchone()
        return row is not None

    def add_source(self, url: str, kind: str | None = None) -> bool:
        """Follow ``url``; False when it was followed already."""
        with self.catalog.transaction() as db:
            cur = db.execute(
                "INSERT OR IGNORE INTO web_sources(url, kind, added) VALUES(?, ?, ?)",
                (url, kind, now()),
            )
        return cur.rowcount > 0

    def remove_source(self, url: str) -> bool:
        """Stop following ``url`` (its articles stay); False when it was not followed."""
        with self.catalog.transaction() as db:
            cur = db.execute("DELETE FROM web_sources WHERE url=?", (url,))
        return cur.rowcount > 0

    def sources(self) -> list[Source]:
        """Every source followed, with the number of articles it gave."""
        if not self._has_tables():
            return []
        rows = self.catalog.db.execute(
            "SELECT s.url, s.kind, s.added, s.last_poll, s.last_ok, s.last_error, s.etag, "
            "s.last_modified, (SELECT COUNT(*) FROM web_pages p JOIN articles a "
            "ON a.doc_id = p.doc_id WHERE p.source = s.url) FROM web_sources s ORDER BY s.url"
        )
        return [Source(*r[:6], Validators(r[6], r[7]), r[8]) for r in rows]

    def polled(self, url: str, kind: str | None, error: str | None, found: Validators) -> None:
        """Record a poll of a source: when, and how it went."""
        stamp = now()
        with self.catalog.transaction() as db:
            db.execute(
                "UPDATE web_sources SET kind=COALESCE(?, kind), last_poll=?, last_error=?, "
                "last_ok=CASE WHEN ? IS NULL THEN ? ELSE last_ok END, "
                "etag=CASE WHEN ? IS NULL THEN ? ELSE etag END, "
                "last_modified=CASE WHEN ? IS NULL THEN ? ELSE last_modified END WHERE url=?",
                (kind, stamp, error, error, stamp, error, found.etag, error,
                 found.last_modified, url),
            )  # fmt: skip

    def pages(self, urls: Iterable[str]) -> dict[str, Page]:
        """The pages among ``urls`` fetched before."""
        out = {}
        for url in urls:
            row = self.catalog.db.execute(
                "SELECT url, source, doc_id, etag, last_modified FROM web_pages WHERE url=?",
                (url,),
            ).fetchone()
            if row:
                out[url] = Page(row[0], row[1], row[2], Validators(row[3], row[4]))
        return out

    def writer(self, pages: list[Page]) -> Callable[[sqlite3.Connection], None]:
        """Statements that record ``pages``, for the transaction that writes their articles."""

        def write(db: sqlite3.Connection) -> None:
            stamp = now()
            db.executemany(
                "INSERT OR REPLACE INTO web_pages VALUES(?,?,?,?,?,?)",
                [(p.url, p.source, p.doc_id, p.validators.etag, p.validators.last_modified,
                  stamp) for p in pages],
            )  # fmt: skip

        return write

    def record(self, pages: list[Page]) -> None:
        """Record pages that changed no article (not modified, or unchanged)."""
        if pages:
            with self.catalog.transaction() as db:
                self.writer(pages)(db)
