"""Deterministic Vietnamese sample articles in bulk, for tests that need an ingest to last."""

from __future__ import annotations

import json
import random
from pathlib import Path

PLACES = (
    "Ba Vì",
    "Mê Linh",
    "Sóc Sơn",
    "Đông Anh",
    "Gia Lâm",
    "Thanh Trì",
    "Thường Tín",
    "Phú Xuyên",
    "Ứng Hòa",
    "Mỹ Đức",
    "Chương Mỹ",
    "Quốc Oai",
    "Phúc Thọ",
    "Đan Phượng",
    "Hoài Đức",
)
SENTENCES = (
    "Huyện {place} khánh thành trường tiểu học {school} với {n} phòng học mới.",
    "Tổng vốn đầu tư của dự án là {money} tỉ đồng, từ ngân sách thành phố và huyện.",
    "Năm {year}, toàn huyện có {n} hộ nghèo thoát nghèo, vượt kế hoạch đề ra.",
    "Ông {person}, Chủ tịch UBND xã {commune}, cho biết xã đã hoàn thành {n} km đường giao thông nông thôn.",  # noqa: E501
    "Hợp tác xã {commune} trồng {n} ha rau an toàn, cung cấp cho các chợ đầu mối.",
    "Lễ hội làng {commune} được tổ chức vào ngày {day} tháng Giêng hằng năm.",
    "Huyện đặt mục tiêu thu hút {n} nghìn lượt khách du lịch trong năm {year}.",
)
PEOPLE = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Quang Cường", "Phạm Minh Đức", "Hoàng Thu Hà")
COMMUNES = ("Tân Lập", "Phú Cát", "Hòa Thạch", "Đông Xuân", "Yên Bình", "Vân Hòa", "Kim Sơn")


def school_of(i: int) -> str:
    """The school article ``i`` (and no other) is about."""
    return f"{COMMUNES[i % len(COMMUNES)]} {i + 1}"


def article(i: int, revision: int = 0) -> dict[str, str]:
    """Article ``i`` (a new ``revision`` changes its text, not its id)."""
    rnd = random.Random(i * 1000 + revision)
    place = PLACES[i % len(PLACES)]
    facts = {
        "place": place,
        "school": school_of(i),
        "person": PEOPLE[i % len(PEOPLE)],
        "commune": COMMUNES[(i * 3) % len(COMMUNES)],
        "year": str(2015 + i % 10),
    }
    lines = [
        template.format(
            n=rnd.randint(2, 900), money=rnd.randint(5, 500), day=rnd.randint(1, 28), **facts
        )
        for template in rnd.sample(SENTENCES, k=len(SENTENCES))
    ]
    return {
        "id": f"syn-{i:04d}",
        "title": f"{place}: tin số {i + 1} về trường {facts['school']}",
        "content": "\n".join(lines * 3),
        "published": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}T08:00:00+07:00",
    }


def write_corpus(path: Path, ids: range, revisions: dict[int, int] | None = None) -> Path:
    """Write articles ``ids`` as JSONL (``revisions`` maps an id to its revision)."""
    revisions = revisions or {}
    rows = [json.dumps(article(i, revisions.get(i, 0)), ensure_ascii=False) for i in ids]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path
