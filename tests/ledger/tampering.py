"""What an attacker with write access to the SQLite file does: drop triggers, rewrite rows."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from firmscore.ledger.bundles import join_bundle, split_bundle


def attacker(path: Path) -> sqlite3.Connection:
    """A raw autocommit connection that has removed every trigger."""
    con = sqlite3.connect(str(path), isolation_level=None)
    for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        con.execute(f"DROP TRIGGER {name}")
    return con


def rewrite_bundle(con: sqlite3.Connection, index: int, change: Callable[[list[bytes]], list[bytes]]) -> None:
    """Replace the entries of every stored version of leaf bundle ``index`` by ``change(entries)``."""
    rows = con.execute("SELECT width, entries FROM ledger_bundles WHERE bundle_index = ?", (index,)).fetchall()
    assert rows, f"no bundle {index}"
    for width, blob in rows:
        con.execute(
            "UPDATE ledger_bundles SET entries = ? WHERE bundle_index = ? AND width = ?",
            (join_bundle(change(split_bundle(blob))[:width]), index, width),
        )


def replace_in_leaf(con: sqlite3.Connection, leaf: int, old: bytes, new: bytes) -> None:
    """Edit the data of one leaf in place."""

    def edit(entries: list[bytes]) -> list[bytes]:
        pos = leaf % 256
        if pos < len(entries):
            assert old in entries[pos]
            entries[pos] = entries[pos].replace(old, new)
        return entries

    rewrite_bundle(con, leaf // 256, edit)
