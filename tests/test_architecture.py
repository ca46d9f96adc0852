"""The layout's rules, checked on the source: imports go one way, and answering reaches the
store only through its read-side port."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _imports(folder: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for path in (ROOT / folder).rglob("*.py"):
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
            elif isinstance(node, ast.Import):
                names.update(a.name for a in node.names)
        out[str(path.relative_to(ROOT))] = names
    return out


def _offenders(folder: str, forbidden: str) -> list[str]:
    return [
        f"{path}: {name}"
        for path, names in _imports(folder).items()
        for name in names
        if name == forbidden or name.startswith(forbidden + ".")
    ]


def test_imports_go_one_way() -> None:
    assert _offenders("ingest", "bot") == []
    assert _offenders("bot/answering", "bot.frontends") == []
    assert _offenders("bot/answering", "bot.app") == []


def test_answering_and_frontends_use_the_store_port_only() -> None:
    reach_in = re.compile(r"\.(catalog|vectors)\.")
    hits = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in (ROOT / "bot").rglob("*.py")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if reach_in.search(line)
    ]
    assert hits == []
    assert _offenders("bot/answering", "ingest.store.store") == []
