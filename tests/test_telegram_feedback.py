"""Sources on a tap and feedback, through PTB's real Application against the loopback Bot
API: the compact answer and its buttons, quotes shown and hidden, votes and reasons kept
(a user as a keyed hash), refused taps, and the records as an eval file."""

import asyncio
import json
import logging

import pytest

from bot.feedback.keys import Keyring
from bot.feedback.store import FeedbackStore
from bot.frontends.cli_telegram import about_text
from bot.frontends.telegram import Policy, VnqaBot
from bot.frontends.telegram_feedback import Buttons
from tests.test_cli import pages_store  # noqa: F401 (a fixture)
from tests.test_telegram import _run

USER = 8123456789  # a user id that must never be written down


@pytest.fixture
def make_bot(responder, seed_store, tmp_path):
    catalog = tmp_path / "feedback.sqlite3"

    def make(per_minute: int = 30) -> VnqaBot:
        buttons = Buttons(FeedbackStore(catalog), Keyring(tmp_path / "data"))
        policy = Policy(per_minute=per_minute)
        return VnqaBot(responder, policy, lambda: about_text(seed_store), buttons=buttons)

    make.catalog = catalog
    return make


def _keyboard(params: dict) -> list[str]:
    markup = params.get("reply_markup")
    markup = json.loads(markup) if isinstance(markup, str) else markup or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


async def _until(fake, method: str, count: int, timeout: float = 60) -> list[dict]:
    for _ in range(int(timeout / 0.05)):
        if len(fake.calls_of(method)) >= count:
            break
        await asyncio.sleep(0.05)
    return fake.calls_of(method)


def test_an_answer_has_buttons_and_shows_its_quotes_on_a_tap(make_bot) -> None:
    async def script(fake, wait):
        fake.message("Cầu vượt sông Thiếp dài bao nhiêu mét?", user=USER)
        await wait(1)
        sent = fake.calls_of("sendMessage")[-1]
        quotes = _keyboard(sent)[0]
        fake.tap(quotes, sent["_message_id"], user=USER)
        (shown,) = await _until(fake, "editMessageText", 1)
        fake.tap(_keyboard(shown)[0], sent["_message_id"], user=USER)
        hidden = (await _until(fake, "editMessageText", 2))[1]
        results["answer"], results["shown"], results["hidden"] = sent, shown, hidden

    results: dict = {}
    _run(make_bot(), script)
    answer, shown, hidden = results["answer"], results["shown"], results["hidden"]
    assert "420 m" in answer["text"] and "[1]" in answer["text"] and "“" not in answer["text"]
    assert "<b>420 m</b>" in shown["text"] and "“" in shown["text"]  # the quote, highlighted
    assert hidden["text"] == answer["text"] and len(shown["text"]) <= 4096
    assert _keyboard(shown)[0].split(":")[1] == "h" and _keyboard(hidden)[0].split(":")[1] == "q"


def test_votes_are_kept_once_a_person_and_a_reason_is_asked_after_a_down(
    make_bot, caplog, tmp_path
) -> None:
    caplog.set_level(logging.DEBUG)

    async def first(fake, wait):
        fake.message("Ai là Chủ tịch UBND huyện Đông Anh?", user=USER)
        await wait(1)
        state["answer"] = fake.calls_of("sendMessage")[-1]

    async def later(fake, wait):  # after a restart: a new process, the same data dir
        _, up, down = _keyboard(state["answer"])
        fake.tap(up, state["answer"]["_message_id"], user=USER)
        await _until(fake, "answerCallbackQuery", 1)
        fake.tap(down, state["answer"]["_message_id"], user=USER)
        await wait(1)  # the prompt asking why
        prompt = fake.calls_of("sendMessage")[-1]
        fake.message("Thiếu họ tên đầy đủ", user=USER, reply_to=prompt["_message_id"])
        await wait(2)
        state["prompt"] = prompt

    state: dict = {}
    _run(make_bot(), first)
    fake = _run(make_bot(), later)
    assert "force_reply" in str(state["prompt"].get("reply_markup"))
    assert "ghi nhận" in fake.sent()[-1]
    store = FeedbackStore(make_bot.catalog)
    (record,) = store.records()
    assert record.vote == -1 and record.reason == "Thiếu họ tên đầy đủ"
    assert record.given.asked == "Ai là Chủ tịch UBND huyện Đông Anh?" and record.given.citations
    assert store.counts()["down"] == 1 and store.counts()["up"] == 0
    dump = "\n".join(store.db.iterdump())
    assert str(USER) not in dump and str(USER) not in caplog.text  # a keyed hash only


def test_forged_foreign_replayed_and_garbage_taps_are_refused_quietly(make_bot) -> None:
    async def script(fake, wait):
        fake.message("Cầu vượt sông Thiếp dài bao nhiêu mét?", user=USER)
        await wait(1)
        sent = fake.calls_of("sendMessage")[-1]
        up = _keyboard(sent)[1]
        answer_id, _, sig = up.split(":")
        message_id = sent["_message_id"]
        fake.tap(f"{answer_id}:d:{sig}", message_id, user=USER)  # forged: up's signature
        fake.tap(up, message_id, user=USER, chat=777)  # carried to another chat
        fake.tap("garbage", message_id, user=USER)
        fake.tap(f"{int(answer_id) + 1}:u:{sig}", message_id, user=USER)
        query = fake.tap(up, message_id, user=USER)
        await _until(fake, "answerCallbackQuery", 5)
        with fake.lock:  # the same query again, as a replay
            fake.updates.append({"update_id": next(fake.ids), "callback_query": {
                "id": query, "from": {"id": USER, "is_bot": False, "first_name": "U"},
                "message": {"message_id": message_id, "date": 0, "chat": {"id": 1,
                            "type": "private"}}, "chat_instance": "ci", "data": up}})  # fmt: skip
        await _until(fake, "answerCallbackQuery", 6)
        await asyncio.sleep(0.5)

    bot = make_bot()
    fake = _run(bot, script)
    answers = fake.calls_of("answerCallbackQuery")
    assert not bot.buttons.store.records(down=True)
    assert len(answers) == 6 and sum(bool(a.get("text")) for a in answers) == 1  # one thanks
    assert len(fake.sent()) == 1  # nothing but the answer: no reply storm
    (record,) = bot.buttons.store.records()
    assert record.vote == 1


