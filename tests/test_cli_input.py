"""Hostile and careless input through the real ``vnqa`` command: a clear message, the right
exit code, no traceback, and a store that stays consistent."""

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATA

MARKUP_TITLE = "Giá điện [bold red]tăng[/] từ tháng 5"
MARKUP_TEXT = (
    "Theo EVN :fire:, giá điện bình quân tăng [/] 4,8% từ ngày 4/5/2023 [bold red]CẢNH BÁO[/]. "
    "Mức tăng này áp dụng cho mọi hộ dân."
)


def _consistent(run) -> None:
    check = run("stats", "--check", "--json")
    assert check.returncode == 0, check.stdout + check.stderr
    assert json.loads(check.stdout)["consistency"]["ok"]


def test_text_is_never_read_as_markup(run, tmp_path: Path) -> None:
    (tmp_path / "gia_dien.md").write_text(f"# {MARKUP_TITLE}\n\n{MARKUP_TEXT}\n", encoding="utf-8")
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"title": "x", "content": "y", "published": "[/]"}) + "\n")
    ingest = run("ingest", str(tmp_path / "gia_dien.md"), str(bad))
    assert ingest.returncode == 1 and "1 new" in ingest.stdout and "1 failed" in ingest.stdout
    assert "field 'published' is not a date ('[/]')" in ingest.stderr
    answer = run("ask", "Giá điện bình quân tăng bao nhiêu từ ngày 4/5/2023?")
    assert answer.returncode == 0, answer.stderr
    shown = " ".join(answer.stdout.split())  # as printed, without the terminal's line breaks
    assert "[bold red]CẢNH BÁO[/]" in shown and "tăng [/] 4,8%" in shown
    assert MARKUP_TITLE in shown and ":fire:" in shown
    since = run("ask", "--since", "[/]", "giá điện")
    assert since.returncode == 1 and "--since '[/]' is not a date" in since.stderr
    for result in (ingest, answer, since):
        assert "Traceback" not in result.stderr
    _consistent(run)


def test_every_problem_is_logged_and_verbose_prints_them_all(run_fake, tmp_path: Path) -> None:
    corpus = tmp_path / "bad.jsonl"
    lines = [json.dumps({"title": f"Bài {i}", "content": i}) for i in range(25)]
    corpus.write_text("\n".join(lines) + "\n")
    result = run_fake("ingest", str(corpus))
    assert result.returncode == 1 and "25 failed" in result.stdout
    log = tmp_path / "data" / "logs" / "ingest-problems.log"
    assert f"… and 5 more (all 25 are listed in {log}; --verbose prints them all)" in result.stderr
    assert len(log.read_text().splitlines()) == 25
    assert result.stderr.count("must be text, not a number") == 20
    verbose = run_fake("ingest", "--verbose", str(corpus))
    assert verbose.stderr.count("must be text, not a number") == 25
    _consistent(run_fake)


def test_an_unknown_model_is_refused_at_once_without_leaving_files(
    run_fake, tmp_path: Path
) -> None:
    result = run_fake("stats", VNQA_EMBEDDING_MODEL="nonexistent")
    assert result.returncode == 2 and "VNQA_EMBEDDING_MODEL" in result.stderr
    assert "never downloaded" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "data" / "index").exists()


@pytest.mark.parametrize(
    ("env", "needle"),
    [
        ({"VNQA_LOG_LEVEL": "NONSENSE"}, "VNQA_LOG_LEVEL"),
        ({"VNQA_DATA_DIR": "/proc/vnqa/x"}, "VNQA_DATA_DIR"),
        ({"VNQA_TELEGRAM_ALLOWED_USERS": "abc"}, "VNQA_TELEGRAM_ALLOWED_USERS"),
    ],
)
def test_bad_settings_exit_2_naming_the_variable(run_fake, env: dict, needle: str) -> None:
    result = run_fake("ask", "Ai là Bí thư Huyện ủy Đức Hòa?", **env)
    assert result.returncode == 2, result.stderr
    assert needle in result.stderr and "configuration error" in result.stderr
    assert "unexpected error" not in result.stderr and "Traceback" not in result.stderr


