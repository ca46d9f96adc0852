import pytest

from bot.answering.question.analysis import Intent, analyse, detect_intent


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


def test_a_question_asking_how_many_or_which_number_asks_for_a_number() -> None:
    assert analyse("Huyện ủy Đức Hòa có mấy xã?").asks_number
    assert analyse("Việt Nam đứng thứ mấy trong khu vực?").asks_number
    assert analyse("thu nhap binh quan nam 2025 la bao nhieu").asks_number
    assert not analyse("Ai là Bí thư Huyện ủy Đức Hòa?").asks_number
    assert not analyse("may bay nao ha canh dau tien").asks_number  # 'máy bay', unaccented


def test_names_are_the_capitalised_runs_the_first_word_only_before_a_name() -> None:
    assert analyse("Ai là Bí thư Huyện ủy Đức Hòa?").names == ("bi", "huyen", "duc hoa")
    assert analyse("Bài viết về Thạch Thất đăng ngày nào?").names == ("thach that",)
    # The first word may be a name's or a common noun's: it is a name of its own.
    assert analyse("Thạch Thất ở đâu?").names == ("thach", "that")
    assert analyse("Súng SKZ do ai sáng chế?").names == ("sung", "skz")
    assert analyse("Ông Nguyễn Văn Vũ là ai?").names == ("nguyen van vu",)  # a title is none
    assert analyse("Huyện ủy Đức Hòa có mấy xã?").names == ("duc hoa",)
    assert analyse("thach that o dau").names == ()


def test_without_capitals_a_name_is_the_two_words_after_a_place_head() -> None:
    assert analyse("bi thu huyen uy duc hoa la ai").names == ("duc hoa",)
    assert analyse("nam 2022 huyen tuong duong thu bao nhieu").names == ("tuong duong",)
    assert analyse("huyện nào có nhiều xã nhất").names == ()  # 'nào' asks: no name
    assert analyse("Huyện ủy Đức Hòa có mấy xã?").names == ("duc hoa",)  # capitals tell


@pytest.mark.parametrize(
    "question",
    [
        "AI LÀ BÍ THƯ HUYỆN ỦY THẠCH THẤT?",
        "Ai Là Bí Thư Huyện Ủy Thạch Thất?",
    ],
)
def test_a_question_in_capitals_is_read_as_typed_in_lower_case(question: str) -> None:
    # Caps lock, or every word capitalised, says nothing of names: read it in lower case.
    assert analyse(question) == analyse(question.lower())


def test_a_short_question_of_capitalised_words_keeps_its_capitals() -> None:
    # Three words may all be a name's ('Con Của Messi?' keeps 'Messi'); four are taken as typed.
    assert analyse("Con Của Messi?").text == "Con Của Messi?"
    assert analyse("Con Của Lionel Messi?").text == "con của lionel messi?"
