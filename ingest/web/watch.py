"""Web pages into the ingest pipeline: the article URLs a followed source lists, or URLs
given on the command line, fetched politely and several hosts at a time, extracted, and
written in batches under the store's single-writer lock, each batch's page records in the
same transaction as its articles. An unchanged page costs one conditional request."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace

from ingest.models import Article
from ingest.sources.html_page import article_from_html
from ingest.sources.loaders import LoadReport, Problem
from ingest.store.store import Store
from ingest.text.textnorm import decode_bytes
from ingest.web.fetch import FEED_TYPES, Fetched, Fetcher, Policy
from ingest.web.listings import Link, read_listing
from ingest.web.state import Page, Source, WebState
from ingest.web.urls import canonical

log = logging.getLogger(__name__)
Wanted = tuple[str, str | None]  # an article URL and the source that listed it
MAX_LISTINGS = 50  # further listings a source may lead to (a sitemap index's sitemaps)


@dataclass
class WebRun:
    """What one run fetched: pages not modified, fetched, and those that gave no article."""

    listed: int = 0
    fetched: int = 0
    not_modified: int = 0
    pages: dict[str, Page] = field(default_factory=dict)  # by the article's doc_id


class WebIngest:
    """Fetches pages for the ingest pipeline and keeps their records."""

    def __init__(self, fetcher: Fetcher, state: WebState, concurrency: int = 4) -> None:
        self.fetcher, self.state, self.concurrency = fetcher, state, concurrency
        self.run = WebRun()
        self._unchanged: list[Page] = []

    def poll_sources(self, report: LoadReport) -> list[tuple[Link, str]]:
        """The links every followed source lists now, each with its source; a source that
        fails is recorded with its error and named in ``report``."""
        links: list[tuple[Link, str]] = []
        for source in self.state.sources():
            fetched = self.fetcher.fetch(source.url, source.validators, kinds=FEED_TYPES)
            found, kind, error = self.listed(source.url, fetched)
            self.state.polled(source.url, kind, error, fetched.validators)
            if error:
                report.failed.append(Problem(source.url, error))
            links += [(link, source.url) for link in found]
        return links

    def listed(self, url: str, fetched: Fetched) -> tuple[list[Link], str | None, str | None]:
        """(links, kind, error) of a source's response; none when it was not modified."""
        if fetched.not_modified:
            return [], None, None
        if not fetched.ok:
            return [], None, fetched.error
        listing = read_listing(fetched.final_url or url, fetched.body)
        links, kind = list(listing.links), listing.kind
        for more in listing.more[:MAX_LISTINGS]:  # a sitemap index's sitemaps, a page's feeds
            sub = self.fetcher.fetch(more, kinds=FEED_TYPES)
            if sub.ok:
                links += read_listing(sub.final_url or more, sub.body).links
            else:
                log.info("%s: %s", more, sub.error)
        if kind == "unknown" or (kind == "page" and not listing.more):
            return [], kind, "neither a feed, a sitemap nor a page that links one"
        return links, kind, None

    def articles(
        self, links: Iterable[tuple[str, str | None]], report: LoadReport
    ) -> Iterator[Article]:
        """The articles of ``links`` (url, source), fetched several at a time; pages that fail
        go to ``report``, pages not modified are only recorded."""
        firsts: dict[str, str | None] = {}
        for url, source in links:  # one fetch a URL, credited to the first source listing it
            firsts.setdefault(canonical(url), source)
        known = self.state.pages(firsts)
        # a page that gave no article and no way to ask whether it changed is not asked again
        wanted = [(u, s) for u, s in firsts.items() if not _given_up(known.get(u))]
        self.run.listed += len(wanted)
        with ThreadPoolExecutor(self.concurrency, thread_name_prefix="vnqa-fetch") as pool:
            for (url, source), fetched in _bounded(
                pool, wanted, known, self.fetcher, self.concurrency * 2
            ):
                article = self._article(url, source, fetched, known.get(url), report)
                if article is not None:
                    yield article

    def _article(
        self, url: str, source: str | None, fetched: Fetched, old: Page | None, report: LoadReport
    ) -> Article | None:
        if fetched.not_modified and old is not None:
            self.run.not_modified += 1
            self._unchanged.append(Page(url, source or old.source, old.doc_id, old.validators))
            return None
        if not fetched.ok:
            report.failed.append(Problem(url, fetched.error or f"HTTP {fetched.status}"))
            if fetched.error and not fetched.error.startswith(RETRIED):
                self._unchanged.append(Page(url, source, None, fetched.validators))
            return None
        self.run.fetched += 1
        final = fetched.final_url or url
        try:
            html = decode_bytes(fetched.body, url)
            article = article_from_html(html, doc_id=canonical(final), origin=url, url=final)
        except ValueError as exc:
            report.failed.append(Problem(url, str(exc)))
            self._unchanged.append(Page(url, source, None, fetched.validators))
            return None
        doc_id = canonical(article.source)  # its rel=canonical, when it names one
        article = _with_id(article, doc_id)
        self.run.pages[doc_id] = Page(url, source, doc_id, fetched.validators)
        return article

    def also(self, doc_ids: list[str]) -> Callable:
        """The page records of a batch's articles, to commit with them."""
        return self.state.writer([self.run.pages[d] for d in doc_ids if d in self.run.pages])

    def finish(self, settled: set[str]) -> None:
        """Record the pages of the run that need no more work: not modified, without an
        article, or whose article is now stored as fetched (``settled``). A page whose
        article an interrupted run did not write stays unrecorded, so it is fetched whole
        again, never answered 304 on the strength of a version the store lacks."""
        done = [p for d, p in self.run.pages.items() if d in settled]
        self.state.record([*self._unchanged, *done])
        self._unchanged.clear()

    def close(self) -> None:
        """Close the fetcher's connections."""
        self.fetcher.close()

    def __enter__(self) -> WebIngest:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# Failures worth trying again at the next poll; any other is final for that URL.
RETRIED = ("timed out", "cannot connect", "robots.txt cannot", "HTTP 5", "HTTP 404", "HTTP 429")


def _given_up(page: Page | None) -> bool:
    """A page fetched before that gave no article and has no validators to ask with."""
    return page is not None and page.doc_id is None and not any(vars(page.validators).values())


def _with_id(article: Article, doc_id: str) -> Article:
    return replace(article, doc_id=doc_id, source=doc_id)


def _bounded(
    pool: ThreadPoolExecutor, wanted: list[Wanted], known: dict, fetcher: Fetcher, ahead: int
) -> Iterator[tuple[Wanted, Fetched]]:
    """Fetch results in order, with at most ``ahead`` requests queued (memory stays flat)."""
    queue: deque[tuple[Wanted, Future[Fetched]]] = deque()
    items = iter(wanted)
    while True:
        while len(queue) < ahead and (item := next(items, None)) is not None:
            old = known.get(item[0])
            queue.append(
                (item, pool.submit(fetcher.fetch, item[0], old.validators if old else None))
            )
        if not queue:
            return
        item, future = queue.popleft()
        yield item, future.result()


def web_ingest(store: Store, policy: Policy, concurrency: int) -> WebIngest:
    """A ``WebIngest`` over a writable store's catalog."""
    return WebIngest(Fetcher(policy), WebState(store.catalog), concurrency)


def followed(store: Store) -> list[Source]:
    """The sources a store follows (none for a store that never followed any)."""
    return WebState(store.catalog).sources()
