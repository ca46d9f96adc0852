"""The one typed configuration of vnqa, read from VNQA_* variables and .env.

Settings are grouped by the part they configure; a group's variables share its prefix:
``VNQA_EMBEDDING_DEVICE`` is ``settings.embedding.device``, ``VNQA_TELEGRAM_TOKEN`` is
``settings.telegram.token``. Everything is validated when it loads.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from pydantic import (
    BaseModel,
    Field,
    ValidationError,
    field_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict, SettingsError

from bot.settings_groups import (
    NOT_SETTINGS,
    ChunkSettings,
    EmbeddingSettings,
    LLMSettings,
    TelegramSettings,
    WatchSettings,
    existing_file,
)
from ingest.errors import ConfigError


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or "~/.local/share"
    return Path(base).expanduser() / "vnqa"


class Settings(BaseSettings):
    """Every setting; the variable for field ``x`` is ``VNQA_X``, for ``group.x`` it is
    ``VNQA_GROUP_X``."""

    model_config = SettingsConfigDict(
        env_prefix="VNQA_",
        env_file=".env",
        env_file_encoding="utf-8",
        env_nested_delimiter="_",
        env_nested_max_split=1,
        extra="ignore",
    )

    # where things live
    data_dir: Path = Field(
        default_factory=_default_data_dir,
        validate_default=True,
        description="the store (Chroma, the SQLite catalog, the tantivy index), the model cache, "
        "`logs/` and the bot's state; default `~/.local/share/vnqa`; created if missing",
    )
    model_dir: Path | None = Field(
        None, description="where materialised models are cached; empty = `$VNQA_DATA_DIR/models`"
    )
    chroma_url: str = Field(
        "", description="a `chroma run` server, e.g. `http://127.0.0.1:8000`; empty = embedded"
    )
    lexical_engine: Literal["tantivy", "fts5"] = Field(
        "tantivy",
        description="what ranks words (BM25): `tantivy`, or `fts5` (SQLite); a "
        "writer converts the store",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = Field(
        "WARNING", description="how much is logged to stderr (any case)"
    )

    embedding: EmbeddingSettings = Field(EmbeddingSettings(), description="the embedding model")
    chunk: ChunkSettings = Field(ChunkSettings(), description="how articles are cut")
    ingest_batch: int = Field(
        32,
        ge=1,
        le=100_000,
        description="articles embedded and committed together (an "
        "interrupted ingest keeps every committed batch); raise it with a GPU (e.g. 512)",
    )
    refresh_seconds: float = Field(
        30.0,
        ge=0,
        le=24 * 3600,
        description="how often, at most, a running reader reloads what another process wrote",
    )

    # retrieval and answering
    top_k: int = Field(6, ge=1, le=50, description="passages retrieved for a question")
    fusion: Literal["rrf", "weighted"] = Field(
        "rrf", description="how dense and lexical results are fused: `rrf` or `weighted`"
    )
    dense_weight: float = Field(
        0.5, ge=0.0, le=1.0, description="the dense side's weight in `weighted` fusion"
    )
    read_passages: int = Field(
        4, ge=1, le=50, description="of the retrieved passages, how many the reader reads"
    )
    reader_weights: Path | None = Field(
        None,
        description="a reader from `vnqa reader train` (its `.calibration.json` beside "
        "it, if fitted); empty = the bundled reader",
    )
    reader_runtime: Literal["onnx", "torch"] = Field(
        "onnx",
        description="`onnx`: int8 weights on ONNX Runtime, exported once and cached "
        "(about twice as fast); `torch`: the float weights",
    )
    min_support: float | None = Field(
        None,
        ge=0.0,
        le=1.0,
        description="the probability an answer needs, below which vnqa "
        "says it did not find one; empty = the threshold fitted with the reader",
    )
    query_threads: int = Field(
        2,
        ge=1,
        le=256,
        description="CPU threads the reader uses for one question (it reads four "
        "passages at once: two threads take a third off its time on two cores); the "
        "question's embedding uses one, beside the full-text search",
    )
    history_turns: int = Field(
        6,
        ge=0,
        le=50,
        description="follow-up memory: turns kept by `vnqa chat` and per Telegram chat",
    )

    llm: LLMSettings = Field(LLMSettings(), description="generative answers")
    watch: WatchSettings = Field(WatchSettings(), description="following sites")
    telegram: TelegramSettings = Field(TelegramSettings(), description="the Telegram bot")

    @field_validator("reader_weights")
    @classmethod
    def _weights_file(cls, value: Path | None) -> Path | None:
        """A reader's weights file that exists."""
        return existing_file(value, "no such file {}; train one with 'vnqa reader train'")

    @field_validator("data_dir", "model_dir", "min_support", "reader_weights", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object, info: object) -> object:
        """``VNQA_DATA_DIR=`` means the default, never the current directory; an empty
        ``VNQA_MIN_SUPPORT`` is the reader's fitted threshold, an empty
        ``VNQA_READER_WEIGHTS`` the bundled reader."""
        if isinstance(value, str) and not value.strip():
            return _default_data_dir() if getattr(info, "field_name", "") == "data_dir" else None
        return value

    @field_validator("data_dir", "model_dir")
    @classmethod
    def _usable_dir(cls, value: Path | None) -> Path | None:
        """A folder vnqa can use: created if missing, never a file."""
        if value is None:
            return None
        path = value.expanduser()
        if path.exists() and not path.is_dir():
            raise ValueError(f"{str(path)!r} is a file, not a folder")
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ValueError(f"cannot create the folder {str(path)!r}: {exc.strerror}") from None
        if not os.access(path, os.W_OK) and not any(path.iterdir()):
            raise ValueError(f"the folder {str(path)!r} is empty and not writable")
        return path

    @field_validator("log_level", mode="before")
    @classmethod
    def _level(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @property
    def generative(self) -> bool:
        """True when an OpenAI-compatible LLM is configured."""
        return self.llm.configured

    @property
    def models_path(self) -> Path:
        """Where materialised models are cached."""
        return (self.model_dir or self.data_dir / "models").expanduser()


def known_variables() -> frozenset[str]:
    """Every VNQA_* name a setting reads: a field's, a group's (JSON) and a group field's."""
    names = set()
    for name, field in Settings.model_fields.items():
        names.add(f"VNQA_{name.upper()}")
        group = field.annotation
        if isinstance(group, type) and issubclass(group, BaseModel):
            names.update(f"VNQA_{name.upper()}_{sub.upper()}" for sub in group.model_fields)
    return frozenset(names)


def unknown_variables(names: Iterable[str]) -> list[str]:
    """A warning for each VNQA_* name that no setting reads (a typo is otherwise silent:
    'VNQA_TELEGRAM_ALLOWED_USER' would leave the bot open), with the closest known name."""
    known = known_variables()
    out = []
    for name in sorted(set(names)):
        if not name.upper().startswith("VNQA_") or name.upper() in known | NOT_SETTINGS:
            continue
        close = difflib.get_close_matches(name.upper(), known, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]}?" if close else ""
        out.append(f"{name} is not a vnqa setting and is ignored{hint}")
    return out


def load_settings(**overrides: object) -> Settings:
    """Build ``Settings`` from the environment and .env, as a ConfigError when invalid."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except SettingsError as exc:  # a group's value that is not JSON: 'VNQA_TELEGRAM=x'
        field = re.search(r'field "(\w+)"', str(exc))
        name = f"VNQA_{field.group(1).upper()}" if field else "a VNQA_* variable"
        raise ConfigError(
            f"invalid configuration: {name} must be a JSON object; or set its parts one by "
            f"one ({name}_...)"
        ) from None
    except ValidationError as exc:
        problems = "; ".join(
            f"VNQA_{'_'.join(str(p) for p in e['loc']).upper() or 'SETTINGS'}: "
            f"{e['msg'].removeprefix('Value error, ')}"
            for e in exc.errors()
        )
        raise ConfigError(f"invalid configuration: {problems}") from None
