"""Consoles and settings shared by the command-line modules."""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING

from rich.console import Console

if TYPE_CHECKING:
    from bot.settings import Settings

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def settings_from_env() -> Settings:
    """Settings from the environment and .env, with logging set up on stderr."""
    from bot.settings import load_settings

    settings = load_settings()
    logging.basicConfig(
        level=settings.log_level.upper(),
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    return settings
