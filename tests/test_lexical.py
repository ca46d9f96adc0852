"""The store's lexical side: tantivy ranks as FTS5 does, a store converts both ways without
embedding, an interrupted write is repaired, and readers see a writer's commits."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingest.errors import StoreError
from ingest.models import SearchFilter
from ingest.store import tantivy_index
from ingest.store.lexical import FTS5, TANTIVY
from ingest.store.store import Store
from ingest.text.textnorm import strip_diacritics
from tests.conftest import FAKE_NAME
from tests.synthetic import school_of, write_corpus

QUERY = (["truong", "tieu", "hoc"], ["truong tieu", "tieu hoc"])


def _store(data_dir: Path, engine: str, **kw) -> Store:
    return Store(data_dir, FAKE_NAME, lexical_engine=engine, **kw)


def _ingested(tmp_path: Path, make_ingestor, engine: str, n: int = 30) -> tuple[Store, Path]:
    store = _store(tmp_path / "data", engine)
    corpus = write_corpus(tmp_path / "news.jsonl", range(n))
    ingestor, _ = make_ingestor(store)
    assert ingestor.run([corpus]).ok
    return store, corpus


def _school_query(i: int) -> tuple[list[str], list[str]]:
    """Folded terms and phrase for the school only article ``i`` is about."""
    school = strip_diacritics(school_of(i)).lower()
    return ["truong", "tieu", "hoc", *school.split()[:-1]], [school]


def test_a_new_store_ranks_with_tantivy_and_finds_what_fts5_finds(tmp_path, make_ingestor):
    store, _ = _ingested(tmp_path, make_ingestor, TANTIVY)
    try:
        assert store.stats()["lexical_engine"] == TANTIVY
        assert store.stats()["lexical_chunks"] == store.chunk_count()
        terms, phrases = _school_query(17)
        fast = store.lexical_search(terms, 5, phrases=phrases)
        slow = store.catalog.search(terms, 5, phrases=phrases)  # FTS5, kept in the catalog
        doc = {c.chunk_id: c.doc_id for c in store.catalog.chunks_of("syn-0017")}
        assert fast[0].chunk_id in doc and slow[0].chunk_id in doc  # the one school article
        assert len({h.chunk_id for h in fast} & {h.chunk_id for h in slow}) >= 4
        assert store.check().ok
    finally:
        store.close()


def test_filters_go_through_the_catalog(tmp_path, make_ingestor):
    store, _ = _ingested(tmp_path, make_ingestor, TANTIVY)
    try:
        march = SearchFilter(
            since=datetime(2024, 3, 1, tzinfo=UTC), until=datetime(2024, 3, 31, tzinfo=UTC)
        )
        hits = store.lexical_search(*QUERY[:1], 50, phrases=QUERY[1], filt=march)
        docs = {store.catalog.chunks_by_id([h.chunk_id])[h.chunk_id].doc_id for h in hits}
        assert docs == {d for d in store.catalog.doc_ids(march)} and docs
        nowhere = SearchFilter(site="no-such-site.vn")
        assert store.lexical_search(*QUERY[:1], 50, phrases=QUERY[1], filt=nowhere) == []
    finally:
        store.close()


def test_an_fts5_store_converts_once_without_embedding_and_back(tmp_path, make_ingestor):
    old, corpus = _ingested(tmp_path, make_ingestor, FTS5)
    assert old.stats()["lexical_engine"] == FTS5
    before = [h.chunk_id for h in old.lexical_search(*QUERY[:1], 10, phrases=QUERY[1])]
    old.close()

    store = _store(tmp_path / "data", TANTIVY)
    ingestor, loads = make_ingestor(store)
    first = ingestor.run([corpus])
    assert first.converted and first.new == 0 and loads == []  # nothing embedded
    assert not ingestor.run([corpus]).converted  # once
    assert store.stats()["lexical_engine"] == TANTIVY and store.check().ok
    after = [h.chunk_id for h in store.lexical_search(*QUERY[:1], 10, phrases=QUERY[1])]
    assert set(after) & set(before)
    store.close()

    back = _store(tmp_path / "data", FTS5)
    assert make_ingestor(back)[0].run([corpus]).converted
    assert back.stats()["lexical_engine"] == FTS5
    assert not (tmp_path / "data" / "index" / f"{back.name}.tantivy").exists()
    assert back.check().ok
    back.close()


def test_a_write_interrupted_after_tantivy_committed_is_repaired(tmp_path, make_ingestor, fake):
    store, _ = _ingested(tmp_path, make_ingestor, TANTIVY, n=6)
    victim = store.catalog.chunks_of("syn-0003")
    # A crash between tantivy's commit and the catalog's: the journal says pending, tantivy
    # has lost the article's chunks and holds a chunk the catalog never committed.
    store.catalog.mark_pending(["syn-0003"], "upsert")
    store.lexical.replace(["syn-0003"], [("ghost-chunk", "syn-0003", "truong tieu hoc ma")])
    broken = store.check()
    assert not broken.ok and broken.lexical_mismatch == len(victim) + 1
    assert store.recover(lambda: fake.encode) == 1
    assert store.check().ok
    ids = {h.chunk_id for h in store.lexical_search(["ma"], 10)}
    assert "ghost-chunk" not in ids
    store.close()


def test_a_reader_sees_the_writers_new_articles_after_its_refresh(tmp_path, make_ingestor):
    writer, _ = _ingested(tmp_path, make_ingestor, TANTIVY, n=5)
    reader = _store(tmp_path / "data", TANTIVY, refresh_seconds=0, readonly=True)
    terms, phrases = _school_query(8)
    try:
        assert reader.lexical_search(terms, 3, phrases=phrases)  # the index is open
        more = write_corpus(tmp_path / "more.jsonl", range(5, 10))
        assert make_ingestor(writer)[0].run([more]).new == 5
        best = reader.lexical_search(terms, 1, phrases=phrases)[0].chunk_id
        assert reader.catalog.chunks_by_id([best])[best].doc_id == "syn-0008"
    finally:
        reader.close()
        writer.close()


def test_a_read_only_store_is_searched_from_a_copy(tmp_path, make_ingestor, monkeypatch):
    store, _ = _ingested(tmp_path, make_ingestor, TANTIVY, n=5)
    store.close()
    # As another user or on a read-only mount would (root may write anything, so the check
    # that decides is what is replaced here).
    monkeypatch.setattr(tantivy_index, "writable", lambda folder: False)
    reader = _store(tmp_path / "data", TANTIVY, readonly=True)
    try:
        assert reader.lexical_search(*QUERY[:1], 3, phrases=QUERY[1])
        assert reader.lexical.index.copied
        copy = reader.lexical.index._copy
    finally:
        reader.close()
    assert copy is not None and not copy.exists()  # the copy goes with the reader


def test_unknown_engine_is_refused(tmp_path) -> None:
    with pytest.raises(ValueError, match="lexical engine"):
        _store(tmp_path / "data", "lucene")


def test_a_two_word_phrase_matches_only_words_side_by_side(tmp_path, make_ingestor):
    store, _ = _ingested(tmp_path, make_ingestor, TANTIVY, n=5)
    try:
        assert store.lexical_search([], 5, phrases=["tieu hoc"])
        assert store.lexical_search([], 5, phrases=["hoc tieu"]) == []
        assert store.catalog.search([], 5, phrases=["hoc tieu"]) == []  # as FTS5 does
    finally:
        store.close()


def test_an_index_of_an_older_format_is_built_again(tmp_path, make_ingestor):
    store, corpus = _ingested(tmp_path, make_ingestor, TANTIVY, n=5)
    store.catalog.set_meta("lexical_format", "1")
    assert store.lexical.engine == FTS5  # not read in the old format: FTS5 answers meanwhile
    assert store.lexical_search(*QUERY[:1], 3, phrases=QUERY[1])
    ingestor, loads = make_ingestor(store)
    assert ingestor.run([corpus]).converted and loads == []
    assert store.lexical.engine == TANTIVY and store.check().ok
    store.close()


def test_a_lost_index_is_named_and_the_next_writer_builds_it(tmp_path, make_ingestor):
    store, corpus = _ingested(tmp_path, make_ingestor, TANTIVY, n=5)
    store.close()
    shutil.rmtree(tmp_path / "data" / "index" / f"{store.name}.tantivy")
    reader = _store(tmp_path / "data", TANTIVY, readonly=True)
    with pytest.raises(StoreError, match="vnqa reindex"):
        reader.lexical_search(*QUERY[:1], 3, phrases=QUERY[1])
    reader.close()
    writer = _store(tmp_path / "data", TANTIVY)
    assert make_ingestor(writer)[0].run([corpus]).converted
    assert writer.check().ok and writer.lexical_search(*QUERY[:1], 3, phrases=QUERY[1])
    writer.close()
