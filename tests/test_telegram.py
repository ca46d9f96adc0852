"""The bot through PTB's real Application and Bot, against a loopback Bot API server."""

import asyncio
import itertools
import logging
import time

import pytest

from bot.answering.responder import Responder
from bot.app import build_generator
from bot.frontends.cli_telegram import about_text
from bot.frontends.strings import APOLOGY, NOT_ALLOWED, WRITING
from bot.frontends.telegram import Policy, VnqaBot
from bot.settings import Settings
from tests.conftest import make_responder
from tests.fake_openai import FakeOpenAI, context_number
from tests.fake_telegram import FakeTelegram

TOKEN = "123456:SECRET-token-never-in-logs"


def _run(bot: VnqaBot, script, state_file=None) -> FakeTelegram:
    """Start the real application on the fake server, play ``script(fake, wait)``, stop."""
    fake = FakeTelegram()

    async def main() -> None:
        app = bot.application(TOKEN, base_url=fake.base_url, state_file=state_file)
        async with app:
            await app.post_init(app)
            await app.start()
            await app.updater.start_polling(poll_interval=0.0, timeout=1)
            try:
                await script(fake, _waiter(fake))
            finally:
                await app.updater.stop()
                await app.stop()

    try:
        asyncio.run(main())
    finally:
        fake.close()
    return fake


def _waiter(fake: FakeTelegram):
    async def wait(count: int, chat: int | None = None, timeout: float = 120) -> list[str]:
        deadline = time.monotonic() + timeout
        while len(fake.sent(chat)) < count and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        sent = fake.sent(chat)
        assert len(sent) >= count, sent
        return sent

    return wait


@pytest.fixture
def make_bot(responder: Responder, seed_store):
    def make(**policy) -> VnqaBot:
        return VnqaBot(responder, Policy(**policy), about=lambda: about_text(seed_store))

    return make