def test_a_device_torch_cannot_use_exits_2(run) -> None:
    result = run("ask", "Ai là Bí thư Huyện ủy Đức Hòa?", VNQA_EMBEDDING_DEVICE="cuda")
    assert result.returncode == 2 and "VNQA_EMBEDDING_DEVICE" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_empty_data_dir_setting_uses_the_default(run_fake, tmp_path: Path) -> None:
    result = run_fake("stats", VNQA_DATA_DIR="", XDG_DATA_HOME=str(tmp_path / "xdg"))
    assert result.returncode == 0, result.stderr
    assert str(tmp_path / "xdg" / "vnqa") in "".join(result.stdout.split())
    assert not (tmp_path / "chroma").exists() and not (tmp_path / "index").exists()


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return h.hexdigest()


def _read_only(data: Path, argv: list[str]) -> list[str]:
    """``argv`` run where ``data`` cannot be written: a read-only bind mount for root (which
    ignores permission bits), the permission bits for anyone else."""
    if os.geteuid() != 0:
        for path in [data, *data.rglob("*")]:
            path.chmod(path.stat().st_mode & ~0o222)
        return argv
    script = 'mount --bind "$0" "$0" && mount -o remount,ro,bind "$0" "$0" && exec "$@"'
    return ["unshare", "--mount", "sh", "-c", script, str(data), *argv]


@pytest.mark.skipif(
    os.geteuid() == 0 and not shutil.which("unshare"), reason="needs unshare for a ro mount"
)
def test_a_store_that_cannot_be_written_can_be_queried(run, tmp_path: Path, e5_dir) -> None:
    assert run("ingest", str(DATA / "pages")).returncode == 0
    data = tmp_path / "data"
    before = _digest(data)
    env = {k: v for k, v in os.environ.items() if not k.startswith("VNQA_")}
    env |= {"VNQA_DATA_DIR": str(data), "VNQA_MODEL_DIR": str(e5_dir.parent)}
    for args in (["ask", "--json", "Cầu vượt sông Thiếp dài bao nhiêu mét?"], ["stats", "--check"]):
        argv = _read_only(data, [sys.executable, "-m", "bot.frontends.cli", *args])
        result = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
        if args[0] == "ask":
            answer = json.loads(result.stdout)
            assert answer["found"] and "420 m" in answer["answer"]
        else:
            assert "consistent" in result.stdout
    assert _digest(data) == before


# Root ignores permission bits; without these capabilities it is held to them, as any user is.
AS_A_USER = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner,-chown"]


def _as_non_owner(run_argv: list[str], env: dict, cwd: Path) -> subprocess.CompletedProcess:
    prefix = AS_A_USER if os.geteuid() == 0 else []
    return subprocess.run(prefix + run_argv, capture_output=True, text=True, env=env, cwd=cwd)


