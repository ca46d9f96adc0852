from datetime import datetime

import pytest

from ingest.sources.dates import VN_TZ, find_date, find_day_month, latest_year, parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tiêu đề bài (18:59 19/01/2021)", (2021, 1, 19, 18, 59)),
        ("31/12/2019 14:30", (2019, 12, 31, 14, 30)),
        ("16/02/2023 - 08:57", (2023, 2, 16, 8, 57)),
        ("Thứ hai, 05/06/2023, 10:15 (GMT+7)", (2023, 6, 5, 10, 15)),
        ("Cập nhật: 07h05 ngày 3-4-2022", (2022, 4, 3, 7, 5)),
        ("ngày 5 tháng 4 năm 2016", (2016, 4, 5, 0, 0)),
        ("2021-01-19T18:59:00", (2021, 1, 19, 18, 59)),
    ],
)
def test_find_date_formats(text: str, expected: tuple[int, ...]) -> None:
    found = find_date(text)
    assert found is not None
    assert found[0] == datetime(*expected, tzinfo=VN_TZ)


def test_find_date_rejects_impossible_dates() -> None:
    assert find_date("mã số 45/13/2021") is None
    assert find_date("không có ngày") is None


def test_day_month_uses_the_given_year() -> None:
    assert find_day_month("HNP - Ngày 18/01, Thành ủy", 2021) == datetime(2021, 1, 18, tzinfo=VN_TZ)
    assert find_day_month("Ngày 18/01/2021", 2020) is None  # a full date is not a day-month
    assert latest_year("kế hoạch năm 2024, giai đoạn 2021-2025") == 2025


def test_parse_date_metadata_values() -> None:
    assert parse_date("2024-01-10T08:00:00+07:00") == datetime(2024, 1, 10, 8, tzinfo=VN_TZ)
    assert parse_date("12/10/2020") == datetime(2020, 10, 12, tzinfo=VN_TZ)
    assert parse_date(None) is None
    assert parse_date("sắp tới") is None
    assert parse_date("12345") is None  # a bare number is no date
