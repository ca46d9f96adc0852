import pytest

from bot.answering.query import (
    AnswerType,
    Intent,
    analyse,
    detect_intent,
    recased,
)


def test_terms_are_folded_and_question_words_dropped() -> None:
    q = analyse("Ai là Bí thư Huyện uỷ Đức Hoà?")
    assert q.terms == ["bi", "thu", "huyen", "uy", "duc", "hoa"]
    assert "duc hoa" in q.phrases and q.accented and q.intent is Intent.FACT
    assert analyse("bi thu huyen uy duc hoa la ai").terms == q.terms


def test_abbreviations_expand_both_ways() -> None:
    assert {"ubnd", "uy ban nhan dan"} <= set(analyse("UBND huyện Đông Anh").phrases)
    assert {"ubnd", "uy ban nhan dan"} <= set(analyse("Ủy ban nhân dân huyện").phrases)
    assert {"ntm", "nong thon moi"} <= set(analyse("xã đạt chuẩn NTM").phrases)
    assert {"ocop", "moi xa mot san pham"} <= set(analyse("sản phẩm OCOP").phrases)
    assert "tp" in analyse("TP. Hà Nội").phrases


def test_meta_phrases_are_not_searched() -> None:
    assert analyse("Những huyện nào được nhắc đến trong bài?").terms == ["huyen"]


def test_intents() -> None:
    assert analyse("Bài viết về Thạch Thất được đăng ngày nào?").intent is Intent.DATE
    assert analyse("Ai là tác giả bài viết về Hải Hà?").intent is Intent.AUTHOR
    assert analyse("bai viet ve thach that dang ngay nao").intent is Intent.DATE
    assert analyse("Ai là Bí thư?").intent is Intent.FACT


def test_focus_skips_the_topic() -> None:
    assert analyse("Kết quả bầu cử ở Phú Xuyên thế nào?").focus == ["kết", "quả"]
    assert analyse("Năm 2022 huyện Đức Hòa thu ngân sách bao nhiêu?").focus == [
        "thu",
        "ngân",
    ]
    assert analyse("Thạch Thất đặt mục tiêu gì?").focus == ["mục", "tiêu"]


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("Ai là tác giả bài viết về huyện Hải Hà?", Intent.AUTHOR),
        ("ai la tac gia bai viet ve hai ha", Intent.AUTHOR),
        ("Bài báo về Gia Lâm do ai viết?", Intent.AUTHOR),
        ("Bài viết về Thạch Thất được đăng ngày nào?", Intent.DATE),
        ("Ai là tác giả của Nhà giả kim?", Intent.FACT),  # a book, not an article's byline
        ("Ai là tác giả bài thơ Tự tình?", Intent.FACT),
        ("Nhạc sĩ nào là tác giả bài Tiến Quân Ca?", Intent.FACT),
        ("Ai là người viết bản Tuyên ngôn độc lập?", Intent.FACT),
    ],
)
def test_byline_questions_must_name_the_article(question: str, intent: Intent) -> None:
    assert detect_intent(question) is intent


@pytest.mark.parametrize(
    ("question", "kind", "noun"),
    [
        ("Đường cao tốc nào đi qua Phú Xuyên?", AnswerType.NAME, ["cao", "toc"]),
        ("Vị vua nào lập nên nước Đại Ngu?", AnswerType.PERSON, ["vua"]),
        ("Biệt danh Chanh là của ca sỹ nào?", AnswerType.PERSON, ["ca", "sy"]),
        ("Làng nghề khảm trai của Phú Xuyên ở xã nào?", AnswerType.PLACE, ["xa"]),
        ("Thạch Thất đặt mục tiêu thu nhập bao nhiêu?", AnswerType.NUMBER, []),
        ("Những huyện nào của tỉnh Long An?", AnswerType.LIST, ["huyen"]),
        # 'những' inside a title is no list: 'Những đồi hoa sim' is a song
        ("Bài Những đồi hoa sim là sáng tác của nhạc sĩ nào?", AnswerType.PERSON, ["nhac", "si"]),
        ("Biệt danh này là của cầu thủ bóng đá nào?", AnswerType.PERSON, ["bong", "da"]),
        # no question word: a question opening with a person noun asks who
        ("Người đầu tiên đặt chân lên Mặt Trăng?", AnswerType.PERSON, []),
        ("nha van duoc menh danh la ong vua phong su?", AnswerType.PERSON, []),
        # a name asked for: 'tên thật', 'bút danh', also with 'là gì'
        ("Bút danh của nhà thơ Nguyễn Văn An là gì?", AnswerType.PERSON, []),
        ("Thủ đô của Pháp là gì?", AnswerType.OTHER, []),
        # 'vị trí' is a position, not 'vị' of 'vị vua nào'
        ("Anh ấy chơi ở vị trí nào?", AnswerType.OTHER, ["tri"]),
        ("vi tri nao tot nhat cho tien dao?", AnswerType.OTHER, ["tri"]),
        # 'người nước nào' asks for a country, not a person
        ("Ernst Thornmen là người nước nào?", AnswerType.NAME, []),
        ("ernst thornmen la nguoi nuoc nao", AnswerType.NAME, []),
    ],
)
def test_answer_kind_and_the_noun_asked_for(question: str, kind: AnswerType, noun: list) -> None:
    q = analyse(question)
    assert (q.kind, q.noun) == (kind, noun)


