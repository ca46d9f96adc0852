"""The reader's model: its committed weights, the probability, the features of quantities,
and when a short answer is shown. Whole-pipeline quality is judged in test_responder."""

import json

import pytest

from bot.answering.query import analyse
from bot.answering.reader import FEATURES, Features, Reader, ReaderModel, asks, logistic
from bot.answering.sentences import Sentence
from bot.answering.span import SPAN_FEATURES

BRIDGE = "Theo Chủ tịch UBND huyện, cây cầu dài 420 m, rộng 24 m, hoàn thành vào năm 2024."


def _sentence(text: str) -> Sentence:
    return Sentence(hit=None, rank=0, text=text, start=0, end=len(text))  # type: ignore[arg-type]


def test_the_committed_model_weighs_exactly_the_features_the_code_computes() -> None:
    model = ReaderModel.load()
    assert set(model.weights) == {"bias", *FEATURES}
    assert set(model.span_weights) == {"bias", *SPAN_FEATURES}
    assert 0.0 < model.threshold < 1.0 and "default" in model.span_thresholds


def test_the_model_round_trips_through_its_file(tmp_path) -> None:
    model = ReaderModel({"bias": -1.0, "coverage": 2.0}, 0.3, {"bias": 0.5}, {"default": 0.8})
    path = tmp_path / "model.json"
    path.write_text(json.dumps(model.to_json()), encoding="utf-8")
    assert ReaderModel.load(path) == model
    assert model.span_threshold("number") == 0.8  # a type without its own uses the default


def test_logistic_is_a_probability_that_grows_with_a_positive_weight() -> None:
    weights = {"bias": -1.0, "coverage": 4.0}
    assert logistic(weights, {"coverage": 0.25}) == pytest.approx(0.5)
    assert logistic(weights, {"coverage": 1.0}) > logistic(weights, {"coverage": 0.5})
    assert 0.0 < logistic(weights, {"coverage": -1e9}) < 1e-12  # clipped, no overflow


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
    ("question", "shown"),
    [("Cây cầu dài bao nhiêu mét?", "420 m"), ("Ai là Chủ tịch UBND huyện?", None)],
)
def test_a_short_answer_needs_its_type_threshold(question: str, shown: str | None) -> None:
    thresholds = {"default": 2.0, "number": 0.9}  # never for most types, often for numbers
    model = ReaderModel({"bias": 0.0}, 0.5, {"bias": 0.0, "nearest": 3.0}, thresholds)
    span = Reader(model).short_answer(analyse(question), _sentence(BRIDGE))
    assert (span.text if span else None) == shown


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
