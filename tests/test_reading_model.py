"""The bundled reader on passages and questions written for these tests (in no training
data): the span it finds, with and without accents, and passages that do not answer."""

import pytest

from bot.answering.reading.model import no_answer_score
from bot.answering.reading.spans import span_text

CASES = [
    (
        "Huyện Đông Anh khởi công cầu vượt sông Thiếp vào sáng 5/6. Theo Chủ tịch UBND huyện "
        "Nguyễn Xuân Linh, cây cầu dài 420 m, rộng 24 m, dự kiến hoàn thành vào quý IV/2024.",
        [
            ("Cầu vượt sông Thiếp dài bao nhiêu mét?", "420 m"),
            ("Ai là Chủ tịch UBND huyện Đông Anh?", "Nguyễn Xuân Linh"),
            ("Khi nào cầu vượt sông Thiếp hoàn thành?", "quý IV/2024"),
        ],
    ),
    (
        "Năm 2022, thị xã Kiến Tường có 3 xã đạt chuẩn nông thôn mới nâng cao. Thu nhập bình "
        "quân đầu người đạt 68 triệu đồng, tăng 8% so với năm trước. Bí thư Thị ủy Kiến Tường "
        "là ông Lê Văn Hoàng.",
        [
            ("Thu nhập bình quân đầu người ở Kiến Tường năm 2022 là bao nhiêu?", "68 triệu"),
            ("Ai là Bí thư Thị ủy Kiến Tường?", "Lê Văn Hoàng"),
            ("Bao nhiêu xã của Kiến Tường đạt chuẩn nông thôn mới nâng cao?", "3 xã"),
        ],
    ),
    (
        "Làng gốm Bát Tràng thuộc huyện Gia Lâm, Hà Nội, có lịch sử hơn 700 năm. Mỗi năm làng "
        "đón khoảng 500.000 lượt khách, phần lớn vào dịp cuối tuần.",
        [
            ("Làng gốm Bát Tràng thuộc huyện nào?", "Gia Lâm"),
            ("Làng Bát Tràng có lịch sử bao nhiêu năm?", "700 năm"),
            ("Mỗi năm Bát Tràng đón bao nhiêu lượt khách?", "500.000"),
        ],
    ),
]
QUESTIONS = [(passage, q, a) for passage, pairs in CASES for q, a in pairs]


def _best(reader, question: str, passage: str) -> tuple[str, float]:
    (spans,) = reader.read(question, [passage])
    return span_text(passage, spans[0]), spans[0].score - no_answer_score(spans)


def test_the_reader_finds_the_answer_span(reader) -> None:
    found = [a in _best(reader, q, p)[0] for p, q, a in QUESTIONS]
    assert sum(found) >= len(QUESTIONS) - 1, found  # one miss allowed of nine


def test_a_question_typed_without_accents_finds_the_same_answer(reader) -> None:
    """As the Responder reads one: its accents restored from the passages first."""
    from bot.answering.question.accents import restore_diacritics
    from ingest.text.textnorm import strip_diacritics

    found = []
    for passage, question, answer in QUESTIONS:
        typed = restore_diacritics(strip_diacritics(question), [passage])
        found.append(answer in _best(reader, typed, passage)[0])
    assert sum(found) >= len(QUESTIONS) - 2, found


def test_a_passage_that_does_not_answer_scores_below_one_that_does(reader) -> None:
    bridge, bat_trang = CASES[0][0], CASES[2][0]
    question = "Cầu vượt sông Thiếp dài bao nhiêu mét?"
    assert _best(reader, question, bridge)[1] > _best(reader, question, bat_trang)[1] + 2


@pytest.mark.parametrize("runtime", ["torch", "onnx"])
def test_both_runtimes_find_the_answers(e5_dir, tmp_path, runtime: str) -> None:
    """torch, and ONNX Runtime with int8 weights exported afresh into an empty cache."""
    from bot.answering.reading.reader import SpanReader

    reader = SpanReader(lambda: e5_dir, runtime=runtime, cache=lambda: tmp_path)
    found = [a in _best(reader, q, p)[0] for p, q, a in QUESTIONS]
    assert sum(found) >= len(QUESTIONS) - 2, found  # int8 weights cost ~0.6 F1 on validation
