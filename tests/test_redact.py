import io
import logging
import sys

from bot.redact import MASK, protect_streams, redact, register_secret

SECRET = "987654:redact-me-everywhere"


def test_log_records_are_redacted_whole(caplog) -> None:
    register_secret(SECRET)
    caplog.set_level(logging.DEBUG)
    log = logging.getLogger("vnqa.test")
    log.info("calling https://api.example/bot%s/getMe", SECRET)
    try:
        raise RuntimeError(f"The token `{SECRET}` was rejected")
    except RuntimeError:
        log.exception("failed")
    log.warning("url-encoded: %s", SECRET.replace(":", "%3A"))
    assert SECRET not in caplog.text and "redact-me" not in caplog.text
    assert caplog.text.count(MASK) == 3 and "Traceback" in caplog.text


def test_streams_are_redacted(monkeypatch) -> None:
    register_secret(SECRET)
    buffer = io.StringIO()
    monkeypatch.setattr(sys, "stderr", buffer)
    protect_streams()
    print(f"error: {SECRET}", file=sys.stderr)
    assert buffer.getvalue() == f"error: {MASK}\n"


def test_short_values_are_not_treated_as_secrets() -> None:
    register_secret("abc")
    assert redact("abc def") == "abc def"
