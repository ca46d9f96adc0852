"""Dates in the formats Vietnamese news sites print."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

VN_TZ = timezone(timedelta(hours=7), "ICT")

_TIME = r"(?P<h>\d{1,2})[:hg](?P<mi>\d{2})(?::\d{2})?\s*(?:'|GMT\+7|\(GMT\+7\))?"
_DATE = r"(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})"
_PATTERNS = [
    re.compile(_TIME + r"\s*(?:,|-|–|ngày)?\s*" + _DATE),  # 18:59 19/01/2021
    re.compile(_DATE + r"\s*(?:,|-|–|\||lúc)?\s*" + _TIME),  # 31/12/2019 14:30, 16/02/2023 - 08:57
    re.compile(_DATE),
    re.compile(r"[Nn]gày\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})"),
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?:[T ](?P<h>\d{2}):(?P<mi>\d{2}))?"),
]
_DAY_MONTH = re.compile(r"\b[Nn]gày\s+(?P<d>\d{1,2})/(?P<m>\d{1,2})\b(?!/)")
_YEAR = re.compile(r"\b(19[89]\d|20\d\d|2100)\b")


def _build(parts: dict[str, str | None]) -> datetime | None:
    try:
        return datetime(
            int(parts["y"] or 0),
            int(parts["m"] or 0),
            int(parts["d"] or 0),
            int(parts.get("h") or 0),
            int(parts.get("mi") or 0),
            tzinfo=VN_TZ,
        )
    except (TypeError, ValueError):
        return None


def find_date(text: str) -> tuple[datetime, tuple[int, int]] | None:
    """The first full date (with time when printed) in ``text`` and its span."""
    best: tuple[datetime, tuple[int, int]] | None = None
    for pattern in _PATTERNS:
        for m in pattern.finditer(text):
            value = _build(m.groupdict())
            if value and (best is None or m.start() < best[1][0]):
                best = (value, m.span())
                break
        if best:
            return best
    return None


def find_day_month(text: str, year: int) -> datetime | None:
    """A 'Ngày 18/01' date completed with ``year``."""
    m = _DAY_MONTH.search(text)
    return _build({**m.groupdict(), "y": str(year)}) if m else None


def latest_year(text: str) -> int | None:
    """The latest plausible year mentioned in ``text``."""
    years = [int(y) for y in _YEAR.findall(text)]
    return max(years) if years else None


def parse_date(value: str | None) -> datetime | None:
    """Parse a metadata date: ISO 8601 or a Vietnamese format (never a bare number, whose
    unit, seconds or milliseconds or a year, cannot be known)."""
    if not value or not value.strip():
        return None
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        found = find_date(text)
        return found[0] if found else None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=VN_TZ)
