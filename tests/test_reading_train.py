"""Training the reader: a whole run on a small network writes weights the reader loads, and
a run started again in the same folder resumes from its checkpoint."""

import json
from dataclasses import replace
from pathlib import Path

import pytest

from bot.answering.reading.reader import SpanReader
from bot.answering.reading.train import TrainConfig, Trainer
from bot.answering.reading.windows import WindowSpec
from tests.test_reading_data import squad

SPEC = WindowSpec(max_tokens=64, stride=16, max_question_tokens=16)


@pytest.fixture(scope="module")
def tiny_base(e5_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A two-block BERT with e5's tokenizer: the real base's shape, small enough to train."""
    from transformers import AutoTokenizer, BertConfig, BertModel

    tokenizer = AutoTokenizer.from_pretrained(e5_dir)
    config = BertConfig(
        vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=128, pad_token_id=tokenizer.pad_token_id,
    )  # fmt: skip
    folder = tmp_path_factory.mktemp("tiny-bert")
    BertModel(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def _data(tmp_path: Path) -> Path:
    doc = squad("a")
    doc["data"] += squad("b")["data"]
    path = tmp_path / "qa.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_run_writes_a_reader_and_a_second_run_resumes(tiny_base: Path, tmp_path: Path) -> None:
    config = TrainConfig(
        epochs=2, batch=4, checkpoint_every=2, frozen_layers=1, validation_share=0.25, spec=SPEC
    )
    out = tmp_path / "run"
    trainer = Trainer(tiny_base, _data(tmp_path), out, config)
    assert trainer.validation and trainer.windows.positive and trainer.windows.negative
    trainer.run()
    total = trainer.steps_per_epoch * 2
    assert trainer.step == total
    for name in ("reader.safetensors", "reader-epoch1.safetensors", "checkpoint.pt"):
        assert (out / name).is_file(), name
    assert json.loads((out / "config.json").read_text())["seed"] == config.seed

    again = Trainer(tiny_base, _data(tmp_path), out, config)
    assert again.step == total  # resumed, not started over
    again.run()
    assert again.step == total

    reader = SpanReader(lambda: tiny_base, out / "reader.safetensors", spec=SPEC)
    (spans,) = reader.read("Ai là Bí thư Huyện ủy Đức Hòa?", ["Ông Phan Nhân Duy là Bí thư."])
    assert spans and all(0 <= s.start < s.end <= 28 and s.passage == 0 for s in spans)


def test_a_missing_weights_file_is_a_clear_model_error(tiny_base: Path, tmp_path: Path) -> None:
    from ingest.errors import ModelError

    reader = SpanReader(lambda: tiny_base, tmp_path / "none.safetensors")
    with pytest.raises(ModelError, match="vnqa reader train"):
        reader.read("Ai?", ["Ông A."])


def test_a_run_can_start_from_a_trained_reader(tiny_base: Path, tmp_path: Path) -> None:
    import torch

    from bot.answering.reading.train import start_from
    from ingest.errors import InputError

    config = TrainConfig(epochs=1, batch=4, frozen_layers=1, validation_share=0.25, spec=SPEC)
    first = Trainer(tiny_base, _data(tmp_path), tmp_path / "first", config)
    first.run()
    second = Trainer(tiny_base, _data(tmp_path), tmp_path / "second", config,
                     start=tmp_path / "first" / "reader.safetensors")  # fmt: skip
    head = "qa_outputs.weight"
    assert torch.equal(second.network.get_parameter(head), first.network.get_parameter(head))
    name = "bert.encoder.layer.1.attention.self.query.weight"
    trained, started = first.network.get_parameter(name), second.network.get_parameter(name)
    moved = (trained - first.base[name]).abs().max()
    assert moved > 0 and (started - trained).abs().max() < moved / 50  # int8 deltas, close
    (tmp_path / "junk.safetensors").write_bytes(b"not weights")
    with pytest.raises(InputError, match=r"cannot start from .*junk"):
        start_from(second.network, tmp_path / "junk.safetensors")


def test_answer_removed_questions_join_the_training_side_only_when_asked(tmp_path: Path) -> None:
    from bot.answering.reading.train import training_examples
    from tests.test_reading_data import LONG

    answer = "Phan Nhân Duy"
    qa = {"id": "1", "question": "Ai là Bí thư?", "answers": [
        {"text": answer, "answer_start": LONG.index(answer)}]}  # fmt: skip
    data = [
        {"title": f"t{i}", "paragraphs": [{"context": f"{LONG} Bài số {i}.", "qas": [qa]}]}
        for i in range(8)
    ]
    path = tmp_path / "qa.json"
    path.write_text(json.dumps({"data": data}, ensure_ascii=False), encoding="utf-8")
    plain = TrainConfig(validation_share=0.25, unanswerable_rate=0.0, unaccented=0.0, lower=0.0)
    train, held = training_examples(path, plain)
    assert len(train) == 6 and all(ex.answerable for ex in train)
    cut = replace(plain, answer_removed=1.0)
    more, held_too = training_examples(path, cut)
    made = [ex for ex in more if ex.id.endswith("-cut")]
    assert len(made) == 6 and all(not ex.answerable and answer not in ex.context for ex in made)
    assert held_too == held  # the held-out split is not touched
