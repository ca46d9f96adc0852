"""The cross-encoder: its adapters merged by hand, the committed weights on the real e5
model, and a weights file it cannot use."""

from pathlib import Path

import pytest
import torch

from bot.answering.cross import WEIGHTS_FILE, CrossEncoder, merge_adapters, reading_form
from bot.answering.query import analyse
from bot.answering.reader import question_read
from ingest.errors import ModelError

QUESTION = "Ai là Bí thư Huyện ủy Thạch Thất?"
ANSWER = "Ông Phạm Quí Tiên, Thành ủy viên, là Bí thư Huyện ủy Thạch Thất."
UNRELATED = "Giá xăng dầu trong nước giảm nhẹ từ 15 giờ chiều nay."


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ('🌉 "Cầu vượt sông Thiếp" dài bao nhiêu? 🤔', '"Cầu vượt sông Thiếp" dài bao nhiêu?'),
        ("-- Cầu vượt sông Thiếp* dài (bao nhiêu) ;", "Cầu vượt sông Thiếp dài bao nhiêu"),
        (
            "Tỉ lệ hộ nghèo giảm 2,5 % giai đoạn 2021-2025?",
            "Tỉ lệ hộ nghèo giảm 2,5% giai đoạn 2021-2025?",
        ),
    ],
)
def test_the_question_is_read_without_what_surrounds_its_words(typed: str, read: str) -> None:
    assert reading_form(typed) == read


def test_merging_adds_the_scaled_low_rank_product_to_each_adapted_layer() -> None:
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(6, 4), torch.nn.Linear(4, 3))
    before = [layer.weight.detach().clone() for layer in model]
    a, b = torch.randn(2, 6), torch.randn(4, 2)
    x = torch.randn(5, 6)
    expected = x @ (before[0] + 0.5 * b @ a).T + model[0].bias
    assert merge_adapters(model, {"0.lora_A.weight": a, "0.lora_B.weight": b}, 0.5) == 1
    assert torch.allclose(model[0](x), expected, atol=1e-5)
    assert torch.equal(model[1].weight, before[1])  # a layer without adapters is untouched
    with pytest.raises(ValueError, match="no adapters"):
        merge_adapters(model, {"head.weight": a}, 0.5)


def test_the_committed_weights_are_small_and_complete() -> None:
    from safetensors import safe_open

    assert WEIGHTS_FILE.stat().st_size < 3_000_000
    with safe_open(str(WEIGHTS_FILE), "pt") as f:
        keys, meta = set(f.keys()), f.metadata()
    layers = int(meta["layers"])
    adapted = {k.removesuffix(".lora_A.weight") for k in keys if k.endswith(".lora_A.weight")}
    assert len(adapted) == 6 * layers  # query, key, value and the three dense of each block
    assert {f"{k}.lora_B.weight" for k in adapted} <= keys
    assert {"head.weight", "head.bias"} <= keys


def test_the_answering_sentence_scores_above_an_unrelated_one(e5_dir: Path) -> None:
    cross = CrossEncoder(lambda: e5_dir)
    together = cross.score(QUESTION, [ANSWER, UNRELATED])
    assert together[0] > together[1] + 2.0
    # padding in a batch changes nothing: each alone scores the same
    alone = [cross.score(QUESTION, [s])[0] for s in (ANSWER, UNRELATED)]
    assert together == pytest.approx(alone, abs=1e-4)


def test_a_question_typed_without_accents_is_read_with_them_put_back(e5_dir: Path) -> None:
    """As the reader reads it (``question_read``): accents from the sentences read."""
    cross = CrossEncoder(lambda: e5_dir)
    typed = "ai la bi thu huyen uy thach that?"
    read = question_read(analyse(typed), [ANSWER, UNRELATED])
    assert read == "ai là bí thư huyện ủy thạch thất?"
    restored, bare = cross.score(read, [ANSWER, UNRELATED]), cross.score(typed, [ANSWER, UNRELATED])
    assert restored[0] > restored[1] + 2.0
    assert restored[0] - restored[1] > bare[0] - bare[1]  # it reads accents better


def test_weights_it_cannot_use_are_a_model_error_that_says_what_to_do(
    tmp_path: Path, e5_dir: Path
) -> None:
    broken = tmp_path / "cross.safetensors"
    broken.write_bytes(b"not a safetensors file")
    with pytest.raises(ModelError, match="VNQA_CROSS_READER=false"):
        CrossEncoder(lambda: e5_dir, broken).score(QUESTION, [ANSWER])
