"""A news site on a loopback port, with everything a followed site serves and some of what
goes wrong: an RSS feed, an Atom feed, a sitemap index with a plain and a Google News
sitemap, a front page linking its feed, robots.txt disallowing a path, ETag and
Last-Modified with 304s, a page failing once, a slow page, a 20 MB page, a redirect loop and
a PDF. Every request is logged."""

from __future__ import annotations

import contextlib
import hashlib
import html
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from tests.fake_telegram import _Loopback

START = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
PLACES = ["Đông Anh", "Sóc Sơn", "Gia Lâm", "Thạch Thất", "Ba Vì", "Mê Linh", "Phú Xuyên"]


@dataclass
class Story:
    """One article the site serves."""

    path: str
    title: str
    body: list[str]
    published: datetime
    version: int = 1

    def page(self) -> bytes:
        paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in self.body)
        return (
            "<!doctype html><html><head><meta charset='utf-8'>"
            f"<title>{html.escape(self.title)}</title>"
            f"<meta property='article:published_time' content='{self.published.isoformat()}'>"
            "</head><body><nav><a href='/'>Trang chủ</a> | <a href='/tin'>Tin tức</a></nav>"
            f"<article><h1>{html.escape(self.title)}</h1>{paragraphs}</article>"
            "<footer>Bản quyền thuộc Cổng thông tin điện tử huyện. Liên hệ: 024 1234 5678</footer>"
            "</body></html>"
        ).encode()

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha1(self.page()).hexdigest()[:12] + '"'


def story(i: int) -> Story:
    """The i-th article: one fact of its own, said in a few sentences."""
    place = PLACES[i % len(PLACES)]
    km = 10 + i
    return Story(
        f"/tin/{i}.html",
        f"{place} làm đường liên xã số {i}",
        [
            f"Huyện {place} khởi công tuyến đường liên xã số {i} dài {km} km vào sáng nay.",
            f"Tổng mức đầu tư của tuyến đường số {i} là {i * 3 + 40} tỷ đồng từ ngân sách huyện.",
            "Công trình dự kiến hoàn thành sau 18 tháng thi công, phục vụ hàng nghìn hộ dân.",
        ],
        START + timedelta(hours=i),
    )


@dataclass
class Site:
    """What is served, and what was asked."""

    stories: dict[str, Story] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    fail_once: set[str] = field(default_factory=lambda: {"/flaky.html"})
    slow_seconds: float = 3.0

    def rss(self) -> bytes:
        items = "".join(
            f"<item><title>{html.escape(s.title)}</title><link>{{base}}{s.path}</link>"
            f"<guid>{{base}}{s.path}</guid>"
            f"<pubDate>{s.published.strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate></item>"
            for s in self.stories.values()
        )
        extra = "".join(
            f"<item><title>{p}</title><link>{{base}}{p}</link></item>"
            for p in ("/flaky.html", "/slow.html", "/big.html", "/loop", "/doc.pdf",
                      "/private/secret.html", "/tin/0.html?utm_source=rss#top")
        )  # fmt: skip
        return (
            "<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'><channel>"
            f"<title>Tin huyện</title><link>{{base}}/</link>{items}{extra}</channel></rss>"
        ).encode()

    def atom(self, paths: list[str]) -> bytes:
        entries = "".join(
            f"<entry><title>{html.escape(self.stories[p].title)}</title>"
            f"<link href='{{base}}{p}'/><id>{{base}}{p}</id>"
            f"<updated>{self.stories[p].published.isoformat()}</updated></entry>"
            for p in paths
        )
        return (
            "<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'>"
            "<title>Tin mới</title><id>{base}/atom.xml</id>"
            f"<updated>2024-03-01T08:00:00Z</updated>{entries}</feed>"
        ).encode()