def test_a_tap_on_an_answer_no_longer_kept_gets_a_polite_toast(make_bot) -> None:
    async def script(fake, wait):
        fake.message("Cầu vượt sông Thiếp dài bao nhiêu mét?", user=USER)
        await wait(1)
        sent = fake.calls_of("sendMessage")[-1]
        bot.buttons.store.db.execute("DELETE FROM fb_answers")
        fake.tap(_keyboard(sent)[1], sent["_message_id"], user=USER)
        await _until(fake, "answerCallbackQuery", 1)

    bot = make_bot()
    (toast,) = _run(bot, script).calls_of("answerCallbackQuery")
    assert "không còn" in toast["text"]


def test_exported_votes_are_an_eval_file(tmp_path) -> None:
    from bot.answering.answer import Answer, Citation

    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    keys = Keyring(tmp_path / "data")
    cited = Citation(1, "Cầu", None, "/x/dong_anh.txt", None, "Cây cầu dài 420 m.", doc_id="d")
    good = store.give("cầu dài bao nhiêu", Answer("420 m [1].", True, (cited,), span="420 m"), "t")
    bad = store.give("ai là chủ tịch", Answer("Không tìm thấy.", False), "t")
    store.vote(good, keys.user(1), 1)
    store.vote(bad, keys.user(1), -1)
    store.reason(bad, keys.user(1), "bài có nói")
    rows = [json.loads(line) for line in _export(store, up=True).splitlines()]
    assert [r["type"] for r in rows] == ["feedback-up", "feedback-down"]
    assert rows[0]["answer"] == {"any": ["420 m"]} and rows[0]["gold_sources"] == ["dong_anh.txt"]
    assert rows[1]["reason"] == "bài có nói" and rows[1]["answer"] == {"any": []}


def _export(store: FeedbackStore, up: bool) -> str:
    from bot.feedback.export import eval_row

    return "".join(json.dumps(eval_row(f), ensure_ascii=False) + "\n" for f in store.records(up=up))


@pytest.mark.usefixtures("pages_store")
def test_the_cli_chat_votes_and_exports_to_eval(run, tmp_path) -> None:
    chat = run("chat", _input="Cầu vượt sông Thiếp dài bao nhiêu mét?\n:+\nGiá vàng hôm nay?\n"
               ":- không trả lời được\n")  # fmt: skip
    assert chat.returncode == 0 and chat.stderr.count("Cảm ơn") == 2
    listed = run("feedback", "list", "--json")
    assert listed.returncode == 0 and len(listed.stdout.strip().splitlines()) == 2
    out = tmp_path / "fb.jsonl"
    assert "2 questions" in run("feedback", "export", "--eval", str(out), "--up").stdout
    evaluated = run("eval", str(out), "--json")
    assert evaluated.returncode == 0, evaluated.stderr
    assert json.loads(evaluated.stdout)["questions"] == 2
    stats = run("stats", "--json")
    assert json.loads(stats.stdout)["votes"]["up"] == 1


def test_taps_count_against_the_rate_limit(make_bot) -> None:
    async def script(fake, wait):
        fake.message("Cầu vượt sông Thiếp dài bao nhiêu mét?", user=USER)
        await wait(1)
        sent = fake.calls_of("sendMessage")[-1]
        for _ in range(6):
            fake.tap(_keyboard(sent)[1], sent["_message_id"], user=USER)
        await _until(fake, "answerCallbackQuery", 6)
        await asyncio.sleep(0.3)

    answers = _run(make_bot(per_minute=3), script).calls_of("answerCallbackQuery")
    assert len(answers) == 6 and sum(bool(a.get("text")) for a in answers) == 2


def test_a_generative_answer_gets_its_buttons_when_its_stream_ends(
    retriever, reader, seed_store, tmp_path
) -> None:
    from bot.app import build_generator
    from bot.settings import Settings
    from tests.conftest import make_responder
    from tests.fake_openai import FakeOpenAI, context_number

    def reply(messages):
        return f"Cây cầu dài 420 m [{context_number(messages, '420 m')}]."

    with FakeOpenAI(reply, chunk_seconds=0.05) as llm:
        settings = Settings(_env_file=None, llm={"base_url": llm.url, "model": "fake"})
        responder = make_responder(retriever, reader, generator=build_generator(settings))
        buttons = Buttons(FeedbackStore(tmp_path / "f.sqlite3"), Keyring(tmp_path / "data"))
        bot = VnqaBot(responder, Policy(), lambda: about_text(seed_store), buttons=buttons)

        async def script(fake, wait):
            fake.message("Cầu vượt sông Thiếp dài bao nhiêu mét?")
            for _ in range(2400):
                if any(p.get("parse_mode") == "HTML" for p in fake.calls_of("editMessageText")):
                    break
                await asyncio.sleep(0.05)

        fake = _run(bot, script)
    final = [p for p in fake.calls_of("editMessageText") if p.get("parse_mode") == "HTML"][-1]
    assert "420 m" in final["text"] and len(_keyboard(final)) == 3
