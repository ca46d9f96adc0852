"""File names as text: a name that is not UTF-8 (common in zip archives made on Windows)
reaches Python with surrogate escapes, which cannot be stored, hashed as UTF-8, printed or
logged. Such bytes are written ``\\xNN``; ``exists`` reads that form back."""

from __future__ import annotations

import os
import re
from pathlib import Path

_ESCAPED = re.compile(rb"\\x([0-9a-f]{2})")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def path_text(path: Path | str) -> str:
    """The path as valid text: bytes that are not UTF-8 as ``\\xNN``."""
    raw = os.fsencode(path)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "backslashreplace")


def one_line(text: str) -> str:
    """``text`` with control characters (a newline in a file name) written ``\\xNN``."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)


def exists(text: str) -> bool | None:
    """Whether the file ``path_text`` gave ``text`` for is there; None when that cannot be
    told (a folder on the way that may not be read)."""
    try:
        if Path(text).exists():
            return True
        if "\\x" in text:
            raw = _ESCAPED.sub(lambda m: bytes([int(m.group(1), 16)]), text.encode("utf-8"))
            return Path(os.fsdecode(raw)).exists()
    except OSError:
        return None
    return False
