"""The QA figures of ``vnqa eval``: token F1, answer length, refusals split by answerability."""

from __future__ import annotations

import pytest

from bot.answering.answer import Answer
from bot.evaluate import QAReport, answer_tokens, token_f1


def test_answer_tokens_drop_markers_and_punctuation() -> None:
    assert answer_tokens("Phan Nhân Duy [1]. Ông là Bí thư [2, 3]") == [
        "phan", "nhân", "duy", "ông", "là", "bí", "thư",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("answer", "golds", "f1"),
    [
        ("Phan Nhân Duy [1].", ["Phan Nhân Duy"], 1.0),
        ("Đồng chí Phan Nhân Duy [1]", ["Phan Nhân Duy"], 2 * 0.6 * 1.0 / 1.6),
        ("Phan Nhan Duy", ["Phan Nhân Duy"], 2 / 3),  # accents count: "nhan" is not "nhân"
        ("Trần Đình Long", ["Long", "Trần Đình Long"], 1.0),  # the best gold phrase
        ("Nguyễn Văn A", ["Phan Nhân Duy"], 0.0),
        ("", ["Phan Nhân Duy"], 0.0),
    ],
)
def test_token_f1(answer: str, golds: list[str], f1: float) -> None:
    assert token_f1(answer, golds) == pytest.approx(f1)


def test_summary_splits_answerable_from_unanswerable() -> None:
    report = QAReport()
    gold = {"gold_sources": ["a.txt"], "answer": {"any": ["Phan Nhân Duy"]}}
    right = Answer("Phan Nhân Duy [1].", True)
    long_right = Answer("Ông Phan Nhân Duy là Bí thư Huyện ủy Đức Hòa [1].", True)
    refused = Answer("Không tìm thấy", False)
    for row, answer in [
        ({**gold, "id": "1"}, right),
        ({**gold, "id": "2"}, long_right),
        ({**gold, "id": "3"}, refused),  # a false refusal: F1 0 among all, absent among answered
        ({"id": "4", "gold_sources": [], "answer": {}}, refused),
        ({"id": "5", "gold_sources": [], "answer": {}}, right),  # answered what is not there
    ]:
        report.add(row, answer, 0.01, lambda c: True)
    s = report.summary()
    assert s["answerable_correct"] == pytest.approx(0.667, abs=1e-3)
    assert s["false_refusals"] == pytest.approx(0.333, abs=1e-3)
    assert s["unanswerable_refused"] == 0.5
    f1_long = token_f1(long_right.text, ["Phan Nhân Duy"])
    assert s["token_f1"] == pytest.approx(round(100 * (1 + f1_long) / 3, 1))
    assert s["token_f1_answered"] == pytest.approx(round(100 * (1 + f1_long) / 2, 1))
    assert s["median_answer_words"] == 3  # of 3, 11 and 3 words (answers given)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"question": 5}', r"q\.jsonl:2: field 'question' must be a non-empty string"),
        ('{"question": "Ai?", "answer": {"any": "Ba"}}', r":2: field 'answer\.any' must be a list"),
        ('{"question": "Ai?", "answer": "Ba"}', r":2: field 'answer' must be a dict"),
        ('{"question": "Ai?", "gold_sources": [1]}', r":2: field 'gold_sources' must be a list"),
        ("[1, 2]", r":2: expected a JSON object"),
        ('{"question": "Ai?"', r":2: invalid JSON"),
    ],
)
def test_a_bad_eval_line_is_named_with_its_field(tmp_path, line: str, message: str) -> None:
    from bot.evaluate import load_eval_set
    from ingest.errors import InputError

    path = tmp_path / "q.jsonl"
    path.write_text('{"question": "Cầu dài bao nhiêu?", "answer": {"any": ["420 m"]}}\n' + line)
    with pytest.raises(InputError, match=message):
        load_eval_set(path)


def test_a_retrieval_line_needs_its_gold_id_as_text(tmp_path) -> None:
    from bot.evaluate import load_eval_set
    from ingest.errors import InputError

    path = tmp_path / "r.jsonl"
    path.write_text('{"query": "giá vàng", "gold_id": "a1"}\n{"query": "x", "gold_id": 7}\n')
    with pytest.raises(InputError, match=r"r\.jsonl:2: field 'gold_id' must be a non-empty"):
        load_eval_set(path)
