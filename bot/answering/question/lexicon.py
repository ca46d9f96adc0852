"""The Vietnamese language knowledge answering keeps, in one place: the name pattern,
abbreviations, question words, place heads (for follow-ups), what asks about an article
itself, and what asks for a number and how one is written. Folded (unaccented) forms are
derived from the accented ones here, never retyped."""

from __future__ import annotations

import re
import unicodedata

from ingest.text.textnorm import strip_diacritics


def folded(text: str) -> str:
    """Lower-case, without diacritics: the form names are compared in."""
    return strip_diacritics(text).lower()


def padded_words(text: str) -> str:
    """' w1 w2 … ': the folded words of ``text`` between spaces, so that a phrase occurs as
    whole words exactly when f' {phrase} ' is a substring."""
    return " " + " ".join(WORD.findall(folded(text))) + " "


def _both(words: list[str]) -> tuple[str, ...]:
    """Accented and folded forms, longest first (so 'huyện ủy' wins over 'huyện')."""
    forms = {w.lower() for w in words} | {folded(w) for w in words}
    return tuple(sorted(forms, key=lambda w: (-len(w.split()), -len(w), w)))


def _words(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """A word list's accented and folded sets."""
    words = text.split()
    return frozenset(words), frozenset(folded(w) for w in words)


def _alternation(words: list[str]) -> str:
    """A regex alternation of ``words`` in both forms, longest first."""
    return "|".join(re.escape(w) for w in _both(words))


WORD = re.compile(r"\w+(?:-\w+)*")  # "ki-lô-mét" is one word; a bare "--" is none
_TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # none, ` ´ ? ~ .
# Every capital Vietnamese letter, toned vowels derived ('Ấn Độ', 'Ứng Hòa'), never listed.
UPPER = "A-ZĐ" + "".join(
    sorted({unicodedata.normalize("NFC", v + t).upper() for v in "aăâeêioôơuưy" for t in _TONES})
)
# A capitalised word, and a run of them: "Phan Nhân Duy", "Đức Hòa".
CAPITALISED = rf"[{UPPER}][\wÀ-ỹ]*"
NAME = re.compile(rf"\b{CAPITALISED}(?:\s+{CAPITALISED})*")
# A run of two or more: what an answer states as a name ("Hà Nội", not the "Theo" opening it).
NAME_RUN = re.compile(rf"\b{CAPITALISED}(?:\s+{CAPITALISED})+")

# Abbreviations of Vietnamese public administration and news, matched both ways.
ABBREVIATIONS: dict[str, str] = {
    "UBND": "Ủy ban nhân dân", "HĐND": "Hội đồng nhân dân", "NTM": "nông thôn mới",
    "OCOP": "mỗi xã một sản phẩm", "NQ": "nghị quyết", "TP": "thành phố", "TX": "thị xã",
    "MTTQ": "Mặt trận Tổ quốc", "BCĐ": "Ban chỉ đạo", "BCH": "Ban Chấp hành",
    "BTV": "Ban Thường vụ", "ĐBQH": "đại biểu Quốc hội", "KT-XH": "kinh tế - xã hội",
    "CCHC": "cải cách hành chính", "KCN": "khu công nghiệp", "CCN": "cụm công nghiệp",
    "GPMB": "giải phóng mặt bằng", "ATTP": "an toàn thực phẩm", "HTX": "hợp tác xã",
    "BHXH": "bảo hiểm xã hội", "BHYT": "bảo hiểm y tế", "THCS": "trung học cơ sở",
    "THPT": "trung học phổ thông", "TAND": "Tòa án nhân dân",
    "VKSND": "Viện kiểm sát nhân dân", "CSGT": "cảnh sát giao thông",
    "PCCC": "phòng cháy chữa cháy", "TNGT": "tai nạn giao thông", "CSĐT": "cảnh sát điều tra",
    "CNTT": "công nghệ thông tin", "QĐ": "quyết định", "TTg": "Thủ tướng",
    "GD-ĐT": "giáo dục - đào tạo", "GRDP": "tổng sản phẩm trên địa bàn",
}  # fmt: skip


# Words that ask rather than tell: they never appear in the answer, so they are not searched.
STOP, STOP_FOLDED = _words("""
ai gì nào đâu bao nhiêu mấy sao thế nào như thế nào là gì khi nào bao giờ vì sao tại sao
không có phải hay hỏi cho biết xin được vậy thì nhỉ ạ à hả những các của và là
""")
# Words put before a person's name that are not part of it: "Ông Nguyễn Văn Vũ là ai?".
TITLES, _ = _words("ông bà anh chị cô chú bác cụ em ngài thầy")
# Phrases about the articles themselves ("mentioned in the article"), not about the facts.
META = re.compile(
    rf"\b(?:được |duoc )?(?:{_alternation(['nhắc', 'đề cập', 'nói'])}) "
    rf"(?:{_alternation(['tới', 'đến'])})\b"
    rf"|\b(?:{_alternation(['trong', 'theo', 'trong các'])}) (?:bài|bai)"
    rf"(?: (?:{_alternation(['viết', 'báo'])}))?(?: (?:{_alternation(['này'])}))?\b",
    re.IGNORECASE,
)
# Spelled-out units and their symbols, so "mét" in a question matches "m" in an article.
# Heads that put a place name after them: "huyện Đức Hòa" (follow-ups name the place).
PLACE_HEAD_WORDS = (
    "thị xã", "thành phố", "thị trấn", "huyện", "xã", "tỉnh", "quận", "phường", "thôn",
    "ấp", "bản", "làng", "tp",
)  # fmt: skip  # accented, longest of a family first
# Words that make a sentence a question, not an answer: "Tên khai sinh của Bác Hồ là gì."
_INTERROGATIVE = [
    "là ai", "là gì", "bao nhiêu", "khi nào", "ở đâu", "như thế nào", "tại sao", "vì sao",
    "bao giờ", "có phải",
]  # fmt: skip
# The words questions are made of, as they are written: an unaccented question gets these
# accents back even where the retrieved text, which states and does not ask, spells the same
# letters otherwise ('bao nhieu' is not 'bao nhiều', 'do ai' not 'đó ai'). A phrase of two
# words or more always; a single word unless the text writes it so beside its neighbour
# ('Bùi Đức Ái').
_ASKING = [
    *_INTERROGATIVE, "năm nào", "ngày nào", "nơi nào", "do ai", "của ai", "ai", "nào", "gì",
    "mấy", "là",
]  # fmt: skip
QUESTION_FORMS: dict[tuple[str, ...], tuple[str, ...]] = {
    tuple(folded(p).split()): tuple(p.split()) for p in _ASKING
}


def either_form(pattern: str) -> re.Pattern[str]:
    """``pattern`` matching accented text or its folded form (the folded pattern derived)."""
    return re.compile(f"(?:{pattern})|(?:{folded(pattern)})")


# What asks for an article's own metadata rather than a fact.
DATE_Q = either_form(
    r"(?:được )?đăng (?:vào )?(?:ngày|lúc|khi|hôm) nào|ngày đăng|đăng (?:khi nào|bao giờ)"
    r"|xuất bản (?:ngày|khi) nào|thời gian đăng"
)
# What a question about an article's byline or date says besides its subject: "Ai là tác giả
# bài viết về [Gia Lâm]?" (the accented forms only).
META_CUES = re.compile(
    r"(?:ai là )?tác giả( của)?|ai (là người )?viết|người viết"
    r"|(?:được )?đăng (vào )?(?:ngày|lúc|khi|hôm) nào|ngày đăng|đăng khi nào|đăng bao giờ"
    r"|xuất bản (?:ngày|khi) nào|bài (?:viết|báo)|\bvề\b|\?",
    re.IGNORECASE,
)
AUTHOR_Q = either_form(r"tác giả|ai (?:là người )?viết|người viết|bút danh|ai đưa tin")
ARTICLE_Q = either_form(r"\bbài (?:viết|báo|về)\b|\bbản tin\b|\b(?:bài|tin) (?:này|đó|trên)\b")
# A question that asks for several things: "Những huyện nào…", "các xã nào", "Kể tên…".
LIST_Q = either_form(r"\b(?:những|các) (?:\w+ ){1,3}nào\b|\bkể tên\b|\bliệt kê\b")
# A question that asks for a number ('bao nhiêu', 'thứ mấy'), and how a number is written:
# digits, Roman numerals ('lần thứ XI', 'loại IV'), words, ordinals ('người thứ tư', 'đầu
# tiên'). Unaccented, only the phrase asks: 'may' is as often 'máy' (a machine) as 'mấy'. Not
# numbers alone: 'năm' (also a year), 'tư' ('đầu tư').
_NUMBER_ASKING = ("bao nhiêu", "mấy")
_NUMBER_FORMS = [*_NUMBER_ASKING, *(folded(p) for p in _NUMBER_ASKING if " " in p)]
QUANTITY_Q = re.compile(rf"\b(?:{'|'.join(_NUMBER_FORMS)})\b")
NUMBER = re.compile(
    r"\d|\b[IVXLC]+\b|\b(?i:một|hai|ba|bốn|sáu|bảy|tám|chín|mười|mươi|trăm|nghìn|ngàn|vạn"
    r"|triệu|tỷ|tỉ|chục|nửa|rưỡi|thứ (?:nhất|nhì|tư|năm)|đầu tiên)\b"
)
