"""The ``vnqa`` command line: a thin adapter over the ingest pipeline and the store."""

from __future__ import annotations

import logging
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ingest.errors import ConfigError, VnqaError

if TYPE_CHECKING:
    from ingest.pipeline import IngestSummary

from bot.frontends.cli_common import err, out, settings_from_env, show

app = typer.Typer(
    name="vnqa",
    help="Hỏi đáp có trích dẫn trên tin tức tiếng Việt. Question answering over Vietnamese news.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
MAX_PROBLEMS_SHOWN = 20


class _RichProgress:
    """Adapts the pipeline's progress reports to a rich progress bar on stderr."""

    def __init__(self) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.bar = Progress(
            TextColumn("embedding"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("articles · {task.fields[chunks]} chunks"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=err,
            transient=False,
        )
        self.task = self.bar.add_task("ingest", total=0, chunks=0, visible=False)

    def start(self, total: int) -> None:
        self.total, self.done, self.chunks, self.next_report = total, 0, 0, 0.0
        if total and err.is_terminal:
            self.bar.start()
            self.bar.update(self.task, total=total, visible=True)

    def advance(self, articles: int, chunks: int) -> None:
        self.done, self.chunks = self.done + articles, self.chunks + chunks
        self.bar.update(self.task, advance=articles, chunks=self.chunks)
        if not err.is_terminal and self.done / self.total >= self.next_report:
            # Plain lines for logs: a redrawn bar would be unreadable there.
            err.print(f"embedded {self.done}/{self.total} articles, {self.chunks} chunks")
            self.next_report += 0.1

    def converting(self, chunks: int, total: int) -> None:
        if chunks == total or chunks % 50_000 < 5_000:  # the index is built 5,000 at a time
            err.print(f"building the full-text index: {chunks}/{total} chunks")

    def stop(self) -> None:
        self.bar.stop()


def _print_summary(s: IngestSummary, verbose: bool, problem_log: Path | None) -> None:
    show(
        out,
        ("articles", "bold"),
        f": {s.new} new, {s.updated} updated, {s.unchanged} unchanged, "
        f"{s.skipped} skipped, {s.failed} failed"
        + (f", {s.duplicates} duplicate" if s.duplicates else "")
        + (f", {s.pruned} pruned" if s.pruned else ""),
    )
    rate = f"{s.chunks_per_second:.1f} chunks/s"
    if s.embed_seconds:
        rate += f"; embedding {s.embed_seconds:.1f} s = {s.chunks / s.embed_seconds:.1f} chunks/s"
    show(out, ("chunks written", "bold"), f": {s.chunks} in {s.seconds:.1f} s ({rate})")
    if s.fetched or s.not_modified:
        out.print(f"web pages: {s.fetched} fetched, {s.not_modified} not modified (304)")
    if s.recovered:
        out.print(f"recovered {s.recovered} articles left half-written by an interrupted run")
    if s.reembedded:
        out.print(f"embedded again {s.reembedded} articles whose vectors were missing")
    if s.converted:
        out.print("the store's full-text index now uses the configured VNQA_LEXICAL_ENGINE")
    shown = s.problems if verbose else s.problems[:MAX_PROBLEMS_SHOWN]
    for problem in shown:
        show(err, ("•", "yellow"), f" {problem}", soft_wrap=True)
    hidden = len(s.problems) - len(shown)
    if hidden:
        where = f"all {len(s.problems)} are listed in {problem_log}; " if problem_log else ""
        err.print(f"… and {hidden} more ({where}--verbose prints them all)", soft_wrap=True)
    elif problem_log and s.problems:
        err.print(f"problems listed in {problem_log}", soft_wrap=True)
    if s.interrupted:
        show(
            err,
            ("interrupted", "red"),
            ": what was written is kept; run the same command to resume",
        )


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@app.command()
def ingest(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Files or folders of articles (.txt .md .html .json .jsonl), or page URLs."
        ),
    ],
    prune: Annotated[
        bool,
        typer.Option("--prune", help="Remove stored articles whose source file or line is gone."),
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Print every problem, not only the first 20.")
    ] = False,
) -> None:
    """Add or update articles; unchanged articles are skipped without re-embedding."""
    from bot.app import App
    from ingest.pipeline import write_problem_log

    settings = settings_from_env()
    app = App(settings, readonly=False)
    progress = _RichProgress()
    # A service manager's SIGTERM stops ingest as cleanly as Ctrl-C does.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        summary = app.ingest(paths, prune=prune, progress=progress)
    finally:
        signal.signal(signal.SIGTERM, previous)
        progress.stop()
        app.close()
    problem_log = write_problem_log(summary, settings.data_dir / "logs")
    _print_summary(summary, verbose, problem_log)
    if summary.interrupted:
        raise typer.Exit(130)
    if not summary.ok:
        raise typer.Exit(1)


@app.command()
def reindex() -> None:
    """Convert the store to VNQA_LEXICAL_ENGINE from its own text; embed lost vectors again."""
    from bot.app import App

    settings = settings_from_env()
    with App(settings, readonly=False) as vnqa, vnqa.store.writer_lock():
        changed = vnqa.store.settle(_RichProgress().converting)
        repaired = vnqa.store.repair_vectors(lambda: vnqa.embedder.encode)
    out.print(f"full-text engine: {settings.lexical_engine}" + ("" if changed else " (unchanged)"))
    if repaired:
        out.print(f"embedded again {repaired} articles whose vectors were missing")


@app.command("config")
def config(
    markdown: Annotated[
        bool, typer.Option("--markdown", help="Every setting as docs/configuration.md.")
    ] = False,
    env: Annotated[bool, typer.Option("--env", help="Every setting as .env.example.")] = False,
) -> None:
    """The settings in force (secrets masked), or their documentation."""
    from bot import settings_doc

    if markdown or env:
        sys.stdout.write(settings_doc.markdown() if markdown else settings_doc.env_example())
        return
    settings = settings_from_env()
    for var, value in settings_doc.values(settings):
        out.print(f"{var}={value}")


def _register_answer_commands() -> None:
    from bot.frontends import cli_answer, cli_eval, cli_stats, cli_web
    from bot.frontends.cli_feedback import feedback_app
    from bot.frontends.cli_reader import reader_app

    app.command("ask")(cli_answer.ask)
    app.command("chat")(cli_answer.chat)
    app.command("eval")(cli_eval.evaluate)
    app.command("stats")(cli_stats.stats)
    app.command("telegram")(_telegram)
    app.add_typer(cli_web.sources_app, name="sources")
    app.add_typer(feedback_app, name="feedback")
    app.command("watch")(cli_web.watch)
    app.add_typer(reader_app, name="reader")


def _telegram() -> None:
    """Run the Telegram bot (long polling) until Ctrl-C or SIGTERM."""
    from bot.frontends.cli_telegram import run_telegram

    run_telegram()


_register_answer_commands()


def main() -> None:
    """Entry point: run the app and turn vnqa errors into one-line messages."""
    import sqlite3

    from bot.redact import protect_streams, redact
    from ingest.embedding.offline import offline_model_libraries

    offline_model_libraries()
    protect_streams()
    try:
        app()
    except ConfigError as exc:
        show(err, ("configuration error:", "red"), f" {redact(str(exc))}", soft_wrap=True)
        sys.exit(2)
    except VnqaError as exc:
        show(err, ("error:", "red"), f" {redact(str(exc))}", soft_wrap=True)
        sys.exit(1)
    except sqlite3.DatabaseError as exc:  # a damaged catalog met outside a check
        problem = f" the store's catalog cannot be read ({exc}); 'vnqa stats --check' says more"
        show(err, ("error:", "red"), problem, soft_wrap=True)
        sys.exit(1)
    except Exception as exc:  # a bug or a failing dependency: one line, details in the log
        logging.getLogger(__name__).debug("unexpected error", exc_info=True)
        show(
            err,
            ("unexpected error:", "red"),
            f" {type(exc).__name__}: {redact(str(exc))} "
            "(run with VNQA_LOG_LEVEL=DEBUG for the traceback)",
            soft_wrap=True,
        )
        sys.exit(1)


if __name__ == "__main__":
    main()
