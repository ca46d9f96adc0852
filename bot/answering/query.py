"""Question analysis: matching form, lexical terms, abbreviations, and what kind of answer."""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from enum import Enum

from bot.answering.lexicon import WORD
from ingest.text.textnorm import has_diacritics, normalize_query, strip_diacritics

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
# Phrases about the articles themselves ("mentioned in the article"), not about the facts.
_META = re.compile(
    r"\b(?:được |duoc )?(?:nhắc|đề cập|nói|nhac|de cap|noi) (?:tới|đến|toi|den)\b"
    r"|\b(?:trong|theo|trong các|trong cac) (?:bài|bai)(?: viết| báo| viet| bao)?(?: này| nay)?\b",
    re.IGNORECASE,
)


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
_AUTHOR_Q_FOLDED = re.compile(strip_diacritics(_AUTHOR_Q.pattern))
_ARTICLE_Q = re.compile(
    r"\bbài (?:viết|báo)\b|\bbản tin\b|\b(?:bài|tin) (?:này|đó|trên)\b"
    r"|\bbai (?:viet|bao)\b|\bban tin\b|\b(?:bai|tin) (?:nay|do|tren)\b"
)


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
    folded = strip_diacritics(lowered)
    if re.search(r"dang (vao )?ngay nao|ngay dang", folded):
        return Intent.DATE
    # "Who wrote the article about X" asks for its byline; "who wrote Nhà giả kim", "the poem
    # Tự tình" or "the song Tiến Quân Ca" is a fact about the world: the article must be named.
    about_article = _ARTICLE_Q.search(lowered) or _ARTICLE_Q.search(folded)
    if about_article and (_AUTHOR_Q.search(lowered) or _AUTHOR_Q_FOLDED.search(folded)):
        return Intent.AUTHOR
    return Intent.FACT


def analyse(question: str) -> Query:
    """Normalise a question and derive its lexical terms and phrases."""
    text = normalize_query(question).strip()
    words = [w.lower() for w in WORD.findall(_META.sub(" ", text))]
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


_UNITS = {
    "mét": "m",
    "ki-lô-mét": "km",
    "kilômét": "km",
    "héc-ta": "ha",
    "hecta": "ha",
    "met": "m",
    "hec-ta": "ha",
}
_Y_TO_I = str.maketrans("yýỳỷỹỵ", "iíìỉĩị")
_I_Y_SYLLABLE = re.compile(r"^(?:[bcdđghklmnpqrstvx]|qu)[yýỳỷỹỵ]$")


def _matching_form(word: str) -> str:
    """One spelling for i/y variants ('tỷ'/'tỉ', 'Quý'/'Quí') and for spelled-out units."""
    word = _UNITS.get(word, word)
    return word.translate(_Y_TO_I) if _I_Y_SYLLABLE.match(word) else word


def content_terms(text: str, *, accented: bool) -> list[str]:
    """Lower-case content syllables in canonical tone form (folded unless ``accented``)."""
    words = [_matching_form(w.lower()) for w in WORD.findall(_META.sub(" ", normalize_query(text)))]
    if accented:
        return [w for w in words if w not in _STOP]
    folded = (strip_diacritics(w) for w in words)
    return [w for w in folded if w not in _STOP_FOLDED]


def restore_diacritics(text: str, evidence: list[str]) -> str:
    """Put back the accents of an unaccented question, voting over the ``evidence`` texts.

    Each word takes the accented form that the evidence uses most at that place: pairs of
    neighbouring words count twice, single words once. A word the evidence lacks is kept.
    """
    words = WORD.findall(text)
    folded = [strip_diacritics(w).lower() for w in words]
    pairs: dict[tuple[str, str], Counter] = defaultdict(Counter)
    singles: dict[str, Counter] = defaultdict(Counter)
    for doc in evidence:
        acc = [w.lower() for w in WORD.findall(normalize_query(doc))]
        fold = [strip_diacritics(w) for w in acc]
        for i, (f, a) in enumerate(zip(fold, acc, strict=True)):
            singles[f][a] += 1
            if i:
                pairs[(fold[i - 1], f)][(acc[i - 1], a)] += 1
    out = []
    for i, (word, f) in enumerate(zip(words, folded, strict=True)):
        votes: Counter = Counter()
        for form, n in singles.get(f, {}).items():
            votes[form] += n
        if i and (folded[i - 1], f) in pairs:
            for (_, form), n in pairs[(folded[i - 1], f)].items():
                votes[form] += 2 * n
        if i + 1 < len(words) and (f, folded[i + 1]) in pairs:
            for (form, _), n in pairs[(f, folded[i + 1])].items():
                votes[form] += 2 * n
        best = votes.most_common(1)[0][0] if votes else word
        out.append(best.capitalize() if word[:1].isupper() else best)
    return " ".join(out)


# Leading words that set the scene (time, counts, place heads, light verbs), not the focus.
_SKIP_LEAD_TEXT = """
năm tháng ngày quý đến hết trong từ vào sau trước tính một hai ba bốn sáu bảy tám chín mười
huyện xã tỉnh thị quận phường thành phố trấn thôn đặt có đạt được làm đưa ra
"""
_SKIP_LEAD = frozenset(_SKIP_LEAD_TEXT.split())
_SKIP_LEAD_FOLDED = frozenset(strip_diacritics(w) for w in _SKIP_LEAD)


def _topic_positions(tokens: list[str]) -> set[int]:
    """Positions of names, numbers, dates and place heads: the topic, not what is asked."""
    caps = [t[:1].isupper() for t in tokens]
    skip = set()
    for i, token in enumerate(tokens):
        is_name = caps[i] and (i > 0 or (len(tokens) > 1 and caps[1]))
        if token[:1].isdigit() or is_name:
            skip.add(i)
    return skip


def focus_terms(query: Query) -> list[str]:
    """What the question asks about, skipping its topic (names, dates, places).

    'Kết quả bầu cử ở Phú Xuyên thế nào?' -> ['kết', 'quả']; 'Năm 2022 huyện Đức Hòa thu
    ngân sách bao nhiêu?' -> ['thu', 'ngân']. An answer must mention it, not just the topic.
    """
    stop = _STOP if query.accented else _STOP_FOLDED
    lead = _SKIP_LEAD if query.accented else _SKIP_LEAD_FOLDED
    tokens = WORD.findall(_META.sub(" ", query.text))
    words = [t.lower() if query.accented else strip_diacritics(t).lower() for t in tokens]
    skip = _topic_positions(tokens) if query.accented else set()
    skip |= {i for i, w in enumerate(words) if w in lead or w[:1].isdigit()}
    for i, word in enumerate(words):
        if word not in stop and i not in skip:
            nxt = i + 1
            if nxt < len(words) and words[nxt] not in stop and nxt not in skip:
                return [word, words[nxt]]
            return [word]
    return []


_ASK = re.compile(r"\b(?:bao nhiêu|bao nhieu|mấy|may)\b", re.IGNORECASE)
_LINKS = frozenset(["là", "được", "có", "la", "duoc", "co"])


def asked_terms(query: Query) -> list[str]:
    """The measured attribute of a quantity question: 'dài' in 'cầu dài bao nhiêu mét?'."""
    text = _META.sub(" ", query.text)
    m = _ASK.search(text)
    if not m or m.start() == 0:
        return []
    before = [w.lower() for w in WORD.findall(text[: m.start()])]
    before = [w if query.accented else strip_diacritics(w) for w in before]
    while before and before[-1] in _LINKS:
        before.pop()
    stop = _STOP if query.accented else _STOP_FOLDED
    return [before[-1]] if before and before[-1] not in stop else []
