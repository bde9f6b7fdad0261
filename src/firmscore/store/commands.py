"""``firmscore status``: what the data home holds."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from firmscore.i18n import t
from firmscore.store.home import DataHome


def status(
    home: Path = typer.Option(None, "--home", help="Data home (default ./firmscore-data or $FIRMSCORE_HOME)."),
) -> None:
    """Show record counts, quarantine and ingestion batches of the data home. 显示数据目录状态。"""
    dh = DataHome.open(home)
    console = Console()
    if not dh.root.exists():
        console.print(f"[red]no data home at {dh.root}[/red]")
        raise typer.Exit(1)
    counts = dh.counts()
    table = Table(title=f"{t('status.title')}: {dh.root}")
    table.add_column("table")
    table.add_column(t("status.records"), justify="right")
    table.add_column("files", justify="right")
    for name, n in counts.items():
        files = len(dh.parquet_files(name)) if name != "quarantine" else len(list(dh.quarantine_dir.glob("*.parquet")))
        table.add_row(name, f"{n:,}", str(files))
    console.print(table)
    batches = list(dh.batches())
    if batches:
        bt = Table(title="batches")
        for col in ("batch_id", "source", "read", "accepted", "quarantined", "duplicates"):
            bt.add_column(col, justify="right" if col not in ("batch_id", "source") else "left")
        cols = ("batch_id", "source", "read", "accepted", "quarantined", "duplicates")
        for b in batches[-10:]:
            bt.add_row(*(str(b.get(c, "")) for c in cols))
        console.print(bt)


def register(app: typer.Typer) -> None:
    app.command("status")(status)
