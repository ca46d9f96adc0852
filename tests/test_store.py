from dataclasses import replace

import numpy as np
import pytest

from bot.answering.question.analysis import analyse
from ingest.errors import StoreError
from ingest.models import Article, SearchFilter
from ingest.store.store import Store
from ingest.text.chunk import Chunker
from tests.conftest import E5_NAME

BASE = Article(
    doc_id="thach-that",
    title="Thạch Thất phấn đấu tăng tỷ trọng dịch vụ",
    source="a.txt",
    text=(
        "Bí thư Huyện ủy Thạch Thất Phạm Quí Tiên chủ trì hội nghị. "
        "Huyện đặt mục tiêu thu nhập bình quân 120 triệu đồng/người/năm vào năm 2025.\n"
        "Khu công nghệ cao Hòa Lạc tiếp tục được đầu tư. "
    )
    * 6,
)
OTHER = Article(
    doc_id="hai-ha",
    title="Hải Hà xây dựng nông thôn mới",
    source="b.txt",
    text="Huyện Hải Hà có 12/15 xã đạt chuẩn nông thôn mới đến hết năm 2019.",
)


def _items(fake, *articles: Article, tokens: int = 60):
    chunker = Chunker(fake, tokens, 10)
    items = [(a, a.content_hash(), chunker.chunk(a, a.content_hash())) for a in articles]
    vectors = fake.encode([c.embed_text for _, _, cs in items for c in cs])
    return items, vectors


def test_write_then_search_both_sides(store: Store, fake) -> None:
    items, vectors = _items(fake, BASE, OTHER)
    store.write(items, vectors, replacing=[])
    check = store.check()
    assert check.ok and check.catalog_chunks == len(vectors) > 2
    hits = store.dense_search(fake.encode(["Ai là bí thư Thạch Thất?"], query=True)[0], k=3)
    assert store.catalog.chunks_by_id([hits[0].chunk_id])[hits[0].chunk_id].doc_id == BASE.doc_id
    only_b = store.dense_search(vectors[0], 5, SearchFilter(source="b.txt"))
    assert {h.chunk_id.split(":")[0] for h in only_b} == {"hai-ha"}


def test_lexical_search_ignores_diacritics_and_tone_placement(store: Store, fake) -> None:
    store.write(*_items(fake, BASE, OTHER), replacing=[])
    for query in ("bi thu huyen uy thach that", "Bí thư Huyện uỷ Thạch Thất", "HOÀ LẠC"):
        hits = store.lexical_search(analyse(query).terms, 5)
        assert hits and hits[0].chunk_id.startswith("thach-that:"), query
    assert store.lexical_search(analyse("12/15 xa dat chuan").terms, 5)[0].chunk_id.startswith(
        "hai-ha:"
    )
    assert store.lexical_search(analyse('" * NEAR( OR -').terms, 5) == []
    assert store.lexical_search(["near", "or"], 5, phrases=['" *', "and not"]) == []


def test_replacing_an_article_leaves_no_orphans(store: Store, fake) -> None:
    store.write(*_items(fake, BASE), replacing=[])
    before = store.check().catalog_chunks
    shorter = replace(BASE, text="Bài đã được sửa lại ngắn hơn nhiều.")
    store.write(*_items(fake, shorter), replacing=[BASE.doc_id])
    check = store.check()
    assert check.ok and check.catalog_chunks == 1 < before
    assert store.catalog.article(BASE.doc_id).text == shorter.text


def test_delete_removes_both_sides(store: Store, fake) -> None:
    store.write(*_items(fake, BASE, OTHER), replacing=[])
    store.delete([BASE.doc_id])
    check = store.check()
    assert check.ok and store.catalog.article(BASE.doc_id) is None
    assert {c.split(":")[0] for c in store.vectors.all_ids()} == {"hai-ha"}


def test_recover_rolls_back_a_new_article_written_only_to_chroma(store: Store, fake) -> None:
    items, vectors = _items(fake, BASE)
    store.catalog.mark_pending([BASE.doc_id], "upsert")
    store.vectors.upsert(
        [c.chunk_id for c in items[0][2]], vectors, [{"doc_id": BASE.doc_id}] * len(vectors)
    )
    assert not store.check().ok  # the crash left orphan vectors and a journal entry
    assert store.recover(lambda: fake.encode) == 1
    check = store.check()
    assert check.ok and check.catalog_chunks == 0


def test_recover_restores_the_committed_version_of_a_half_replaced_article(
    store: Store, fake
) -> None:
    store.write(*_items(fake, BASE), replacing=[])
    committed = store.check().catalog_chunks
    new_items, new_vectors = _items(fake, replace(BASE, text="Phiên bản mới."))
    store.catalog.mark_pending([BASE.doc_id], "upsert")
    store.vectors.delete_docs([BASE.doc_id])
    store.vectors.upsert(
        [c.chunk_id for c in new_items[0][2]],
        new_vectors,
        [{"doc_id": BASE.doc_id}] * len(new_vectors),
    )
    store.recover(lambda: fake.encode)
    check = store.check()
    assert check.ok and check.vector_chunks == committed
    assert store.catalog.article(BASE.doc_id).text == BASE.text


def test_recover_finishes_an_interrupted_delete(store: Store, fake) -> None:
    store.write(*_items(fake, BASE, OTHER), replacing=[])
    store.catalog.mark_pending([OTHER.doc_id], "delete")
    store.vectors.delete_docs([OTHER.doc_id])
    store.recover(lambda: (_ for _ in ()).throw(AssertionError("no re-embedding needed")))
    assert store.check().ok and store.catalog.article(OTHER.doc_id) is None


def test_one_writer_at_a_time(store: Store, tmp_path) -> None:
    other = Store(tmp_path / "data", E5_NAME)
    with (
        store.writer_lock(),
        pytest.raises(StoreError, match="another 'vnqa ingest'"),
        other.writer_lock(),
    ):
        pass
    with other.writer_lock():  # released once the first writer is done
        pass
    other.close()


def test_upsert_respects_the_batch_size(store: Store) -> None:
    store.vectors.batch = 7
    ids = [f"x:{i}" for i in range(30)]
    vectors = np.random.default_rng(0).normal(size=(30, 384)).astype(np.float32)
    store.vectors.upsert(ids, vectors, [{"doc_id": "x"}] * 30)
    assert store.vectors.count() == 30


def test_chroma_never_embeds_by_itself(store: Store) -> None:
    # No default embedding function: a text query is refused instead of downloading a model.
    with pytest.raises(ValueError, match="embedding function"):
        store.vectors.collection.query(query_texts=["Hà Nội"], n_results=1)


def test_stats_say_when_a_writer_is_in_flight(store: Store) -> None:
    assert store.stats()["writing"] is False
    with store.writer_lock():
        assert store.stats()["writing"] is True  # its counts may be mid-write
    assert store.stats()["writing"] is False
