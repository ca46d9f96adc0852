"""What the App runs against its store besides answering: ingest runs over files, folders
and page URLs, and polls of the sites it follows."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.pipeline import Ingestor, IngestSummary, Progress

if TYPE_CHECKING:
    from bot.settings import Settings
    from ingest.models import Article
    from ingest.sources.loaders import LoadReport
    from ingest.store.store import Store
    from ingest.web.state import Source
    from ingest.web.watch import Wanted, WebIngest


class Runs:
    """Ingest and watch runs; mixed into ``App``, which gives ``settings``, ``store`` and
    ``ingestor``."""

    settings: Settings
    store: Store

    def ingestor(self) -> Ingestor:  # pragma: no cover - App's
        raise NotImplementedError

    def web(self) -> WebIngest:
        """Fetching web pages into this store, politely (VNQA_WATCH_*)."""
        from ingest.web.fetch import Policy
        from ingest.web.watch import web_ingest

        w = self.settings.watch
        policy = Policy(
            user_agent=w.user_agent,
            delay=w.delay,
            timeout=w.timeout,
            max_bytes=int(w.max_mb * 2**20),
            retries=w.retries,
        )
        return web_ingest(self.store, policy, w.concurrency)

    def sources(self) -> list[Source]:
        """The sites this store follows."""
        from ingest.web.watch import followed

        return followed(self.store)

    def ingest(
        self, inputs: list[str], *, prune: bool = False, progress: Progress | None = None
    ) -> IngestSummary:
        """Ingest files, folders and page URLs in one run."""
        from ingest.sources.loaders import LoadReport, iter_articles
        from ingest.web.urls import is_url

        report = LoadReport()
        articles = iter_articles([Path(x) for x in inputs if not is_url(x)], report)
        urls: list[Wanted] = [(x, None) for x in inputs if is_url(x)]
        if not urls:
            return self.ingestor().run_articles(articles, report, prune=prune, progress=progress)
        with self.web() as web:
            return self._web_run(web, articles, report, urls, prune, progress)

    def poll(self, progress: Progress | None = None) -> IngestSummary:
        """One poll of every followed source: its new and changed articles ingested."""
        from ingest.sources.loaders import LoadReport

        report = LoadReport()
        with self.web() as web:
            links = [(link.url, source) for link, source in web.poll_sources(report)]
            return self._web_run(web, iter(()), report, links, False, progress)

    def _web_run(
        self,
        web: WebIngest,
        articles: Iterator[Article],
        report: LoadReport,
        links: list[Wanted],
        prune: bool,
        progress: Progress | None,
    ) -> IngestSummary:
        both = itertools.chain(articles, web.articles(links, report))
        summary = self.ingestor().run_articles(
            both, report, prune=prune, progress=progress, also=web.also, text_once=True
        )
        web.finish(summary.settled)
        summary.fetched, summary.not_modified = web.run.fetched, web.run.not_modified
        return summary
