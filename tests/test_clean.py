from datetime import datetime

import pytest

from ingest.sources.clean import clean_page, is_furniture, looks_like_byline
from ingest.sources.dates import VN_TZ
from tests.conftest import DATA, SEEDS

FURNITURE = [
    "Tiếng Việt | English",
    "Trang chủ | Tin tức | Kinh tế",
    "Các bài mới đăng",
    "Các bài đã đăng :",
    "Tin liên quan",
    "Chia sẻ bài viết",
    "Viết bình luận",
    "Họ tên:(*)",
    "Số điện thoại:",
    "Hôm nay: 1326",
    "Đã truy cập: 1693140",
    "Lượt xem: 1.234",
    "Mã xác nhận: L?y l?i m\ufffd b?o m?t",
    "Bản quyền thuộc về Cổng thông tin điện tử huyện. Ghi rõ nguồn khi phát hành lại.",
    "Tìm kiếm theo chuyên mục - nội dung - ngày tháng",
]


@pytest.mark.parametrize("line", FURNITURE)
def test_site_furniture_is_recognised(line: str) -> None:
    assert is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        "Phát huy tiềm năng, thế mạnh",
        "Huyện Phú Xuyên nằm ở cửa ngõ phía Nam của Thủ đô, vì vậy, cần chỉnh trang đô thị.",
        "Ban Tuyên giáo Huyện ủy Hải Hà",
    ],
)
def test_article_lines_are_not_furniture(line: str) -> None:
    assert not is_furniture(line)


def test_byline_shapes() -> None:
    assert looks_like_byline("H. Hạnh")
    assert looks_like_byline("Phạm Quí Tiên - Thành ủy viên, Bí thư Huyện uỷ Thạch Thất")
    assert not looks_like_byline("Các bài mới đăng")
    assert not looks_like_byline("Huyện đã hoàn thành kế hoạch.")


def _page(name: str):
    return clean_page((DATA / "pages" / name).read_text(encoding="utf-8"))


def test_weekday_date_line_and_navigation_before_the_title() -> None:
    page = _page("dong_anh_giao_thong.txt")
    assert page.title == "Đông Anh khởi công cầu vượt sông Thiếp"
    assert page.published == datetime(2023, 6, 5, 10, 15, tzinfo=VN_TZ)
    assert page.author == "Minh Anh"
    assert page.body.startswith("Sáng 04/6, UBND huyện Đông Anh")
    assert page.body.endswith("tuyến đường Võ Nguyên Giáp kéo dài.")
    for chrome in ("Tin liên quan", "Lượt xem", "Chia sẻ", "Họ tên", "English", "Trang chủ"):
        assert chrome not in page.body


def test_banner_before_a_title_that_carries_its_date() -> None:
    page = _page("soc_son_nong_thon_moi.txt")
    assert page.title == "Sóc Sơn: 100% xã đạt chuẩn nông thôn mới nâng cao"
    assert page.published == datetime(2022, 3, 15, 7, 30, tzinfo=VN_TZ)
    assert page.author == "Trần Văn Bình - Phó Chủ tịch UBND huyện Sóc Sơn"
    assert "Chào mừng" not in page.body
    assert "Hôm nay" not in page.body and "Các tin khác" not in page.body


def test_day_month_dateline_takes_the_article_year_and_footer_is_dropped() -> None:
    page = _page("gia_lam_khong_ngay.txt")
    assert page.published == datetime(2024, 1, 18, tzinfo=VN_TZ)
    assert page.author == "Ngọc Lan"
    assert "Bản quyền" not in page.body


SEED_META = {
    "000_3dd59c12ac37a3d0.txt": (
        "Huyện Phú Xuyên phát huy tinh thần đoàn kết, quyết liệt, chủ động, sáng tạo, "
        "khơi dậy ý chí, khát vọng phát triển",
        datetime(2021, 1, 19, 18, 59, tzinfo=VN_TZ),
        "H. Hạnh",
    ),
    "001_37b994ff165e1d73.txt": (
        "Thạch Thất: Phấn đấu tăng tỷ trọng dịch vụ - công nghiệp",
        datetime(2020, 10, 12, 13, 58, tzinfo=VN_TZ),
        "Phạm Quí Tiên - Thành ủy viên, Bí thư Huyện uỷ Thạch Thất",
    ),
    "002_6b1e601aa3debd56.txt": (
        "Giải pháp đột phá góp phần hoàn thành chỉ tiêu nghị quyết",
        datetime(2023, 2, 16, 8, 57, tzinfo=VN_TZ),
        "Ngọc Mận",
    ),
    "003_88b60da87206ba6b.txt": (
        "Huyện Mê Linh tập trung thực hiện “nhiệm vụ kép”, vừa phòng chống dịch Covid-19, "
        "vừa phát triển kinh tế - xã hội",
        datetime(2020, 4, 1, 20, 1, tzinfo=VN_TZ),
        "H. Hạnh",
    ),
    "004_9a089050fc13c7fc.txt": (
        "Đảng bộ, nhân dân các dân tộc huyện Hải Hà triển khai chủ đề công tác năm 2020 "
        "với những khí thế mới",
        datetime(2019, 12, 31, 14, 30, tzinfo=VN_TZ),
        "Ban Tuyên giáo Huyện ủy Hải Hà",
    ),
}
SEED_FURNITURE = [
    "Các bài mới đăng",
    "Các bài đã đăng",
    "Viết bình luận",
    "Họ tên",
    "Mã xác nhận",
    "Hôm nay:",
    "Đã truy cập",
    "Chia sẻ bài viết",
    "Tiếng Việt | English",
    "Tin Nóng",
    "Website liên kết",
    "Thống kê truy cập",
    "Lịch công tác",
    "Chào mừng Đại hội",
    "\ufffd",
]


