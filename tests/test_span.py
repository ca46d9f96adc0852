"""The short answer inside a sentence: candidates of the asked shape and what describes them."""

from bot.answering.query import analyse
from bot.answering.span import find_span, span_candidates


def texts(question: str, sentence: str) -> list[str]:
    return [c.span.text for c in span_candidates(analyse(question), sentence)]


def test_a_number_keeps_its_unit_and_skips_the_numbers_the_question_gives() -> None:
    sentence = "Năm 2022, thị xã thực hiện đạt và vượt 14/14 chỉ tiêu NQ."
    question = "Năm 2022 thị xã Kiến Tường đạt bao nhiêu chỉ tiêu nghị quyết?"
    assert texts(question, sentence) == ["14/14 chỉ tiêu"]


def test_a_date_is_taken_whole_in_each_way_vietnamese_writes_one() -> None:
    question = "Khi nào hoàn thành?"
    for written in (
        "cuối quý II/2020",
        "quý I năm 2021",
        "tháng 10/2020",
        "tháng 2-2007",
        "hôm 20.12",
        "ngày 10-11-2017",
        "tháng 3 năm 2019",
        "ngày 05/4/2016",
        "ngày 27/3",
        "cuối năm 2020",
        "ngày 5 tháng 7 năm 1994",
        "ngày 25 tháng 8",
        "21 tháng 11 năm 1009",
        "sáng 31-3",  # a news date after the part of the day, as after 'ngày'
        "chiều 12.5",
    ):
        assert texts(question, f"Dự án hoàn thành vào {written}, sớm hơn kế hoạch.") == [written]
    assert texts(question, "Giai đoạn 2021 - 2025 có 12 tháng.") == ["2021", "2025"]


def test_a_person_is_a_name_without_its_title_and_not_the_one_asked_about() -> None:
    sentence = "Bí thư Huyện ủy Đức Hòa - Phan Nhân Duy cho biết huyện đạt 20/20 chỉ tiêu."
    assert find_span(analyse("Ai là Bí thư Huyện ủy Đức Hòa?"), sentence).text == "Phan Nhân Duy"


def test_spans_point_into_the_sentence() -> None:
    sentence = "Theo Reuters, Thủ tướng Tây Ban Nha Pedro Sanchez tuyên bố sẽ đi Madrid."
    for c in span_candidates(analyse("Thủ tướng Tây Ban Nha là ai?"), sentence):
        assert sentence[c.span.start : c.span.end] == c.span.text


def test_features_tell_an_apposition_and_a_family_name() -> None:
    sentence = "Ông Nguyễn Đình Trung – Tổng Giám đốc, và thủ tướng Pedro Sanchez gặp ở Glen Ridge."
    candidates = span_candidates(analyse("Ai là thủ tướng?"), sentence)
    found = {c.span.text: c.features for c in candidates}
    assert found["Nguyễn Đình Trung"]["surname"] == 1.0
    assert found["Pedro Sanchez"]["apposition"] == 1.0
    assert found["Pedro Sanchez"]["surname"] == 0.0
    assert found["Glen Ridge"]["place_cue"] == 1.0
    assert found["Nguyễn Đình Trung"]["leftmost"] == 1.0


def test_a_name_right_after_the_noun_asked_for() -> None:
    sentence = "Xây dựng cầu vượt qua đường cao tốc Pháp Vân - Cầu Giẽ và tuyến Đỗ Xá - Quan Sơn."
    found = {
        c.span.text: c.features
        for c in span_candidates(analyse("Đường cao tốc nào đi qua Phú Xuyên?"), sentence)
    }
    assert found["Pháp Vân - Cầu Giẽ"]["after_noun"] == 1.0
    assert found["Đỗ Xá - Quan Sơn"]["after_noun"] == 0.0


def test_no_candidate_for_a_question_without_an_answer_shape() -> None:
    why = analyse("Vì sao chủ đề công tác năm 2021 được chọn?")
    assert find_span(why, "Chủ đề là “Kỷ cương”.") is None
    assert find_span(analyse("Ai là Bí thư?"), "không có tên nào ở đây.") is None


