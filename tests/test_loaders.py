import json
import os
import random
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from ingest.sources.dates import VN_TZ
from ingest.sources.loaders import LoadReport, iter_articles
from tests.conftest import DATA, SEEDS


def _load(*paths: Path) -> tuple[dict, LoadReport]:
    report = LoadReport()
    return {a.title: a for a in iter_articles(list(paths), report)}, report


def test_folder_is_walked_and_every_format_loads() -> None:
    articles, report = _load(DATA)
    assert set(articles) == {
        "Ba Vì phát triển du lịch sinh thái",
        "Mê Linh mở rộng vùng trồng hoa",
        "Không có id",
        "Đông Anh khởi công cầu vượt sông Thiếp",
        "Sóc Sơn: 100% xã đạt chuẩn nông thôn mới nâng cao",
        "Gia Lâm triển khai mô hình chợ an toàn thực phẩm",
        "Thanh Oai xây dựng trường chuẩn quốc gia",
        "Thường Tín phát triển làng nghề sơn mài",
    }
    assert [str(p) for p in report.skipped] == [
        f"{DATA / 'notes.csv'}: unsupported file type '.csv'"
    ]


def test_jsonl_fields_and_bad_lines_are_named() -> None:
    articles, report = _load(DATA / "articles.jsonl")
    bavi = articles["Ba Vì phát triển du lịch sinh thái"]
    assert bavi.doc_id == "t-001"
    assert bavi.source == "https://bavi.example.vn/tin/du-lich"
    assert bavi.site == "bavi.example.vn"
    assert bavi.author == "Hà Phương"
    assert bavi.published == datetime(2024, 1, 10, 8, tzinfo=VN_TZ)
    assert articles["Mê Linh mở rộng vùng trồng hoa"].text.startswith("Huyện Mê Linh có 1.500 ha")
    assert articles["Không có id"].text.startswith("Ứng Hòa")  # "body" key, id derived
    failed = [(p.line, p.message) for p in report.failed]
    assert failed[0][0] == 3 and "invalid JSON" in failed[0][1]
    assert failed[1] == (5, "expected a JSON object with 'title' and 'content'")


def test_html_main_text_and_metadata() -> None:
    articles, _ = _load(DATA / "thanh_oai.html")
    page = articles["Thanh Oai xây dựng trường chuẩn quốc gia"]
    assert page.author == "Lê Thu"
    assert page.site == "Cổng TTĐT Thanh Oai"
    assert page.published is not None and page.published.date().isoformat() == "2022-08-20"
    assert "98 trường đạt chuẩn quốc gia" in page.text
    assert "mầm non & tiểu học" in page.text
    assert "Trang chủ" not in page.text and "Bản quyền" not in page.text


def test_markdown_front_matter() -> None:
    articles, _ = _load(DATA / "thuong_tin.md")
    md = articles["Thường Tín phát triển làng nghề sơn mài"]
    assert md.author == "Quang Huy"
    assert md.published == datetime(2023, 9, 2, tzinfo=VN_TZ)
    assert md.text.startswith("Làng nghề sơn mài Hạ Thái")  # heading and ** removed
    assert "trang huyện" in md.text and "https://" not in md.text


def test_json_list(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_text(json.dumps([{"title": "A", "content": "Nội dung A."}, {"title": "B"}]))
    articles, report = _load(path)
    assert list(articles) == ["A"]
    assert "item 2" in report.failed[0].message


def test_bad_files_each_get_a_clear_message(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 10)
    (tmp_path / "huge.txt").write_bytes(b"a" * (5 * 1024 * 1024 + 1))
    (tmp_path / "only_chrome.txt").write_text("Trang chủ | Tin tức\nChia sẻ bài viết\n")
    locked = tmp_path / "locked.txt"
    locked.write_text("Tiêu đề\nNội dung bài viết đủ dài để được coi là một đoạn văn hoàn chỉnh.")
    locked.chmod(0)
    shutil.copy(DATA / "pages" / "dong_anh_giao_thong.txt", tmp_path / "good.txt")
    articles, report = _load(tmp_path, tmp_path / "missing-folder")
    messages = {Path(p.path).name: p.message for p in report.failed}
    assert list(articles) == ["Đông Anh khởi công cầu vượt sông Thiếp"] + (
        ["Tiêu đề"] if os.geteuid() == 0 else []  # root reads a chmod-0 file anyway
    )
    assert messages["empty.txt"].startswith("empty file")
    assert messages["binary.txt"].startswith("binary file")
    assert "over the 5 MiB limit" in messages["huge.txt"]
    assert messages["only_chrome.txt"].startswith("no article text found")
    assert messages["missing-folder"] == "no such file or folder"
    if os.geteuid() != 0:
        assert "Permission denied" in messages["locked.txt"]


def test_hidden_files_are_ignored(tmp_path: Path) -> None:
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / "x.txt").write_text("Tiêu đề\nMột đoạn văn đủ dài để thành bài viết.")
    articles, report = _load(tmp_path)
    assert articles == {} and report.failed == [] and report.skipped == []


