"""The documentation stays true: the configuration page and .env.example are what the
settings write, the README's and docs/cli.md's runnable examples run, and links resolve."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot import settings_doc
from tests.conftest import SEEDS

ROOT = Path(__file__).resolve().parents[1]
RUNNABLE = re.compile(r"```sh runnable\n(.*?)```", re.DOTALL)
LINK = re.compile(r"\]\(([^)#:]+)(?:#[^)]*)?\)")


def test_the_configuration_page_and_env_example_are_what_the_settings_write() -> None:
    assert (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8") == (
        settings_doc.markdown()
    ), "run: vnqa config --markdown > docs/configuration.md"
    assert (ROOT / ".env.example").read_text(encoding="utf-8") == settings_doc.env_example(), (
        "run: vnqa config --env > .env.example"
    )


def test_every_documented_setting_is_read_by_settings() -> None:
    from bot.settings import known_variables

    documented = set(re.findall(r"`(VNQA_[A-Z_]+)`", settings_doc.markdown()))
    assert documented == set(known_variables()) - {
        f"VNQA_{g.upper()}" for g in settings_doc.GROUPS if g
    }


def test_the_readme_is_short_and_its_links_resolve() -> None:
    readme = ROOT / "README.md"
    assert readme.stat().st_size <= 10_240
    for page in [readme, *(ROOT / "docs").rglob("*.md")]:
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            assert (page.parent / target).exists(), f"{page.name}: {target}"


def _blocks() -> list[tuple[str, str]]:
    out = []
    for page in (ROOT / "README.md", ROOT / "docs" / "cli.md"):
        for block in RUNNABLE.findall(page.read_text(encoding="utf-8")):
            out += [(page.name, line) for line in block.splitlines() if line.strip()]
    return out


@pytest.mark.shared
@pytest.mark.skipif(not SEEDS.is_dir(), reason="needs ../shared/corpus/seeds")
def test_runnable_examples_run(tmp_path: Path, e5_dir: Path) -> None:
    blocks = _blocks()
    assert len(blocks) >= 4
    env = {k: v for k, v in os.environ.items() if not k.startswith("VNQA_")}
    env |= {
        "VNQA_DATA_DIR": str(tmp_path / "data"),
        "VNQA_MODEL_DIR": str(e5_dir.parent),
        "VNQA_EMBEDDING_MODEL": "fake",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
    }
    for page, line in blocks:
        result = subprocess.run(
            ["bash", "-c", line], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
        )
        assert result.returncode == 0, f"{page}: {line}\n{result.stderr[-2000:]}"
