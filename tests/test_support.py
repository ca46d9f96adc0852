"""Agreement between sources (bot/answering/support.py), and the reader weighing it."""

import pytest

from bot.answering.query import analyse
from bot.answering.reader import Reader
from bot.answering.retrieval import Hit
from bot.answering.sentences import Sentence
from bot.answering.support import Support
from ingest.models import Article, Chunk


def _sentence(doc: str, rank: int, text: str) -> Sentence:
    article = Article(doc, "Ấn Độ", text, f"{doc}.md")
    hit = Hit(Chunk(f"{doc}:0", doc, 0, 0, len(text), text, "Ấn Độ"), article, 1.0)
    return Sentence(hit, rank, text, 0, len(text))


INDIA = [
    _sentence("a", 0, "Thủ tướng Ấn Độ Narendra Modi thăm Việt Nam."),
    _sentence("a", 0, "Ông Narendra Modi phát biểu tại Hà Nội."),  # the same article
    _sentence("b", 1, "Thu tuong an do narendra modi noi."),  # another, without diacritics
    _sentence("c", 3, "Thủ tướng Ấn Độ Manmohan Singh từ chức."),
]


def test_support_sums_the_best_rank_weight_of_each_other_article_stating_the_answer() -> None:
    answers = ["Narendra Modi", "Narendra Modi", "narendra modi", "Manmohan Singh"]
    support = [Support(INDIA).of(s, a) for s, a in zip(INDIA, answers, strict=True)]
    assert support[0] == pytest.approx(1 / 2)  # article b at rank 1; its own article not counted
    assert support[2] == pytest.approx(1.0)  # article a at rank 0
    assert support[3] == 0.0  # nobody else says it


def test_no_answer_and_a_part_of_a_word_get_no_support() -> None:
    answers = [None, "Modi Narendra", "Moo", "Singh"]
    support = [Support(INDIA).of(s, a) for s, a in zip(INDIA, answers, strict=True)]
    assert support == [0.0, 0.0, 0.0, 0.0]


def test_the_reader_gives_each_sentence_its_best_span_and_that_spans_support() -> None:
    rows = Reader().features(analyse("Ai là thủ tướng Ấn Độ?"), INDIA, {})
    assert rows[0]["span_p"] > 0.0 and rows[0]["support"] > 0.0
    assert rows[3]["span_p"] > 0.0 and rows[3]["support"] == 0.0