def test_numbers_and_place_kinds_of_a_question() -> None:
    q = analyse("thu nhap binh quan dau nguoi huyen thach that nam 2025")
    assert q.numbers == ["2025"]
    assert q.places == {"thach that": "huyện"}


def test_a_lower_case_question_is_read_again_with_its_names() -> None:
    evidence = ["Thu nhập bình quân đầu người của thị xã Kiến Tường tăng 8%."]
    query = analyse("thu nhap binh quan dau nguoi kien tuong nam 2025")
    assert query.entities == []
    again = recased(query, evidence)
    assert again.entities == ["kien tuong"] and again.terms == query.terms
    assert again.kind is query.kind and not again.accented
    typed = analyse("Thu nhập bình quân đầu người Kiến Tường?")
    assert recased(typed, evidence) is typed  # typed with capitals: nothing to put back


@pytest.mark.parametrize(
    "question",
    [
        "AI LÀ BÍ THƯ HUYỆN ỦY THẠCH THẤT?",
        "AI LA BI THU HUYEN UY THACH THAT",
        "Ai Là Bí Thư Huyện Ủy Thạch Thất?",
    ],
)
def test_a_question_in_capitals_is_read_as_typed_in_lower_case(question: str) -> None:
    # Caps lock, or every word capitalised, marks every word a name: the whole question was
    # the one entity to guard.
    query = analyse(question)
    assert query.entities == ["thach that"] and query.places == {"thach that": "huyện"}
    assert query == analyse(question.lower())
    evidence = ["Phạm Quí Tiên - Thành ủy viên, Bí thư Huyện uỷ Thạch Thất"]
    assert recased(query, evidence).entities == ["thach that"]


def test_a_short_question_of_capitalised_words_keeps_its_capitals() -> None:
    # Three words may all be a name's ('Con Của Messi?' keeps 'Messi'); four are taken as typed.
    assert analyse("Con Của Messi?").text == "Con Của Messi?"
    assert "messi" in analyse("Con Của Messi?").entities[0]
    assert analyse("Con Của Lionel Messi?").text == "con của lionel messi?"


def test_what_reading_needs_of_the_question_is_derived_once_in_its_analysis() -> None:
    q = analyse("Năm 2019 huyện Đức Hòa có bao nhiêu đội bóng?")
    assert q.counted == ("doi", "bong") and not q.asks_year
    assert q.keys[:3] == ("nam", "2019", "huyen") and q.keys[-1] == "bong"
    assert {"duc", "hoa", "bao", "nhieu"} <= q.said
    assert q.named == ("Năm", "Đức Hòa") and "duc" in q.folded_content
    year = analyse("Ông Kỳ sinh năm nào?")
    assert year.asks_year and year.counted == () and "ki" in year.keys  # one spelling for i/y
    assert analyse("Bà ấy sinh năm bao nhiêu?").asks_year


@pytest.mark.parametrize(
    ("question", "stated"),
    [
        ("Ai là chủ tịch tập đoàn Hòa Phát?", ("chu tich",)),
        ("tong giam doc cong ty fecon?", ("tong giam doc",)),
        ("Tổng thống Mỹ sinh năm nào?", ()),  # asks a year, not who holds the office
        ("Ai là Bí thư Huyện ủy Đức Hòa?", ()),  # no office the guard knows
    ],
)
def test_the_office_a_person_question_asks_is_what_an_answer_must_state(
    question: str, stated: tuple[str, ...]
) -> None:
    assert analyse(question).role == stated


def test_a_family_relation_is_stated_by_any_relation_or_a_marriage() -> None:
    for question in ("Mẹ của Hari Won?", "me cua hari won", "Con trai của Will Smith là ai?"):
        role = analyse(question).role
        assert {"me", "con trai", "chong", "ket hon"} <= set(role)
    assert analyse("Ai là người sáng lập Facebook?").role == ()
