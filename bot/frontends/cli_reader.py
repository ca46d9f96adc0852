"""``vnqa reader``: train the span reader on a SQuAD 2.0 file, and judge one on its held-out
articles with the gold passage given."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Annotated

import typer

from bot.frontends.cli_common import out, settings_from_env, show

reader_app = typer.Typer(
    help="Train and evaluate the span reader.", no_args_is_help=True, add_completion=False
)
Data = Annotated[
    Path, typer.Argument(help="A SQuAD 2.0 JSON file (data[].paragraphs[].qas[]).", exists=True)
]
Seed = Annotated[int, typer.Option(help="Seed of the split, the made-up questions and training.")]


@reader_app.command()
def train(
    data: Data,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Folder for checkpoints and reader.safetensors "
            "(default: $VNQA_DATA_DIR/reader). A run there resumes.",
        ),
    ] = None,
    epochs: Annotated[int, typer.Option(min=1, max=50, help="Passes over the data.")] = 2,
    seed: Seed = 13,
    batch: Annotated[int, typer.Option(min=1, max=512, help="Windows per step.")] = 16,
    threads: Annotated[int, typer.Option(min=1, max=256, help="Torch threads.")] = 2,
    learning_rate: Annotated[
        float, typer.Option(min=1e-7, max=1e-2, help="Peak learning rate (warm-up, then decay).")
    ] = 8e-5,
    answer_removed: Annotated[
        float,
        typer.Option(
            min=0.0,
            max=1.0,
            help="Share of the questions also asked, unanswerable, over their own passage less "
            "the sentences that hold the answer (0: none, as the bundled reader).",
        ),
    ] = 0.0,
    start: Annotated[
        Path | None,
        typer.Option(
            "--start-from",
            exists=True,
            dir_okay=False,
            help="A trained reader's weights to train on from (for example the bundled "
            "bot/answering/reading/reader.safetensors), instead of a fresh head.",
        ),
    ] = None,
) -> None:
    """Fine-tune the reader (hours on a laptop's CPU; resumes where it stopped)."""
    import torch

    from bot.answering.reading.train import TrainConfig, Trainer
    from bot.app import e5_model_dir

    settings = settings_from_env()
    logging.getLogger("bot.answering.reading").setLevel(logging.INFO)
    torch.set_num_threads(threads)
    folder = out_dir or settings.data_dir / "reader"
    config = TrainConfig(
        seed=seed,
        epochs=epochs,
        batch=batch,
        learning_rate=learning_rate,
        answer_removed=answer_removed,
    )
    size = Trainer(e5_model_dir(settings), data, folder, config, start).run()
    weights = folder / "reader.safetensors"
    show(out, ("reader", "bold"), f": {weights} ({size / 2**20:.1f} MiB)")
    out.print(f"use it with VNQA_READER_WEIGHTS={weights}")


@reader_app.command("eval")
def evaluate(
    data: Data,
    weights: Annotated[
        Path | None, typer.Option(help="Reader weights (default: VNQA_READER_WEIGHTS or bundled).")
    ] = None,
    seed: Seed = 13,
    every: Annotated[
        bool, typer.Option("--all", help="Every question of the file, not the held-out split.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Exact match and F1 with the gold passage given, and made-up unanswerables declined."""
    from bot.answering.reading.data import load_squad, make_unanswerable, split_by_article
    from bot.answering.reading.train import TrainConfig
    from bot.answering.reading.validate import best_threshold, read_examples, scores
    from bot.app import build_reader

    settings = settings_from_env()
    if weights is not None:
        settings = settings.model_copy(update={"reader_weights": weights})
    config = TrainConfig(seed=seed)
    examples = load_squad(data)
    if not every:
        examples = split_by_article(examples, config.validation_share, config.seed)[1]
    examples += make_unanswerable(examples, config.unanswerable_rate, config.seed + 1)
    readings = read_examples(build_reader(settings), examples)
    report = {
        "questions": len(examples),
        "at_zero": scores(readings, 0.0),
        "best": scores(readings, best_threshold(readings)),
    }
    if as_json:
        out.print_json(json.dumps(report))
        return
    for name in ("at_zero", "best"):
        r = report[name]
        show(
            out,
            (f"margin ≥ {r['threshold']}", "bold"),
            f": answerable EM {r['em']} F1 {r['f1']} (n={r['answerable']}); all F1 "
            f"{r['f1_all']}; unanswerable declined {r['declined_unanswerable']}% "
            f"(n={r['unanswerable']}); answerable declined {r['declined_answerable']}%",
        )
