"""The reader's model: its committed weights, the probability, the features of the best
short answer, and when one is shown. Whole-pipeline quality is judged in test_responder."""

import json

import pytest

from bot.answering.query import analyse
from bot.answering.reader import FEATURES, Reader, ReaderModel, logistic
from bot.answering.retrieval import Hit
from bot.answering.sentences import Sentence
from bot.answering.span import SPAN_FEATURES
from ingest.models import Article, Chunk

BRIDGE = "Theo Chủ tịch UBND huyện, cây cầu dài 420 m, rộng 24 m, hoàn thành vào năm 2024."


def _retrieved(doc: str, text: str) -> Sentence:
    article = Article(doc, "Hội nghị", text, f"{doc}.md")
    hit = Hit(Chunk(f"{doc}:0", doc, 0, 0, len(text), text, "Hội nghị"), article, 1.0)
    return Sentence(hit, 0, text, 0, len(text))


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


@pytest.mark.parametrize(
    ("question", "shown"),
    [("Cây cầu dài bao nhiêu mét?", "420 m"), ("Ai là Chủ tịch UBND huyện?", None)],
)
def test_a_short_answer_needs_its_type_threshold(question: str, shown: str | None) -> None:
    thresholds = {"default": 2.0, "number": 0.9}  # never for most types, often for numbers
    model = ReaderModel({"bias": 0.0}, 0.5, {"bias": 0.0, "nearest": 3.0}, thresholds)
    span = Reader(model).short_answer(analyse(question), _sentence(BRIDGE))
    assert (span.text if span else None) == shown


def test_the_best_short_answer_tells_the_ranker_its_role() -> None:
    """A sentence whose likeliest name stands after another office than the one asked gets
    ``span_role``: 'Thủ tướng Đan Mạch' asked, 'Tổng thống Pháp [Emmanuel Macron]' read."""
    query = analyse("Thủ tướng Đan Mạch là ai?")
    other = "Tổng thống Pháp Emmanuel Macron phát biểu tại hội nghị."
    own = "Thủ tướng Đan Mạch Lars Lokke Rasmussen phát biểu tại hội nghị."
    model = ReaderModel({"bias": 0.0}, 0.5, {"bias": 0.0}, {"default": 0.5})
    sentences = [_retrieved(doc, text) for doc, text in (("a", other), ("b", own))]
    rows = Reader(model).features(query, sentences, {})
    assert [r["span_role"] for r in rows] == [1.0, 0.0]
