"""The cheap features of candidate sentences: quantities and their units, how close the
question's words stand, the focus inside another office, sentences that ask, capitals."""

import pytest

from bot.answering.features import Features, asks, caps
from bot.answering.query import analyse

BRIDGE = "Theo Chủ tịch UBND huyện, cây cầu dài 420 m, rộng 24 m, hoàn thành vào năm 2024."


def test_a_number_in_the_asked_unit_and_after_the_measured_word() -> None:
    features = Features(analyse("Cây cầu dài bao nhiêu mét?"), {})
    assert features.unit(BRIDGE) == 1.0 and features.unit("Cầu có 5 nhịp.") == 0.0
    assert features.asked_number(BRIDGE) == 1.0
    assert features.asked_number("Cầu rộng 24 m, tổng vốn 350 tỉ đồng.") == 0.0


def test_proximity_is_one_when_the_question_terms_stand_together() -> None:
    features = Features(analyse("Cầu vượt sông Thiếp dài bao nhiêu?"), {})
    near = features.proximity(["cầu", "vượt", "sông", "thiếp"])
    far = features.proximity(["cầu", "x", "x", "x", "x", "x", "thiếp"])
    assert near == 1.0 and far < 0.5


@pytest.mark.parametrize(
    ("question", "sentence", "modified"),
    [
        ("Ai là tổng giám đốc Vinhomes?", "Vinhomes bổ nhiệm hai Phó tổng giám đốc.", 1.0),
        ("Ai là tổng giám đốc Vinhomes?", "Ông A, Tổng giám đốc Vinhomes, cho biết.", 0.0),
        ("Ai là tổng giám đốc Vinhomes?", "Phó tổng giám đốc A và Tổng giám đốc B.", 0.0),
        ("Ai là phó tổng giám đốc Vinhomes?", "Vinhomes bổ nhiệm hai Phó tổng giám đốc.", 0.0),
        ("chong cua Duong Mich la ai", "Bo chong tiet lo ve cuoc song Duong Mich", 1.0),
    ],
)
def test_the_focus_inside_another_office_or_relation(
    question: str, sentence: str, modified: float
) -> None:
    features = Features(analyse(question), {})
    assert features.focus_modified(features._terms(sentence)) == modified


@pytest.mark.parametrize(
    ("sentence", "question_like"),
    [
        ("Tên khai sinh thời nhỏ của Bác Hồ là gì.", 1.0),
        ("Antonella Roccuzzo có sung sướng khi làm vợ Messi?", 1.0),
        ("ten khai sinh cua bac ho la gi", 1.0),
        ("Tên khai sinh của Bác Hồ là Nguyễn Sinh Cung.", 0.0),
    ],
)
def test_a_sentence_that_is_itself_a_question(sentence: str, question_like: float) -> None:
    assert asks(sentence) == question_like


@pytest.mark.parametrize(
    ("question", "in_unit"),
    [
        ("Cầu vượt sông Thiếp dài bao nhiêu?", (1.0, 0.0)),  # a length: metres, not money
        ("cau vuot song thiep dai bao nhieu", (1.0, 0.0)),
        ("Dự án có tổng vốn bao nhiêu?", (0.0, 1.0)),  # money, with its scale word
        ("Cầu có bao nhiêu làn xe?", (0.0, 0.0)),  # nothing measured, no unit implied
    ],
)
def test_a_measured_attribute_implies_its_units(question: str, in_unit: tuple) -> None:
    features = Features(analyse(question), {})
    money = "Tổng mức đầu tư 350 tỉ đồng từ ngân sách."
    assert (features.unit(BRIDGE), features.unit(money)) == in_unit


def test_a_headline_in_capitals_is_told_by_its_share_of_capitals() -> None:
    assert caps("TIN TỨC VỀ HOÀNG TỬ ANH - HOANG TU ANH") == 1.0
    assert caps("Hoàng tử Harry thăm Windsor.") < 0.2
    assert caps("") == 0.0