class NewsSite(_Loopback):
    """The site on 127.0.0.1, served from a daemon thread; ``base`` is its root URL."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.lock = threading.Lock()
        news = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with news.lock:
                    news.site.requests.append((self.path, dict(self.headers.items())))
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    news.respond(self)

            def log_message(self, *args: Any) -> None:
                pass

        self.serve(Handler, root="")
        self.base = self.base_url

    def respond(self, h: BaseHTTPRequestHandler) -> None:
        path = h.path.split("#")[0]
        plain = path.split("?")[0]
        s = self.site
        routes = {
            "/robots.txt": lambda: (200, "text/plain", b"User-agent: *\nDisallow: /private/\n"),
            "/feed.xml": lambda: (200, "application/rss+xml", s.rss()),
            "/atom.xml": lambda: (200, "application/atom+xml", s.atom(list(s.stories)[:3])),
            "/sitemap_index.xml": lambda: (200, "application/xml", self._index()),
            "/sitemap1.xml": lambda: (200, "application/xml", self._urlset(0)),
            "/sitemap2.xml": lambda: (200, "application/xml", self._urlset(1)),
            "/": lambda: (200, "text/html", self._front()),
            "/doc.pdf": lambda: (200, "application/pdf", b"%PDF-1.4 " + b"x" * 100),
        }
        if plain in routes:
            status, kind, body = routes[plain]()
            return self._send(h, status, kind, body.replace(b"{base}", self.base.encode()))
        if plain == "/loop":
            return self._redirect(h, "/loop2")
        if plain == "/loop2":
            return self._redirect(h, "/loop")
        if plain in s.fail_once:
            s.fail_once.discard(plain)
            return self._send(h, 500, "text/plain", b"server error")
        if plain == "/slow.html":
            time.sleep(s.slow_seconds)
        if plain == "/big.html":
            return self._send(h, 200, "text/html", b"<html><body>" + b"x" * (20 * 2**20))
        found = s.stories.get(plain) or (
            story(99) if plain in ("/flaky.html", "/slow.html") else None
        )
        if found is None:
            return self._send(h, 404, "text/plain", b"not found")
        if h.headers.get("If-None-Match") == found.etag:
            return self._send(h, 304, "", b"", etag=found.etag)
        return self._send(h, 200, "text/html; charset=utf-8", found.page(), etag=found.etag)

    def _front(self) -> bytes:
        return (
            "<!doctype html><html><head><title>Cổng thông tin huyện</title>"
            "<link rel='alternate' type='application/rss+xml' href='/feed.xml'></head>"
            "<body><h1>Tin tức</h1></body></html>"
        ).encode()

    def _index(self) -> bytes:
        return (
            b"<?xml version='1.0' encoding='UTF-8'?>"
            b"<sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
            b"<sitemap><loc>{base}/sitemap1.xml</loc></sitemap>"
            b"<sitemap><loc>{base}/sitemap2.xml</loc></sitemap></sitemapindex>"
        )

    def _urlset(self, half: int) -> bytes:
        paths = list(self.site.stories)[half::2]
        news = "xmlns:news='http://www.google.com/schemas/sitemap-news/0.9'"
        urls = "".join(
            f"<url><loc>{{base}}{p}</loc>"
            + (
                "<news:news><news:publication><news:name>Tin huyện</news:name>"
                "<news:language>vi</news:language></news:publication>"
                f"<news:publication_date>{self.site.stories[p].published.isoformat()}"
                f"</news:publication_date><news:title>{html.escape(self.site.stories[p].title)}"
                "</news:title></news:news>"
                if half
                else f"<lastmod>{self.site.stories[p].published.date()}</lastmod>"
            )
            + "</url>"
            for p in paths
        )
        return (
            "<?xml version='1.0' encoding='UTF-8'?>"
            f"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9' {news}>{urls}</urlset>"
        ).encode()

    @staticmethod
    def _send(
        h: BaseHTTPRequestHandler, status: int, kind: str, body: bytes, etag: str = ""
    ) -> None:
        h.send_response(status)
        if kind:
            h.send_header("Content-Type", kind)
        if etag:
            h.send_header("ETag", etag)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        if body and h.command != "HEAD":
            h.wfile.write(body)

    @staticmethod
    def _redirect(h: BaseHTTPRequestHandler, to: str) -> None:
        h.send_response(302)
        h.send_header("Location", to)
        h.send_header("Content-Length", "0")
        h.end_headers()

    def asked(self, path: str) -> list[dict[str, str]]:
        """The headers of every request for ``path`` (query and fragment ignored)."""
        with self.lock:
            return [hd for p, hd in self.site.requests if p.split("?")[0] == path]


def news_site(n: int = 6) -> NewsSite:
    """A site with ``n`` articles."""
    return NewsSite(Site({story(i).path: story(i) for i in range(n)}))


SEEDS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "seeds"
