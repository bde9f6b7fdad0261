"""One writer per data home: an OS file lock (``flock``) on ``<home>/.writer.lock``, held by every writing job.

Why a lock: two ingestions deduplicating against the same stored keys would both store the same
records (or one would die on the ledger's primary key), and a ``score`` reading features while
``features`` replaces them would mix two runs. Readers (``status``, ``report``, ``verify-score``,
any DuckDB client) take no lock: every artifact is replaced atomically
(:mod:`firmscore.store.atomic`), so they always see a complete before or after.

The lock is the kernel's, not a marker file: a killed holder releases it with its last file
descriptor, so a crash never leaves the home locked. The file holds who has it (pid, command,
start time, host) so that the refused writer can name the holder. Within one process the lock is
re-entrant for the thread that holds it (a ``score`` job writes its trust indicators under the
same hold); another thread is refused like another process.

Taking the lock first (depth 0 → 1) runs recovery (:func:`firmscore.store.recovery.recover`):
the first writer after a crash completes or rolls back what the crash interrupted before it
does anything else.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import functools
import json
import os
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast

from firmscore.i18n import t
from firmscore.store import messages as _messages  # noqa: F401  (registers the messages)
from firmscore.store.atomic import FILE_MODE, make_dirs
from firmscore.store.home import DataHome

LOCK_FILE = ".writer.lock"


class HomeLocked(RuntimeError):
    """Another writer holds the home; ``holder`` says who (pid, command, started, host)."""

    def __init__(self, home: Path, holder: dict[str, Any]) -> None:
        self.home = home
        self.holder = holder
        unknown = t("store.unknown_holder")
        super().__init__(t("store.locked", home=home, pid=holder.get("pid", unknown),
                           command=holder.get("command", unknown), started=holder.get("started", unknown)))


@dataclass
class _Hold:
    fd: int
    depth: int
    thread: int
    holder: dict[str, Any]


_holds: dict[Path, _Hold] = {}
_guard = threading.Lock()


def lock_path(home: DataHome) -> Path:
    return home.root / LOCK_FILE


def read_holder(home: DataHome) -> dict[str, Any]:
    """Who holds (or last held) the lock, from the lock file; empty when unknown."""
    try:
        raw = lock_path(home).read_text(encoding="utf-8")
        data = json.loads(raw) if raw.strip() else {}
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def held(home: DataHome) -> bool:
    """Whether this process (this thread) holds the writer lock of ``home``."""
    hold = _holds.get(home.root.resolve())
    return hold is not None and hold.thread == threading.get_ident()


def _acquire(home: DataHome, command: str) -> tuple[_Hold, bool]:
    key = home.root.resolve()
    with _guard:
        hold = _holds.get(key)
        if hold is not None:
            if hold.thread != threading.get_ident():
                raise HomeLocked(home.root, hold.holder)
            hold.depth += 1
            return hold, False
        make_dirs(home.root)
        fd = os.open(lock_path(home), os.O_RDWR | os.O_CREAT, FILE_MODE)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise HomeLocked(home.root, _holder_of(home)) from None
        holder = {"pid": os.getpid(), "command": command, "host": socket.gethostname(),
                  "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
        data = json.dumps(holder).encode()
        os.ftruncate(fd, 0)
        os.pwrite(fd, data, 0)
        os.fsync(fd)
        hold = _Hold(fd, 1, threading.get_ident(), holder)
        _holds[key] = hold
        return hold, True


def _holder_of(home: DataHome) -> dict[str, Any]:
    """The holder's record; the holder writes it just after locking, so a refused writer may have to wait a moment."""
    for _ in range(20):
        holder = read_holder(home)
        if holder:
            return holder
        threading.Event().wait(0.05)
    return {}


def _release(home: DataHome, hold: _Hold) -> None:
    with _guard:
        hold.depth -= 1
        if hold.depth:
            return
        del _holds[home.root.resolve()]
        with contextlib.suppress(OSError):
            os.ftruncate(hold.fd, 0)
        fcntl.flock(hold.fd, fcntl.LOCK_UN)
        os.close(hold.fd)


@contextlib.contextmanager
def writer(home: DataHome, command: str) -> Iterator[DataHome]:
    """Hold the writer lock of ``home`` for the block (re-entrant); the first hold runs recovery.

    Raises :class:`HomeLocked`, whose message names the holder, when another process or thread
    writes the home.
    """
    from firmscore.store.recovery import recover  # recovery writes under the lock

    hold, first = _acquire(home, command)
    try:
        if first:
            recover(home)
        yield home
    finally:
        _release(home, hold)


F = TypeVar("F", bound=Callable[..., Any])


def holds_writer_lock(command: str) -> Callable[[F], F]:
    """Decorate a job whose first argument is the data home (or its path) to run under :func:`writer`."""

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def run(home: DataHome | Path | str | None, *args: Any, **kwargs: Any) -> Any:
            dh = home if isinstance(home, DataHome) else DataHome.open(home)
            with writer(dh, command):
                return fn(home, *args, **kwargs)

        return cast(F, run)

    return decorate
