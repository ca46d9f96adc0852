"""Question analysis: matching form, lexical terms, abbreviations, and what kind of answer."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from enum import Enum

from ingest.textnorm import has_diacritics, normalize_query, strip_diacritics

# Abbreviations of Vietnamese public administration and news, matched both ways.
ABBREVIATIONS: dict[str, str] = {
    "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân",
    "NTM": "nông thôn mới",
    "OCOP": "mỗi xã một sản phẩm",
    "NQ": "nghị quyết",
    "TP": "thành phố",
    "TX": "thị xã",
    "MTTQ": "Mặt trận Tổ quốc",
    "BCĐ": "Ban chỉ đạo",
    "BCH": "Ban Chấp hành",
    "BTV": "Ban Thường vụ",
    "ĐBQH": "đại biểu Quốc hội",
    "KT-XH": "kinh tế - xã hội",
    "CCHC": "cải cách hành chính",
    "KCN": "khu công nghiệp",
    "CCN": "cụm công nghiệp",
    "GPMB": "giải phóng mặt bằng",
    "ATTP": "an toàn thực phẩm",
    "HTX": "hợp tác xã",
    "BHXH": "bảo hiểm xã hội",
    "BHYT": "bảo hiểm y tế",
    "THCS": "trung học cơ sở",
    "THPT": "trung học phổ thông",
    "TAND": "Tòa án nhân dân",
    "VKSND": "Viện kiểm sát nhân dân",
    "CSGT": "cảnh sát giao thông",
    "PCCC": "phòng cháy chữa cháy",
    "TNGT": "tai nạn giao thông",
    "CSĐT": "cảnh sát điều tra",
    "CNTT": "công nghệ thông tin",
    "QĐ": "quyết định",
    "TTg": "Thủ tướng",
    "GD-ĐT": "giáo dục - đào tạo",
    "GRDP": "tổng sản phẩm trên địa bàn",
}

# Words that ask rather than tell: they never appear in the answer, so they are not searched.
_QUESTION_TEXT = """
ai gì nào đâu bao nhiêu mấy sao thế nào như thế nào là gì khi nào bao giờ vì sao tại sao
không có phải hay hỏi cho biết xin được vậy thì nhỉ ạ à hả những các của và là
"""
_QUESTION_WORDS = _QUESTION_TEXT.split()
_STOP = frozenset(_QUESTION_WORDS)
_STOP_FOLDED = frozenset(strip_diacritics(w) for w in _QUESTION_WORDS)
_WORD = re.compile(r"[\w-]+")


class Intent(Enum):
    """What a question asks for."""

    FACT = "fact"
    DATE = "published"  # when was the article published
    AUTHOR = "author"  # who wrote the article


_DATE_Q = re.compile(
    r"(được )?đăng (vào )?(ngày|lúc|khi|hôm) nào|ngày đăng|đăng (khi nào|bao giờ)"
    r"|xuất bản (ngày|khi) nào|thời gian đăng"
)
_AUTHOR_Q = re.compile(r"tác giả|ai (là người )?viết|người viết|bút danh|ai đưa tin")


@dataclass(frozen=True)
class Query:
    """A question prepared for retrieval."""

    text: str  # normalised, for the dense side
    terms: list[str]  # folded syllables for BM25
    phrases: list[str]  # folded syllable bigrams and abbreviation expansions
    accented: bool
    intent: Intent


def _expansions(text: str) -> list[str]:
    """Both forms of every abbreviation or expansion the question mentions, folded."""
    folded = f" {strip_diacritics(text).lower()} "
    out: list[str] = []
    for short, long in ABBREVIATIONS.items():
        short_f, long_f = strip_diacritics(short).lower(), strip_diacritics(long).lower()
        if re.search(rf"(?<!\w){re.escape(short_f)}(?!\w)", folded) or f" {long_f} " in folded:
            out += [short_f.replace("-", " "), long_f.replace(" - ", " ")]
    return out


def detect_intent(text: str) -> Intent:
    """Whether the question asks for an article's date, its author, or a fact."""
    lowered = normalize_query(text).lower()
    if _DATE_Q.search(lowered) or _DATE_Q.search(strip_diacritics(lowered)):
        return Intent.DATE
    if _AUTHOR_Q.search(lowered):
        return Intent.AUTHOR
    folded = strip_diacritics(lowered)
    if re.search(r"dang (vao )?ngay nao|ngay dang", folded):
        return Intent.DATE
    if re.search(r"tac gia|ai viet|nguoi viet", folded):
        return Intent.AUTHOR
    return Intent.FACT


def analyse(question: str) -> Query:
    """Normalise a question and derive its lexical terms and phrases."""
    text = normalize_query(question).strip()
    words = [w.lower() for w in _WORD.findall(text)]
    stop = _STOP if has_diacritics(text) else _STOP_FOLDED
    content = [w for w in words if w not in stop]
    folded = [strip_diacritics(w).replace("-", " ") for w in content]
    bigrams = [f"{a} {b}" for a, b in itertools.pairwise(folded)]
    return Query(
        text=text,
        terms=folded,
        phrases=bigrams + _expansions(text),
        accented=has_diacritics(text),
        intent=detect_intent(text),
    )


def content_words(text: str) -> list[str]:
    """Folded content syllables of a text (question words removed), for overlap scoring."""
    return analyse(text).terms
