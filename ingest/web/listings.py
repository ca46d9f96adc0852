"""What a followed source lists: the article URLs of an RSS or Atom feed (feedparser) or of
a sitemap, a sitemap index or a Google News sitemap (ultimate-sitemap-parser), and the feeds
a site's front page links to. Parsers are maintained libraries; nothing here reads XML."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin

log = logging.getLogger(__name__)
FEED_LINK_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")


@dataclass(frozen=True)
class Link:
    """An article a source lists, with what the listing says of it."""

    url: str
    title: str | None = None
    published: datetime | None = None


@dataclass(frozen=True)
class Listing:
    """A source read: its kind, the articles it lists, and further listings to read (a
    sitemap index's sitemaps, a front page's feeds)."""

    kind: str  # rss, atom, sitemap, sitemap-index, page
    links: list[Link] = field(default_factory=list)
    more: list[str] = field(default_factory=list)


def read_listing(url: str, body: bytes) -> Listing:
    """The listing ``body`` (fetched from ``url``) holds; kind 'unknown' when it is none."""
    head = body[:2048].lstrip().lower()
    if b"<urlset" in head or b"<sitemapindex" in head:
        return _sitemap(body)
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head[:300]:
        return _front_page(url, body)
    return _feed(body)


def _sitemap(body: bytes) -> Listing:
    from usp.tree import sitemap_from_str

    tree = sitemap_from_str(body.decode("utf-8", "replace"))
    subs = [s.url for s in getattr(tree, "sub_sitemaps", [])]
    links = [
        Link(p.url, p.news_story.title if p.news_story else None, _when(p))
        for p in tree.all_pages()
    ]
    return Listing("sitemap-index" if subs else "sitemap", links, subs)


def _when(page: object) -> datetime | None:
    news = getattr(page, "news_story", None)
    when = (news.publish_date if news else None) or getattr(page, "last_modified", None)
    if when is not None and when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when


def _feed(body: bytes) -> Listing:
    import feedparser

    parsed = feedparser.parse(body)
    if not parsed.get("version") and not parsed.entries:
        return Listing("unknown")
    links = []
    for entry in parsed.entries:
        link = entry.get("link")
        if not link:
            continue
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        when = datetime(*stamp[:6], tzinfo=UTC) if stamp else None
        links.append(Link(link, entry.get("title"), when))
    kind = "atom" if str(parsed.get("version", "")).startswith("atom") else "rss"
    return Listing(kind, links)


def _front_page(url: str, body: bytes) -> Listing:
    """A site's front page: the feeds it links to (<link rel="alternate" type=…rss+xml>)."""
    from lxml import etree
    from lxml import html as lxml_html

    try:
        tree = lxml_html.document_fromstring(body)
    except (etree.ParserError, ValueError):
        return Listing("unknown")
    feeds = [
        urljoin(url, link.get("href", ""))
        for link in tree.iter("link")
        if "alternate" in (link.get("rel") or "").lower().split()
        and (link.get("type") or "").lower() in FEED_LINK_TYPES
        and link.get("href")
    ]
    return Listing("page", [], list(dict.fromkeys(feeds)))
