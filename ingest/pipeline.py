"""``vnqa ingest``: load articles, skip the unchanged, chunk, embed and store the rest."""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ingest.embedding.port import Embedder
from ingest.models import Article
from ingest.sources.loaders import LoadReport, Problem, iter_articles
from ingest.sources.paths import exists
from ingest.store.store import Item, Store
from ingest.text.chunk import Chunker
from ingest.web.urls import is_url

log = logging.getLogger(__name__)

CHUNKER_VERSION = "1"  # bump when cleaning or chunking changes, to re-chunk every article


class Progress(Protocol):
    """Where the pipeline reports how far it has got."""

    def start(self, total: int) -> None: ...

    def advance(self, articles: int, chunks: int) -> None: ...

    def converting(self, chunks: int, total: int) -> None: ...


class _NoProgress:
    def start(self, total: int) -> None:
        pass

    def advance(self, articles: int, chunks: int) -> None:
        pass

    def converting(self, chunks: int, total: int) -> None:
        pass


# Given a batch's article ids, statements to run in the transaction that commits them.
Also = Callable[[list[str]], Callable[[sqlite3.Connection], None]]


@dataclass
class IngestSummary:
    """What one ingest run did."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    failed: int = 0
    duplicates: int = 0
    pruned: int = 0
    recovered: int = 0
    reembedded: int = 0  # articles whose lost vectors were embedded again
    converted: bool = False  # a store with articles was converted to the configured engine
    chunks: int = 0
    seconds: float = 0.0
    embed_seconds: float = 0.0
    interrupted: bool = False
    problems: list[Problem] = field(default_factory=list)
    settled: set[str] = field(default_factory=set)  # ids now stored as given (new or not)
    fetched: int = 0  # web pages fetched whole
    not_modified: int = 0  # web pages the server said had not changed (one 304 each)

    @property
    def chunks_per_second(self) -> float:
        """Chunks written per second of the whole run."""
        return self.chunks / self.seconds if self.seconds else 0.0

    @property
    def ok(self) -> bool:
        """True when nothing failed and the run was not interrupted."""
        return not (self.failed or self.interrupted)


class Ingestor:
    """Runs ingest against one store with one embedding model (loaded only when needed)."""

    def __init__(
        self,
        store: Store,
        embedder: Callable[[], Embedder],
        *,
        model_name: str,
        chunk_tokens: int,
        overlap_tokens: int,
        batch_articles: int = 32,
    ) -> None:
        self.store = store
        self._embedder_factory = embedder
        self._embedder: Embedder | None = None
        self.salt = f"{model_name}|{chunk_tokens}|{overlap_tokens}|v{CHUNKER_VERSION}"
        self.chunk_tokens, self.overlap_tokens = chunk_tokens, overlap_tokens
        self.batch_articles = batch_articles

    @property
    def embedder(self) -> Embedder:
        """The embedding model, loaded on first use."""
        if self._embedder is None:
            self._embedder = self._embedder_factory()
        return self._embedder

    def run(
        self, paths: Iterable[Path], *, prune: bool = False, progress: Progress | None = None
    ) -> IngestSummary:
        """Ingest every article under ``paths``; on Ctrl-C, committed batches stay and the rest
        is repaired by the next run."""
        report = LoadReport()
        return self.run_articles(iter_articles(paths, report), report, prune=prune,
                                 progress=progress)  # fmt: skip

    def run_articles(
        self,
        articles: Iterable[Article],
        report: LoadReport,
        *,
        prune: bool = False,
        progress: Progress | None = None,
        also: Also | None = None,
        text_once: bool = False,
    ) -> IngestSummary:
        """Ingest ``articles`` (their loader's problems in ``report``). ``also(doc_ids)`` gives
        statements to commit with each written batch; ``text_once`` skips an article whose
        text another article has already (a page reached by two URLs)."""
        progress = progress or _NoProgress()
        summary = IngestSummary()
        began = time.perf_counter()
        with self.store.writer_lock():
            self.store.catalog.verify()
            try:
                summary.recovered = self.store.recover(lambda: self.embedder.encode)
                summary.reembedded = self.store.repair_vectors(lambda: self.embedder.encode)
                had = self.store.catalog.chunk_count()
                summary.converted = self.store.settle(progress.converting) and bool(had)
                todo, seen = self._select(articles, summary, text_once)
                if prune:
                    summary.pruned = self._prune(report, seen, summary)
                progress.start(len(todo))
                self._write_all(todo, summary, progress, also)
            except KeyboardInterrupt:
                summary.interrupted = True
        summary.failed += len(report.failed)
        summary.skipped += len(report.skipped)
        summary.problems = [*report.failed, *report.skipped, *summary.problems]
        summary.seconds = time.perf_counter() - began
        return summary

    def _select(
        self, articles: Iterable[Article], summary: IngestSummary, text_once: bool = False
    ) -> tuple[list[tuple[Article, str, bool]], set[str]]:
        """Articles to write, with their hash and whether they replace a stored version.

        Articles whose text is unchanged but whose metadata changed are re-tagged here,
        without re-embedding.
        """
        stored = self.store.catalog.hashes()
        texts = {h.split(".")[0]: d for d, h in stored.items()} if text_once else {}
        todo: list[tuple[Article, str, bool]] = []
        retag: list[tuple[Article, str]] = []
        seen: set[str] = set()
        for article in articles:
            if article.doc_id in seen:
                summary.duplicates += 1
                summary.problems.append(
                    Problem(
                        article.source,
                        f"duplicate id {article.doc_id}; the first occurrence was kept",
                    )
                )
                continue
            seen.add(article.doc_id)
            digest = article.content_hash(self.salt)
            if text_once and _text_elsewhere(article, digest, texts):
                summary.duplicates += 1
                continue  # the same page under another URL: stored once
            old = stored.get(article.doc_id, "")
            if old == digest:
                summary.unchanged += 1
                summary.settled.add(article.doc_id)
            elif old.split(".")[0] == digest.split(".")[0]:
                retag.append((article, digest))
            else:
                todo.append((article, digest, article.doc_id in stored))
        if retag:
            self.store.update_metadata(retag)
            summary.updated += len(retag)
            summary.settled.update(a.doc_id for a, _ in retag)
        return todo, seen

    def _prune(self, report: LoadReport, seen: set[str], summary: IngestSummary) -> int:
        """Remove articles whose file is gone, or that vanished from a file read cleanly now.
        An article whose file cannot be checked (an unreadable folder) is kept, and said so."""
        unclean = {p.path for p in report.failed}
        gone, unknown = [], set()
        for doc_id, origin in self.store.catalog.origins().items():
            if doc_id in seen or is_url(origin):
                continue  # a web article is no file: it goes when its source says so
            there = exists(origin)
            if there is None:
                unknown.add(origin)
            elif not there or (origin in report.files and origin not in unclean):
                gone.append(doc_id)
        summary.problems += [
            Problem(o, "cannot tell whether this file is still there (not readable); its "
                    "articles were kept")
            for o in sorted(unknown)
        ]  # fmt: skip
        self.store.delete(gone)
        return len(gone)

    def _write_all(
        self,
        todo: list[tuple[Article, str, bool]],
        summary: IngestSummary,
        progress: Progress,
        also: Also | None = None,
    ) -> None:
        if not todo:
            return
        chunker = Chunker(self.embedder, self.chunk_tokens, self.overlap_tokens)
        for i in range(0, len(todo), self.batch_articles):
            batch = todo[i : i + self.batch_articles]
            items: list[Item] = [(a, h, chunker.chunk(a, h)) for a, h, _ in batch]
            texts = [c.embed_text for _, _, chunks in items for c in chunks]
            t0 = time.perf_counter()
            vectors = self.embedder.encode(texts)
            summary.embed_seconds += time.perf_counter() - t0
            replacing = [a.doc_id for a, _, old in batch if old]
            extra = also([a.doc_id for a, _, _ in batch]) if also else None
            self.store.write(items, vectors, replacing, also=extra)
            summary.settled.update(a.doc_id for a, _, _ in batch)
            summary.updated += sum(1 for *_, old in batch if old)
            summary.new += sum(1 for *_, old in batch if not old)
            summary.chunks += len(texts)
            progress.advance(len(batch), len(texts))


def _text_elsewhere(article: Article, digest: str, texts: dict[str, str]) -> bool:
    """Whether a web article's text is stored, or was met in this run, under another id."""
    first = texts.setdefault(digest.split(".")[0], article.doc_id)
    return first != article.doc_id and is_url(article.origin)


PROBLEM_LOG = "ingest-problems.log"


def write_problem_log(summary: IngestSummary, folder: Path) -> Path | None:
    """Every problem of the run, one per line, in ``folder``; None when there were none or
    the folder cannot be written (the summary still names the first problems)."""
    if not summary.problems:
        return None
    path = folder / PROBLEM_LOG
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(f"{p}\n" for p in summary.problems), encoding="utf-8")
    except OSError as exc:
        log.warning("cannot write %s: %s", path, exc.strerror)
        return None
    return path
