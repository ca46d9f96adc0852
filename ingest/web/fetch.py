"""A polite, robust HTTP fetcher: robots.txt, a User-Agent with a contact, one request at a
time per host with a delay between them, conditional GET, retries with backoff, timeouts,
a size cap, a content-type check and a redirect limit. A failure is a result, not an error:
one site that is down or slow never stops the others."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
from protego import Protego

from ingest.web.urls import host

log = logging.getLogger(__name__)
RETRY_STATUSES = frozenset({500, 502, 503, 504})
HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = (*HTML_TYPES, "application/rss+xml", "application/atom+xml", "application/xml",
              "text/xml", "application/rdf+xml", "text/plain", "application/x-gzip")  # fmt: skip


@dataclass(frozen=True)
class Policy:
    """How politely and how patiently to fetch."""

    user_agent: str = "vnqa/0.1"
    delay: float = 1.0  # seconds between two requests to one host
    timeout: float = 15.0  # to connect, and between two reads
    max_bytes: int = 5 * 2**20
    retries: int = 2  # more tries after a 5xx or a timeout, waiting 1, 2, 4 … × backoff
    backoff: float = 1.0
    max_redirects: int = 5


@dataclass(frozen=True)
class Validators:
    """What a server said of a page's version, for a conditional GET."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class Fetched:
    """The outcome of one fetch: a body, 'not modified', or an error in words."""

    url: str
    final_url: str = ""
    status: int = 0
    body: bytes = b""
    content_type: str = ""
    validators: Validators = field(default_factory=Validators)
    error: str | None = None

    @property
    def ok(self) -> bool:
        """A body was fetched."""
        return self.error is None and self.status == 200

    @property
    def not_modified(self) -> bool:
        """The server said the version we have is current (304)."""
        return self.status == 304


class Fetcher:
    """Fetches URLs for one process; safe to call from several threads."""

    def __init__(self, policy: Policy, transport: httpx.BaseTransport | None = None) -> None:
        self.policy = policy
        self.client = httpx.Client(
            headers={"User-Agent": policy.user_agent},
            timeout=httpx.Timeout(policy.timeout),
            follow_redirects=True,
            max_redirects=policy.max_redirects,
            transport=transport,
        )
        self._lock = threading.Lock()
        self._hosts: dict[str, threading.Lock] = {}
        self._next: dict[str, float] = {}
        self._robots: dict[str, Protego] = {}
        self.sleep: Callable[[float], None] = time.sleep

    def close(self) -> None:
        """Close the connections."""
        self.client.close()

    def fetch(self, url: str, validators: Validators | None = None, *, kinds=HTML_TYPES) -> Fetched:
        """GET ``url`` (conditionally, given ``validators``) if robots.txt allows it."""
        refused = self.refusal(url)
        if refused:
            return Fetched(url, error=refused)
        headers = {}
        if validators and validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators and validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
        for attempt in range(self.policy.retries + 1):
            result = self._get(url, headers, kinds)
            retry = result.status in RETRY_STATUSES or result.error == "timed out"
            if not retry or attempt == self.policy.retries:
                return result
            wait = self.policy.backoff * 2**attempt
            log.info("%s: %s; trying again in %.1f s", url, result.error, wait)
            self.sleep(wait)
        return result

    def refusal(self, url: str) -> str | None:
        """Why ``url`` may not be fetched now, or None: the host's robots.txt disallows it,
        or that robots.txt cannot be read (tried again next time). A missing robots.txt
        (4xx) allows everything."""
        site = host(url)
        with self._lock:
            rules = self._robots.get(site)
        if rules is None:
            robots = self._get(f"{url.split(site, 1)[0]}{site}/robots.txt", {}, ())
            if robots.ok:
                rules = Protego.parse(robots.body.decode("utf-8", "replace"))
            elif 400 <= robots.status < 500:
                rules = Protego.parse("")
            else:
                return f"robots.txt cannot be read ({robots.error}); trying again later"
            with self._lock:
                self._robots[site] = rules
        if not rules.can_fetch(url, self.policy.user_agent):
            return "blocked by robots.txt"
        return None

    def _host_turn(self, site: str) -> threading.Lock:
        with self._lock:
            return self._hosts.setdefault(site, threading.Lock())

    def _get(self, url: str, headers: dict[str, str], kinds: tuple[str, ...]) -> Fetched:
        """One GET, after the host's delay, with the body read up to the size cap."""
        site = host(url)
        with self._host_turn(site):
            rules = self._robots.get(site)
            delay = max(self.policy.delay, (rules.crawl_delay(self.policy.user_agent) or 0)
                        if rules else 0)  # fmt: skip
            wait = self._next.get(site, 0.0) - time.monotonic()
            if wait > 0:
                self.sleep(wait)
            try:
                return self._read(url, headers, kinds)
            finally:
                self._next[site] = time.monotonic() + delay

    def _read(self, url: str, headers: dict[str, str], kinds: tuple[str, ...]) -> Fetched:
        try:
            with self.client.stream("GET", url, headers=headers) as response:
                return self._body(url, response, kinds)
        except httpx.TooManyRedirects:
            return Fetched(url, error=f"more than {self.policy.max_redirects} redirects")
        except httpx.TimeoutException:
            return Fetched(url, error="timed out")
        except httpx.HTTPError as exc:
            return Fetched(url, error=f"cannot connect ({type(exc).__name__})")

    def _body(self, url: str, response: httpx.Response, kinds: tuple[str, ...]) -> Fetched:
        final = str(response.url)
        found = Validators(response.headers.get("etag"), response.headers.get("last-modified"))
        kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
        common = {"final_url": final, "status": response.status_code, "validators": found}
        if response.status_code == 304:
            return Fetched(url, **common)
        if response.status_code != 200:
            return Fetched(url, **common, error=f"HTTP {response.status_code}")
        if kind and kinds and kind not in kinds:
            return Fetched(url, **common, content_type=kind, error=f"not HTML ({kind})")
        size = int(response.headers.get("content-length") or 0)
        if size > self.policy.max_bytes:
            return Fetched(url, **common, error=f"too large ({size // 2**20} MiB)")
        body = bytearray()
        for piece in response.iter_bytes():
            body += piece
            if len(body) > self.policy.max_bytes:
                limit = self.policy.max_bytes // 2**20
                return Fetched(url, **common, error=f"too large (over {limit} MiB)")
        return Fetched(url, **common, body=bytes(body), content_type=kind)