@pytest.mark.skipif(
    os.geteuid() == 0 and not shutil.which("setpriv"), reason="needs setpriv to drop root's rights"
)
@pytest.mark.parametrize("how", ["another user's", "read-only"])
def test_a_store_of_another_user_or_without_write_bits_can_be_queried(
    run, tmp_path: Path, e5_dir, how: str
) -> None:
    os.umask(0o022)
    assert run("ingest", str(DATA / "pages")).returncode == 0
    data = tmp_path / "data"
    for path in [data, *data.rglob("*")]:
        if how == "read-only":
            path.chmod(path.stat().st_mode & ~0o222)
        elif os.geteuid() == 0:
            os.chown(path, 65534, 65534)  # nobody's, modes as the writer left them
    scratch = tmp_path / "tmp"  # where private copies go: nothing may be left there
    scratch.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("VNQA_")}
    env |= {
        "VNQA_DATA_DIR": str(data),
        "VNQA_MODEL_DIR": str(e5_dir.parent),
        "TMPDIR": str(scratch),
    }
    cli = [sys.executable, "-m", "bot.frontends.cli"]
    for args in (["ask", "--json", "Cầu vượt sông Thiếp dài bao nhiêu mét?"], ["stats", "--check"]):
        result = _as_non_owner(cli + args, env, tmp_path)
        assert result.returncode == 0, result.stderr
        if args[0] == "ask":
            answer = json.loads(result.stdout)
            assert answer["found"] and "420 m" in answer["answer"]
    assert list(scratch.iterdir()) == []


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root")
def test_a_store_whose_files_others_cannot_read_is_named_and_nothing_is_left(
    run, tmp_path: Path, e5_dir
) -> None:
    assert run("ingest", str(DATA / "pages")).returncode == 0
    data = tmp_path / "data"
    meta = next(data.rglob("meta.json"))
    meta.chmod(0o600)  # as tantivy wrote it before vnqa set the modes
    for path in [data, *data.rglob("*")]:
        os.chown(path, 65534, 65534)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("VNQA_")}
    env |= {
        "VNQA_DATA_DIR": str(data),
        "TMPDIR": str(scratch),
        "VNQA_MODEL_DIR": str(e5_dir.parent),
    }
    result = _as_non_owner([sys.executable, "-m", "bot.frontends.cli", "stats"], env, tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "cannot read the store's files" in result.stderr and "vnqa reindex" in result.stderr
    assert list(scratch.iterdir()) == []
    for path in [data, *data.rglob("*")]:
        os.chown(path, 0, 0)
    assert run("reindex").returncode == 0  # the owner repairs it
    assert meta.stat().st_mode & 0o044 == 0o044


@pytest.mark.parametrize("repair", [["ingest", str(DATA / "pages")], ["reindex"]])
def test_lost_vectors_are_named_and_embedded_again(run_fake, tmp_path: Path, repair) -> None:
    assert run_fake("ingest", str(DATA / "pages")).returncode == 0
    shutil.rmtree(tmp_path / "data" / "chroma")
    check = run_fake("stats", "--check")
    assert check.returncode == 1 and "vnqa reindex" in check.stderr
    asked = run_fake("ask", "Cầu vượt sông Thiếp dài bao nhiêu mét?")
    assert asked.returncode == 0 and asked.stderr.count("have no vector") == 1
    fixed = run_fake(*repair)
    assert fixed.returncode == 0, fixed.stderr
    assert "embedded again 3 articles" in fixed.stdout
    _consistent(run_fake)
    again = run_fake("ask", "Cầu vượt sông Thiếp dài bao nhiêu mét?")
    assert again.returncode == 0 and "no vector" not in again.stderr


def test_a_damaged_catalog_is_named_and_never_written(run_fake, tmp_path: Path) -> None:
    assert run_fake("ingest", str(DATA / "pages")).returncode == 0
    catalog = next((tmp_path / "data" / "index").glob("*.sqlite3"))
    with catalog.open("r+b") as f:  # one page overwritten, as a bad disk or a stray write does
        f.seek(4096 * 2)
        f.write(b"\xde\xad" * 2048)
    before = catalog.read_bytes()
    check = run_fake("stats", "--check")
    assert check.returncode == 1 and "Traceback" not in check.stderr
    assert "is damaged" in check.stderr and "backup" in check.stderr
    more = tmp_path / "more.jsonl"
    more.write_text(json.dumps({"title": "Tin mới", "content": "Một bài báo mới. " * 5}) + "\n")
    ingest = run_fake("ingest", str(more))
    assert ingest.returncode == 1 and "is damaged" in ingest.stderr
    assert "unexpected" not in ingest.stderr + check.stderr
    assert catalog.read_bytes() == before  # nothing written into it


def test_file_names_that_are_not_utf8_or_hold_a_newline_are_ingested(
    run_fake, tmp_path: Path
) -> None:
    corpus = tmp_path / "zip"
    corpus.mkdir()
    text = "Hà Nội mưa rào. Nhiệt độ 25 độ C vào chiều tối nay."
    windows = os.fsencode(corpus) + b"/Tin t\xe9c.txt"  # cp1252 'é', as a Windows zip names it
    Path(os.fsdecode(windows)).write_text(text, encoding="utf-8")
    (corpus / "tin\nmoi.md").write_text("# Tin mới\n\n" + text, encoding="utf-8")
    (corpus / "bad\nname.pdf").write_bytes(b"%PDF")
    result = run_fake("ingest", str(corpus))
    assert "Traceback" not in result.stderr and "unexpected" not in result.stderr
    assert "2 new" in result.stdout and "1 skipped" in result.stdout
    log = (tmp_path / "data" / "logs" / "ingest-problems.log").read_text(encoding="utf-8")
    assert log.count("\n") == 1 and "bad\\x0aname.pdf" in log  # one entry on one line
    listed = run_fake("ask", "--json", "Nhiệt độ chiều tối nay ở Hà Nội là bao nhiêu?")
    sources = [c["source"] for c in json.loads(listed.stdout)["citations"]]
    expected = {f"{corpus}/Tin t\\xe9c.txt", f"{corpus}/tin\nmoi.md"}
    assert sources and set(sources) <= expected
    _consistent(run_fake)
    again = run_fake("ingest", "--prune", str(corpus))  # both files are still there
    assert "2 unchanged" in again.stdout and "pruned" not in again.stdout


@pytest.mark.skipif(
    os.geteuid() == 0 and not shutil.which("setpriv"), reason="needs setpriv to drop root's rights"
)
def test_prune_keeps_articles_whose_folder_cannot_be_read(run_fake, tmp_path: Path) -> None:
    hidden, new = tmp_path / "old" / "closed", tmp_path / "new"
    hidden.mkdir(parents=True)
    new.mkdir()
    (hidden / "a.md").write_text("# Tin cũ\n\nMột tin cũ về giá lúa.", encoding="utf-8")
    (new / "b.md").write_text("# Tin mới\n\nMột tin mới về giá cà phê.", encoding="utf-8")
    assert run_fake("ingest", str(hidden)).returncode == 0
    hidden.chmod(0)
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("VNQA_")}
        env |= {"VNQA_DATA_DIR": str(tmp_path / "data"), "VNQA_EMBEDDING_MODEL": "fake"}
        argv = [sys.executable, "-m", "bot.frontends.cli", "ingest", "--prune", str(new)]
        result = _as_non_owner(argv, env, tmp_path)
    finally:
        hidden.chmod(0o755)
    assert "Traceback" not in result.stderr and "unexpected" not in result.stderr
    assert "1 new" in result.stdout and "pruned" not in result.stdout
    assert "cannot tell whether this file is still there" in result.stderr
    assert json.loads(run_fake("stats", "--json").stdout)["articles"] == 2


