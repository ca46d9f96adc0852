"""Secrets never leave the process: every stream and log line is redacted on the way out.

A record's message is not enough: exception text and tracebacks (PTB's errors quote the
request URL, which holds the bot token) and anything a library prints bypass it. So log
records are redacted whole when created, and the process's stdout and stderr are wrapped.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
from collections.abc import Callable
from typing import Any, TextIO
from urllib.parse import quote

MASK = "<secret>"
# Who wrote to the bot, as the Telegram libraries log it at DEBUG (raw updates): ids and names
# are masked in their records, so no user id reaches a log in clear.
PEOPLE_LOGGERS = ("telegram", "httpx", "httpcore", "apscheduler")
_PEOPLE = re.compile(
    r"""(?P<key>(?<!\w)['"]?(?:id|user_id|chat_id|first_name|last_name|username)['"]?\s*[:=]\s*)"""
    r"""(?P<value>-?\d+|'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
)
_SECRETS: set[str] = set()
_LOCK = threading.Lock()
MIN_SECRET_CHARS = 6  # shorter values would mask ordinary words


def register_secret(secret: str) -> None:
    """Mask ``secret`` (and its URL-encoded form) in everything written from now on."""
    if len(secret) < MIN_SECRET_CHARS:
        return
    with _LOCK:
        _SECRETS.update({secret, quote(secret, safe=""), quote(secret)})
    _install()


def mask_people(text: str) -> str:
    """``text`` with Telegram users' ids and names masked."""
    return _PEOPLE.sub(lambda m: f"{m.group('key')}<user>", text)


def redact(text: str) -> str:
    """``text`` with every registered secret masked."""
    for secret in sorted(_SECRETS, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, MASK)
    return text


class _RedactingStream:
    """A text stream that masks secrets in what is written, delegating everything else."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(redact(text) if _SECRETS else text)
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _redacting_factory(previous: Callable[..., logging.LogRecord]) -> Callable[..., Any]:
    """Log records whose message, exception text and stack are redacted when created, so
    every handler (a file, the console, pytest's capture) gets only the masked text."""

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        people = record.name.startswith(PEOPLE_LOGGERS)
        if not _SECRETS and not people:
            return record
        message = record.getMessage() if isinstance(record.msg, str) else str(record.msg)
        record.msg, record.args = redact(mask_people(message) if people else message), ()
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return record

    factory.vnqa_redacting = True  # type: ignore[attr-defined]
    return factory


def protect_streams() -> None:
    """Wrap this process's stdout and stderr (entry points call it once, at start)."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and not isinstance(stream, _RedactingStream):
            setattr(sys, name, _RedactingStream(stream))


def _install() -> None:
    """Redact log records from now on (once)."""
    current = logging.getLogRecordFactory()
    if not getattr(current, "vnqa_redacting", False):
        logging.setLogRecordFactory(_redacting_factory(current))
