import time

from ingest.text.sentences import sentences, split_paragraph, split_sentences


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


# Properties (hypothesis): arbitrary Unicode never breaks the splitter or loses text.

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_PIECES = st.one_of(
    st.text(max_size=30),
    st.sampled_from([". ", "? ", "! ", "… ", "TP. ", "Q.1 ", "1.400 ", "” ", "\n", "  ", "."]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_spans_are_ordered_and_cover_every_visible_character(text: str) -> None:
    spans = split_sentences(text)
    covered = set()
    previous_end = 0
    for a, b in spans:
        assert previous_end <= a < b <= len(text)
        assert text[a:b].strip()
        covered.update(range(a, b))
        previous_end = b
    lost = [c for i, c in enumerate(text) if i not in covered and not c.isspace()]
    assert not lost, (text, spans)


def test_splitting_is_linear_in_paragraph_length() -> None:
    """A ratio within one run (never a time limit): 8× the text may cost about 8× the time;
    the old rescan from the paragraph's start made it ~64×."""
    unit = "Ông Nguyễn V. A cho biết TP. Hà Nội có 1.400 ha đất trồng hoa. Q.1 có nhiều dự án! "

    def seconds(repeat: int) -> float:
        text = unit * repeat
        began = time.perf_counter()
        spans = split_paragraph(text)
        elapsed = time.perf_counter() - began
        assert len(spans) == 2 * repeat
        return elapsed

    seconds(100)  # warm up
    small = min(seconds(500) for _ in range(3))
    large = min(seconds(4000) for _ in range(3))
    assert large / small < 24
