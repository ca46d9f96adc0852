"""``vnqa ingest`` killed with SIGKILL at random points, again and again, then finished: the
catalog, Chroma and the tantivy index end exactly as after one clean ingest."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from ingest.store.store import Store
from ingest.store.vectors import collection_name
from tests.conftest import E5_NAME
from tests.synthetic import write_corpus

KILLS = 6  # bounded: each run loads the model (~6 s) before it writes anything
ARTICLES = range(40)
CHANGED = {3: 1, 4: 1, 9: 1}  # the corpus changes half-way: new text for these articles...
REMOVED = {20, 31}  # ...and these disappear (removed by --prune)


def _env(data_dir: Path, e5_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VNQA_")}
    return env | {
        "VNQA_DATA_DIR": str(data_dir),
        "VNQA_MODEL_DIR": str(e5_dir.parent),
        "VNQA_INGEST_BATCH": "2",  # many commit points to land in
        "OMP_NUM_THREADS": "1",
    }


def _ingest(corpus: Path, env: dict[str, str], *, keep_output: bool = False) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "bot.frontends.cli", "ingest", "--prune", str(corpus)],
        env=env,
        stdout=subprocess.PIPE if keep_output else subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _read(db: Path, sql: str) -> int:
    """One number from the catalog, read as another process would (0 until it exists)."""
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            row = conn.execute(sql).fetchone()
        return int(row[0]) if row and row[0] is not None else 0
    except sqlite3.OperationalError:
        return 0


def _pending(db: Path) -> set[str]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
        return {d for (d,) in conn.execute("SELECT doc_id FROM pending")}


def _kill_mid_write(proc: subprocess.Popen, db: Path, rnd: random.Random, in_write: bool) -> str:
    """SIGKILL ``proc`` once it writes: inside a journalled write (or its recovery of the last
    kill), or at a random moment after its first commit."""
    generation = "SELECT value FROM meta WHERE key='generation'"
    start = _read(db, generation)
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline and _read(db, generation) == start:
        time.sleep(0.005)
    if in_write:
        while proc.poll() is None and time.monotonic() < deadline:
            if _read(db, "SELECT COUNT(*) FROM pending"):
                break
            time.sleep(0.002)
    else:
        time.sleep(rnd.uniform(0.0, 1.0))
    if proc.poll() is not None:
        return "finished"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    return "killed"


def test_sigkill_loop_leaves_an_exact_store(tmp_path: Path, e5_dir: Path, make_e5_ingestor) -> None:
    data_dir, corpus = tmp_path / "data", tmp_path / "corpus.jsonl"
    env = _env(data_dir, e5_dir)
    db = data_dir / "index" / f"{collection_name(E5_NAME)}.sqlite3"
    rnd = random.Random(20261121)
    write_corpus(corpus, ARTICLES)
    outcomes = []
    for n in range(KILLS):
        if n == KILLS // 2:
            # Articles caught mid-write vanish from the corpus: only recovery can remove them.
            in_flight = {int(d.removeprefix("syn-")) for d in _pending(db)}
            assert in_flight, "the last kill should have landed inside a write"
            final = [i for i in ARTICLES if i not in REMOVED | in_flight]
            write_corpus(corpus, final, CHANGED)
        outcomes.append(_kill_mid_write(_ingest(corpus, env), db, rnd, in_write=n % 2 == 0))
    assert outcomes.count("killed") >= KILLS - 2, outcomes  # the kills landed mid-ingest

    done = _ingest(corpus, env, keep_output=True)
    output = done.communicate(timeout=600)[0]
    assert done.returncode == 0, output

    reference = Store(tmp_path / "reference", E5_NAME)
    ingestor, _ = make_e5_ingestor(reference)
    assert ingestor.run([corpus]).ok
    store = Store(data_dir, E5_NAME)
    try:
        assert store.catalog.hashes() == reference.catalog.hashes()  # right articles, right text
        expected = reference.catalog.all_chunk_ids()
        assert store.catalog.all_chunk_ids() == expected
        assert store.catalog.chunk_count() == len(expected)  # no duplicate rows
        assert store.vectors.all_ids() == expected and store.vectors.count() == len(expected)
        consistency = store.check()
        assert consistency.ok, consistency  # FTS5 and tantivy match the chunks, none pending
        assert store.stats()["lexical_engine"] == "tantivy"  # the kills hit tantivy's writes
        assert store.stats()["lexical_chunks"] == len(expected)
        hits = store.lexical_search(["phong", "hoc"], 100)
        assert hits and {h.chunk_id for h in hits} <= expected
    finally:
        store.close()
        reference.close()

    check = subprocess.run(
        [sys.executable, "-m", "bot.frontends.cli", "stats", "--check", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stderr
    assert json.loads(check.stdout)["consistency"]["ok"] is True