@pytest.mark.shared
def test_seed_folder_gives_five_articles() -> None:
    articles, report = _load(SEEDS)
    assert len(articles) == 5 and not report.failed
    assert all(a.doc_id.startswith(Path(a.source).stem) for a in articles.values())


def _jsonl(tmp_path: Path, *records: object, raw: list[str] | None = None) -> Path:
    path = tmp_path / "records.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in records] + (raw or [])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


GOOD = {"title": "Tin tốt", "content": "Huyện Ba Vì đón 2 triệu lượt khách du lịch năm 2023."}


def test_wrongly_typed_fields_are_named_and_the_rest_is_kept(tmp_path: Path) -> None:
    path = _jsonl(
        tmp_path,
        GOOD | {"id": "a", "author": 2024, "site": 7, "title": 12},  # clear: numbers as text
        GOOD | {"id": "b", "author": ["Hà Phương", "Minh Anh"]},  # several authors
        GOOD | {"id": "c", "url": 42},
        GOOD | {"id": "d", "author": {"name": "x"}},
        GOOD | {"id": "e", "published": 12345},  # seconds? milliseconds? a year? no
        GOOD | {"id": ["x", "y"]},
        GOOD | {"id": "g", "published": "một ngày đẹp trời"},
        GOOD | {"id": "h", "content": 5},
        raw=["[" * 100_000 + "]" * 100_000],  # nested past Python's recursion limit
    )
    path.with_name("other.jsonl").write_text(json.dumps(GOOD | {"id": "z"}) + "\n")
    report = LoadReport()
    loaded = list(iter_articles([path, path.with_name("other.jsonl")], report))
    assert {(p.line, p.message.split(";")[0]) for p in report.failed} == {
        (3, "field 'url' must be text, not a number"),
        (4, "field 'author' must be text, not an object"),
        (5, "field 'published' must be a date string, not a number"),
        (6, "field 'id' must be text, not a list"),
        (7, "field 'published' is not a date ('một ngày đẹp trời')"),
        (8, "field 'content' must be text, not a number"),
        (9, "JSON nested too deeply to be an article"),
    }
    by_id = {a.doc_id: a for a in loaded}
    assert set(by_id) == {"a", "b", "z"}
    assert (by_id["a"].author, by_id["a"].site, by_id["a"].title) == ("2024", "7", "12")
    assert by_id["b"].author == "Hà Phương, Minh Anh"
    assert all(str(path) in str(p) for p in report.failed)


def test_json_errors_name_the_right_column(tmp_path: Path) -> None:
    path = _jsonl(tmp_path, raw=['{"title": "x", "content": "y"', '{"title": "chưa đóng'])
    _, report = _load(path)
    first, second = (p.message for p in report.failed)
    assert first.startswith("invalid JSON at column 30: Expecting ',' delimiter")
    assert second.startswith("invalid JSON at column 11: Unterminated string starting at")
    assert "at at" not in second


def test_title_only_items_are_articles(tmp_path: Path) -> None:
    (tmp_path / "short.md").write_text("# Trần Đình Long\n\nTrần Đình Long\n", encoding="utf-8")
    (tmp_path / "empty.md").write_text("---\nauthor: x\n---\n\n", encoding="utf-8")
    articles, report = _load(tmp_path)
    assert articles["Trần Đình Long"].text == "Trần Đình Long"
    assert [p.message for p in report.failed] == [
        "no article text found: the file holds only site furniture or markup"
    ]


