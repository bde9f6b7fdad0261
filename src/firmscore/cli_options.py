"""Option parsing and conventions shared by the stages' commands (one message, one behaviour for every ``--as-of``).

:func:`writing` is how every command that writes the data home holds its writer lock: a second
writer is refused with the holder named, exit code 2, and no traceback.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator

import typer
from rich.console import Console

from firmscore.i18n import t
from firmscore.store.home import DataHome
from firmscore.store.lock import HomeLocked, writer
from firmscore.terminal import print_error


def parse_date(text: str) -> dt.date:
    """A ``YYYY-MM-DD`` option value, or a usage error naming the bad value (exit code 2)."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise typer.BadParameter(t("error.bad_date", value=text)) from exc


@contextlib.contextmanager
def writing(home: DataHome, command: str) -> Iterator[DataHome]:
    """Run a command's block under the home's writer lock; another writer's hold is a clear error (exit 2)."""
    try:
        with writer(home, command):
            yield home
    except HomeLocked as exc:
        print_error(Console(stderr=True), exc)
        raise typer.Exit(2) from None

