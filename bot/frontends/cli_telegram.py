"""``vnqa telegram``: run the bot with long polling until SIGINT or SIGTERM."""

from __future__ import annotations

import asyncio
import html
import logging
import os
import signal
from pathlib import Path
from typing import TYPE_CHECKING

from bot.frontends.cli_common import settings_from_env
from bot.redact import redact
from bot.settings import Settings
from ingest.errors import ConfigError, VnqaError
from ingest.store.port import StoreReader

if TYPE_CHECKING:
    from telegram.ext import Application

log = logging.getLogger(__name__)


def about_text(store: StoreReader) -> str:
    """/start and /help: what the bot knows and two example questions."""
    info = store.stats()
    sites = ", ".join(info["sites"][:5]) or "các tệp đã nạp"
    dates = ""
    if info["published_min"]:
        dates = f", đăng từ {info['published_min'][:10]} đến {info['published_max'][:10]}"
    newest = store.newest_titles(2)
    examples = [f"Bài “{t}” được đăng ngày nào?" for t in newest[:1]]
    examples += [f"{t}?" for t in newest[1:2]] or ["Ai là Bí thư Huyện ủy?"]
    lines = [
        f"Xin chào! Bot trả lời câu hỏi từ <b>{info['articles']}</b> bài viết "
        f"({html.escape(sites)}{html.escape(dates)}), kèm nguồn [1], [2] để bạn kiểm tra.",
        "Gõ câu hỏi bằng tiếng Việt, có dấu hay không dấu đều được. Ví dụ:",
        *(f"• {html.escape(e)}" for e in examples),
        "/sources: nguồn đầy đủ · /new: hỏi lại từ đầu",
    ]
    return "\n".join(lines)


def check_bot_api(token: str, base_url: str | None) -> None:
    """Ask the Bot API who we are before starting: a rejected token or an unreachable server
    is one clear message, not PTB's retry loop and tracebacks."""
    from telegram import Bot
    from telegram.error import InvalidToken, NetworkError, TelegramError

    async def get_me() -> None:
        async with Bot(token, base_url=base_url or "https://api.telegram.org/bot"):
            pass  # entering the context calls getMe

    where = base_url or "api.telegram.org"
    try:
        asyncio.run(get_me())
    except InvalidToken:
        raise ConfigError(
            f"the Bot API at {where} rejected VNQA_TELEGRAM_TOKEN: copy the token again from "
            "@BotFather (/mybots → API Token) into .env"
        ) from None
    except NetworkError as exc:
        raise VnqaError(
            f"cannot reach the Telegram Bot API at {where} ({redact(exc.message)}): check the "
            "network, or VNQA_TELEGRAM_BASE_URL"
        ) from None
    except TelegramError as exc:
        raise VnqaError(
            f"the Bot API at {where} refused to start the bot: {redact(exc.message)}"
        ) from None


STATE_FILE = "telegram/chats.pickle"


def state_file(data_dir: Path) -> Path | None:
    """Where chats' conversations persist across restarts; None (with a warning) where the
    data dir is read-only: the bot then forgets them when it stops."""
    path = data_dir / STATE_FILE
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if os.access(path.parent, os.W_OK):
            return path
    except OSError:
        pass
    log.warning("%s is not writable: conversations are kept in memory only", path.parent)
    return None


def schedule_watch(application: Application, settings: Settings) -> None:
    """Poll the followed sources every VNQA_WATCH_INTERVAL on PTB's JobQueue, in a worker
    thread, writing the store as ``vnqa watch`` does (the bot's answers see the new articles
    within VNQA_REFRESH_SECONDS)."""
    from bot.app import App

    if application.job_queue is None:  # pragma: no cover - the dependency is declared
        raise ConfigError("VNQA_TELEGRAM_WATCH needs python-telegram-bot[job-queue] installed")

    def poll() -> str:
        with App(settings, readonly=False) as app:
            if not app.sources():
                return "no sources followed; add one with: vnqa sources add URL"
            s = app.poll()
        return (
            f"poll: {s.new} new, {s.updated} updated, {s.not_modified} not modified, "
            f"{s.failed} failed ({s.seconds:.1f} s)"
        )

    async def job(context: object) -> None:
        try:
            log.info("%s", await asyncio.to_thread(poll))
        except VnqaError as exc:
            log.warning("watch: %s", redact(str(exc)))

    application.job_queue.run_repeating(job, interval=settings.watch.interval, first=1.0)
    log.info("following sources every %.0f s in this process", settings.watch.interval)


def run_telegram() -> None:
    """Start the bot with long polling (Ctrl-C or SIGTERM stops it cleanly)."""
    from bot.app import App
    from bot.frontends.telegram import Policy, VnqaBot
    from bot.frontends.telegram_feedback import Buttons

    settings = settings_from_env()
    token = settings.telegram.token.get_secret_value()
    if not token:
        raise ConfigError(
            "VNQA_TELEGRAM_TOKEN is not set: create a bot with @BotFather and "
            "put its token in .env or the environment"
        )
    policy = Policy(
        allowed_users=settings.telegram.allowed_users,
        allowed_chats=settings.telegram.allowed_chats,
        admins=settings.telegram.admins,
        per_minute=settings.telegram.rate_limit,
        history_turns=settings.history_turns,
        history_seconds=settings.telegram.history_minutes * 60,
    )
    check_bot_api(token, settings.telegram.base_url or None)
    if not policy.allowed_users and not policy.allowed_chats:
        log.warning(
            "the bot answers everyone: set VNQA_TELEGRAM_ALLOWED_USERS or "
            "VNQA_TELEGRAM_ALLOWED_CHATS to keep it to people you choose"
        )
    with App(settings) as app:
        kept = app.feedback()
        buttons = Buttons(*kept) if kept else None
        bot = VnqaBot(app.warm_up(), policy, about=lambda: about_text(app.store), buttons=buttons)
        application = bot.application(
            token, settings.telegram.base_url or None, state_file(settings.data_dir)
        )
        if settings.telegram.watch:
            schedule_watch(application, settings)
        poll_until_stopped(application)


def poll_until_stopped(application: Application) -> None:
    """PTB's ``run_polling`` until SIGINT or SIGTERM. Once it polls, a signal stops it as PTB's
    own handlers do, with its graceful shutdown. During start-up a signal interrupting the
    request in flight (setMyCommands, deleteWebhook) would fail it with an error, so the stop
    waits for that request: right after ``post_init``, or as soon as polling starts. A second
    signal does not wait."""
    from telegram.error import TelegramError

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)  # the loop run_polling takes, with these handlers on it
    signals: list[int] = []

    def once_running() -> None:
        if application.running:
            raise SystemExit  # what PTB's stop signals raise: run_polling then shuts down
        loop.call_later(0.05, once_running)

    def on_signal(sig: int) -> None:
        signals.append(sig)
        if application.running or len(signals) > 1:
            raise SystemExit
        application.stop_running()  # honoured once post_init ends
        loop.call_later(0.05, once_running)  # or later, should start-up go on to polling

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, on_signal, sig)
    try:
        application.run_polling(stop_signals=None, drop_pending_updates=False)
    except TelegramError as exc:  # a start-up request that a second signal interrupted
        if not signals:
            raise
        log.debug("stopped during start-up: %s", redact(str(exc)))
