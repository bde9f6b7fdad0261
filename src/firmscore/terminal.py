"""How the commands write to a terminal: errors that stay whole and file names a narrow terminal can show.

Kept apart from :mod:`firmscore.cli_options` (which knows the data home and its lock) so that the store's
own commands can use it without a cycle.
"""

from __future__ import annotations

import os
from pathlib import Path

from rich.console import Console


def print_error(console: Console, text: object) -> None:
    """An error line in red, never wrapped and never read as markup: a path or a ``[...]`` in the message stays
    whole, so it can be copied from a terminal and searched for in a log."""
    console.print(str(text), style="red", markup=False, highlight=False, soft_wrap=True)


def display_paths(paths: list[str]) -> list[str]:
    """Short, readable names for files in a report: relative to the working directory when below it,
    else to their common folder (a full path says nothing a narrow terminal can show)."""
    if not paths:
        return []
    cwd = Path.cwd().resolve()
    resolved = [Path(p).resolve() for p in paths]
    if all(p.is_relative_to(cwd) for p in resolved):
        return [p.relative_to(cwd).as_posix() for p in resolved]
    common = Path(os.path.commonpath([str(p.parent) for p in resolved]))
    base = common.parent if len(set(resolved)) == 1 else common
    return [p.relative_to(base).as_posix() for p in resolved]
