"""``vnqa feedback``: the votes people gave answers, listed or exported as eval questions."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from bot.frontends.cli_common import out, settings_from_env, show
from ingest.errors import InputError

feedback_app = typer.Typer(
    help="Votes on answers (Telegram's 👍/👎, chat's :+/:-).", no_args_is_help=True,
    add_completion=False,
)  # fmt: skip
Since = Annotated[str | None, typer.Option(help="Only votes on or after this date.")]


def _records(down: bool, up: bool, since: str | None) -> list:
    from bot.app import App
    from ingest.sources.dates import parse_date

    when = parse_date(since) if since else None
    if since and when is None:
        raise InputError(f"--since {since!r} is not a date; use 2026-01-19 or 19/01/2026")
    with App(settings_from_env()) as app:
        kept = app.feedback()
        if kept is None:
            return []
        store, _ = kept
        try:
            return store.records(down=down, up=up, since=when.isoformat() if when else None)
        finally:
            store.close()


@feedback_app.command("list")
def list_votes(
    down: Annotated[bool, typer.Option("--down", help="Only answers voted down.")] = False,
    since: Since = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object a line.")] = False,
) -> None:
    """The votes, oldest first: question, answer, vote and reason."""
    from bot.feedback.export import eval_row

    records = _records(down, True, since)
    for f in records:
        if as_json:
            sys.stdout.write(json.dumps(eval_row(f), ensure_ascii=False) + "\n")
            continue
        mark = "👍" if f.vote > 0 else "👎"
        show(out, (f"{mark} {f.at[:16]}", "bold"), f"  {f.given.question}")
        out.print(f"    → {f.given.answer[:200]}")
        if f.reason:
            show(out, (f"    lý do: {f.reason}", "yellow"))
    if not records and not as_json:
        out.print("no votes yet")


@feedback_app.command("export")
def export(
    eval_file: Annotated[Path, typer.Option("--eval", help="The .jsonl file to write.")],
    up: Annotated[bool, typer.Option("--up", help="Voted-up answers too.")] = False,
    since: Since = None,
) -> None:
    """Voted-down answers (and with --up the voted-up ones) as a 'vnqa eval' file."""
    from bot.feedback.export import eval_row

    rows = [eval_row(f) for f in _records(False, up, since)]
    try:
        eval_file.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                             encoding="utf-8")  # fmt: skip
    except OSError as exc:
        raise InputError(f"cannot write {eval_file}: {exc.strerror}") from None
    out.print(f"{len(rows)} questions written to {eval_file}; add each right answer, then run "
              f"'vnqa eval {eval_file}'")  # fmt: skip
