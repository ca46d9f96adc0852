"""The configuration's documentation, made from ``Settings`` itself, so that it cannot drift:
``vnqa config --markdown`` writes docs/configuration.md, ``vnqa config --env`` .env.example
(a test compares both with what is committed)."""

from __future__ import annotations

from pydantic import BaseModel, SecretStr
from pydantic.fields import FieldInfo

from bot.settings import Settings

GROUPS = {
    "": "Where things live, ingest, retrieval and answering",
    "embedding": "The embedding model",
    "chunk": "Chunks",
    "llm": "Generative answers (optional)",
    "watch": "Following sites (`vnqa sources`, `vnqa watch`)",
    "telegram": "The Telegram bot",
}


def _default(field: FieldInfo) -> str:
    if field.default_factory is not None:
        return "~/.local/share/vnqa"  # the only factory: the data dir (XDG_DATA_HOME aware)
    value = field.default
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
    if isinstance(value, bool):
        return str(value).lower()
    if value is None or value == "" or value == frozenset():
        return ""
    return str(value)


def rows() -> list[tuple[str, str, str, str]]:
    """(group, variable, default, description) of every setting, in the class's order."""
    out = []
    for name, field in Settings.model_fields.items():
        group = field.annotation
        if isinstance(group, type) and issubclass(group, BaseModel):
            for sub, subfield in group.model_fields.items():
                var = f"VNQA_{name.upper()}_{sub.upper()}"
                out.append((name, var, _default(subfield), subfield.description or ""))
        else:
            out.append(("", f"VNQA_{name.upper()}", _default(field), field.description or ""))
    return out


def markdown() -> str:
    """docs/configuration.md."""
    lines = [
        "# Configuration",
        "",
        "Every setting is an environment variable or a line of `.env` in the working directory;",
        "all are checked when vnqa starts, and a bad one stops it with a message naming it (exit",
        "2). An unknown `VNQA_*` name is warned of, with the closest known one. This page is",
        "written by `vnqa config --markdown`; `.env.example` by `vnqa config --env`.",
    ]
    table = rows()
    for group, title in GROUPS.items():
        lines += ["", f"## {title}", "", "| variable | default | what it does |", "|---|---|---|"]
        for g, var, default, text in table:
            if g == group:
                shown = f"`{default}`" if default else "empty"
                lines.append(f"| `{var}` | {shown} | {text} |")
    return "\n".join(lines) + "\n"


def env_example() -> str:
    """.env.example: every setting, commented out at its default."""
    lines = [
        "# vnqa settings: copy to .env (read from the working directory) and uncomment what",
        "# you change; VNQA_* variables override .env. Every value below is the default.",
        "# Written by `vnqa config --env`; docs/configuration.md says the same as a table.",
    ]
    for group, title in GROUPS.items():
        lines += ["", f"# --- {title.replace('`', '')}"]
        for g, var, default, text in rows():
            if g == group:
                lines += [f"# {text.replace('`', '')}", f"# {var}={default}"]
    return "\n".join(lines) + "\n"


def values(settings: Settings) -> list[tuple[str, str]]:
    """Every variable with the value in force; a secret that is set shows as ``<secret>``."""
    out = []
    for group, var, _, _ in rows():
        owner = getattr(settings, group) if group else settings
        name = var.removeprefix(f"VNQA_{group.upper()}_" if group else "VNQA_").lower()
        value = getattr(owner, name)
        if isinstance(value, SecretStr):
            value = "<secret>" if value.get_secret_value() else ""
        elif isinstance(value, frozenset):
            value = ",".join(str(v) for v in sorted(value))
        elif isinstance(value, bool):
            value = str(value).lower()
        out.append((var, "" if value is None else str(value)))
    return out
