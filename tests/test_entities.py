import pytest

from bot.answering.entities import (
    names_all,
    names_other_place,
    office_of_other_country,
    place_kinds,
    places_in,
    question_countries,
    question_entities,
    restore_case,
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
        ("Ai là Bí thư Huyện ủy Ba Vì?", ["ba vi"]),  # 'Ba' is not 'bà' in accented text
        ("Bà Nguyễn Thị Kim Ngân là ai?", ["nguyen thi kim ngan"]),
        ("Mê Linh phấn đấu trở thành huyện đạt chuẩn nông thôn mới vào khi nào?", ["me linh"]),
        ("Ai là tác giả của Nhà giả kim?", []),
        ("Cầu vượt sông Thiếp dài bao nhiêu mét?", []),
        # the nouns heading a prize's name are no name ('Giải Cúp' of 'Cúp các hội chợ …')
        ("Giải Cúp các hội chợ liên thành phố có bao nhiêu đội?", []),
        # 'Bằng' ends no name after a lower-case word; 'Công ty' after 'Đảng uỷ' is no commune
        ("Ai là Bí thư Đảng uỷ Công ty cổ phần gang thép Cao Bằng?", ["cao bang"]),
        ("Trấn Thành Là ai?", ["tran thanh"]),
        # a title capitalised only at its start is no name, and one word after an
        # organisation's noun is one ('Tổng Giám đốc' names nobody; 'công ty Fecon' does)
        ("Ai là Tổng Giám đốc công ty Fecon?", ["fecon"]),
        ("Phó Bí thư Thị ủy, Chủ tịch UBND thị xã Kiến Tường là ai?", ["kien tuong"]),
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


@pytest.mark.parametrize(
    ("question", "sentence", "other"),
    [
        ("Ai là tổng thống Triều Tiên?", "Tổng thống Hàn Quốc tới Triều Tiên hôm nay.", True),
        ("Ai là bộ trưởng Tài chính Pháp?", "Bộ trưởng Bộ Tài chính Mỹ Henry Paulson nói.", True),
        ("Ai là bộ trưởng Tài chính Pháp?", "Bộ trưởng Tài chính của Pháp Bruno Le Maire.", False),
        ("Ai la thu tuong Duc?", "Thủ tướng Đức Angela Merkel phát biểu.", False),
        ("Ai là thủ tướng?", "Thủ tướng Đức Angela Merkel phát biểu.", False),
        ("Ai là thủ tướng Nhật Bản?", "Ông Kishida gặp Thủ tướng. Mỹ ủng hộ.", False),
        ("Ai là tổng thống Mỹ?", "Tổng thống Hoa Kỳ Donald Trump nói.", False),  # one country
        ("Ai là tổng thống Thụy Sĩ?", "Tổng thống Thuỵ Sỹ Alain Berset nói.", False),
        ("Ai là tổng thống Nhật Bản?", "Tổng thống Thuỵ Sỹ Alain Berset nói.", True),
    ],
)
def test_an_office_of_another_country(question: str, sentence: str, other: bool) -> None:
    countries = question_countries(question)
    focus = ["thủ", "tướng"] if "thủ tướng" in question else None
    focus = focus or (["tổng", "thống"] if "tổng thống" in question else ["bộ", "trưởng"])
    assert office_of_other_country(countries, focus, sentence) is other


def test_countries_are_capitalised_names_in_either_form() -> None:
    assert question_countries("Ai là tổng thống Hàn Quốc hay Mỹ?") == ["han quoc", "my"]
    assert question_countries("Ai la thu tuong Nhat Ban?") == ["nhat ban"]
    assert question_countries("công ty mỹ phẩm nào lớn nhất?") == []
    assert question_countries("Ai là tổng thống Hoa Kỳ?") == question_countries("Mỹ?") == ["my"]


EVIDENCE = [  # sentences, as the responder gives them
    "Lâm Vỹ Dạ mang que 2 vạch đến cầu hôn.",
    "Bà Nguyễn Thị Hường, mẹ của nguyên Thủ tướng Nguyễn Tấn Dũng, qua đời.",
    "Mẹ Nguyễn Tấn Dũng là người Kiên Giang.",
    "TIN TỨC VỀ HOÀNG TỬ ANH",
]


@pytest.mark.parametrize(
    ("question", "recased"),
    [
        ("me cua lam vy da?", "me cua Lam Vy Da?"),  # a name the evidence writes capitalised
        ("mẹ của nguyễn tấn dũng là ai", "mẹ của Nguyễn Tấn Dũng là ai"),
        ("mẹ nguyễn tấn dũng là ai", "mẹ Nguyễn Tấn Dũng là ai"),  # 'Mẹ' only opens a sentence
        ("tin tuc ve hoang tu anh", "tin tuc ve hoang tu anh"),  # a headline in capitals
        ("nguyen van binh la ai", "nguyen van binh la ai"),  # a name the evidence lacks
        ("Ai là mẹ của Lâm Vỹ Dạ?", "Ai là mẹ của Lâm Vỹ Dạ?"),  # typed with capitals: kept
    ],
)
def test_restore_case_puts_back_the_capitals_of_names_in_the_evidence(
    question: str, recased: str
) -> None:
    assert restore_case(question, EVIDENCE) == recased


def test_a_work_opening_the_question_is_read_by_its_title_not_its_noun() -> None:
    # a title has one capital: "Phim Bỗng" is the question's first word and the title's
    assert question_entities("Phim Bỗng dưng muốn khóc bắt đầu phát sóng khi nào?") == []
    assert question_entities("Tiểu thuyết Sông Đông êm đềm do ai viết?") == ["song dong"]
    assert question_entities("Sông Hồng dài bao nhiêu km?") == ["song hong"]  # no work


def test_a_word_that_only_opens_the_question_is_no_part_of_a_name() -> None:
    assert question_entities("Theo Bộ trưởng Quốc phòng Đan Mạch, video gửi tới ai?") == [
        "dan mach"
    ]
    assert question_entities("Trong Chiến tranh thế giới thứ hai, ai là tổng thống Mỹ?") == []
    assert question_entities("Theo Bộ Y tế, có bao nhiêu ca mắc?") == ["bo y"]
    assert question_entities("Tại huyện Đức Hòa, ai là bí thư?") == ["duc hoa"]
    assert question_entities("Tân An có bao nhiêu phường?") == ["tan an"]  # no opener
