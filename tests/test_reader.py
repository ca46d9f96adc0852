"""The reader's model: its committed weights, the probability, the features of the best
short answer, and when one is shown. Whole-pipeline quality is judged in test_responder."""

import json

import pytest

from bot.answering.query import analyse
from bot.answering.reader import FEATURES, CrossFusion, Reader, ReaderModel, logistic
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


def test_the_fusion_round_trips_through_the_model_file(tmp_path) -> None:
    fusion = CrossFusion(weight=2.0, threshold=0.6, top=8)
    model = ReaderModel({"bias": -1.0}, 0.3, {"bias": 0.5}, {"default": 0.8}, fusion)
    path = tmp_path / "model.json"
    path.write_text(json.dumps(model.to_json()), encoding="utf-8")
    assert ReaderModel.load(path) == model


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


class _Table:
    """A reranker at the protocol level: log-odds from a table, and a log of the questions and
    sentences it read."""

    def __init__(self, table: dict[str, float]) -> None:
        self.table, self.read, self.questions = table, [], []

    def score(self, question: str, sentences) -> list[float]:
        self.questions.append(question)
        self.read.append(list(sentences))
        return [self.table[s] for s in sentences]


BRIDGE_QUESTION = "Cây cầu dài bao nhiêu mét?"
CANDIDATES = (
    "Cây cầu dài 420 m, bắc qua sông Hồng.",
    "Cầu mới dài hơn cầu cũ.",
    "Hội nghị diễn ra hôm qua tại huyện.",
)
FUSED = ReaderModel(
    {"bias": -1.0, "coverage": 4.0}, 0.5, {"bias": 0.0}, {"default": 2.0}, CrossFusion(2.0, 0.9, 2)
)


def _scores(reader: Reader, question: str) -> list[float]:
    sentences = [_retrieved(str(i), text) for i, text in enumerate(CANDIDATES)]
    return [s.score for s in reader.score(analyse(question), sentences, {})]


def test_the_cross_encoder_reorders_the_best_few_and_only_reads_them() -> None:
    plain = _scores(Reader(FUSED), BRIDGE_QUESTION)
    assert plain[0] > plain[1] > plain[2]  # the features' order, before the cross-encoder
    # it prefers the second; the third, which it would like most, is not among those read
    cross = _Table({CANDIDATES[0]: -3.0, CANDIDATES[1]: 2.0, CANDIDATES[2]: 9.0})
    fused = _scores(Reader(FUSED, cross), BRIDGE_QUESTION)
    assert cross.read == [list(CANDIDATES[:2])]
    assert fused[1] > fused[0] > fused[2]
    assert fused[2] < plain[2]  # an unread sentence gets the lowest score read (-3 x 2)


def test_list_questions_are_left_to_the_features() -> None:
    question = "Những cây cầu nào dài hơn 400 m?"
    cross = _Table(dict.fromkeys(CANDIDATES, 5.0))
    assert _scores(Reader(FUSED, cross), question) == _scores(Reader(FUSED), question)
    assert cross.read == []


def test_a_question_typed_without_accents_is_read_with_them_put_back() -> None:
    cross = _Table(dict.fromkeys(CANDIDATES, 0.0))
    Reader(FUSED, cross).score(
        analyse("cay cau dai bao nhieu met?"),
        [_retrieved(str(i), text) for i, text in enumerate(CANDIDATES)],
        {},
    )
    # the accents come from the sentences, and a question's own words from the lexicon;
    # 'met' is in neither, so it stays as typed
    assert cross.questions == ["cây cầu dài bao nhiêu met?"]
    cross.questions.clear()
    Reader(FUSED, cross).score(analyse(BRIDGE_QUESTION), [_retrieved("a", CANDIDATES[0])], {})
    assert cross.questions == [BRIDGE_QUESTION]  # typed with accents: as typed


def test_found_uses_the_threshold_of_the_score_it_is_given() -> None:
    cross = _Table(dict.fromkeys(CANDIDATES, 0.0))
    reader, hit = Reader(FUSED, cross), _retrieved("a", CANDIDATES[0]).hit
    # fused: 0.9, with or without accents; a list question, the features' own 0.5
    lists = "Những cây cầu nào dài hơn 400 m?"
    for p, text, expected in (
        (0.7, BRIDGE_QUESTION, False),
        (0.7, "cay cau dai bao nhieu met?", False),
        (0.7, lists, True),
        (0.95, BRIDGE_QUESTION, True),
    ):
        best = Sentence(hit, 0, CANDIDATES[0], 0, len(CANDIDATES[0]), score=p)
        assert reader.found(analyse(text), best) is expected, (p, text)
        without = Reader(FUSED).found(analyse(text), best)  # no cross-encoder: the features'
        assert without is True, (p, text)


def test_a_question_of_another_kind_has_its_own_threshold_and_under_the_fused_one_no_span() -> None:
    """Questions asking how much, when or what score lower when answered: they have their
    own 'found' threshold, and a sentence found only under it is quoted whole."""
    fusion = CrossFusion(2.0, 0.9, 2, {"number": 0.3})
    model = ReaderModel({"bias": 0.0}, 0.5, {"bias": 0.0, "nearest": 3.0}, {"default": 0.0}, fusion)
    reader, hit = Reader(model, _Table({})), _retrieved("a", BRIDGE).hit
    person = analyse("Ai là Chủ tịch UBND huyện?")
    for p, found, span in ((0.5, True, None), (0.95, True, "420 m"), (0.2, False, None)):
        best = Sentence(hit, 0, BRIDGE, 0, len(BRIDGE), score=p)
        assert reader.found(analyse(BRIDGE_QUESTION), best) is found, p
        shown = reader.short_answer(analyse(BRIDGE_QUESTION), best)
        assert (shown.text if shown else None) == span, p
        assert reader.found(person, best) is (p >= 0.9), p  # a person: the fused threshold
