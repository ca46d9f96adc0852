"""The reader port and the trained span reader behind it."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, Protocol

from bot.answering.reading.model import read_pairs
from bot.answering.reading.runtime import Network, onnx_file, onnx_network, torch_network
from bot.answering.reading.spans import Span
from bot.answering.reading.weights import WEIGHTS_FILE, apply_deltas, read_weights
from bot.answering.reading.windows import WindowSpec
from ingest.errors import ModelError

log = logging.getLogger(__name__)
Runtime = Literal["torch", "onnx"]


class Reader(Protocol):
    """Reads passages for a question: each passage's best spans, best first."""

    def read(self, question: str, passages: Sequence[str]) -> list[list[Span]]: ...

    def warm_up(self) -> None: ...


class SpanReader:
    """The committed span model: e5-small from ``model_dir()`` (called, and the model loaded,
    on the first ``read``) with the trained deltas and head of ``weights`` added."""

    def __init__(
        self,
        model_dir: Callable[[], Path],
        weights: Path = WEIGHTS_FILE,
        *,
        spec: WindowSpec | None = None,
        runtime: Runtime = "torch",
        cache: Callable[[], Path] | None = None,
        threads: int = 1,
    ) -> None:
        self._model_dir = model_dir
        self.weights = weights
        self.spec = spec or WindowSpec()
        self.runtime = runtime
        self._cache = cache or model_dir
        self.threads = threads

    def read(self, question: str, passages: Sequence[str]) -> list[list[Span]]:
        """Every passage's spans for ``question``, read in one batch."""
        return self.read_many([question] * len(passages), passages)

    def warm_up(self) -> None:
        """Load the model and read once, so that the first question's timings are its own."""
        self.read("Ai?", ["Khởi động."])

    def read_many(self, questions: Sequence[str], passages: Sequence[str]) -> list[list[Span]]:
        """The spans of each (question, passage) pair."""
        if not passages:
            return []
        tokenizer, network = self._loaded
        return read_pairs(network, tokenizer, questions, passages, self.spec)

    @cached_property
    def _loaded(self) -> tuple[Any, Network]:
        from safetensors import SafetensorError

        try:
            return self._load()
        except (OSError, ValueError, KeyError, RuntimeError, SafetensorError) as exc:
            raise ModelError(
                f"cannot load the reader ({self.weights}): {exc}. Reinstall vnqa, or train one "
                "with 'vnqa reader train' and point VNQA_READER_WEIGHTS at it."
            ) from None

    def _load(self) -> tuple[Any, Network]:
        from transformers import AutoModelForQuestionAnswering, AutoTokenizer
        from transformers import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
        folder = self._model_dir()
        tokenizer = AutoTokenizer.from_pretrained(folder)
        if self.runtime == "onnx":
            path = onnx_file(self._cache(), self.weights, folder)
            if path.is_file():  # exported before: no torch model needed
                return tokenizer, onnx_network(None, path, self.threads)
        tensors = read_weights(self.weights)
        model = AutoModelForQuestionAnswering.from_pretrained(folder)
        apply_deltas(model, tensors)
        model.eval()
        log.info("reader loaded: %s over %s (%s)", self.weights.name, folder, self.runtime)
        if self.runtime == "onnx":
            return tokenizer, onnx_network(model, path, self.threads)
        return tokenizer, torch_network(model)
