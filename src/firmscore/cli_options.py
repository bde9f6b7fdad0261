"""Option parsing shared by the stages' commands (one message, one behaviour for every ``--as-of``)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import typer

from firmscore.i18n import t


def parse_date(text: str) -> dt.date:
    """A ``YYYY-MM-DD`` option value, or a usage error naming the bad value (exit code 2)."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise typer.BadParameter(t("error.bad_date", value=text)) from exc


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
