import shutil
from pathlib import Path

import pytest

from ingest.store.store import Store
from tests.conftest import DATA, SEEDS


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A writable copy of the sample articles."""
    target = tmp_path / "corpus"
    shutil.copytree(DATA, target)
    return target


def _stored_titles(store: Store) -> set[str]:
    return {store.catalog.article(d).title for d in store.catalog.hashes()}


def test_ingest_then_reingest_embeds_nothing(store: Store, make_ingestor, corpus: Path) -> None:
    ingestor, _ = make_ingestor(store)
    first = ingestor.run([corpus])
    assert (first.new, first.updated, first.unchanged) == (8, 0, 0)
    assert (first.failed, first.skipped) == (2, 1)  # two bad JSON lines, one .csv
    assert not first.ok and first.chunks == store.catalog.chunk_count() >= 8
    assert store.check().ok

    again, loads_again = make_ingestor(store)
    second = again.run([corpus])
    assert (second.new, second.updated, second.unchanged, second.chunks) == (0, 0, 8, 0)
    assert loads_again == []  # the model was never even loaded
    assert store.check().ok and store.catalog.chunk_count() == first.chunks


def test_changed_article_is_replaced_without_orphans(
    store: Store, make_ingestor, corpus: Path
) -> None:
    ingestor, _ = make_ingestor(store)
    ingestor.run([corpus / "pages"])
    page = corpus / "pages" / "gia_lam_khong_ngay.txt"
    page.write_text(page.read_text().replace("Trâu Quỳ", "Yên Viên"), encoding="utf-8")
    summary = ingestor.run([corpus / "pages"])
    assert (summary.new, summary.updated, summary.unchanged) == (0, 1, 2)
    assert store.check().ok
    assert store.lexical_search(["yen", "vien"], 3)[0].chunk_id.startswith("gia_lam")
    assert not any(
        "Trâu Quỳ" in c.text
        for c in store.catalog.chunks_by_id(list(store.catalog.all_chunk_ids())).values()
    )


def test_prune_removes_gone_sources_only_when_asked(
    store: Store, make_ingestor, corpus: Path
) -> None:
    ingestor, _ = make_ingestor(store)
    ingestor.run([corpus])
    (corpus / "thuong_tin.md").unlink()
    kept = ingestor.run([corpus])
    assert kept.pruned == 0 and "Thường Tín phát triển làng nghề sơn mài" in _stored_titles(store)
    pruned = ingestor.run([corpus], prune=True)
    assert pruned.pruned == 1
    assert "Thường Tín phát triển làng nghề sơn mài" not in _stored_titles(store)
    assert store.check().ok


def test_prune_spares_a_file_that_failed_to_read_cleanly(
    store: Store, make_ingestor, corpus: Path
) -> None:
    ingestor, _ = make_ingestor(store)
    jsonl = corpus / "articles.jsonl"
    ingestor.run([jsonl])
    lines = jsonl.read_text().splitlines()
    lines[0] = lines[0][:40]  # the first article's line is now broken
    jsonl.write_text("\n".join(lines) + "\n")
    summary = ingestor.run([jsonl], prune=True)
    assert summary.pruned == 0
    assert "Ba Vì phát triển du lịch sinh thái" in _stored_titles(store)


class _StopAfter:
    """Progress sink that presses Ctrl-C after ``n`` batches."""

    def __init__(self, n: int) -> None:
        self.n = n

    def start(self, total: int) -> None:
        self.total = total

    def advance(self, articles: int, chunks: int) -> None:
        self.n -= 1
        if self.n == 0:
            raise KeyboardInterrupt

    def converting(self, chunks: int, total: int) -> None:
        pass


def test_interrupted_run_keeps_its_work_and_the_next_run_resumes(
    store: Store, make_ingestor, corpus: Path
) -> None:
    ingestor, _ = make_ingestor(store, batch_articles=2)
    stopped = ingestor.run([corpus], progress=_StopAfter(2))
    assert stopped.interrupted and stopped.new == 4
    assert store.check().ok and len(store.catalog.hashes()) == 4
    resumed = ingestor.run([corpus])
    assert (resumed.new, resumed.unchanged) == (4, 4)
    assert store.check().ok and len(store.catalog.hashes()) == 8


def test_crash_inside_a_write_is_repaired_by_the_next_run(
    store: Store, make_ingestor, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingestor, _ = make_ingestor(store)
    real_replace = store.catalog.replace_articles

    def crash(items, also=None):  # vectors are in Chroma, the SQLite commit never happens
        raise RuntimeError("power cut")

    monkeypatch.setattr(store.catalog, "replace_articles", crash)
    with pytest.raises(RuntimeError):
        ingestor.run([corpus / "pages"])
    assert not store.check().ok
    monkeypatch.setattr(store.catalog, "replace_articles", real_replace)
    summary = ingestor.run([corpus / "pages"])
    assert summary.recovered == 3 and summary.new == 3
    assert store.check().ok and len(store.catalog.hashes()) == 3


def test_duplicate_ids_keep_the_first(store: Store, make_ingestor, corpus: Path) -> None:
    ingestor, _ = make_ingestor(store)
    shutil.copy(corpus / "articles.jsonl", corpus / "again.jsonl")
    summary = ingestor.run([corpus / "articles.jsonl", corpus / "again.jsonl"])
    # Records with ids are duplicates; the id-less one is identified by its file, so it is new.
    assert summary.new == 4 and summary.duplicates == 2
    assert any("duplicate id t-001" in str(p) for p in summary.problems)


def test_changing_chunk_settings_rechunks(store: Store, make_ingestor, corpus: Path) -> None:
    ingestor, _ = make_ingestor(store)
    ingestor.run([corpus / "pages"])
    smaller, _ = make_ingestor(store, chunk_tokens=48, overlap_tokens=8)
    summary = smaller.run([corpus / "pages"])
    assert summary.updated == 3 and store.check().ok


@pytest.mark.shared
def test_seeds_ingest_once(store: Store, make_ingestor) -> None:
    ingestor, _ = make_ingestor(store)
    first = ingestor.run([SEEDS])
    assert first.new == 5 and first.ok
    second, loads = make_ingestor(store)
    assert second.run([SEEDS]).unchanged == 5 and loads == []
    for chunk in store.catalog.chunks_by_id(list(store.catalog.all_chunk_ids())).values():
        for chrome in ("Các bài mới đăng", "Họ tên", "Mã xác nhận", "Hôm nay:", "Chia sẻ"):
            assert chrome not in chunk.text


def test_metadata_only_change_retags_without_embedding(
    store: Store, make_ingestor, corpus: Path
) -> None:
    ingestor, _ = make_ingestor(store)
    ingestor.run([corpus / "articles.jsonl"])
    moved = corpus / "moved.jsonl"
    text = (corpus / "articles.jsonl").read_text().replace('"Hà Phương"', '"Hà Phương (TTXVN)"')
    moved.write_text(text, encoding="utf-8")
    (corpus / "articles.jsonl").unlink()
    again, loads = make_ingestor(store)
    summary = again.run([moved], prune=True)
    # The id-less record is identified by its file: new under the new name, pruned under the old.
    assert (summary.updated, summary.new, summary.pruned) == (2, 1, 1)
    assert summary.chunks == 1 and loads == [1]  # only the id-less record is embedded
    bavi = store.catalog.article("t-001")
    assert bavi.author == "Hà Phương (TTXVN)" and bavi.origin == str(moved)
    assert store.check().ok
