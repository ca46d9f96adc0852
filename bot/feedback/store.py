"""Answers given and the votes on them, in the catalog's SQLite file (tables of their own,
created on first use: a store made before gets them then). A user is a keyed hash."""

from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.answering.answer import Answer, Citation
from bot.feedback.keys import Keyring

_SCHEMA = """
CREATE TABLE IF NOT EXISTS fb_answers(
  id INTEGER PRIMARY KEY, frontend TEXT NOT NULL, asked TEXT NOT NULL, question TEXT NOT NULL,
  answer TEXT NOT NULL, found INTEGER NOT NULL, span TEXT, citations TEXT NOT NULL,
  score REAL, created TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS fb_answers_created ON fb_answers(created);
CREATE TABLE IF NOT EXISTS fb_votes(
  answer_id INTEGER NOT NULL REFERENCES fb_answers(id), user TEXT NOT NULL,
  vote INTEGER NOT NULL, reason TEXT, at TEXT NOT NULL, PRIMARY KEY(answer_id, user));
"""
log = logging.getLogger(__name__)
KEEP_UNVOTED_DAYS = 30  # answers nobody voted on are forgotten after this


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Given:
    """An answer as it was given, kept so that its buttons work after a restart."""

    id: int
    asked: str
    question: str
    answer: str
    found: bool
    span: str | None
    citations: list[dict]
    score: float | None
    created: str

    def as_answer(self) -> Answer:
        """The answer again, as the front-ends render one (its buttons act on it)."""
        citations = tuple(
            Citation(
                c["n"], c["title"], _date(c.get("published")), c["source"], None, c["quote"],
                doc_id=c["doc_id"], highlight=tuple(c["highlight"]) if c.get("highlight") else None,
            )
            for c in self.citations
        )  # fmt: skip
        return Answer(self.answer, self.found, citations, question=self.question,
                      span=self.span, score=self.score)  # fmt: skip


def _date(text: str | None) -> datetime | None:
    return datetime.strptime(text, "%d/%m/%Y") if text else None


@dataclass(frozen=True)
class Feedback:
    """One vote on one answer."""

    given: Given
    vote: int  # 1 up, -1 down
    reason: str | None
    at: str