@pytest.mark.shared
@pytest.mark.parametrize("name", sorted(SEED_META))
def test_seed_pages(name: str) -> None:
    page = clean_page((SEEDS / name).read_text(encoding="utf-8"))
    title, published, author = SEED_META[name]
    assert (page.title, page.published, page.author) == (title, published, author)
    for chrome in SEED_FURNITURE:
        assert chrome not in page.body
    assert author not in page.body.split("\n")
    assert len(page.body) > 3000


# Properties (hypothesis): arbitrary Unicode never crashes the cleaner; article paragraphs
# mixed with furniture come out whole, in order, and without the furniture.

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from ingest.text.textnorm import normalize_text  # noqa: E402

_LETTERS = st.characters(categories=["L", "M", "N"])
_WORD = st.text(_LETTERS, min_size=1, max_size=10)
_PARAGRAPH = st.builds(
    lambda first, rest, end: " ".join([first, *rest]) + end,
    st.text(st.characters(categories=["Lu", "Ll"]), min_size=1, max_size=8),
    st.lists(_WORD, min_size=12, max_size=40),
    st.sampled_from([".", "!", "?", "…", ".”"]),
)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_is_cleaned_without_error_or_invention(raw: str) -> None:
    page = clean_page(raw)
    lines = {line.strip() for line in normalize_text(raw).split("\n")}
    assert all(line in lines for line in page.body.split("\n") if line)
    assert "\n" not in page.title and "\n" not in (page.author or "")


@settings(max_examples=150, deadline=None)
@given(
    title=_PARAGRAPH.map(lambda p: p[:60].rstrip(".!?…”")),
    paragraphs=st.lists(_PARAGRAPH, min_size=1, max_size=6),
    furniture=st.lists(st.sampled_from(FURNITURE), max_size=8),
    data=st.data(),
)
def test_paragraphs_survive_and_furniture_goes(title, paragraphs, furniture, data) -> None:
    body: list[str] = []
    for paragraph in paragraphs:  # furniture between paragraphs, and after the last one
        body += [*data.draw(st.lists(st.sampled_from(FURNITURE), max_size=2)), paragraph]
    raw = "\n".join([*furniture[:3], title, *body, *furniture])
    page = clean_page(raw)
    assert page.body.split("\n") == [normalize_text(p).strip() for p in paragraphs]
    assert not set(page.body.split("\n")) & {normalize_text(f) for f in FURNITURE}


LEAD = "Huyện tổ chức hội nghị tổng kết công tác năm với sự tham dự của nhiều đại biểu."


@pytest.mark.parametrize(
    "date_paragraph",
    [
        "Sáng 12/3/2023, UBND huyện tổ chức hội nghị tổng kết với 200 đại biểu tham dự.",
        "Ngày 2/3/2023 - UBND xã Tân Lập ra quân làm đường giao thông nông thôn",
        "Chiều 5/6/2023 (thứ Hai), đoàn công tác của tỉnh về thăm huyện",
        "Lúc 8:30 ngày 1/2/2024, Hội nghị khai mạc tại hội trường",
    ],
)
def test_a_date_in_the_lead_is_not_the_title(date_paragraph: str) -> None:
    page = f"Thường Tín phát triển làng nghề\n\n{LEAD}\n\n{date_paragraph}\n\n{LEAD}"
    clean = clean_page(page)
    assert clean.title == "Thường Tín phát triển làng nghề"
    assert clean.body.split("\n") == [LEAD, date_paragraph, LEAD]


def test_a_short_page_opening_with_a_date_keeps_its_words() -> None:
    clean = clean_page("Ngày 2/3/2023, UBND xã Tân Lập tổ chức lễ ra quân làm đường.")
    assert clean.title == "Ngày 2/3/2023, UBND xã Tân Lập tổ chức lễ ra quân làm đường."


@pytest.mark.parametrize(
    ("title_line", "title", "published"),
    [
        (
            "Mê Linh trồng hoa (18:59 19/01/2021)",
            "Mê Linh trồng hoa",
            datetime(2021, 1, 19, 18, 59),
        ),
        (
            "Mê Linh trồng hoa - 19/01/2021 18:59",
            "Mê Linh trồng hoa",
            datetime(2021, 1, 19, 18, 59),
        ),
    ],
)
def test_a_headline_ending_in_its_date_is_still_a_dateline(
    title_line: str, title: str, published: datetime
) -> None:
    clean = clean_page(f"{title_line}\n\n{LEAD}")
    assert (clean.title, clean.published) == (title, published.replace(tzinfo=VN_TZ))
    assert clean.body == LEAD
