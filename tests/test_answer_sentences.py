"""Candidate sentences of retrieved passages (bot/answering/sentences.py)."""

from bot.answering.query import AnswerType, analyse
from bot.answering.retrieval import Hit
from bot.answering.sentences import (
    candidate_sentences,
    has_answer_shape,
    restates,
    states_role,
)
from ingest.models import Article, Chunk

BIO = (
    "Nguyễn Thành Trung sinh năm 1947 tại Bến Tre. "
    "Ông là người đã lái máy bay F-5E ném bom Dinh Độc Lập. "
    "Ông hiện sống tại TP HCM. "
    "Ông Quang là giám đốc Vector Aviation. "
    "Ông từng là phi công."
)


def _hit(text: str) -> Hit:
    article = Article("bio", "Tiểu sử", text, "bio.md")
    return Hit(Chunk("bio:0", "bio", 0, 40, 40 + len(text), text, "Tiểu sử"), article, 1.0)


def test_a_sentence_opening_with_a_bare_pronoun_is_read_with_who_it_names() -> None:
    found = {s.text.split(". ")[-1]: s for s in candidate_sentences([_hit(BIO)])}
    bomb = found["Ông là người đã lái máy bay F-5E ném bom Dinh Độc Lập."]
    assert bomb.text.startswith("Nguyễn Thành Trung sinh năm 1947")
    assert BIO[bomb.start - 40 : bomb.end - 40] == bomb.text  # still one verbatim stretch
    # Two pronouns back to the name; 'Ông Quang' names its man and so does 'Ông từng' after it.
    assert found["Ông hiện sống tại TP HCM."].text.startswith("Nguyễn Thành Trung")
    assert found["Ông Quang là giám đốc Vector Aviation."].text.startswith("Ông Quang")
    assert found["Ông từng là phi công."].text.startswith("Ông Quang là giám đốc")
    assert found["Nguyễn Thành Trung sinh năm 1947 tại Bến Tre."].context == ""


def test_a_sentence_that_only_restates_the_question_is_no_candidate_answer() -> None:
    def restated(question: str, text: str) -> bool:
        return restates(analyse(question).said, text)

    # a page that asks what was asked ("… là ai."), typed with or without accents
    assert restated("Cha của Nguyễn Du là ai?", "Cha của Nguyễn Du là ai.")
    assert restated("cha cua nguyen du la ai", "Cha của Nguyễn Du là ai.")
    assert restated("Tên khai sinh thời nhỏ của Bác Hồ là gì?", "Bác Hồ tên là gì?")
    # one word the question lacks may be the answer
    assert not restated("Cha của Nguyễn Du là ai?", "Cha của Nguyễn Du là Nguyễn Nghiễm.")
    assert not restated("Hà Nội có bao nhiêu quận?", "Hà Nội có 12 quận.")


def test_a_date_after_the_part_of_the_day_is_a_time_answer() -> None:
    assert has_answer_shape(AnswerType.TIME, "(CAO) Sáng 31-3, Quốc hội bầu Chủ tịch.")
    assert has_answer_shape(AnswerType.TIME, "Hôm 20.12, đoàn đến Hà Nội.")
    assert not has_answer_shape(AnswerType.TIME, "Buổi sáng, đoàn đến Hà Nội.")


def test_a_sentence_states_the_role_asked_itself_or_beside_it() -> None:
    text = "Ông Quang là Tổng Giám đốc công ty Vector Aviation. Ông sống ở Huế."
    s = candidate_sentences([_hit(text)])
    role = analyse("Ai là tổng giám đốc công ty Vector Aviation?").role
    assert states_role(role, s[0]) and states_role(role, s[1])  # or its neighbour does
    assert not states_role(analyse("Ai là chủ tịch công ty Vector Aviation?").role, s[0])
    assert states_role((), s[0])  # nothing asked: any sentence


def test_a_deputy_holds_another_office_than_the_one_asked() -> None:
    text = "Đại tá Nguyễn Mạnh Lân, Phó Tổng giám đốc Tổng công ty Ba Son cho biết."
    (s,) = candidate_sentences([_hit(text)])
    assert not states_role(analyse("Tổng giám đốc công ty Ba Son là ai?").role, s)
    assert states_role(analyse("Phó tổng giám đốc công ty Ba Son là ai?").role, s)
