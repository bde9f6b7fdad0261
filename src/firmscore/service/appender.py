"""The one ledger appender of a multi-process service (``firmscore serve --workers N``).

Worker processes store query-log entries durably before they answer (the store's group commit) but
do not append them to the evidence ledger: two appenders would append the same pending entries
twice, and the ledger's hashing would share an interpreter lock with the requests. This process,
started and stopped by ``serve``, is the one appender: every ``interval`` it appends the entries
without a leaf and writes their leaf indexes back — the same :meth:`QueryLog.commit_to_ledger` the
single-process service runs in a thread. Entries pending at a crash are appended when it starts again.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import signal
import sys
from dataclasses import dataclass

from firmscore.service.querylog import QueryLog
from firmscore.service.settings import ServiceSettings
from firmscore.service.store.db import connect_store
from firmscore.store.home import DataHome

PR_SET_PDEATHSIG = 1


def die_with_parent(sig: int = signal.SIGTERM) -> None:
    """Ask Linux to send ``sig`` to this process when its parent dies (a no-op elsewhere).

    A worker or appender whose ``serve`` was killed outright would otherwise live on as an orphan,
    holding the port, so that the restart that commits the pending entries could not bind it.
    """
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)


def run_appender(settings_json: str) -> None:
    """Append pending query-log entries to the ledger every interval until SIGTERM, then once more.

    The stop request is a signal, not a shared lock or event: a process killed while holding a shared
    lock would leave ``serve`` waiting on it for ever. SIGINT (Ctrl-C in a terminal reaches the whole
    process group) is ignored: ``serve`` stops the appender after its workers, so their last entries
    are appended too.
    """
    die_with_parent(signal.SIGKILL)  # an appender without its server: the restart's appender takes over
    settings = ServiceSettings.from_json(settings_json)
    engine, sessions = connect_store(settings.db_url, migrate=False)
    qlog = QueryLog(sessions, DataHome.open(settings.home), interval_s=settings.ledger_commit_interval_s,
                    max_batch=settings.ledger_commit_max)
    signal.signal(signal.SIGTERM, lambda _sig, _frame: qlog.stop_ledger())
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        qlog.run_ledger()  # the single-process service's ledger loop, in this process's main thread
    finally:
        engine.dispose()


@dataclass
class Appender:
    """The appender process: :meth:`start` before the workers, :meth:`stop` after them."""

    settings: ServiceSettings

    def __post_init__(self) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._process = ctx.Process(target=run_appender, args=(self.settings.to_json(),),
                                    name="firmscore-ledger-appender", daemon=False)

    def start(self) -> None:
        self._process.start()

    def stop(self, timeout_s: float = 60.0) -> int | None:
        """Ask for a last commit (SIGTERM) and wait; the exit code, or None if it had to be killed."""
        if self._process.is_alive():
            self._process.terminate()
        self._process.join(timeout_s)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()
            return None
        return self._process.exitcode
