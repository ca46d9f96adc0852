"""Fine-tuning the span reader: e5-small with a start/end head, trained on a SQuAD 2.0 file and
unanswerable questions made from it, with checkpoints to resume from and a validation split
held out by article."""

from __future__ import annotations

import json
import logging
import random
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bot.answering.reading.data import (
    QAExample,
    answer_removed,
    load_squad,
    make_unanswerable,
    split_by_article,
    typed_variant,
)
from bot.answering.reading.windows import WindowSpec, encode, pad_batch, span_labels
from ingest.errors import InputError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainConfig:
    """Everything a training run depends on (saved beside its checkpoints)."""

    seed: int = 13
    validation_share: float = 0.1  # of each source's articles
    unanswerable_rate: float = 0.3  # questions paired with a passage that lacks the answer
    answer_removed: float = 0.0  # questions over their own passage less the answer's sentences
    negative_windows: float = 0.35  # share of answerless windows trained on each epoch
    unaccented: float = 0.2  # questions typed without accents
    lower: float = 0.1  # questions typed in lower case
    epochs: int = 2
    batch: int = 16
    learning_rate: float = 8e-5
    warmup: float = 0.06
    frozen_layers: int = 4
    checkpoint_every: int = 100
    spec: WindowSpec = field(default_factory=WindowSpec)


@dataclass
class Windows:
    """Tokenised training windows, split into those holding an answer and the others."""

    positive: list[tuple[list[int], int, int]]
    negative: list[tuple[list[int], int, int]]

    def epoch(self, config: TrainConfig, epoch: int) -> list[tuple[list[int], int, int]]:
        """This epoch's windows, shuffled: every positive and a fixed share of the others."""
        rng = random.Random(config.seed * 1000 + epoch)
        chosen = self.positive + rng.sample(
            self.negative, round(len(self.negative) * config.negative_windows)
        )
        rng.shuffle(chosen)
        return chosen


def training_examples(path: Path, config: TrainConfig) -> tuple[list[QAExample], list[QAExample]]:
    """(train, validation) examples: the file split by article; the train side gets made-up
    unanswerable questions and typed variants of its questions."""
    train, validation = split_by_article(load_squad(path), config.validation_share, config.seed)
    train = (
        train
        + make_unanswerable(train, config.unanswerable_rate, config.seed)
        + answer_removed(train, config.answer_removed, config.seed)
    )
    rng = random.Random(config.seed)
    train = [typed_variant(ex, rng, config.unaccented, config.lower) for ex in train]
    return train, validation


def tokenise(tokenizer: Any, examples: list[QAExample], spec: WindowSpec) -> Windows:
    """The windows of ``examples``, labelled with their first answer's tokens."""
    windows = Windows([], [])
    for i in range(0, len(examples), 512):
        part = examples[i : i + 512]
        enc = encode(tokenizer, [e.question for e in part], [e.context for e in part], spec)
        for j, ids in enumerate(enc["input_ids"]):
            ex = part[enc["overflow_to_sample_mapping"][j]]
            start, end = span_labels(
                enc["offset_mapping"][j], ex.answers[0] if ex.answers else None
            )
            (windows.positive if start else windows.negative).append((ids, start, end))
    return windows


def load_network(base: Path, frozen_layers: int) -> tuple[Any, Any]:
    """(tokenizer, network): the base e5 folder with a fresh span head, lower blocks frozen."""
    from transformers import AutoModelForQuestionAnswering, AutoTokenizer
    from transformers import logging as hf_logging

    from bot.answering.reading.weights import freeze_lower

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    tokenizer = AutoTokenizer.from_pretrained(base)
    network = AutoModelForQuestionAnswering.from_pretrained(base)
    freeze_lower(network, frozen_layers)
    return tokenizer, network


def start_from(network: Any, weights: Path) -> None:
    """Set ``network`` (the base with a fresh head) to a trained reader's weights, to train on."""
    from safetensors import SafetensorError

    from bot.answering.reading.weights import apply_deltas, read_weights

    try:
        apply_deltas(network, read_weights(weights))
    except (OSError, ValueError, KeyError, RuntimeError, SafetensorError) as exc:
        raise InputError(f"cannot start from {weights}: {exc}; give a reader's weights") from None


