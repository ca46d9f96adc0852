"""Consoles and settings shared by the command-line modules."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.text import Text

if TYPE_CHECKING:
    from bot.settings import Settings

# Nothing printed is ever read as Rich markup or emoji codes: articles, questions and file
# names may contain "[/]" or ":fire:". Styles are given with ``show``.
out = Console(highlight=False, markup=False, emoji=False)
err = Console(stderr=True, highlight=False, markup=False, emoji=False)


def show(console: Console, *parts: str | tuple[str, str], **options: Any) -> None:
    """Print plain text, with ``(text, style)`` parts styled: never parsed as markup."""
    console.print(Text.assemble(*parts), **options)


def settings_from_env() -> Settings:
    """Settings from the environment and .env, with logging set up on stderr."""
    from bot.redact import register_secret
    from bot.settings import load_settings, unknown_variables

    settings = load_settings()
    for secret in (settings.telegram.token, settings.llm.api_key):
        register_secret(secret.get_secret_value())
    logging.basicConfig(
        level=settings.log_level.upper(),
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    names = list(os.environ)
    if Path(".env").is_file():
        from dotenv import dotenv_values

        names += list(dotenv_values(".env"))
    for warning in unknown_variables(names):
        logging.getLogger("vnqa.settings").warning("%s", warning)
    return settings
