"""Read articles from files and folders: scraped .txt, .md, .html and .json/.jsonl."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlparse

from ingest.models import Article
from ingest.sources.clean import clean_page
from ingest.sources.dates import parse_date
from ingest.sources.html_page import article_from_html
from ingest.sources.paths import one_line, path_text
from ingest.sources.records import parse_record
from ingest.text.textnorm import decode_bytes, looks_like_text, normalize_text

log = logging.getLogger(__name__)

SUPPORTED = {".txt", ".md", ".markdown", ".html", ".htm", ".jsonl", ".json"}
MAX_PAGE_BYTES = 5 * 1024 * 1024  # one article in one file
MAX_LINE_BYTES = 5 * 1024 * 1024  # one article on one JSON line
MAX_JSON_BYTES = 512 * 1024 * 1024  # a .json list is read whole


@dataclass(frozen=True)
class Problem:
    """A file or line that was not ingested, and why."""

    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return one_line(f"{where}: {self.message}")


@dataclass
class LoadReport:
    """What the loaders passed over (unsupported) or could not read (failed)."""

    skipped: list[Problem] = field(default_factory=list)
    failed: list[Problem] = field(default_factory=list)
    files: set[str] = field(default_factory=set)  # files read, for --prune


def _file_doc_id(path: Path) -> str:
    digest = hashlib.sha1(os.fsencode(path)).hexdigest()[:10]
    return f"{Path(path_text(path)).stem[:60]}-{digest}"


def _read_bytes(path: Path, limit: int) -> bytes:
    size = path.stat().st_size
    if size == 0:
        raise ValueError("empty file; nothing to ingest")
    if size > limit:
        raise ValueError(
            f"file is {size // 1024 // 1024} MiB, over the {limit // 2**20} MiB limit "
            "for one article; split it or use .jsonl"
        )
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise ValueError("binary file (NUL bytes); expected text")
    return data


def _read_text(path: Path, limit: int, *, prose: bool = True) -> str:
    """The decoded file; refused when it is not text (a binary file, a data dump)."""
    text = decode_bytes(_read_bytes(path, limit), path_text(path))
    if not looks_like_text(text, prose=prose):
        raise ValueError("this is not text (mostly symbols or control codes); is it a binary file?")
    return text


def load_text_page(path: Path) -> Article:
    """A scraped page saved as plain text (.txt)."""
    page = clean_page(_read_text(path, MAX_PAGE_BYTES))
    return Article(
        doc_id=_file_doc_id(path),
        title=page.title,
        text=page.body,
        source=path_text(path),
        published=page.published,
        author=page.author,
        origin=path_text(path),
    )


_MD_FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_MARKS = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+)|[*_`]{1,3}", re.MULTILINE)


def load_markdown(path: Path) -> Article:
    """A Markdown article: optional front matter, a '# ' title, then text."""
    text = normalize_text(_read_text(path, MAX_PAGE_BYTES))
    meta: dict[str, str] = {}
    front = _MD_FRONT.match(text + "\n")
    if front:
        for line in front.group(1).split("\n"):
            key, _, value = line.partition(":")
            meta[key.strip().lower()] = value.strip().strip("\"'")
        text = text[front.end() :]
    lines = [line for line in text.split("\n") if line.strip()]
    title = meta.get("title") or (lines.pop(0) if lines else "")
    if lines and _MD_MARKS.sub("", lines[0]).strip() == _MD_MARKS.sub("", title).strip():
        lines.pop(0)
    body = _MD_MARKS.sub("", _MD_LINK.sub(r"\1", "\n".join(lines)))
    return Article(
        doc_id=_file_doc_id(path),
        title=_MD_MARKS.sub("", title).strip(),
        text=body.strip(),
        source=meta.get("url") or path_text(path),
        published=parse_date(meta.get("date")),
        author=meta.get("author"),
        site=meta.get("site"),
        origin=path_text(path),
    )


def load_html(path: Path) -> Article:
    """An HTML page: main text and metadata by trafilatura."""
    html = _read_text(path, MAX_PAGE_BYTES * 4, prose=False)
    return article_from_html(html, doc_id=_file_doc_id(path), origin=path_text(path))


def article_from_record(
    record: Any, origin: Path, line: int, seen: Counter[str] | None = None
) -> Article:
    """One JSON object: title, content|text|body, optional id, url, published, author, site.

    A record without an id or url gets one from its file and title, which stays the same
    when the record is edited or moved; ``seen`` counts the titles met so far in the file,
    so that a second record of the same title gets an id of its own ('#2'), not the first's.
    """
    rec = parse_record(record)
    url = rec.url or None
    title = normalize_text(rec.title or "").replace("\n", " ")
    doc_id = rec.id or url or _derived_id(origin, title or str(line), seen)
    return Article(
        doc_id=doc_id,
        title=title,
        text=normalize_text(rec.article_text or "").strip(),
        source=url or f"{path_text(origin)}#{rec.id or line}",
        published=rec.published_at(),
        author=normalize_text(rec.author or "").strip() or None,
        site=rec.site or (urlparse(url).hostname if url else None),
        origin=path_text(origin),
    )


def _derived_id(origin: Path, key: str, seen: Counter[str] | None) -> str:
    if seen is not None:
        seen[key] += 1
        if seen[key] > 1:
            key = f"{key}#{seen[key]}"
    return _file_doc_id(Path(f"{origin}#{key}"))


# What a bad JSON line or record can raise: a malformed or deeply nested value.
RECORD_ERRORS = (ValueError, TypeError, RecursionError)


def _lines(fh: BinaryIO, limit: int) -> Iterator[tuple[int, bytes | None]]:
    """Numbered lines of ``fh``, None for one over ``limit`` bytes, which is skipped without
    ever being held whole (a multi-GB minified dump is one line)."""
    n = 0
    while raw := fh.readline(limit + 1):
        n += 1
        if len(raw) <= limit or raw.endswith(b"\n"):
            yield n, raw
            continue
        while (rest := fh.readline(1 << 20)) and not rest.endswith(b"\n"):
            pass
        yield n, None


def _iter_jsonl(path: Path, report: LoadReport) -> Iterator[Article]:
    seen: Counter[str] = Counter()
    with path.open("rb") as fh:
        for n, raw in _lines(fh, MAX_LINE_BYTES):
            if raw is not None and not raw.strip():
                continue
            try:
                if raw is None or len(raw.rstrip(b"\r\n")) > MAX_LINE_BYTES:
                    raise ValueError(f"line is over {MAX_LINE_BYTES // 2**20} MiB")
                text = decode_bytes(raw, f"{path_text(path)}:{n}").rstrip("\r\n")
                yield article_from_record(json.loads(text), path, n, seen)
            except RECORD_ERRORS as exc:
                report.failed.append(Problem(path_text(path), _json_message(exc), n))


def _json_message(exc: BaseException) -> str:
    if isinstance(exc, json.JSONDecodeError):
        where = f"line {exc.lineno} column {exc.colno}" if exc.lineno > 1 else f"column {exc.colno}"
        return f"invalid JSON at {where}: {exc.msg}; fix or remove it"
    if isinstance(exc, RecursionError):
        return "JSON nested too deeply to be an article; fix or remove it"
    return str(exc)


def _iter_json(path: Path, report: LoadReport) -> Iterator[Article]:
    data = json.loads(decode_bytes(_read_bytes(path, MAX_JSON_BYTES), path_text(path)))
    records = data if isinstance(data, list) else [data]
    seen: Counter[str] = Counter()
    for n, record in enumerate(records, start=1):
        try:
            yield article_from_record(record, path, n, seen)
        except RECORD_ERRORS as exc:
            report.failed.append(Problem(path_text(path), f"item {n}: {_json_message(exc)}"))


_SINGLE = {
    ".txt": load_text_page,
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".html": load_html,
    ".htm": load_html,
}


def _with_text(article: Article) -> Article:
    """A short item with only a headline is still an article: its title is its text."""
    if not article.text.strip() and article.title.strip():
        article = replace(article, text=article.title)
    if not article.text.strip():
        raise ValueError("no article text found: the file holds only site furniture or markup")
    return article


def iter_file(path: Path, report: LoadReport) -> Iterator[Article]:
    """The articles in one file; problems go to ``report``."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        report.skipped.append(
            Problem(path_text(path), f"unsupported file type '{suffix or path.name}'")
        )
        return
    report.files.add(path_text(path))
    try:
        if suffix == ".jsonl":
            yield from _iter_jsonl(path, report)
        elif suffix == ".json":
            yield from _iter_json(path, report)
        else:
            yield _with_text(_SINGLE[suffix](path))
    except (json.JSONDecodeError, RecursionError) as exc:
        report.failed.append(Problem(path_text(path), _json_message(exc)))
    except (OSError, ValueError) as exc:
        report.failed.append(Problem(path_text(path), getattr(exc, "strerror", None) or str(exc)))


def _walk(root: Path, report: LoadReport) -> Iterator[Path]:
    """Files under ``root`` in name order, hidden ones left out; unreadable folders are
    reported, never silently skipped."""

    def unreadable(exc: OSError) -> None:
        where = path_text(exc.filename or root)
        report.failed.append(Problem(where, f"cannot read this folder: {exc.strerror}"))

    for folder, dirs, files in os.walk(root, onerror=unreadable):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(folder) / name
            if not name.startswith(".") and path.is_file():
                yield path


def iter_paths(paths: Iterable[Path], report: LoadReport) -> Iterator[Path]:
    """Files under the given paths, folders walked recursively in name order."""
    for given in paths:
        path = given.expanduser().resolve()
        if path.is_dir():
            yield from _walk(path, report)
        elif path.is_file():
            yield path
        else:
            report.failed.append(Problem(path_text(given), "no such file or folder"))


def iter_articles(paths: Iterable[Path], report: LoadReport) -> Iterator[Article]:
    """Every article under ``paths``; unreadable input is recorded in ``report``."""
    for path in iter_paths(paths, report):
        yield from iter_file(path, report)