class Trainer:
    """One training run in ``out``: resumes from ``out/checkpoint.pt`` when it is there."""

    def __init__(
        self, base: Path, data: Path, out: Path, config: TrainConfig, start: Path | None = None
    ) -> None:
        import torch

        self.config, self.out, self.data = config, out, data
        torch.manual_seed(config.seed)
        self.tokenizer, self.network = load_network(base, config.frozen_layers)
        self.base = {n: p.detach().clone() for n, p in self.network.named_parameters()}
        self.start = start
        if start is not None:
            start_from(self.network, start)
        train, self.validation = training_examples(data, config)
        self.windows = tokenise(self.tokenizer, train, config.spec)
        per_epoch = len(self.windows.epoch(config, 0))
        self.steps_per_epoch = -(-per_epoch // config.batch)
        total = self.steps_per_epoch * config.epochs
        params = [p for p in self.network.parameters() if p.requires_grad]
        self.optimizer = torch.optim.AdamW(params, lr=config.learning_rate, weight_decay=0.01)
        from transformers import get_linear_schedule_with_warmup

        self.schedule = get_linear_schedule_with_warmup(
            self.optimizer, round(total * config.warmup), total
        )
        self.step = 0
        log.info(
            "%d train questions (%d windows with an answer, %d without), %d validation; "
            "%d steps an epoch",
            len(train),
            len(self.windows.positive),
            len(self.windows.negative),
            len(self.validation),
            self.steps_per_epoch,
        )
        self._resume()

    @property
    def checkpoint(self) -> Path:
        """Where the run's state is saved."""
        return self.out / "checkpoint.pt"

    def _resume(self) -> None:
        import torch

        if not self.checkpoint.exists():
            return
        state = torch.load(self.checkpoint, weights_only=False)
        with torch.no_grad():
            for name, value in state["params"].items():
                self.network.get_parameter(name).copy_(value)
        self.optimizer.load_state_dict(state["optimizer"])
        self.schedule.load_state_dict(state["schedule"])
        self.step = state["step"]
        torch.set_rng_state(state["rng"])
        log.info("resumed at step %d", self.step)

    def _save(self) -> None:
        import torch

        from bot.answering.reading.weights import trainable_names

        state = {
            "params": {
                n: self.network.get_parameter(n).detach() for n in trainable_names(self.network)
            },
            "optimizer": self.optimizer.state_dict(),
            "schedule": self.schedule.state_dict(),
            "step": self.step,
            "rng": torch.get_rng_state(),
        }
        tmp = self.checkpoint.with_suffix(".tmp")
        torch.save(state, tmp)
        tmp.replace(self.checkpoint)

    def run(self) -> int:
        """Train to the end of the last epoch, saving as it goes; returns the size in bytes of
        the reader written to ``out/reader.safetensors``."""
        self.out.mkdir(parents=True, exist_ok=True)
        (self.out / "config.json").write_text(json.dumps(asdict(self.config), indent=1))
        while self.step < self.steps_per_epoch * self.config.epochs:
            epoch, first = divmod(self.step, self.steps_per_epoch)
            self._epoch(epoch, first)
            self.save_reader(self.out / f"reader-epoch{epoch + 1}.safetensors")
        return self.save_reader(self.out / "reader.safetensors")

    def _epoch(self, epoch: int, first: int) -> None:
        import torch

        batch = self.config.batch
        windows = self.windows.epoch(self.config, epoch)
        self.network.train()
        started, loss_sum = time.monotonic(), 0.0
        for b in range(first, self.steps_per_epoch):
            part = windows[b * batch : (b + 1) * batch]
            ids, mask = pad_batch([w[0] for w in part], self.tokenizer.pad_token_id)
            loss = self.network(
                input_ids=torch.tensor(ids),
                attention_mask=torch.tensor(mask),
                start_positions=torch.tensor([w[1] for w in part]),
                end_positions=torch.tensor([w[2] for w in part]),
            ).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(self.network.parameters(), 1.0)
            self.optimizer.step()
            self.schedule.step()
            self.optimizer.zero_grad()
            self.step += 1
            loss_sum += float(loss.detach())
            if self.step % 20 == 0:
                rate = (b + 1 - first) * batch / (time.monotonic() - started)
                log.info(
                    "epoch %d step %d/%d loss %.3f %.2f windows/s",
                    epoch + 1,
                    b + 1,
                    self.steps_per_epoch,
                    loss_sum / 20,
                    rate,
                )
                loss_sum = 0.0
            if self.step % self.config.checkpoint_every == 0:
                self._save()
        self._save()

    def save_reader(self, path: Path) -> int:
        """The trained reader's deltas and head at ``path``; returns its size in bytes."""
        from bot.answering.reading.weights import save_deltas

        meta = {"config": json.dumps(asdict(self.config)), "data": self.data.name}
        if self.start is not None:
            meta["start"] = self.start.name
        return save_deltas(self.network, self.base, path, meta)
