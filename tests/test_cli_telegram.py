"""``vnqa telegram`` at start-up: a rejected token or an unreachable Bot API is one clear
line and a non-zero exit, and the token never appears in anything the process writes."""

import socket

import pytest

from tests.fake_telegram import RefusingBotAPI

TOKEN = "123456:AAsecret-token-must-never-show"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _assert_secret_kept(result) -> None:
    for text in (result.stdout, result.stderr):
        assert TOKEN not in text and TOKEN.split(":")[1] not in text
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("level", ["WARNING", "DEBUG"])
@pytest.mark.parametrize("status", [401, 404])
def test_a_rejected_token_is_a_configuration_error(run_fake, status: int, level: str) -> None:
    with RefusingBotAPI(status) as api:
        result = run_fake(
            "telegram",
            VNQA_TELEGRAM_TOKEN=TOKEN,
            VNQA_TELEGRAM_BASE_URL=api.base_url,
            VNQA_LOG_LEVEL=level,
        )
    assert result.returncode == 2
    assert "rejected VNQA_TELEGRAM_TOKEN" in result.stderr and "@BotFather" in result.stderr
    _assert_secret_kept(result)
    if level == "WARNING":
        assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("level", ["WARNING", "DEBUG"])
def test_a_server_error_echoing_the_path_is_redacted(run_fake, level: str) -> None:
    with RefusingBotAPI(500) as api:
        result = run_fake(
            "telegram",
            VNQA_TELEGRAM_TOKEN=TOKEN,
            VNQA_TELEGRAM_BASE_URL=api.base_url,
            VNQA_LOG_LEVEL=level,
        )
    assert result.returncode == 1 and "Internal Server Error at /bot<secret>/getMe" in result.stderr
    _assert_secret_kept(result)


def test_an_unreachable_bot_api_is_one_line(run_fake) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/bot"
    result = run_fake("telegram", VNQA_TELEGRAM_TOKEN=TOKEN, VNQA_TELEGRAM_BASE_URL=url)
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"error: cannot reach the Telegram Bot API at {url}")
    _assert_secret_kept(result)


def _start_bot(api, tmp_path, e5_dir, allowed: str):
    """The real ``vnqa telegram`` against the fake Bot API, its stderr piped."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("VNQA_")}
    env |= {
        "VNQA_DATA_DIR": str(tmp_path / "data"),
        "VNQA_MODEL_DIR": str(e5_dir.parent),
        "VNQA_EMBEDDING_MODEL": "fake",
        "VNQA_TELEGRAM_TOKEN": TOKEN,
        "VNQA_TELEGRAM_BASE_URL": api.base_url,
        "VNQA_TELEGRAM_ALLOWED_USERS": allowed,
    }
    argv = [sys.executable, "-m", "bot.frontends.cli", "telegram"]
    return subprocess.Popen(argv, env=env, cwd=tmp_path, stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize("allowed", ["", "1,2"])
def test_the_bot_says_at_start_when_it_answers_everyone(tmp_path, e5_dir, allowed: str) -> None:
    import signal
    import time

    from tests.fake_telegram import FakeTelegram

    with FakeTelegram() as api:
        bot = _start_bot(api, tmp_path, e5_dir, allowed)
        deadline = time.monotonic() + 120
        while not api.polls:
            assert bot.poll() is None and time.monotonic() < deadline
            time.sleep(0.1)
        bot.send_signal(signal.SIGTERM)
        _, stderr = bot.communicate(timeout=60)
    assert TOKEN not in stderr
    assert bot.returncode == 0, stderr[-2000:]
    assert ("the bot answers everyone" in stderr) == (not allowed)


@pytest.mark.parametrize("method", ["setMyCommands", "deleteWebhook"])
def test_a_stop_signal_during_start_up_stops_the_bot_cleanly(tmp_path, e5_dir, method) -> None:
    import signal
    import time

    from tests.fake_telegram import FakeTelegram

    with FakeTelegram() as api:
        api.hold[method] = 3.0  # the signal lands while this start-up request is in flight
        bot = _start_bot(api, tmp_path, e5_dir, "1")
        deadline = time.monotonic() + 120
        while not api.calls_of(method):
            assert bot.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        time.sleep(0.3)
        bot.send_signal(signal.SIGTERM)
        _, stderr = bot.communicate(timeout=60)
    assert bot.returncode == 0, stderr[-2000:]
    assert "error" not in stderr.lower() and TOKEN not in stderr
    assert "Traceback" not in stderr


def test_the_bot_can_follow_sources_in_its_own_process(tmp_path, e5_dir, run_fake) -> None:
    import json
    import signal
    import subprocess
    import sys
    import time

    from tests.fake_news_site import news_site
    from tests.fake_telegram import FakeTelegram

    fast = {"VNQA_WATCH_DELAY": "0", "VNQA_WATCH_TIMEOUT": "1", "VNQA_WATCH_RETRIES": "0"}
    with FakeTelegram() as api, news_site(3) as site:
        assert run_fake("sources", "add", site.base + "/atom.xml", **fast).returncode == 0
        env = (
            run_fake.env
            | fast
            | {
                "VNQA_TELEGRAM_TOKEN": TOKEN,
                "VNQA_TELEGRAM_BASE_URL": api.base_url,
                "VNQA_TELEGRAM_WATCH": "true",
                "VNQA_WATCH_INTERVAL": "1",
                "VNQA_LOG_LEVEL": "INFO",
            }
        )
        argv = [sys.executable, "-m", "bot.frontends.cli", "telegram"]
        bot = subprocess.Popen(argv, env=env, cwd=tmp_path, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        articles = 0
        while articles < 3 and time.monotonic() < deadline and bot.poll() is None:
            time.sleep(0.5)
            articles = json.loads(run_fake("stats", "--json").stdout)["articles"]
        bot.send_signal(signal.SIGTERM)
        _, stderr = bot.communicate(timeout=60)
    assert articles == 3, stderr[-2000:]
    assert "poll: 3 new" in stderr and TOKEN not in stderr
