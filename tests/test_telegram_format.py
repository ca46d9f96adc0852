from datetime import datetime
from html.parser import HTMLParser

from bot.answering.answer import Answer, Citation
from bot.frontends.telegram_format import (
    LIMIT,
    Block,
    answer_messages,
    pack,
    sources_messages,
    units,
)
from ingest.sources.dates import VN_TZ


class _Balance(HTMLParser):
    """Checks that tags nest and close, and that only Telegram's tags are used."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.ok = True

    def handle_starttag(self, tag, attrs) -> None:
        self.ok &= tag in {"b", "i", "a"}
        self.stack.append(tag)

    def handle_endtag(self, tag) -> None:
        self.ok &= bool(self.stack) and self.stack.pop() == tag

    def handle_entityref(self, name) -> None:
        self.ok &= name in {"lt", "gt", "amp", "quot"}


def _well_formed(message: str) -> bool:
    parser = _Balance()
    parser.feed(message)
    parser.close()
    # An entity cut in half would leave a bare '&' behind.
    bare_amp = any(
        not message[i:].startswith(("&lt;", "&gt;", "&amp;", "&quot;"))
        for i, ch in enumerate(message)
        if ch == "&"
    )
    return parser.ok and not parser.stack and not bare_amp


def _citation(n: int, **kw) -> Citation:
    base = dict(
        n=n,
        title="Tiêu đề <b>đậm</b> & “trích”",
        published=datetime(2023, 6, 5, tzinfo=VN_TZ),
        source="https://dong-anh.example.vn/tin?a=1&b=2",
        author="Minh Anh",
        quote="Cầu dài 420 m & rộng 24 m <i>.</i>",
        site=None,
        doc_id="d",
    )
    return Citation(**(base | kw))


def test_answer_is_escaped_and_sources_linked() -> None:
    answer = Answer("Theo bài <script>, cầu dài 420 m & rộng 24 m [1].", True, (_citation(1),))
    (message,) = answer_messages(answer)
    assert "&lt;script&gt;" in message and "420 m &amp; rộng" in message
    assert '<a href="https://dong-anh.example.vn/tin?a=1&amp;b=2">' in message
    assert "Tiêu đề &lt;b&gt;đậm&lt;/b&gt; &amp; “trích”</a> — 05/06/2023" in message
    assert "<b>Nguồn</b>" in message and _well_formed(message)


def test_a_short_answer_is_bold_inside_its_quoted_sentence() -> None:
    c = _citation(1, highlight=(8, 13))  # "420 m" in "Cầu dài 420 m & rộng 24 m <i>.</i>"
    (message,) = answer_messages(Answer("420 m [1].", True, (c,), span="420 m"))
    assert message.startswith("420 m [1].\n<i>“Cầu dài </i><b>420 m</b><i> &amp; rộng 24 m")
    assert message.index("</i>\n\n<b>Nguồn</b>") > 0 and _well_formed(message)


def test_file_sources_show_site_and_no_link() -> None:
    c = _citation(1, source="/data/a.txt", site="Cổng TTĐT Thanh Oai")
    (message,) = answer_messages(Answer("Trả lời [1].", True, (c,)))
    assert "<a " not in message and "— Cổng TTĐT Thanh Oai" in message


def test_long_answers_split_on_sentences_within_the_limit() -> None:
    sentence = "Huyện có 12/15 xã đạt chuẩn <nông thôn mới> & 3 xã còn lại sẽ về đích. "
    answer = Answer(sentence * 200, True, tuple(_citation(n) for n in range(1, 4)))
    messages = answer_messages(answer)
    assert len(messages) > 3
    assert all(len(m) <= LIMIT and _well_formed(m) for m in messages)
    assert all(m.rstrip().endswith((".", "</b>", "</a>", "2023")) for m in messages)
    text = "".join(messages)
    assert text.count("12/15 xã") == 200 and text.count("[3]") == 1


def test_a_single_unbroken_word_is_still_split() -> None:
    messages = pack([Block("&" * 10000, style="i")], limit=1000)
    assert all(len(m) <= 1000 and _well_formed(m) for m in messages)
    assert "".join(messages).count("&amp;") == 10000


def test_sources_in_full_with_quotes() -> None:
    answer = Answer("x [1] [2]", True, (_citation(1), _citation(2, source="/d/b.txt", author=None)))
    text = "\n".join(sources_messages(answer))
    assert "<i>“Cầu dài 420 m &amp; rộng 24 m &lt;i&gt;.&lt;/i&gt;”</i>" in text
    assert "Tác giả: Minh Anh" in text and "Nguồn: b.txt" in text
    assert sources_messages(None) == ["Chưa có nguồn nào. Hãy đặt một câu hỏi trước."]


def test_every_message_fits_telegrams_limit_in_utf16_units() -> None:
    huge = _citation(
        1,
        title="Tiêu đề rất dài " * 400,
        source="https://example.vn/" + "a" * 6000,
        author="Tác giả " * 400,
        quote="😀" * 3000,
    )
    other = _citation(2, title="😀" * 3000, source="/data/" + "tệp" * 2000 + ".txt")
    answer = Answer("Trả lời 😀 " * 1500 + "[1] [2].", True, (huge, other))
    for messages in (answer_messages(answer), sources_messages(answer)):
        assert all(units(m) <= LIMIT and _well_formed(m) for m in messages)
        assert len(messages) >= 2
    shown = "".join(answer_messages(answer))
    assert "[1] " in shown and "[2] " in shown and "example.vn" in shown
    assert 'href="https://example.vn/aaa' not in shown  # too long to link, named instead


def test_forged_markers_in_titles_and_quotes_are_defused() -> None:
    c = _citation(1, title="Cầu mới [9]", quote="Cầu dài 420 m [2].")
    shown = "\n".join(answer_messages(Answer("Cầu dài 420 m [1].", True, (c,))))
    shown += "\n".join(sources_messages(Answer("x [1]", True, (c,))))
    assert "[9]" not in shown and "[2]" not in shown
    assert "Cầu mới (9)" in shown and "420 m (2)." in shown
