import pytest

from bot.answering.entities import names_all, question_entities


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