def test_a_dash_parts_a_name_from_its_office() -> None:
    byline = "Phạm Quí Tiên - Thành ủy viên, Bí thư Huyện uỷ Thạch Thất"
    found = texts("Ai là Bí thư Huyện ủy Thạch Thất?", byline)
    assert "Phạm Quí Tiên" in found and not any(" - " in t for t in found)


def test_a_word_that_only_opens_the_sentence_is_no_name() -> None:
    sentence = "Theo Chủ tịch UBND xã, Trong Đảng bộ có 30 chi bộ. Sau Tết, ông Lê Văn Tám về."
    found = texts("Ai về sau Tết?", sentence)
    assert "Theo Chủ" not in found and "Sau Tết" not in found and "Lê Văn Tám" in found


def test_a_name_run_opening_with_the_asked_name_keeps_the_rest() -> None:
    india = "Thủ tướng Ấn Độ Narendra Modi thăm Việt Nam."
    assert texts("Ai là thủ tướng Ấn Độ?", india) == ["Narendra Modi"]  # a country is no one
    vingroup = "Đứng đầu là Chủ tịch Tập đoàn Vingroup Phạm Nhật Vượng."
    assert texts("Ai là chủ tịch tập đoàn Vingroup?", vingroup) == ["Phạm Nhật Vượng"]
    # only a whole name of the question goes: a shared family name is not one
    assert texts("vợ của Tôn Đức Thắng là ai?", "Bà Tôn Thị Nghiêm nói.") == ["Tôn Thị Nghiêm"]
    # nor down to a suffix
    assert texts("Ai là cha của Barack Obama?", "Cha của ông, Barack Obama Sr, là người Luo.") == []


def test_the_question_own_name_in_another_spelling_is_no_answer() -> None:
    # 'kỳ' and 'kì' are one word, whatever the question's capitals
    assert texts("Tổng thống Hoa kỳ là ai?", "Trump nhậm chức tổng thống Hoa Kỳ.") == []
    assert texts("Ai là chủ tịch Quí Long?", "Chủ tịch Quý Long Trần Văn A nói.") == ["Trần Văn A"]


def test_capitals_with_any_tone_and_hyphenated_names() -> None:
    assert texts("Ai là thủ tướng?", "Thủ tướng gặp Ứng Văn Ổn.") == ["Ứng Văn Ổn"]
    korea = "Tổng thống Hàn Quốc Moon Jae-in gặp Kim Jong-un."
    assert texts("Tổng thống Hàn Quốc là ai?", korea) == ["Moon Jae-in", "Kim Jong-un"]


def test_a_name_after_another_role_than_the_one_asked() -> None:
    def other_role(question: str, sentence: str) -> list[float]:
        return [c.features["other_role"] for c in span_candidates(analyse(question), sentence)]

    assert other_role("Ai là tổng thống Nhật Bản?", "Thủ tướng Nhật Bản Shinzo Abe đến.") == [1.0]
    assert other_role("Cha của Hari Won là ai?", "Hari Won và mẹ Trấn Thành") == [1.0]
    assert other_role("Tổng thống Pháp là ai?", "Tổng thống Pháp Emmanuel Macron đến.") == [0.0]
    assert other_role("Ai là con của Lê Giang?", "Lê Giang và con trai Duy Phước") == [0.0]


def test_a_run_that_only_opens_a_title_is_no_name() -> None:
    obama = "Cựu Tổng thống Mỹ Barack Obama đưa con gái Malia Obama đi học."
    assert texts("Con gái của Barack Obama là ai?", obama) == ["Malia Obama"]
    deputy = "Ông Quang là Phó Tổng giám đốc công ty, Nguyên Thủ Tướng Trần Văn Bình dự."
    assert texts("Ai là tổng giám đốc công ty?", deputy) == ["Trần Văn Bình"]  # no "Phó Tổng"


def test_a_name_ends_before_a_title_inside_or_after_it() -> None:
    board = "Ông Bùi Văn Nam, Chủ tịch HĐQT Tập đoàn Sao Mai."
    assert texts("Ai là chủ tịch tập đoàn Sao Mai?", board) == ["Bùi Văn Nam"]  # not 'HĐQT Tập'
    assert texts("Ai phát biểu?", "Nguyễn Văn An Tổng Thống Mỹ phát biểu.") == ["Nguyễn Văn An"]
    assert texts("Ai hát?", "Nguyễn Anh Tuấn hát.") == ["Nguyễn Anh Tuấn"]  # 'anh' in a name