class FeedbackStore:
    """The feedback tables of the store's catalog file (its own connection)."""

    def __init__(self, catalog: Path) -> None:
        self.db = sqlite3.connect(catalog, timeout=30, isolation_level=None,
                                  check_same_thread=False)  # fmt: skip
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    def give(self, asked: str, answer: Answer, frontend: str) -> int:
        """Keep an answer; returns its id (the one its buttons carry)."""
        cited = [
            {"n": c.n, "doc_id": c.doc_id, "title": c.title, "source": c.source,
             "published": c.published.strftime("%d/%m/%Y") if c.published else None,
             "quote": c.quote, "highlight": list(c.highlight) if c.highlight else None}
            for c in answer.citations
        ]  # fmt: skip
        cutoff = (datetime.now(UTC) - timedelta(days=KEEP_UNVOTED_DAYS)).isoformat()
        with self.db:
            self.db.execute(
                "DELETE FROM fb_answers WHERE created < ? AND id NOT IN "
                "(SELECT answer_id FROM fb_votes)",
                (cutoff,),
            )
            cur = self.db.execute(
                "INSERT INTO fb_answers(frontend, asked, question, answer, found, span, "
                "citations, score, created) VALUES(?,?,?,?,?,?,?,?,?)",
                (frontend, asked, answer.question or asked, answer.text, int(answer.found),
                 answer.span, json.dumps(cited, ensure_ascii=False), answer.score, _now()),
            )  # fmt: skip
        return int(cur.lastrowid)

    def given(self, answer_id: int) -> Given | None:
        """A kept answer, or None when it is gone."""
        row = self.db.execute(
            "SELECT id, asked, question, answer, found, span, citations, score, created "
            "FROM fb_answers WHERE id=?",
            (answer_id,),
        ).fetchone()
        return _given(row) if row else None

    def vote(self, answer_id: int, user: str, vote: int) -> bool:
        """Record (or change) a user's vote; False when the answer is gone."""
        if self.given(answer_id) is None:
            return False
        with self.db:
            self.db.execute(
                "INSERT INTO fb_votes VALUES(?,?,?,NULL,?) ON CONFLICT(answer_id, user) "
                "DO UPDATE SET vote=excluded.vote, at=excluded.at",
                (answer_id, user, vote, _now()),
            )
        return True

    def reason(self, answer_id: int, user: str, text: str) -> bool:
        """Keep why a user voted an answer down; False without such a vote."""
        with self.db:
            cur = self.db.execute(
                "UPDATE fb_votes SET reason=? WHERE answer_id=? AND user=? AND vote<0",
                (text.strip()[:1000], answer_id, user),
            )
        return cur.rowcount > 0

    def records(self, *, down: bool = False, up: bool = True, since: str | None = None
                ) -> list[Feedback]:  # fmt: skip
        """Votes with their answers, oldest first (only down ones with ``down``)."""
        votes = [-1] if down else ([1, -1] if up else [-1])
        rows = self.db.execute(
            "SELECT a.id, a.asked, a.question, a.answer, a.found, a.span, a.citations, "
            "a.score, a.created, v.vote, v.reason, v.at FROM fb_votes v JOIN fb_answers a "
            f"ON a.id = v.answer_id WHERE v.vote IN ({','.join('?' * len(votes))}) "
            "AND v.at >= ? ORDER BY v.at",
            (*votes, since or ""),
        )
        return [Feedback(_given(r[:9]), r[9], r[10], r[11]) for r in rows]

    def counts(self) -> dict[str, float]:
        """Votes up and down, and the share of answers given that were voted on."""
        return _counts(self.db)


def _counts(db: sqlite3.Connection) -> dict[str, float]:
    up, down = db.execute(
        "SELECT COALESCE(SUM(vote > 0), 0), COALESCE(SUM(vote < 0), 0) FROM fb_votes"
    ).fetchone()
    given = db.execute("SELECT COUNT(*) FROM fb_answers").fetchone()[0]
    voted = db.execute("SELECT COUNT(DISTINCT answer_id) FROM fb_votes").fetchone()[0]
    return {"up": up, "down": down, "answers": given,
            "voted_share": round(voted / given, 3) if given else 0.0}  # fmt: skip


def _given(row: tuple) -> Given:
    return Given(row[0], row[1], row[2], row[3], bool(row[4]), row[5], json.loads(row[6]),
                 row[7], row[8])  # fmt: skip


def open_feedback(data_dir: Path, catalog: Path) -> tuple[FeedbackStore, Keyring] | None:
    """The feedback tables of ``catalog`` and the key in ``data_dir``; None (with a
    warning) when they cannot be written."""
    keys = Keyring(data_dir)
    try:
        keys.key  # noqa: B018 (created, or read, now: a problem shows at start)
        return FeedbackStore(catalog), keys
    except (OSError, sqlite3.Error) as exc:
        log.warning("feedback is off: %s cannot be written (%s)", data_dir, exc)
        return None


def vote_counts(catalog: Path) -> dict[str, float]:
    """``FeedbackStore.counts``, read without writing (a damaged or read-only catalog stays
    as it is); zeros where there is no feedback (nor a catalog) yet."""
    zeros = {"up": 0, "down": 0, "answers": 0, "voted_share": 0.0}
    if not catalog.exists():
        return zeros
    try:
        db = sqlite3.connect(f"{catalog.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    except sqlite3.Error:
        return zeros
    try:
        return _counts(db)
    except sqlite3.Error:  # no feedback tables yet, or a file the check will name
        return zeros
    finally:
        db.close()
