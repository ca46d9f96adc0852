"""One canonical form of a URL, so that the same article is fetched and stored once."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import courlan


def is_url(text: str) -> bool:
    """Whether ``text`` is an http(s) URL rather than a file path."""
    parts = urlsplit(text.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def canonical(url: str) -> str:
    """Lower-case scheme and host, no default port, no tracking parameters (utm_* and the
    like), query parameters sorted, no fragment."""
    try:
        normal = courlan.normalize_url(url.strip(), strict=False)
    except ValueError:
        normal = url.strip()
    parts = urlsplit(normal)
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))


def host(url: str) -> str:
    """The host (and port) a URL is fetched from."""
    return urlsplit(url).netloc.lower()