def test_a_name_sharing_a_word_with_the_asked_one_is_still_an_answer() -> None:
    smith = "Jaden Smith, con trai Will Smith, ra mắt album."
    assert texts("Con trai của Will Smith?", smith) == ["Jaden Smith"]
    # a one-word family name of the question is not dropped from a person's name
    assert texts("Ai sáng lập nhà Lý?", "Lý Công Uẩn sáng lập nhà Lý.") == ["Lý Công Uẩn"]


def test_a_person_is_named_without_the_country_before_the_name() -> None:
    meeting = "Tổng thống Pháp Emmanuel Macron gặp Thủ tướng Đan Mạch Lars Lokke Rasmussen."
    found = span_candidates(analyse("Thủ tướng Đan Mạch là ai?"), meeting)
    roles = {c.span.text: c.features["other_role"] for c in found}
    assert roles == {"Emmanuel Macron": 1.0, "Lars Lokke Rasmussen": 0.0}
    assert texts("Ai là tổng thống Pháp?", "Pháp và Việt Nam ký hiệp định.") == []
    # only after a state office: elsewhere a name may open with a country's
    assert texts("Ca sĩ nào hát bài này?", "Bài này do ca sĩ Mỹ Tâm hát.") == ["Mỹ Tâm"]


def test_initials_and_particles_stay_inside_a_name() -> None:
    assert texts("Ai tạo ra Python?", "Python do Guido van Rossum tạo ra.") == ["Guido van Rossum"]
    kennedy = "Sau khi John F. Kennedy mất, Tổng thống Lyndon B. Johnson nhậm chức."
    assert texts("Ai kế nhiệm John F. Kennedy?", kennedy) == ["Lyndon B. Johnson"]


def test_a_name_in_capitals_is_marked() -> None:
    found = span_candidates(analyse("Ai là tác giả?"), "TIN TỨC MỚI về ông Trần Văn An")
    assert {c.span.text: c.features["caps"] for c in found} == {
        "TIN TỨC MỚI": 1.0,
        "Trần Văn An": 0.0,
    }


def test_what_follows_the_words_before_gi_up_to_the_end_of_its_clause() -> None:
    ruby = "Ruby là một ngôn ngữ lập trình đa mục đích, được tạo ra vào năm 1990."
    assert texts("Ruby là gì?", ruby) == ["một ngôn ngữ lập trình đa mục đích"]
    # a quotation after the anchor is taken whole, commas and all
    theme = "Chủ đề năm nay của tỉnh là “Kỷ cương, trách nhiệm, hành động” và đổi mới."
    assert texts("Chủ đề năm nay của tỉnh là gì?", theme) == ["Kỷ cương, trách nhiệm, hành động"]
    # the two words before 'gì' first ('hàng' of 'mặt hàng'), then the last one alone
    goods = "Công ty là doanh nghiệp lớn, sản xuất mặt hàng may mặc xuất khẩu."
    assert texts("Công ty sản xuất mặt hàng gì?", goods) == ["may mặc xuất khẩu"]
    long = "Nó là " + " ".join(["từ"] * 20) + "."
    assert len(texts("Nó là gì?", long)[0].split()) == 12  # at most a clause of 12 words
    assert texts("Vì sao trời mưa?", "Trời mưa là do hơi nước.") == []  # no 'gì', no anchor


def test_a_place_is_a_capitalised_name_after_its_head_or_preposition() -> None:
    question = "Quang Dũng học trường Sư phạm ở đâu?"
    assert texts(question, "Ông học ở trường làng rồi về Hà Nội.") == []  # no name after "ở"
    assert texts(question, "Ông học Ở trường làng tại Hà Nội.") == ["Hà Nội"]


def test_a_question_asking_for_the_year_gets_the_year_of_a_whole_date() -> None:
    sentence = "Amazon.com được thành lập vào ngày 5 tháng 7 năm 1994."
    assert texts("Amazon.com được thành lập năm nào?", sentence) == ["năm 1994"]
    assert texts("Amazon.com được thành lập vào ngày nào?", sentence) == ["ngày 5 tháng 7 năm 1994"]
    assert texts("Dự án xong năm nào?", "Dự án xong ngày 12/10/2020.") == ["2020"]
    crowned = "Ông lên ngôi tháng 11, năm Kỷ Dậu (tức 21 tháng 11 năm 1009)."
    assert texts("Ông lên ngôi năm nào?", crowned) == ["năm 1009"]  # not 'tháng 11'


