"""File locks that let several processes share one data dir without corrupting it.

Embedded Chroma is not process-safe, so processes coordinate through two lock files:

- ``ingest.lock``: held by a writer (``vnqa ingest``) for its whole run; a second writer
  fails at once with a clear message instead of interleaving its writes.
- ``chroma.lock``: held exclusively while a writer changes Chroma's files (one batch, well
  under a second), and shared while a reader (the bot, ``vnqa ask``) loads them. A reader
  therefore never loads a half-written index, and never waits longer than one batch.

A reader that may not write the store's files (a read-only mount, another user's store) reads
a private copy of them: Chroma and tantivy both open lock files even to read.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ingest.errors import StoreError

WRITER = "ingest.lock"
CHROMA = "chroma.lock"


def writable(folder: Path) -> bool:
    """True when this process may change ``folder`` and every file in it."""
    return all(os.access(p, os.W_OK) for p in [folder, *folder.rglob("*")])


def private_copy(folder: Path, prefix: str) -> Path:
    """A copy of ``folder`` (lock files left out) in a new temporary folder of its own, which
    this process may write whatever the original's modes (its libraries lock files in it).
    Nothing is left behind when the copy fails: a ``StoreError`` says what could not be read."""
    top = Path(tempfile.mkdtemp(prefix=prefix))
    copy = top / folder.name
    try:
        shutil.copytree(
            folder, copy, ignore=shutil.ignore_patterns("*.lock"), copy_function=shutil.copyfile
        )
        for path in [copy, *copy.rglob("*")]:
            path.chmod(0o700 if path.is_dir() else 0o600)
    except (OSError, shutil.Error) as exc:
        shutil.rmtree(top, ignore_errors=True)
        raise StoreError(
            f"cannot read the store's files in {folder} ({_first_problem(exc)}); its owner "
            "can make them readable with 'vnqa reindex', or run vnqa as that user"
        ) from None
    return copy


def _first_problem(exc: BaseException) -> str:
    """One readable line for an OSError, or the first of a copytree's errors."""
    if isinstance(exc, shutil.Error) and exc.args and isinstance(exc.args[0], list):
        return str(exc.args[0][0][2])
    return str(exc)


def share_like_umask(folder: Path) -> None:
    """Give ``folder``'s files the modes this process's umask asks for: tantivy writes some
    with mode 0600 whatever the umask, and a reader running as another user then cannot
    read the store (nor copy it)."""
    mask = current_umask()
    for path in [folder, *folder.rglob("*")]:
        want = (0o777 if path.is_dir() else 0o666) & ~mask
        try:
            if path.stat().st_mode & 0o777 != want:
                path.chmod(want)
        except OSError:  # not ours, or gone: the writer still works
            continue


def current_umask() -> int:
    """The process's umask (read by setting it and putting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _open(path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)


@contextmanager
def sole_writer(data_dir: Path) -> Iterator[None]:
    """The right to write ``data_dir``; raises ``StoreError`` if another writer has it."""
    fd = _open(data_dir / WRITER)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreError(
                f"another 'vnqa ingest' is writing to {data_dir}; wait for it to finish"
            ) from None
        yield
    finally:
        os.close(fd)


def _open_shared(path: Path) -> int | None:
    """A reader's handle on a lock file, or None where it can neither open nor create one:
    on a read-only store no writer can be changing the files."""
    try:
        return os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        pass
    except OSError:
        return None
    try:
        return _open(path)
    except OSError:
        return None


def writer_active(data_dir: Path) -> bool:
    """Whether a writer holds ``data_dir`` now (an ingest is in flight)."""
    try:
        fd = os.open(data_dir / WRITER, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


@contextmanager
def chroma_files(data_dir: Path, *, write: bool) -> Iterator[None]:
    """Exclusive (``write``) or shared use of Chroma's files; waits for the other side."""
    fd = _open(data_dir / CHROMA) if write else _open_shared(data_dir / CHROMA)
    if fd is None:
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if write else fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)
