"""Option parsing shared by the stages' commands (one message, one behaviour for every ``--as-of``)."""

from __future__ import annotations

import datetime as dt

import typer

from firmscore.i18n import t


def parse_date(text: str) -> dt.date:
    """A ``YYYY-MM-DD`` option value, or a usage error naming the bad value (exit code 2)."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise typer.BadParameter(t("error.bad_date", value=text)) from exc
