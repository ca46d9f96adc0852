"""Server mode: a real ``chroma run`` on loopback."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from ingest.store.store import Store
from tests.conftest import DATA, E5_NAME


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def chroma_url(tmp_path: Path):
    exe = Path(sys.executable).parent / "chroma"
    if not exe.exists():
        exe = Path(shutil.which("chroma") or "chroma")
    port = _free_port()
    proc = subprocess.Popen(
        [
            str(exe),
            "run",
            "--path",
            str(tmp_path / "server"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("chroma run did not start")
    yield url
    proc.terminate()
    proc.wait(timeout=30)


def test_ingest_and_reingest_against_a_chroma_server(
    tmp_path: Path, chroma_url: str, make_e5_ingestor, e5
) -> None:
    store = Store(tmp_path / "data", E5_NAME, chroma_url)
    ingestor, _ = make_e5_ingestor(store)
    first = ingestor.run([DATA / "pages"])
    assert first.new == 3 and store.check().ok
    assert not (tmp_path / "data" / "chroma").exists()  # vectors live on the server
    again, loads = make_e5_ingestor(store)
    assert again.run([DATA / "pages"]).unchanged == 3 and loads == []
    hits = store.dense_search(e5.encode(["Cầu vượt sông Thiếp dài bao nhiêu?"], query=True)[0], 1)
    assert hits[0].chunk_id.startswith("dong_anh_giao_thong")
    store.close()


def test_cli_ingests_asks_and_reingests_against_a_chroma_server(
    tmp_path: Path, chroma_url: str, e5_dir: Path
) -> None:
    pages = tmp_path / "pages"
    shutil.copytree(DATA / "pages", pages)
    env = {k: v for k, v in os.environ.items() if not k.startswith("VNQA_")}
    env |= {
        "VNQA_DATA_DIR": str(tmp_path / "data"),
        "VNQA_MODEL_DIR": str(e5_dir.parent),
        "VNQA_CHROMA_URL": chroma_url,
    }

    def vnqa(*args: str) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "-m", "bot.frontends.cli", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result

    def length() -> dict:
        answer = json.loads(vnqa("ask", "--json", "Cầu vượt sông Thiếp dài bao nhiêu mét?").stdout)
        assert answer["found"] and answer["citations"][0]["title"].startswith("Đông Anh")
        return answer

    assert "3 new" in vnqa("ingest", str(pages)).stdout
    assert "420 m" in length()["answer"]
    page = pages / "dong_anh_giao_thong.txt"
    page.write_text(page.read_text(encoding="utf-8").replace("420 m", "450 m"), encoding="utf-8")
    assert "0 new, 1 updated, 2 unchanged" in vnqa("ingest", str(pages)).stdout
    updated = length()  # what is quoted is the new text (the reader may pick another span)
    quoted = updated["citations"][0]["quote"]
    assert "450 m" in quoted and "420 m" not in updated["answer"] + quoted
    stats = json.loads(vnqa("stats", "--check", "--json").stdout)
    assert stats["consistency"]["ok"] and stats["location"] == chroma_url
    assert not (tmp_path / "data" / "chroma").exists()  # vectors live on the server
