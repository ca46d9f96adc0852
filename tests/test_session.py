"""One conversation's memory, shared by ``vnqa chat`` and the Telegram bot."""

import pickle

from bot.answering.answer import Answer, Citation
from bot.answering.question.followup import Turn
from bot.answering.session import Session

CITATION = Citation(1, "Tiêu đề", None, "/a.txt", None, "Câu trích.")


def _echo(calls: list):
    def answer(question, history, filt=None, on_text=None):
        calls.append((question, list(history)))
        return Answer(f"Trả lời: {question} [1]", True, (CITATION,), question=f"{question}?")

    return answer


def test_turns_are_kept_up_to_the_limit_and_passed_as_history() -> None:
    calls: list = []
    session = Session(max_turns=2)
    for q in ("một", "hai", "ba"):
        session.ask(_echo(calls), q)
    assert [h for _, h in calls] == [
        [],
        [Turn("một?", "Trả lời: một [1]")],
        [Turn("một?", "Trả lời: một [1]"), Turn("hai?", "Trả lời: hai [1]")],
    ]
    assert list(session.turns) == [Turn("hai?", "Trả lời: hai [1]"), Turn("ba?", "Trả lời: ba [1]")]
    assert session.sources == (CITATION,)


def test_new_forgets_and_idleness_expires() -> None:
    calls: list = []
    session = Session(max_turns=6, idle_seconds=60)
    session.ask(_echo(calls), "một")
    session.new()
    assert not session.turns and session.last is None and session.sources == ()
    session.ask(_echo(calls), "hai")
    session.touched -= 61
    assert session.expired()
    session.ask(_echo(calls), "ba")
    assert calls[-1] == ("ba", [])  # the idle conversation was forgotten first


def test_no_memory_when_history_is_off() -> None:
    calls: list = []
    session = Session(max_turns=0)
    session.ask(_echo(calls), "một")
    session.ask(_echo(calls), "hai")
    assert calls[-1] == ("hai", []) and session.last is not None


def test_a_session_survives_pickling() -> None:
    session = Session(max_turns=3, idle_seconds=30)
    session.ask(_echo([]), "một")
    restored = pickle.loads(pickle.dumps(session))
    assert restored.turns == session.turns and restored.last == session.last
