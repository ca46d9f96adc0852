"""Vietnamese text normalisation shared by ingest and query time."""

from __future__ import annotations

import logging
import re
import unicodedata

log = logging.getLogger(__name__)

# Tone marks that sit on a vowel in Vietnamese (grave, acute, hook, tilde, dot below).
_TONES = "\u0300\u0301\u0309\u0303\u0323"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_MOJIBAKE_HINT = re.compile(r"(?:Ã.|Ä.|Æ.|á[º»]|â€)")


def _tone_tables() -> tuple[dict[str, str], re.Pattern[str]]:
    """Map 'oà'-style spellings (mark on the 2nd vowel) to 'òa' (mark on the 1st)."""
    table: dict[str, str] = {}
    for first, second in (("o", "a"), ("o", "e"), ("u", "y")):
        for tone in _TONES:
            for f, s in ((first, second), (first.upper(), second.upper()), (first.upper(), second)):
                new = f + unicodedata.normalize("NFC", s + tone)
                old = unicodedata.normalize("NFC", f + tone) + s
                table[new] = old
    # Only at the end of a syllable ("hoàn" is correct as is) and never after q ("quý").
    pattern = re.compile(r"(?<![qQ])(" + "|".join(map(re.escape, table)) + r")(?![^\W\d_])")
    return table, pattern


_TONE_TABLE, _TONE_PATTERN = _tone_tables()


def canonical_tones(text: str) -> str:
    """Place tone marks of oa/oe/uy one way: 'hoà' -> 'hòa', 'thuỷ' -> 'thủy', 'Uỷ' -> 'Ủy'."""
    return _TONE_PATTERN.sub(lambda m: _TONE_TABLE[m.group(1)], text)


def normalize_text(text: str) -> str:
    """NFC, Ð->Đ, no control or zero-width characters, single spaces, trimmed lines."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00d0", "\u0110").replace("\u00f0", "\u0111")
    text = _CONTROL.sub("", text)
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(lines)


def normalize_query(text: str) -> str:
    """The form of a query or passage used for matching (not for display)."""
    return canonical_tones(normalize_text(text))


def strip_diacritics(text: str) -> str:
    """Remove Vietnamese diacritics and fold đ/Đ to d/D: 'Bí thư Đức' -> 'Bi thu Duc'."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped)


def has_diacritics(text: str) -> bool:
    """True when the text carries any Vietnamese accent or đ."""
    return strip_diacritics(text) != text


def fix_mojibake_line(line: str) -> str:
    """Repair a line of UTF-8 that was decoded as windows-1252 ('Thá»§ Ä‘Ã´' -> 'Thủ đô')."""
    if not _MOJIBAKE_HINT.search(line):
        return line
    try:
        raw = bytes(_cp1252_byte(c) for c in line)
        fixed = raw.decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return line
    return fixed


def _cp1252_byte(char: str) -> int:
    try:
        return char.encode("cp1252")[0]
    except UnicodeEncodeError:
        code = ord(char)
        if code < 256:  # the five bytes cp1252 leaves undefined come through as C1 controls
            return code
        raise ValueError(char) from None


def decode_bytes(data: bytes, name: str = "<input>") -> str:
    """Decode file bytes: UTF-8 (with or without BOM), else cp1258, with a warning."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        log.warning("%s is not UTF-8; decoded as Vietnamese Windows-1258", name)
        text = data.decode("cp1258", errors="replace")
    return "\n".join(fix_mojibake_line(line) for line in text.split("\n"))
