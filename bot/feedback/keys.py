"""The feedback key: a random secret in the data dir that turns user ids into keyed hashes
(no id is stored in clear) and signs the data of the bot's buttons (no button can be forged,
nor used in another chat)."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

KEY_FILE = "secrets/feedback.key"


class Keyring:
    """HMAC-SHA256 under one 32-byte key, created (mode 0600) on first use."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / KEY_FILE
        self._key: bytes | None = None

    @property
    def key(self) -> bytes:
        """The key, read or created once (created atomically: two processes agree on it)."""
        if self._key is None:
            if not self.path.exists():
                self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}")
                fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
                with os.fdopen(fd, "wb") as f:
                    f.write(secrets.token_bytes(32))
                try:
                    os.link(tmp, self.path)  # fails if another process made it first
                except FileExistsError:
                    pass
                finally:
                    tmp.unlink()
            self._key = self.path.read_bytes()
        return self._key

    def _mac(self, kind: str, text: str) -> str:
        return hmac.new(self.key, f"{kind}:{text}".encode(), hashlib.sha256).hexdigest()

    def user(self, user_id: int | str) -> str:
        """A user's keyed hash: the same for the same person, nobody's id without the key."""
        return self._mac("user", str(user_id))[:20]

    def sign(self, text: str) -> str:
        """A short signature of button data."""
        return self._mac("button", text)[:12]

    def verify(self, text: str, signature: str) -> bool:
        """Whether ``signature`` is this key's for ``text``."""
        return hmac.compare_digest(self.sign(text), signature)
