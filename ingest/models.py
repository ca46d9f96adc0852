"""The records ingest produces: articles and their chunks."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Article:
    """One cleaned news article."""

    doc_id: str
    title: str
    text: str
    source: str
    published: datetime | None = None
    author: str | None = None
    site: str | None = None
    origin: str = ""  # the file it was read from; --prune checks it still exists

    def content_hash(self, salt: str = "") -> str:
        """``<embedding part>.<metadata part>``: what is embedded, then what is only shown.

        The first part covers title, date, text and the chunking ``salt``; when only the
        second changes (a new source path, author or site), nothing is re-embedded.
        """
        embedded = [
            self.title,
            self.text,
            self.published.isoformat() if self.published else "",
            salt,
        ]
        shown = [self.source, self.author or "", self.site or "", self.origin]
        return f"{_digest(embedded)[:32]}.{_digest(shown)[:16]}"


def _digest(parts: list[str]) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Chunk:
    """A run of whole sentences of one article, sized for the embedding model."""

    chunk_id: str
    doc_id: str
    index: int
    start: int  # character span in Article.text
    end: int
    text: str
    header: str  # title and date, prepended for embedding and display

    @property
    def embed_text(self) -> str:
        """The text that is embedded: header line, then the chunk."""
        return f"{self.header}\n{self.text}" if self.header else self.text


@dataclass(frozen=True)
class SearchFilter:
    """Restricts a search to a date range, a site, or sources containing a string."""

    since: datetime | None = None
    until: datetime | None = None
    site: str | None = None
    source: str | None = None

    def __bool__(self) -> bool:
        return any((self.since, self.until, self.site, self.source))
