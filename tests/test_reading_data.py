"""The reader's training data: SQuAD 2.0 files read and checked, the split by article, and
the unanswerable questions made from it."""

import json
import random
from dataclasses import replace
from pathlib import Path

import pytest

from bot.answering.reading.data import (
    QAExample,
    answer_removed,
    load_squad,
    make_unanswerable,
    split_by_article,
    typed_variant,
    without_answer,
)
from ingest.errors import InputError

PASSAGES = {
    "Đức Hòa": "Ông Phan Nhân Duy là Bí thư Huyện ủy Đức Hòa. Huyện có 20 xã và 3 thị trấn.",
    "Cần Đước": "Bà Lê Thị Thu là Bí thư Huyện ủy Cần Đước. Huyện có 16 xã và 1 thị trấn.",
    "Thạch Thất": "Năm 2025, thu nhập bình quân đầu người của Thạch Thất đạt 120 triệu đồng.",
    "Sóc Sơn": "Năm 2021, thu nhập bình quân đầu người của Sóc Sơn đạt 62,5 triệu đồng.",
}


def squad(source: str = "news") -> dict:
    """A SQuAD 2.0 document of one article per passage, two questions each."""
    data = []
    for title, context in PASSAGES.items():
        first = context.split(". ")[0]
        answer = first.split(" là ")[0].split("đạt ")[-1] if "đạt" in first else first[4:17]
        data.append(
            {
                "title": title,
                "source": source,
                "paragraphs": [
                    {
                        "context": context,
                        "qas": [
                            {
                                "id": f"{title}-1",
                                "question": f"Câu hỏi về {title}?",
                                "answers": [
                                    {"text": answer, "answer_start": context.index(answer)}
                                ],
                                "is_impossible": False,
                            },
                            {
                                "id": f"{title}-2",
                                "question": f"Huyện {title} có gì?",
                                "answers": [{"text": context[:3], "answer_start": 0}],
                            },
                        ],
                    }
                ],
            }
        )
    return {"version": "v2.0", "data": data}


def write(tmp_path: Path, doc: object) -> Path:
    path = tmp_path / "qa.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_squad_file_is_read_with_answers_at_their_offsets(tmp_path: Path) -> None:
    examples = load_squad(write(tmp_path, squad()))
    assert len(examples) == 8 and all(ex.answerable for ex in examples)
    for ex in examples:
        text, start = ex.answers[0]
        assert ex.context[start : start + len(text)] == text
    assert {ex.article for ex in examples} == {f"news/{t}#{i}" for i, t in enumerate(PASSAGES)}


def test_an_answer_offset_that_is_off_is_found_near_it(tmp_path: Path) -> None:
    doc = squad()
    qa = doc["data"][0]["paragraphs"][0]["qas"][0]
    qa["answers"][0]["answer_start"] += 2
    ex = load_squad(write(tmp_path, doc))[0]
    text, start = ex.answers[0]
    assert ex.context[start : start + len(text)] == text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("data"), r"not a SQuAD 2\.0 file"),
        (lambda d: d["data"][1]["paragraphs"][0].pop("context"), r"data\[1\].paragraphs\[0\]"),
        (
            lambda d: d["data"][0]["paragraphs"][0]["qas"][1].update(question=" "),
            r"qas\[1\] has no 'question'",
        ),
        (
            lambda d: d["data"][2]["paragraphs"][0]["qas"][0]["answers"][0].update(text="xyz"),
            "'xyz' is not in its context",
        ),
        (lambda d: d.update(data=[]), "holds no questions"),
    ],
)
def test_a_bad_file_names_what_and_where(tmp_path: Path, change, message: str) -> None:
    doc = squad()
    change(doc)
    with pytest.raises(InputError, match=message):
        load_squad(write(tmp_path, doc))


def test_a_file_that_is_not_json_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "qa.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match=r"not a SQuAD 2\.0 file"):
        load_squad(path)


def test_the_split_holds_whole_articles_out_the_same_way_every_time(tmp_path: Path) -> None:
    doc = squad("a")
    doc["data"] += squad("b")["data"]
    examples = load_squad(write(tmp_path, doc))
    train, held = split_by_article(examples, 0.5, seed=3)
    assert {ex.article for ex in train}.isdisjoint(ex.article for ex in held)
    assert len(train) + len(held) == len(examples)
    assert {ex.source for ex in held} == {"a", "b"}  # a share of each source
    assert split_by_article(examples, 0.5, seed=3) == (train, held)


def test_made_up_unanswerables_pair_a_question_with_a_passage_lacking_its_answer(
    tmp_path: Path,
) -> None:
    examples = load_squad(write(tmp_path, squad()))
    made = make_unanswerable(examples, rate=1.0, seed=1)
    assert made and all(not ex.answerable for ex in made)
    by_id = {ex.id: ex for ex in examples}
    for ex in made:
        original = by_id[ex.id.removesuffix("-neg")]
        assert ex.context != original.context and ex.question == original.question
        assert all(text.lower() not in ex.context.lower() for text, _ in original.answers)


def test_typed_variants_drop_accents_or_capitals() -> None:
    ex = QAExample("1", "Ai là Bí thư Đức Hòa?", "…", (), "a")
    rng = random.Random(0)
    seen = {typed_variant(ex, rng, 0.4, 0.3).question for _ in range(50)}
    assert seen == {ex.question, "Ai la Bi thu Duc Hoa?", "ai là bí thư đức hòa?"}


LONG = (
    "Huyện ủy Đức Hòa tổ chức hội nghị tổng kết công tác năm 2023 vào sáng thứ Hai. "
    "Ông Phan Nhân Duy là Bí thư Huyện ủy Đức Hòa từ năm 2020. "
    "Hội nghị đánh giá kinh tế của huyện tăng trưởng khá, thu ngân sách vượt dự toán. "
    "Huyện đặt mục tiêu hoàn thành các công trình trọng điểm trong năm tới."
)


def _asked(answer: str, context: str = LONG) -> QAExample:
    return QAExample("q1", "Ai là Bí thư Huyện ủy Đức Hòa?", context,
                     ((answer, context.index(answer)),), "a")  # fmt: skip


def test_without_answer_keeps_the_passage_less_the_answers_sentence() -> None:
    cut = without_answer(_asked("Phan Nhân Duy"))
    assert cut is not None and not cut.answerable and cut.id == "q1-cut"
    assert "Phan Nhân Duy" not in cut.context and "Bí thư" not in cut.context
    assert cut.context.startswith("Huyện ủy Đức Hòa tổ chức") and "thu ngân sách" in cut.context
    assert cut.question == "Ai là Bí thư Huyện ủy Đức Hòa?"


def test_without_answer_declines_when_the_answer_stays_or_too_little_is_left() -> None:
    twice = LONG + " Ông Phan Nhân Duy chủ trì hội nghị."
    assert without_answer(_asked("Phan Nhân Duy", twice)) is None  # still stated elsewhere
    short = "Ông Phan Nhân Duy là Bí thư. Huyện có 20 xã. Huyện có 3 thị trấn."
    assert without_answer(_asked("Phan Nhân Duy", short)) is None  # too little left to read


def test_answer_removed_makes_a_share_of_the_answerable_questions() -> None:
    examples = [replace(_asked("Phan Nhân Duy"), id=str(i)) for i in range(200)]
    made = answer_removed(examples, rate=0.25, seed=5)
    assert 30 <= len(made) <= 70 and all(not ex.answerable for ex in made)
    assert answer_removed(examples, rate=0.25, seed=5) == made  # seeded
    assert answer_removed(examples, rate=0.0, seed=5) == []