@pytest.mark.shared
def test_conversation(make_bot, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    script_lines = [
        "/start",
        "Ai là Bí thư Huyện ủy Đức Hòa?",
        "còn huyện Cần Đước thì sao?",
        "/sources",
        "Giá vàng SJC hôm nay là bao nhiêu?",
    ]

    async def script(fake, wait):
        for n, line in enumerate(script_lines, start=1):
            fake.message(line)
            await wait(n)

    fake = _run(make_bot(), script)
    start, answer, follow, sources, elsewhere = fake.sent()
    assert "bài viết" in start and "Ví dụ" in start
    assert "Phan Nhân Duy" in answer and "[1]" in answer and "<b>Nguồn</b>" in answer
    assert "Nguyễn Văn Đát" in follow  # resolved against the previous question
    assert "<i>“Bí thư Huyện ủy Cần Đước" in sources and "Tác giả: Ngọc Mận" in sources
    assert elsewhere.startswith("Không tìm thấy")
    print("\n\n".join(f"> {q}\n{a}" for q, a in zip(script_lines, fake.sent(), strict=True)))
    methods = [m for m, _ in fake.calls]
    assert methods[0] == "setMyCommands" and "sendChatAction" in methods
    commands = {c["command"] for c in dict(fake.calls)["setMyCommands"]["commands"]}
    assert commands == {"ask", "sources", "new", "help", "stats"}
    first_question = methods.index("sendChatAction")
    assert methods[first_question + 1] == "sendMessage"  # typing… shown before the answer
    assert all(p.get("parse_mode") in (None, "HTML") for _, p in fake.calls)
    assert "SECRET" not in caplog.text


def test_article_text_is_escaped(make_bot) -> None:
    async def script(fake, wait):
        fake.message("Thanh Oai cải tạo bao nhiêu trường mầm non và tiểu học?")
        await wait(1)

    (answer,) = _run(make_bot(), script).sent()
    assert "<b>15 trường</b><i> mầm non &amp; tiểu học" in answer and "& " not in answer


def test_allowlist_and_admin_only_stats(make_bot) -> None:
    async def script(fake, wait):
        fake.message("Ai là Chủ tịch UBND huyện Đông Anh?", user=2, chat=2)
        fake.message("/stats", user=1, chat=1)
        fake.message("/stats", user=7, chat=7)
        await wait(1, chat=2)
        await wait(1, chat=1)
        await wait(1, chat=7)

    fake = _run(make_bot(allowed_users=frozenset({1, 7}), admins=frozenset({7})), script)
    assert fake.sent(2) == [NOT_ALLOWED]
    assert "quản trị viên" in fake.sent(1)[0]
    assert "Cuộc trò chuyện đang mở" in fake.sent(7)[0]


def test_rate_limit(make_bot) -> None:
    async def script(fake, wait):
        for _ in range(3):
            fake.message("Cầu vượt sông Thiếp dài bao nhiêu mét?")
            await wait(len(fake.sent()) + 1)

    sent = _run(make_bot(per_minute=2), script).sent()
    assert "420 m" in sent[0] and "420 m" in sent[1] and "hỏi hơi nhanh" in sent[2]


def test_groups_need_a_mention_or_a_reply(make_bot) -> None:
    async def script(fake, wait):
        fake.message("Cầu vượt sông Thiếp dài bao nhiêu mét?", chat=-5, chat_type="group")
        fake.message("@vnqa_bot Cầu vượt sông Thiếp dài bao nhiêu mét?", chat=-5, chat_type="group")
        await wait(1, chat=-5)
        fake.message("rộng bao nhiêu mét?", chat=-5, chat_type="group", reply_to_bot=True)
        fake.message("/ask Cầu vượt sông Thiếp dài bao nhiêu mét?", chat=-5, chat_type="group")
        await wait(3, chat=-5)
        await asyncio.sleep(0.5)

    sent = _run(make_bot(), script).sent(-5)
    assert len(sent) == 3  # the first, unaddressed message got no reply
    assert "420 m" in sent[0] and "420 m" in sent[2]


def test_errors_become_an_apology(make_bot, monkeypatch, caplog) -> None:
    bot = make_bot()

    def boom(*args, **kwargs):
        raise RuntimeError("/secret/internal/path exploded")

    monkeypatch.setattr(bot.responder, "answer", boom)

    async def script(fake, wait):
        fake.message("Ai là Chủ tịch UBND huyện Đông Anh?")
        await wait(1)

    assert _run(bot, script).sent() == [APOLOGY]
    assert "exploded" in caplog.text  # logged for the operator, not sent to the user


def test_hostile_questions_get_clear_replies(make_bot) -> None:
    async def script(fake, wait):
        fake.message("x" * 10000)
        fake.message("😀🎉🔥")
        await wait(2)

    sent = _run(make_bot(), script).sent()
    assert any("dài quá" in s for s in sent) and any("bằng chữ" in s for s in sent)


def test_long_answers_arrive_in_several_valid_messages(make_bot, monkeypatch) -> None:
    from bot.answering.answer import Answer

    bot = make_bot()
    long_text = " ".join(f"Câu thứ {i} có ký tự <đặc biệt> & dài." for i in range(400))
    monkeypatch.setattr(bot.responder, "answer", lambda q, *a: Answer(long_text, True))

    async def script(fake, wait):
        fake.message("kể hết ra")
        await wait(2)
        await asyncio.sleep(0.5)

    sent = _run(bot, script).sent()
    assert len(sent) >= 3 and all(len(m) <= 4096 for m in sent)
    assert "".join(sent).count("&lt;đặc biệt&gt; &amp; dài.") == 400


def test_conversations_survive_a_restart(make_bot, tmp_path) -> None:
    state = tmp_path / "telegram" / "chats.pickle"
    state.parent.mkdir()

    async def ask(fake, wait):
        fake.message("Cầu vượt sông Thiếp dài bao nhiêu mét?")
        await wait(1)

    async def sources(fake, wait):
        fake.message("/sources")
        await wait(1)

    assert "420 m" in _run(make_bot(), ask, state).sent()[0]
    assert state.exists()
    (after_restart,) = _run(make_bot(), sources, state).sent()
    assert "420 m" in after_restart and "Đông Anh khởi công cầu vượt sông Thiếp" in after_restart


def test_strangers_in_groups_are_ignored_and_told_only_when_they_ask(make_bot) -> None:
    async def script(fake, wait):
        fake.message("chuyện phiếm", user=9, chat=-7, chat_type="group")
        fake.message("@vnqa_bot Cầu dài bao nhiêu?", user=9, chat=-7, chat_type="group")
        await wait(1, chat=-7)
        await asyncio.sleep(0.5)

    sent = _run(make_bot(allowed_users=frozenset({1})), script).sent(-7)
    assert sent == [NOT_ALLOWED]


def test_a_generative_answer_streams_into_one_message(retriever, reader, seed_store) -> None:
    """A first message at once, edits as the model writes (plain text, about once a second),
    and a last edit with the checked answer and its citations."""

    def reply(messages):
        n = context_number(messages, "420 m")
        return f"Cây cầu vượt sông Thiếp dài 420 m và rộng 24 m, hai làn mỗi chiều [{n}]."

    with FakeOpenAI(reply, chunk_seconds=0.15) as llm:
        settings = Settings(_env_file=None, llm={"base_url": llm.url, "model": "fake"})
        responder = make_responder(retriever, reader, generator=build_generator(settings))
        bot = VnqaBot(responder, Policy(), about=lambda: about_text(seed_store))

        async def script(fake, wait):
            fake.message("Cầu vượt sông Thiếp dài bao nhiêu mét?")
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and not any(
                m == "editMessageText" and p.get("parse_mode") == "HTML" for m, p in fake.calls
            ):
                await asyncio.sleep(0.05)

        fake = _run(bot, script)
    assert llm.streamed > 10 and fake.sent() == [WRITING]  # one message, then edits
    edits = [
        (t, p) for (m, p), t in zip(fake.calls, fake.times, strict=True) if m == "editMessageText"
    ]
    partial, (_, final) = edits[:-1], edits[-1]
    assert partial and all("parse_mode" not in p and p["text"].endswith(" …") for _, p in partial)
    assert all(b - a >= 0.9 for (a, _), (b, _) in itertools.pairwise(partial))  # flood-safe pace
    assert "Cây cầu vượt sông Thiếp dài 420 m" in final["text"] and "[1]" in final["text"]
    assert "<b>Nguồn</b>" in final["text"]


# Floods, mentions, edits, captions, formatting refused: what a careless or hostile user sends.


def _quick(bot: VnqaBot, monkeypatch) -> VnqaBot:
    """The bot with an instant answer: these tests count replies, not judge them."""
    from bot.answering.answer import Answer

    monkeypatch.setattr(bot.responder, "answer", lambda q, *a: Answer(f"Đáp: {q}", True))
    return bot


def test_a_flood_gets_one_refusal_a_window_and_commands_count(make_bot, monkeypatch) -> None:
    async def script(fake, wait):
        for i in range(40):
            fake.message(f"câu hỏi {i}", user=9, chat=9)  # not on the allow-list
        for i in range(30):
            fake.message("/help" if i % 3 else f"câu hỏi {i}", user=1, chat=1)
        await wait(1, chat=9)
        await wait(3, chat=1)
        await asyncio.sleep(1.5)

    bot = _quick(make_bot(allowed_users=frozenset({1}), per_minute=2), monkeypatch)
    fake = _run(bot, script)
    assert fake.sent(9) == [NOT_ALLOWED]
    told = [m for m in fake.sent(1) if "hỏi hơi nhanh" in m]
    assert len(fake.sent(1)) == 3 and len(told) == 1  # two replies (in any order), one warning


def test_the_rate_limiter_forgets_idle_users() -> None:
    from bot.frontends.telegram_state import RateLimiter, Verdict

    now = [0.0]
    limiter = RateLimiter(2, clock=lambda: now[0])
    for user in range(1000):
        assert limiter.check(user)[0] is Verdict.GO
    assert [limiter.check(0)[0] for _ in range(3)] == [Verdict.GO, Verdict.TELL, Verdict.QUIET]
    now[0] = 61.0
    assert limiter.check(5)[0] is Verdict.GO
    assert set(limiter.times) == {5} and limiter.told == {}


def test_mentions_are_matched_by_entity_and_other_bots_commands_ignored(
    make_bot, monkeypatch
) -> None:
    async def script(fake, wait):
        group = {"chat": -5, "chat_type": "group"}
        fake.message("@vnqa_bot2 Ai là Chủ tịch?", **group)  # another bot's name
        fake.message("/help@other_bot", user=9, **group)  # a stranger, to another bot
        fake.message("/help@other_bot", **group)
        fake.message("@VNQA_BOT Ai là Chủ tịch?", **group)
        await wait(1, chat=-5)
        await asyncio.sleep(1.0)

    bot = _quick(make_bot(allowed_users=frozenset({1})), monkeypatch)
    assert _run(bot, script).sent(-5) == ["Đáp: Ai là Chủ tịch?"]


def test_edits_are_not_answered_again_and_captions_are_questions(make_bot, monkeypatch) -> None:
    async def script(fake, wait):
        fake.message("Ai là Chủ tịch?", kind="edited_message")
        fake.message(None, caption="Cầu này dài bao nhiêu?")
        await wait(1)
        fake.message(None)  # a sticker
        await wait(2)
        await asyncio.sleep(0.5)

    sent = _run(_quick(make_bot(), monkeypatch), script).sent()
    assert sent[0] == "Đáp: Cầu này dài bao nhiêu?" and "bằng chữ" in sent[1] and len(sent) == 2


def test_an_answer_telegram_cannot_parse_is_sent_again_as_text(make_bot, monkeypatch) -> None:
    async def script(fake, wait):
        fake.refuse_html = 1
        fake.message("Ai là Chủ tịch <b>UBND</b> & ai?")
        await wait(2)  # the refused HTML, then the text
        await asyncio.sleep(0.3)

    fake = _run(_quick(make_bot(), monkeypatch), script)
    refused, resent = fake.sent()
    assert "&amp;" in refused and resent.startswith("Đáp: Ai là Chủ tịch <b>UBND</b> & ai?")
    last = [p for m, p in fake.calls if m == "sendMessage"][-1]
    assert last.get("parse_mode") is None


@pytest.mark.parametrize("broken", [b"", b"\x80\x04\x95 truncated"])
def test_a_broken_state_file_is_moved_aside_and_the_bot_starts(
    make_bot, tmp_path, monkeypatch, caplog, broken: bytes
) -> None:
    state = tmp_path / "telegram" / "chats.pickle"
    state.parent.mkdir()
    state.write_bytes(broken)

    async def script(fake, wait):
        fake.message("Ai là Chủ tịch?")
        await wait(1)

    assert _run(_quick(make_bot(), monkeypatch), script, state).sent() == ["Đáp: Ai là Chủ tịch?"]
    assert "could not be read" in caplog.text
    assert list(state.parent.glob("chats.pickle.broken-*"))
    assert state.stat().st_mode & 0o777 == 0o600  # every chat's questions: the owner's only
    assert not list(state.parent.glob(".*.tmp"))  # written whole, then moved in
