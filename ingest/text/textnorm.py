"""Vietnamese text normalisation shared by ingest and query time."""

from __future__ import annotations

import html
import logging
import re
import unicodedata

log = logging.getLogger(__name__)

# Tone marks that sit on a vowel in Vietnamese (grave, acute, hook, tilde, dot below).
_TONES = "\u0300\u0301\u0309\u0303\u0323"
# Control characters separate words (a space); invisible marks sit inside them (nothing).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_INVISIBLE = re.compile(r"[\u200b-\u200f\u2060\ufeff\u00ad]")
_TAG = re.compile(r"</?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>")
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
    text = _INVISIBLE.sub("", _CONTROL.sub(" ", text))
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(lines)


def normalize_query(text: str) -> str:
    """The form of a query or passage used for matching (not for display)."""
    return canonical_tones(normalize_text(text))


def question_text(text: str) -> str:
    """A question as typed or pasted, as text: HTML tags dropped and entities read
    ('<b>Ai</b> là…', '&amp;'), then normalised for matching."""
    return normalize_query(html.unescape(_TAG.sub(" ", text)))


def strip_diacritics(text: str) -> str:
    """Remove Vietnamese diacritics and fold đ/Đ to d/D: 'Bí thư Đức' -> 'Bi thu Duc'."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped)


def has_diacritics(text: str) -> bool:
    """True when the text carries any Vietnamese accent or đ."""
    return strip_diacritics(text) != text


# A no-break space (byte A0) inside a UTF-8 sequence often became a plain space on the way,
# merged with the space after the character ("là ai" -> "lÃ ai").
_LOST_NBSP_END = re.compile(rb"(?<=[\xc2-\xdf])\x20")
_LOST_NBSP_MID = re.compile(rb"(?<=[\xe0-\xef])\x20(?=[\x80-\xbf])")
MAX_REPAIR_LOSS = 0.05  # of a repaired line's characters that may stay unreadable


def fix_mojibake_line(line: str) -> str:
    """Repair a line of UTF-8 that was decoded as windows-1252 ('Thá»§ Ä‘Ã´' -> 'Thủ đô').

    Where a few bytes were lost on the way, the rest of the line is still repaired and the
    unreadable characters are dropped.
    """
    if not _MOJIBAKE_HINT.search(line):
        return line
    try:
        raw = bytes(_cp1252_byte(c) for c in line)
    except ValueError:
        return line
    raw = _LOST_NBSP_MID.sub(b"\xa0", _LOST_NBSP_END.sub(b"\xa0 ", raw))
    fixed = raw.decode("utf-8", errors="replace")
    if fixed.count("\ufffd") > MAX_REPAIR_LOSS * len(fixed):
        return line
    return fixed.replace("\ufffd", "")


def _cp1252_byte(char: str) -> int:
    try:
        return char.encode("cp1252")[0]
    except UnicodeEncodeError:
        code = ord(char)
        if code < 256:  # the five bytes cp1252 leaves undefined come through as C1 controls
            return code
        raise ValueError(char) from None


def decode_bytes(data: bytes, name: str = "<input>") -> str:
    """Decode file bytes: UTF-8 (with or without BOM); a legacy code page only when the file
    as a whole looks like one.

    A UTF-8 file with a few stray bytes stays UTF-8: the bad bytes are dropped and reported.
    Lines of UTF-8 that were once decoded as Windows-1252 ('Thá»§ Ä‘Ã´') are repaired.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("utf-8-sig", errors="replace")
        bad = text.count("\ufffd")
        good = sum(1 for c in text if ord(c) > 127) - bad
        if good <= bad:
            log.warning("%s is not UTF-8; decoded as Vietnamese Windows-1258", name)
            return data.decode("cp1258", errors="replace")
        first = text[: text.index("\ufffd")].count("\n") + 1
        log.warning(
            "%s: %d bytes that are not UTF-8 were dropped (the first on line %d)", name, bad, first
        )
        text = text.replace("\ufffd", "")
    return "\n".join(fix_mojibake_line(line) for line in text.split("\n"))


MIN_LETTER_SHARE = 0.6  # of visible characters; random bytes give ~0.5, prose ~0.8
MAX_CONTROL_SHARE = 0.01
MIN_CHARS_FOR_SHARE = 200


def looks_like_text(text: str, *, prose: bool = True) -> bool:
    """True for human-readable text: hardly any control codes and, for ``prose`` (not
    markup), mostly letters and digits."""
    visible = [c for c in text if not c.isspace()]
    if not visible:
        return True  # empty: nothing binary about it (callers report empty files themselves)
    control = sum(1 for c in visible if c < " " or c == "\x7f")  # C1 codes are mojibake, not binary
    if control > MAX_CONTROL_SHARE * len(visible):
        return False
    if not prose or len(visible) < MIN_CHARS_FOR_SHARE:  # a few marks are no evidence
        return True
    return sum(1 for c in visible if c.isalnum()) >= MIN_LETTER_SHARE * len(visible)