def test_a_stray_byte_keeps_the_page_utf8(tmp_path: Path, caplog) -> None:
    page = (DATA / "pages").iterdir().__next__()
    raw = page.read_bytes()
    cut = raw.index(b"\n", len(raw) // 2)
    (tmp_path / "stray.txt").write_bytes(raw[:cut] + b" \xff" + raw[cut:])
    (tmp_path / "clean.txt").write_bytes(raw)
    articles = list(iter_articles([tmp_path], LoadReport()))
    clean, stray = sorted(articles, key=lambda a: a.origin)
    assert stray.title == clean.title and stray.text == clean.text
    assert "1 bytes that are not UTF-8 were dropped (the first on line" in caplog.text


def test_binary_without_nul_bytes_is_refused(tmp_path: Path) -> None:
    noise = bytes(rng.randrange(1, 256) for rng in [random.Random(1)] for _ in range(20_000))
    (tmp_path / "noise.txt").write_bytes(noise)
    (tmp_path / "noise.md").write_bytes(noise)
    articles, report = _load(tmp_path)
    assert not articles
    assert {p.message for p in report.failed} == {
        "this is not text (mostly symbols or control codes); is it a binary file?"
    }


def test_unreadable_folders_are_reported(tmp_path: Path, monkeypatch) -> None:
    shutil.copytree(DATA / "pages", tmp_path / "ok")
    locked = tmp_path / "locked"
    shutil.copytree(DATA / "pages", locked)
    real = os.scandir

    def scandir(path):  # root reads any folder; play the kernel refusing one
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    articles, report = _load(tmp_path)
    assert len(articles) == 3
    assert [str(p) for p in report.failed] == [
        f"{locked}: cannot read this folder: Permission denied"
    ]


def test_records_without_an_id_that_share_a_title_stay_apart(tmp_path: Path) -> None:
    rows = [
        {"title": "Bản tin thời tiết", "content": "Hà Nội mưa rào vào chiều tối."},
        {"title": "Bản tin thời tiết", "content": "TP HCM nắng nóng, có nơi trên 36 độ."},
        {"title": "Tin khác", "content": "Một tin khác."},
    ]
    path = tmp_path / "tin.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    articles = list(iter_articles([path], LoadReport()))
    assert len({a.doc_id for a in articles}) == 3
    # edited or moved, a record keeps its id: the ids follow the titles, not the lines
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in [rows[2], *rows]))
    moved = list(iter_articles([path], LoadReport()))
    assert [a.doc_id for a in moved[1:]] == [a.doc_id for a in articles[:2]] + [moved[3].doc_id]
    listed = tmp_path / "tin.json"
    listed.write_text(json.dumps(rows, ensure_ascii=False))
    assert len({a.doc_id for a in iter_articles([listed], LoadReport())}) == 3


def test_a_huge_jsonl_line_is_skipped_without_being_read_whole(tmp_path: Path) -> None:
    import tracemalloc

    from ingest.sources.loaders import MAX_LINE_BYTES

    path = tmp_path / "dump.jsonl"
    good = json.dumps({"title": "Tin", "content": "Một tin ngắn."}, ensure_ascii=False)
    with path.open("w", encoding="utf-8") as f:
        f.write(good + "\n")
        f.write('{"title": "x", "content": "' + "a" * (6 * MAX_LINE_BYTES) + '"}\n')
        f.write(good.replace("Tin", "Tin khác") + "\n")
    report = LoadReport()
    tracemalloc.start()
    articles = list(iter_articles([path], report))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [a.title for a in articles] == ["Tin", "Tin khác"]
    assert [(p.line, p.message) for p in report.failed] == [(2, "line is over 5 MiB")]
    assert peak < 3 * MAX_LINE_BYTES  # the 30 MiB line was never held whole


def test_noscript_text_is_not_article_text(tmp_path: Path) -> None:
    page = tmp_path / "gia_lua.html"
    page.write_text(
        "<html><head><title>Giá lúa tăng</title></head><body><article><h1>Giá lúa tăng</h1>"
        "<noscript>Vui lòng bật JavaScript để xem trang.</noscript>"
        "<p>Giá lúa tại Đồng bằng sông Cửu Long tăng 500 đồng mỗi kg trong tuần qua.</p>"
        "<p>Nông dân phấn khởi vì vụ lúa đông xuân được mùa được giá năm nay.</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    (article,) = iter_articles([page], LoadReport())
    assert "JavaScript" not in article.text and "500 đồng" in article.text
