"""Vietnamese knowledge the answering core uses, in one place. Folded (unaccented) forms are
derived from the accented ones here, never retyped."""

from __future__ import annotations

import re

from ingest.text.textnorm import strip_diacritics


def folded(text: str) -> str:
    """Lower-case, without diacritics: the form names are compared in."""
    return strip_diacritics(text).lower()


def _both(words: list[str]) -> tuple[str, ...]:
    """Accented and folded forms, longest first (so 'huyện ủy' wins over 'huyện')."""
    forms = {w.lower() for w in words} | {folded(w) for w in words}
    return tuple(sorted(forms, key=lambda w: (-len(w.split()), -len(w), w)))


# Heads that put a place name after them: "huyện Đức Hòa", "Huyện ủy Thạch Thất".
PLACE_HEADS = _both(
    [
        "thị xã", "thành phố", "thị trấn", "huyện", "xã", "tỉnh", "quận", "phường", "thôn",
        "ấp", "bản", "làng", "tp", "huyện ủy", "tỉnh ủy", "thành ủy", "đảng ủy", "quận ủy",
        "thị ủy",
    ]
)  # fmt: skip
# Titles and offices that stand before a name without being part of it.
TITLE_WORDS = _both(
    [
        "bí thư", "phó bí thư", "chủ tịch", "phó chủ tịch", "giám đốc", "phó giám đốc",
        "trưởng ban", "bộ trưởng", "thứ trưởng", "thủ tướng", "tổng bí thư", "ủy ban nhân dân",
        "ubnd", "hội đồng nhân dân", "hđnd", "mặt trận tổ quốc", "đồng chí", "ông", "bà", "anh",
        "chị", "tác giả", "nhà văn", "ca sĩ", "tập đoàn", "công ty",
    ]
)  # fmt: skip
# Words that end a name: "huyện Đức Hòa là…", "huyen duc hoa la ai". Unaccented, only those
# that are no common syllable of a name ("duoc" is also Cần Đước, "nam" Hà Nam).
_ENDS_NAME_TEXT = """
là có được đã đang sẽ thì ở và của ai gì nào đâu bao mấy sao năm trong tại với từ đến nay
này đó vào khi lúc cho để bằng
"""
_ENDS_NAME_FOLDED_TEXT = "la co thi va cua ai gi nao dau bao trong tai voi tu den vao khi luc"
ENDS_NAME = frozenset(_ENDS_NAME_TEXT.split())
ENDS_NAME_FOLDED = frozenset(_ENDS_NAME_FOLDED_TEXT.split())
WORD = re.compile(r"\w+(?:-\w+)*")  # "ki-lô-mét" is one word; a bare "--" is none


def strip_leading(words: list[str], phrases: tuple[str, ...]) -> list[str]:
    """``words`` without the title or head phrases they start with (repeatedly)."""
    changed = True
    while words and changed:
        changed = False
        lowered = " ".join(words).lower()
        for phrase in phrases:
            if lowered == phrase or lowered.startswith(phrase + " "):
                words = words[len(phrase.split()) :]
                changed = True
                break
    return words
