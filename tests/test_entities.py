import pytest

from bot.answering.entities import (
    names_all,
    names_other_place,
    place_kinds,
    places_in,
    question_entities,
)


@pytest.mark.parametrize(
    ("question", "entities"),
    [
        ("Ai là Bí thư Huyện ủy Đức Hòa?", ["duc hoa"]),
        ("Ai là Bí thư Huyện uỷ Thạch Thất?", ["thach that"]),
        ("bi thu huyen uy duc hoa la ai", ["duc hoa"]),
        ("con huyen can duoc thi sao", ["can duoc"]),
        ("Bí Thư Huyện Ủy Đức Hòa Là Ai", ["duc hoa"]),
        ("Trần Đình Long sinh năm nào?", ["tran dinh long"]),
        ("Chủ tịch UBND tỉnh Long An là ai?", ["long an"]),
        ("Mê Linh phấn đấu trở thành huyện đạt chuẩn nông thôn mới vào khi nào?", ["me linh"]),
        ("Ai là tác giả của Nhà giả kim?", []),
        ("Cầu vượt sông Thiếp dài bao nhiêu mét?", []),
    ],
)
def test_question_entities(question: str, entities: list[str]) -> None:
    assert question_entities(question) == entities


def test_names_all_matches_whole_words_without_diacritics() -> None:
    assert names_all(["duc hoa"], "Huyện Đức Hòa có 20 xã")
    assert names_all(["duc hoa"], "Quế Phong", "Bí thư huyện ĐỨC HÒA")
    assert not names_all(["duc hoa"], "Huyện Đức Hòang")
    assert not names_all(["duc hoa", "que phong"], "Huyện Đức Hòa")


def test_place_kinds_come_from_the_question_heads() -> None:
    question = "Ai là Bí thư Huyện ủy Thạch Thất, tỉnh Long An?"
    assert place_kinds(question, question_entities(question)) == {
        "thach that": "huyện",
        "long an": "tỉnh",
    }
    assert place_kinds("Trần Đình Long sinh năm nào?", ["tran dinh long"]) == {}


def test_places_in_reads_heads_and_party_committees() -> None:
    text = "Bí thư Huyện ủy Cần Đước - Nguyễn Văn Đát cho biết, tỉnh Long An và TP Hồ Chí Minh"
    assert places_in(text) == {
        ("huyện", "can duoc"),
        ("tỉnh", "long an"),
        ("thành phố", "ho chi minh"),
    }


def test_a_sentence_about_another_district_is_another_place() -> None:
    kinds = {"thach that": "huyện"}
    assert names_other_place(["thach that"], kinds, "Bí thư Huyện ủy Đức Hòa Phan Nhân Duy")
    assert not names_other_place(["thach that"], kinds, "huyện Thạch Thất và tỉnh Long An")
    assert not names_other_place(["thach that"], kinds, "thị xã thực hiện đạt 14/14 chỉ tiêu")
    assert not names_other_place(["thach that"], {}, "huyện Đức Hòa")  # kind unknown