def test_stdin_that_is_not_utf8_is_read_with_replacements_and_said(run_fake) -> None:
    assert run_fake("ingest", str(DATA / "pages")).returncode == 0
    result = subprocess.run(
        [sys.executable, "-m", "bot.frontends.cli", "ask", "--json", "-"],
        input=b"C\xe1u v\xff\xfe\xfd?\nGi\xc3\xa1 v\xc3\xa0ng?\n",
        capture_output=True,
        env=run_fake.env,
        cwd=run_fake.cwd,
    )
    assert result.returncode == 0, result.stderr
    first, second = (json.loads(line) for line in result.stdout.decode("utf-8").splitlines())
    assert (
        first["question"] == "C\ufffdu v\ufffd\ufffd\ufffd?" and second["question"] == "Giá vàng?"
    )
    assert b"line 1 of standard input is not UTF-8" in result.stderr


def test_eval_names_a_bad_line_and_field(run_fake, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"question": 5}\n')
    result = run_fake("eval", str(bad))
    assert result.returncode == 1 and "unexpected" not in result.stderr
    assert "bad.jsonl:1: field 'question' must be a non-empty string" in result.stderr


def test_reader_train_names_weights_it_cannot_start_from(run_fake, tmp_path: Path) -> None:
    from tests.test_reading_data import squad

    data = tmp_path / "qa.json"
    data.write_text(json.dumps(squad(), ensure_ascii=False), encoding="utf-8")
    junk = tmp_path / "junk.safetensors"
    junk.write_bytes(b"not weights")
    result = run_fake("reader", "train", str(data), "--out", "run", "--start-from", str(junk))
    assert result.returncode != 0 and "Traceback" not in result.stderr
    message = " ".join(result.stderr.split())  # however the console wrapped it
    assert "cannot start from" in message and "junk.safetensors" in message
    assert "give a reader's weights" in message
    assert not (tmp_path / "run" / "checkpoint.pt").exists()
