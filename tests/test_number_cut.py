"""Number questions with their answer cut (bench/number_cut.py)."""

from bench.number_cut import cut_paragraph
from bot.answering.reading.data import QAExample

TEXT = (
    "Cầu vượt sông Thiếp nối hai xã của huyện Đông Anh và được khởi công vào mùa xuân năm ngoái. "
    "Tổng vốn đầu tư của cây cầu là 420 tỷ đồng, do thành phố cấp. "
    "Ban quản lý dự án cho biết công trình sẽ giúp người dân đi lại thuận tiện hơn nhiều. "
    "Cây cầu dự kiến được thông xe trước Tết Nguyên đán, sau gần hai năm thi công liên tục."
)


def _ex(question: str, answer: str | None) -> QAExample:
    answers = ((answer, TEXT.index(answer)),) if answer else ()
    return QAExample("q", question, TEXT, answers, "tin/cau#0")


def test_the_sentences_answering_number_questions_go_and_the_topic_stays() -> None:
    asked = _ex("Tổng vốn đầu tư của cầu vượt sông Thiếp là bao nhiêu?", "420 tỷ đồng")
    other = _ex("Ai cấp vốn cho cầu?", "thành phố")
    text, cut = cut_paragraph([asked, other])
    assert cut == [asked]  # only the number question becomes unanswerable
    assert "420" not in text and "sông Thiếp" in text and "Ban quản lý" in text


def test_a_paragraph_without_number_questions_stays_whole() -> None:
    assert cut_paragraph([_ex("Ai cấp vốn cho cầu?", "thành phố")]) == (TEXT, [])
    assert cut_paragraph([_ex("Cầu dài bao nhiêu mét?", None)]) == (TEXT, [])  # no answer
