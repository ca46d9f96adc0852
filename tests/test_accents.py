"""Accents put back on a question typed without them."""

from bot.answering.question.accents import restore_diacritics


def test_restore_diacritics_from_evidence() -> None:
    evidence = ["Bí thư Huyện ủy Đức Hòa - Phan Nhân Duy cho biết", "huyện Đức Hòa, tỉnh Long An"]
    assert restore_diacritics("bi thu huyen uy duc hoa la ai", evidence) == (
        "bí thư huyện ủy đức hòa là ai"  # "là ai" is not in the evidence: a question's words
    )
    assert restore_diacritics("xyz", evidence) == "xyz"


def test_question_words_keep_their_question_form_unless_the_text_names_them() -> None:
    evidence = ["Cây cầu dài nhiều mét, do đó ông Bùi Đức Ái cho biết đó là cầu mới."]
    # the evidence writes "nhiều mét" and "đó", but a question asks "bao nhiêu", "do ai"
    assert restore_diacritics("Cay cau dai bao nhieu met?", evidence, in_place=True) == (
        "Cây cầu dài bao nhiêu mét?"
    )
    assert restore_diacritics("cau do ai xay", evidence) == "cầu do ai xay"
    # a single question word beside a neighbour the text writes otherwise is that name
    assert restore_diacritics("but danh cua bui duc ai la gi", evidence) == (
        "but danh cua bùi đức ái là gì"
    )
