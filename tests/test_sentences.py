from ingest.sentences import sentences, split_sentences


def test_abbreviations_numbers_codes_and_quotes_do_not_split() -> None:
    text = (
        "Ngày 18/01, Thành ủy ban hành Thông báo số 113/TB/TU. "
        "Đó là TP. Hà Nội và TX. Phú Mỹ, Q.1 rất đẹp. "
        "Ông Bảo Th. cho biết thu ngân sách đạt 1.400 tỉ đồng. "
        "Theo Nghị quyết số 15-NQ/TU và Quyết định 558/QĐ-TTg ngày 05/4/2016. "
        "Ông nói: “Chúng tôi sẽ làm.” Sau đó mọi người về. "
        "Thật sao? Vâng! 3 người đi... rồi về. Bài của H. Hạnh."
    )
    assert sentences(text) == [
        "Ngày 18/01, Thành ủy ban hành Thông báo số 113/TB/TU.",
        "Đó là TP. Hà Nội và TX. Phú Mỹ, Q.1 rất đẹp.",
        "Ông Bảo Th. cho biết thu ngân sách đạt 1.400 tỉ đồng.",
        "Theo Nghị quyết số 15-NQ/TU và Quyết định 558/QĐ-TTg ngày 05/4/2016.",
        "Ông nói: “Chúng tôi sẽ làm.”",
        "Sau đó mọi người về.",
        "Thật sao?",
        "Vâng!",
        "3 người đi... rồi về.",
        "Bài của H. Hạnh.",
    ]


def test_spans_point_into_the_text_across_paragraphs() -> None:
    text = "Câu một. Câu hai.\n  Đoạn hai không có dấu chấm\n\nCâu cuối!"
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == [
        "Câu một.",
        "Câu hai.",
        "Đoạn hai không có dấu chấm",
        "Câu cuối!",
    ]


def test_empty_and_whitespace_only() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n \n") == []