def test_a_span_is_quoted_only_after_a_quotation_mark() -> None:
    """A span opening the sentence has nothing before it, which is no quotation mark."""
    question = analyse("Linh Chi lần đầu nói về con gái riêng của ai?")
    title = "Sao Việt hôm nay: Linh Chi lần đầu nói về con gái riêng của Lâm Vinh Hải"
    quoted = {c.span.text: c.features["quoted"] for c in span_candidates(question, title)}
    assert quoted == {"Sao Việt": 0.0, "Lâm Vinh Hải": 0.0}
    said = 'Ông nói: "Nguyễn Văn An là người đầu tiên".'
    (candidate,) = span_candidates(analyse("Ai là người đầu tiên?"), said)
    assert candidate.span.text == "Nguyễn Văn An" and candidate.features["quoted"] == 1.0


def test_an_ordinal_in_roman_numerals_is_a_number() -> None:
    question = "Đại hội Đảng bộ huyện là lần thứ mấy?"
    sentence = "Huyện chuẩn bị Đại hội Đảng bộ huyện lần thứ XXII, nhiệm kỳ 2020-2025."
    assert "lần thứ XXII" in texts(question, sentence)
    assert texts(question, "Thứ Hai tuần tới, huyện họp lần thứ 5.") == ["lần thứ 5"]  # no weekday


def test_a_question_asking_which_in_order_is_answered_by_an_ordinal() -> None:
    sentence = "Năm 2010, ông là người Việt Nam đầu tiên và là người thứ tư của châu Á nhận giải."
    assert texts("Ông là người thứ mấy của châu Á nhận giải?", sentence) == ["thứ tư"]
    # a weekday is written with its capital; without 'thứ mấy' the year is a number as before
    assert texts("Ông là người thứ mấy nhận giải?", "Ông nhận giải vào thứ Tư.") == []
    assert "2010" in texts("Ông nhận giải sau bao nhiêu năm?", sentence)


def test_a_number_takes_what_the_question_counts_and_a_score_is_one_number() -> None:
    cup = "Giải được tổ chức với 10 đội bóng của 10 thành phố."
    assert texts("Giải có bao nhiêu đội bóng tham dự?", cup)[0] == "10 đội bóng"
    won = "Sporting đánh bại United 3-1 trong trận đấu."
    assert texts("Sporting thắng United với tỷ số bao nhiêu?", won) == ["3-1"]


def test_the_noun_asked_for_anchors_no_candidate() -> None:
    """'năm' of '… năm nào?' is in every year: the year near the question's name is nearest."""
    tyre = (
        "Năm 1888 John Dunlop làm ra bánh bơm hơi, đã có từ trước đó vào 1844 bởi Charles Goodyear."
    )
    question = analyse("Charles Goodyear làm ra bánh xe bơm hơi vào năm nào?")
    assert find_span(question, tyre).text == "1844"


def test_an_acronym_before_a_person_s_name_is_no_part_of_it() -> None:
    deal = "Với 20.000 tỷ đồng, tỷ phú USD Trần Bá Dương bắt tay bầu Đức."
    assert texts("Ai bơm 20.000 tỷ đồng?", deal) == ["Trần Bá Dương"]
    coach = "HLV Park Hang-seo dẫn dắt đội tuyển."
    assert texts("Ai dẫn dắt đội tuyển?", coach) == ["Park Hang-seo"]


def test_a_role_is_found_before_an_acronym_that_ends_it() -> None:
    """'Chủ tịch HĐQT Phan Văn Quý' holds another office than the 'tổng giám đốc' asked."""
    board = "Dự lễ có Chủ tịch HĐQT Phan Văn Quý, Tổng Giám đốc Trần Trung Dũng."
    found = span_candidates(analyse("Ai là tổng giám đốc tập đoàn?"), board)
    assert {c.span.text: c.features["other_role"] for c in found} == {
        "Phan Văn Quý": 1.0,
        "Trần Trung Dũng": 0.0,
    }
