"""Turn a scraped news page (plain text with site furniture) into title, date, byline, body.

The rules are about the shape of lines, not about particular sites: pages put chrome
before the title, a byline after the last paragraph, and navigation, forms and
counters after that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from ingest.sources.dates import find_date, find_day_month, latest_year
from ingest.text.textnorm import normalize_text

# Words of site chrome shared by Vietnamese news sites (navigation, sharing, forms, counters).
_CHROME_WORDS = re.compile(
    r"^(?:các (?:bài|tin)|bài (?:viết|mới|đã)|tin (?:liên quan|khác|mới|nóng|tiêu điểm|cùng)|"
    r"xem (?:thêm|tiếp|nhiều)|đọc (?:thêm|nhiều)|chia sẻ|(?:viết |gửi )?bình luận|in bài|"
    r"gửi (?:ý kiến|bài|email)|tìm kiếm|từ kho[áa]|tags?\b|website|liên kết website|"
    r"thống kê truy cập|lượt (?:xem|truy cập)|đang (?:online|truy cập)|đã truy cập|trang chủ|"
    r"đăng nhập|đăng ký|lịch công tác|bản quyền|copyright|©|về đầu trang|ý kiến bạn đọc|"
    r"mã (?:xác nhận|bảo mật)|lấy lại mã|họ (?:và )?tên\s*:|facebook|zalo|twitter)",
    re.IGNORECASE,
)
# Footer lines that may be long: copyright, licence, editor in charge, contact details.
_FOOTER_START = re.compile(
    r"^(?:bản quyền|copyright|©|ghi rõ nguồn|giấy phép|chịu trách nhiệm|tổng biên tập|"
    r"cơ quan chủ quản|địa chỉ\s*:|điện thoại\s*:|email\s*:|fax\s*:)",
    re.IGNORECASE,
)
_DATE_LABELS = re.compile(
    r"thứ\s+(?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ\s+nhật|cập\s+nhật|ngày\s+đăng|đăng\s+(?:lúc|ngày)|"
    r"ngày|lúc|gmt\s*\+\s*7",
    re.IGNORECASE,
)
_FORM_FIELD = re.compile(r"(?:\(\*\)|:\s*\(\*\)|:\s*$)")
_COUNTER = re.compile(r"^[^\d]{1,40}:\s*[\d.,\s]+$")
_NAV_SEPARATORS = re.compile(r"\s[|»›·]\s|^\s*[|»›·]|[|»›·]\s*$")
_MOJIBAKE = re.compile(r"\ufffd|\w\?\w.*\w\?\w")
_TERMINAL = re.compile(r"[.!?…;:\"”’)]$")
_DATE_ONLY = re.compile(r"^[\W\d]*$")  # once the date is cut out, nothing but punctuation
MAX_TITLE_CHARS = 250


@dataclass(frozen=True)
class CleanPage:
    """What the cleaner recovered from one page."""

    title: str
    body: str
    published: datetime | None
    author: str | None


def is_furniture(line: str) -> bool:
    """True for a line of site chrome: navigation, forms, counters, switchers, mojibake."""
    if not line or _DATE_ONLY.match(line):
        return True
    if _MOJIBAKE.search(line) or (_FOOTER_START.match(line) and len(line.split()) <= 40):
        return True
    words = len(line.split())
    if words <= 12 and (_CHROME_WORDS.match(line) or _FORM_FIELD.search(line)):
        return True
    if _COUNTER.match(line) and words <= 8:
        return True
    return words <= 12 and len(_NAV_SEPARATORS.findall(line)) >= 1 and not _TERMINAL.search(line)


def is_prose(line: str) -> bool:
    """True for a paragraph of article text."""
    return len(line) >= 120 or (len(line.split()) >= 8 and bool(_TERMINAL.search(line)))


def looks_like_byline(line: str) -> bool:
    """A short line naming a person or an office, with no sentence punctuation."""
    words = line.split()
    return (
        0 < len(words) <= 16
        and len(line) <= 140
        and line[0].isupper()
        and not _TERMINAL.search(line.rstrip(")"))
        and not is_furniture(line)
    )


def _is_date_line(line: str) -> datetime | None:
    """The date of a line that holds only a date, maybe with a weekday or a label."""
    found = find_date(line)
    if not found:
        return None
    rest = _DATE_LABELS.sub("", line[: found[1][0]] + line[found[1][1] :])
    return found[0] if _DATE_ONLY.match(rest) else None


def _dated_title(line: str) -> datetime | None:
    """The date of a headline that ends with its date: "Headline (18:59 19/01/2021)".

    A dateline is recognised by its shape: the date closes the line, after enough words to
    be a headline, and the line is no longer than a headline. A paragraph that merely
    contains a date ("Sáng 12/3/2023, UBND…") is not one.
    """
    found = find_date(line)
    if not found or len(line) > MAX_TITLE_CHARS:
        return None
    start, end = found[1]
    if line[end:].strip(" )]–-|"):
        return None
    head = line[:start].rstrip(" ([–-|,")
    return found[0] if len(head) > 15 and not _TERMINAL.search(head) else None


def _find_title(lines: list[str]) -> tuple[int | None, datetime | None, int | None]:
    """Index of the title line, a date found in the header, and the date line's index.

    Only the header is searched: the lines before the first paragraph of prose.
    """
    head: list[tuple[int, str]] = []
    dated: dict[int, datetime | None] = {}
    for i, line in enumerate(lines[:12]):
        if not line:
            continue
        published = _dated_title(line)
        if published:
            return i, published, None
        titled = any(not dated[j] and not is_furniture(text) for j, text in head)
        if titled and is_prose(line):
            break  # the first paragraph: the header is over
        head.append((i, line))
        dated[i] = _is_date_line(line)
    title = next((i for i, line in head if not dated[i] and not is_furniture(line)), None)
    date_i = next((i for i, _ in head if dated[i]), None)
    return title, dated[date_i] if date_i is not None else None, date_i


def _strip_date(line: str) -> str:
    found = find_date(line)
    if not found:
        return line
    a, b = found[1]
    title = (line[:a] + line[b:]).strip()
    return re.sub(r"\(\s*\)|\s*[-–|]\s*$", "", title).strip()


def _split_tail(body: list[str]) -> tuple[list[str], str | None]:
    """Cut the body after its last paragraph; return the paragraphs and a byline."""
    kept = [line for line in body if line and not is_furniture(line)]
    last = max((i for i, line in enumerate(kept) if is_prose(line)), default=len(kept) - 1)
    after = kept[last + 1 :]
    author = after[0] if after and looks_like_byline(after[0]) else None
    return kept[: last + 1], author


def clean_page(raw: str) -> CleanPage:
    """Split a scraped page into title, published date, author and body text.

    A page that is nothing but furniture has an empty title and body.
    """
    lines = [line.strip() for line in normalize_text(raw).split("\n")]
    title_i, published, date_i = _find_title(lines)
    if title_i is None:
        return CleanPage(title="", body="", published=published, author=None)
    title = lines[title_i]
    if date_i is None and published is not None:  # the headline carried its date
        title = _strip_date(title)
    start = max(title_i, date_i if date_i is not None else -1) + 1
    paragraphs, author = _split_tail(lines[start:])
    body = "\n".join(paragraphs)
    if published is None and paragraphs:
        year = latest_year(title + " " + paragraphs[0])
        published = find_day_month(paragraphs[0], year) if year else None
    return CleanPage(title=title, body=body, published=published, author=author)
