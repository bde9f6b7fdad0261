"""``firmscore status``: what the data home holds, and what its ingestion batches left aside and why.

The quarantine and nulled-field summaries come from the batch log (``batches.jsonl``): every batch
records, per file, its failures counted by field and reason (a message key, so reasons group
whatever the offending value) with a few example lines. ``status --quarantine`` lists every group
and shows the example lines' stored reasons from the quarantine table (never their raw text, which
may hold personal data).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from firmscore.i18n import t
from firmscore.store import messages as _messages  # noqa: F401  (registers the status messages)
from firmscore.store.home import DataHome
from firmscore.terminal import display_paths, print_error

_BLANKS = {name: "…" for name in ("value", "detail", "floor", "low", "high", "column", "lines", "expected", "got",
                                  "encoding")}
SUMMARY_GROUPS = 10  # groups shown without --quarantine


def reason_label(code: str) -> str:
    """A reason's message without its values (``not a number: '…'``), or the code if no stage registered it."""
    try:
        return t(code, **_BLANKS)
    except (KeyError, IndexError, ValueError):
        return code


@dataclass
class Group:
    """Failures of one kind (quarantined or nulled) in one file, field and reason, across batches."""

    kind: str
    file: str
    column: str  # the source column (or canonical field) that failed, "<row>" for unreadable rows
    reason: str
    count: int = 0
    lines: list[tuple[str, int]] = field(default_factory=list)  # (batch id, line) examples


def failure_groups(batches: list[dict[str, Any]]) -> list[Group]:
    """Quarantine and nulled-field groups from the batch log, largest first."""
    groups: dict[tuple[str, str, str, str], Group] = {}
    for b in batches:
        for f in b.get("files", []):
            entries = [("quarantined", r) for r in f.get("quarantine_reasons", [])]
            entries += [("nulled", r) for r in f.get("nulled_fields", [])]
            if not entries and f.get("quarantined"):  # a batch logged before reasons were counted
                entries = [("quarantined", {"field": "?", "reason": "?", "count": f["quarantined"], "lines": []})]
            for kind, r in entries:
                key = (kind, str(f["file"]), str(r["field"]), str(r["reason"]))
                g = groups.setdefault(key, Group(kind, *key[1:]))
                g.count += int(r["count"])
                g.lines.extend((str(b.get("batch_id", "")), int(x)) for x in r.get("lines", []))
    return sorted(groups.values(), key=lambda g: (-g.count, g.kind, g.file, g.column, g.reason))


def _stored_reasons(dh: DataHome, groups: list[Group]) -> dict[tuple[str, str, int], str]:
    """Stored reasons of the example lines: (batch id, file, line) → reason."""
    wanted = {(b, g.file, line) for g in groups if g.kind == "quarantined" for b, line in g.lines}
    if not wanted:
        return {}
    con = dh.connect()
    try:
        con.execute("CREATE TEMP TABLE wanted (batch_id VARCHAR, file VARCHAR, line BIGINT)")
        con.executemany("INSERT INTO wanted VALUES (?, ?, ?)", sorted(wanted))
        rows = con.execute("SELECT q.batch_id, q.file, q.line, q.reason FROM quarantine q "
                           "JOIN wanted USING (batch_id, file, line)").fetchall()
    finally:
        con.close()
    return {(b, f, int(line)): reason for b, f, line, reason in rows}


def print_failures(dh: DataHome, console: Console, batches: list[dict[str, Any]], full: bool) -> None:
    """Quarantine and nulled-field counts by file, field and reason, with example lines (a table per file,
    headed by the file's name in full, so that names stay readable on a narrow terminal)."""
    groups = failure_groups(batches)
    if not groups:
        console.print(t("status.no_failures"))
        return
    files = sorted({g.file for g in groups}, key=lambda f: -sum(g.count for g in groups if g.file == f))
    names = dict(zip(files, display_paths(files), strict=True))
    shown = groups if full else groups[:SUMMARY_GROUPS]
    stored = _stored_reasons(dh, shown) if full else {}
    console.print(t("status.failures"), style="bold")
    for file in files:
        mine = [g for g in shown if g.file == file]
        if not mine:
            continue
        console.print(names[file], markup=False, highlight=False, overflow="fold")
        table = Table(show_edge=False)
        table.add_column(t("status.kind"))
        table.add_column(t("status.field"), overflow="fold")
        table.add_column(t("status.reason"), overflow="fold", ratio=1)
        table.add_column(t("status.count"), justify="right")
        table.add_column(t("status.lines"), overflow="fold")
        for g in mine:
            kind = t("ingest.quarantined") if g.kind == "quarantined" else t("status.nulled")
            table.add_row(kind, g.column, reason_label(g.reason), f"{g.count:,}",
                          ", ".join(str(line) for _, line in g.lines[:3]))
        console.print(table)
        for g in mine:
            for batch, line in g.lines[:3]:
                reason = stored.get((batch, g.file, line))
                if reason:
                    console.print(f"  {line}: {reason}", markup=False, highlight=False, overflow="fold")
    if len(groups) > len(shown):
        console.print(t("status.more_groups", n=len(groups) - len(shown)))


def status(
    home: Path = typer.Option(None, "--home", help="Data home (default ./firmscore-data or $FIRMSCORE_HOME)."),
    quarantine: bool = typer.Option(False, "--quarantine", help="Every quarantine and nulled-field group, with "
                                    "example reasons. 列出全部隔离与置空原因。"),
) -> None:
    """Show record counts, quarantine and ingestion batches of the data home. 显示数据目录状态。"""
    dh = DataHome.open(home)
    console = Console()
    if not dh.root.exists():
        print_error(console, f"no data home at {dh.root}")
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
        cols = ("batch_id", "source", "read", "accepted", "filtered", "quarantined", "duplicates", "nulled")
        bt = Table(title="batches")
        for col in cols:
            bt.add_column(col, justify="left" if col in ("batch_id", "source") else "right", overflow="fold")
        for b in batches[-10:]:
            bt.add_row(*(f"{b[c]:,}" if isinstance(b.get(c), int) else str(b.get(c, "")) for c in cols))
        console.print(bt)
        print_failures(dh, console, batches, quarantine)


def register(app: typer.Typer) -> None:
    app.command("status")(status)
