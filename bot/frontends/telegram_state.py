"""What the bot keeps between updates and across restarts: who asked how often, and each
chat's conversation in a pickle file written safely."""

from __future__ import annotations

import logging
import os
import time
from collections import deque
from collections.abc import Callable
from enum import Enum
from pathlib import Path

from telegram.ext import PersistenceInput, PicklePersistence

log = logging.getLogger(__name__)
WINDOW_SECONDS = 60.0


class Verdict(Enum):
    """What to do with one update from one user."""

    GO = "go"  # handle it
    TELL = "tell"  # refuse, and say so (once a window)
    QUIET = "quiet"  # refuse without a word: they were told already


class RateLimiter:
    """At most ``per_minute`` updates per user in any 60 seconds (incoming; outgoing flood
    control is PTB's AIORateLimiter). A user over the limit is told once, then nothing is
    sent to them until the window frees: a flood of questions never becomes a flood of
    replies. Users idle for a window are forgotten."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute, self.clock = per_minute, clock
        self.times: dict[int, deque[float]] = {}
        self.told: dict[int, float] = {}  # when each user was last told to slow down
        self._swept_at = clock()

    def check(self, user_id: int) -> tuple[Verdict, int]:
        """The verdict on one more update from the user, and seconds until they may ask."""
        now = self.clock()
        self._sweep(now)
        times = self.times.setdefault(user_id, deque())
        while times and now - times[0] >= WINDOW_SECONDS:
            times.popleft()
        if len(times) < self.per_minute:
            times.append(now)
            return Verdict.GO, 0
        wait = max(1, int(WINDOW_SECONDS - (now - times[0])) + 1)
        if now - self.told.get(user_id, -1e18) < WINDOW_SECONDS:
            return Verdict.QUIET, wait
        self.told[user_id] = now
        return Verdict.TELL, wait

    def _sweep(self, now: float) -> None:
        """Forget users with nothing in the last window (at most once a window)."""
        if now - self._swept_at < WINDOW_SECONDS:
            return
        self._swept_at = now
        for user in [u for u, t in self.times.items() if not t or now - t[-1] >= WINDOW_SECONDS]:
            del self.times[user]
        for user in [u for u, t in self.told.items() if now - t >= WINDOW_SECONDS]:
            del self.told[user]


class ChatState(PicklePersistence):
    """PTB's pickle persistence of chat data, written atomically with mode 0600 (it holds
    every chat's questions); a damaged file is moved aside and the bot starts without it."""

    def __init__(self, path: Path) -> None:
        only_chats = PersistenceInput(bot_data=False, user_data=False, callback_data=False)
        super().__init__(path, store_data=only_chats)
        if path.exists():
            path.chmod(0o600)

    def _load_singlefile(self) -> None:
        try:
            super()._load_singlefile()
        except TypeError as exc:  # PTB's word for a truncated, empty or foreign file
            aside = self.filepath.with_name(f"{self.filepath.name}.broken-{int(time.time())}")
            self.filepath.replace(aside)
            log.warning(
                "%s could not be read (%s); moved to %s, starting with no saved chats",
                self.filepath,
                exc,
                aside.name,
            )
            super()._load_singlefile()

    def _dump_singlefile(self) -> None:
        final = self.filepath
        tmp = final.with_name(f".{final.name}.tmp")
        os.close(os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600))
        self.filepath = tmp
        try:
            super()._dump_singlefile()
            fd = os.open(tmp, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            tmp.replace(final)  # all or nothing: a crash leaves the old file whole
        finally:
            self.filepath = final
