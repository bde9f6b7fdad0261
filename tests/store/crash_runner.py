"""Child process of the crash tests: runs one ``firmscore`` command and SIGKILLs itself at a chosen durable step.

Usage: ``python crash_runner.py KILL_AT COUNT_FILE -- firmscore-args...``.

A *durable step* is a call of ``os.replace``, ``os.rename``, ``os.fsync`` or the folder swap of
:mod:`firmscore.store.atomic`: the points where the home's state on disk changes. With
``KILL_AT`` = k > 0 the process kills itself with SIGKILL just before its k-th step, exactly as an
outside kill at that instant would; with 0 it runs to the end and writes how many steps it took
to ``COUNT_FILE`` (the reference run). Nothing of firmscore is replaced: the calls are counted and
then made as usual. (Kills from outside at random times are done by the test itself.)
"""

from __future__ import annotations

import atexit
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

kill_at = int(sys.argv[1])
count_file = Path(sys.argv[2])
args = sys.argv[sys.argv.index("--") + 1:]
steps = 0


def _counted(fn: Callable[..., Any]) -> Callable[..., Any]:
    def step(*a: Any, **k: Any) -> Any:
        global steps
        steps += 1
        if steps == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        return fn(*a, **k)

    return step


os.replace = _counted(os.replace)
os.rename = _counted(os.rename)
os.fsync = _counted(os.fsync)

import firmscore.store.atomic as atomic  # noqa: E402

atomic._exchange = _counted(atomic._exchange)


@atexit.register
def _report() -> None:
    count_file.write_text(str(steps), encoding="utf-8")


from firmscore.cli import app  # noqa: E402

app(args, prog_name="firmscore")
