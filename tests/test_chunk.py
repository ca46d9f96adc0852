import itertools
from datetime import datetime

import pytest

from ingest.embedding.sentence_transformer import SentenceTransformerEmbeddings
from ingest.models import Article
from ingest.sources.dates import VN_TZ
from ingest.sources.loaders import LoadReport, iter_articles
from ingest.text.chunk import Chunker, chunk_header
from tests.conftest import DATA, SEEDS


def _full_tokens(e5: SentenceTransformerEmbeddings, chunks) -> list[int]:
    return e5.count_tokens([e5.passage_prompt + c.embed_text for c in chunks], special=True)


def _article(text: str, title: str = "Tiêu đề") -> Article:
    return Article(
        doc_id="d1",
        title=title,
        text=text,
        source="s",
        published=datetime(2021, 1, 19, tzinfo=VN_TZ),
    )


def test_header_has_title_and_date() -> None:
    assert chunk_header(_article("x", "Phú Xuyên")) == "Phú Xuyên (19/01/2021)"


def test_chunks_are_verbatim_spans_of_whole_sentences(e5) -> None:
    sentence = "Huyện Phú Xuyên tập trung phát triển công nghiệp, thương mại và dịch vụ."
    text = "\n".join(
        " ".join(f"{sentence[:-1]} số {i}." for i in range(p * 5, p * 5 + 5)) for p in range(8)
    )
    chunker = Chunker(e5, chunk_tokens=120, overlap_tokens=30)
    chunks = chunker.chunk(_article(text), "abcdef0123456789")
    assert len(chunks) > 3
    for c in chunks:
        assert c.text == text[c.start : c.end]
        assert c.text.endswith(".") and c.text[0].isupper()
        assert c.header == "Tiêu đề (19/01/2021)"
    assert chunks[0].start == 0 and chunks[-1].end == len(text)
    assert [c.chunk_id for c in chunks] == [f"d1:abcdef0123:{i}" for i in range(len(chunks))]
    body_tokens = e5.count_tokens([c.text for c in chunks])
    assert max(body_tokens) <= 120 + 8  # budget, plus a few tokens where sentences join
    for prev, nxt in itertools.pairwise(chunks):
        assert nxt.start < prev.end  # overlap: the next chunk repeats the last sentence(s)
        assert nxt.start > prev.start


def test_overlap_zero_tiles_the_text(e5) -> None:
    text = " ".join(f"Câu thứ {i} nói về kinh tế huyện." for i in range(60))
    chunks = Chunker(e5, chunk_tokens=64, overlap_tokens=0).chunk(_article(text), "h" * 16)
    for prev, nxt in itertools.pairwise(chunks):
        assert nxt.start >= prev.end


def test_overlong_sentences_are_cut_never_truncated(e5) -> None:
    text = "Mở đầu. " + ", ".join(["các xã đạt chuẩn nông thôn mới"] * 300) + ". " + "x" * 6000
    chunks = Chunker(e5, chunk_tokens=200, overlap_tokens=40).chunk(_article(text), "h" * 16)
    assert max(_full_tokens(e5, chunks)) <= e5.max_seq_length
    covered = "".join(text[c.start : c.end] for c in chunks)
    assert covered.replace(" ", "").replace(",", "") == text.replace(" ", "").replace(",", "")


def test_budget_larger_than_the_model_is_capped(e5) -> None:
    text = " ".join(f"Câu số {i} về chương trình mỗi xã một sản phẩm OCOP." for i in range(300))
    chunks = Chunker(e5, chunk_tokens=4000, overlap_tokens=100).chunk(_article(text), "h" * 16)
    assert len(chunks) > 1
    assert max(_full_tokens(e5, chunks)) <= e5.max_seq_length


def test_overlap_must_be_smaller_than_chunk(e5) -> None:
    with pytest.raises(ValueError, match="overlap"):
        Chunker(e5, chunk_tokens=50, overlap_tokens=50)


@pytest.mark.shared
def test_seed_chunks_fit_and_hold_no_furniture(e5) -> None:
    chunker = Chunker(e5, 200, 40)
    for article in iter_articles([SEEDS, DATA / "pages"], LoadReport()):
        chunks = chunker.chunk(article, article.content_hash())
        assert chunks and max(_full_tokens(e5, chunks)) <= e5.max_seq_length
        for c in chunks:
            for chrome in ("Các bài mới đăng", "Họ tên", "Hôm nay:", "Chia sẻ", "English"):
                assert chrome not in c.text


# Properties (hypothesis): arbitrary Unicode is chunked without error, every visible
# character lands in a chunk, and no chunk exceeds the budget or the model's input.

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from ingest.text.sentences import split_sentences  # noqa: E402

_TEXT = st.lists(
    st.one_of(
        st.text(max_size=40),
        st.text(st.characters(categories=["L", "M", "N", "Zs"]), min_size=20, max_size=400),
        st.sampled_from([". ", "\n", ", ", "; ", "Tp. ", "1.400 ", "😀", "مرحبا ", "\u200b"]),
    ),
    max_size=30,
).map("".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TEXT, title=st.text(max_size=300))
def test_any_text_chunks_within_budget_and_loses_nothing(e5, text: str, title: str) -> None:
    chunker = Chunker(e5, chunk_tokens=48, overlap_tokens=8)
    chunks = chunker.chunk(_article(text, title), "h" * 32)
    assert all(n <= e5.max_seq_length for n in _full_tokens(e5, chunks))
    assert all(n <= 48 + 4 for n in e5.count_tokens([c.text for c in chunks]))
    covered = {i for c in chunks for i in range(c.start, c.end)}
    visible = {i for a, b in split_sentences(text) for i in range(a, b) if not text[i].isspace()}
    assert visible <= covered
    assert all(c.text == text[c.start : c.end] for c in chunks)
    assert [c.index for c in chunks] == list(range(len(chunks)))
