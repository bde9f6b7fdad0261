"""``firmscore ingest``: map, validate, quarantine, dedupe and store, then print the reconciliation."""

from __future__ import annotations

import os
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from firmscore.cli_options import writing
from firmscore.i18n import t
from firmscore.ingest import IngestReport, MappingError, ingest_paths
from firmscore.ingest.readers import UnreadableFile
from firmscore.store.home import DataHome
from firmscore.terminal import display_paths, print_error


def print_report(report: IngestReport, console: Console) -> None:
    """Per-file and total reconciliation (read = accepted + filtered + quarantined + duplicates + erased).

    The erased column is shown only when a batch met erased records, so the usual table stays narrow.
    """
    table = Table(title=f"{t('ingest.summary')} · {report.source} · {report.batch_id}")
    table.add_column("file", overflow="fold", ratio=1)
    counts: tuple[str, ...] = ("read", "accepted", "filtered", "quarantined", "duplicates")
    if report.total("erased"):
        counts += ("erased",)
    for key in counts:
        table.add_column(t(f"ingest.{key}"), justify="right", overflow="fold")
    table.add_column("✓")
    for name, f in zip(display_paths([f.file for f in report.files]), report.files, strict=True):
        table.add_row(name, *(f"{getattr(f, k):,}" for k in counts), "✓" if f.reconciled else "✗")
    table.add_row("[b]total[/b]", *(f"[b]{report.total(k):,}[/b]" for k in counts),
                  "✓" if report.reconciled else "✗")
    console.print(table)
    for name, f in zip(display_paths([f.file for f in report.files]), report.files, strict=True):
        if f.unaccounted:
            lost = t("error.lines_unaccounted", file=name, physical=f.physical, explained=f.read + f.skipped)
            console.print(lost, style="red", markup=False, highlight=False)
        for field_name, n in sorted(f.nulled.by_field().items()):
            console.print(f"{name}: {t('ingest.nulled')} {field_name}: {n:,}")
    new = ", ".join(f"{k}: {v:,} ({report.new_versions.get(k, 0):,} {t('ingest.new_versions', lang='en')})"
                    for k, v in report.new_records.items())
    console.print(f"new records / 新记录: {new or '0'}")
    if report.unmatched:
        console.print(f"[yellow]{len(report.unmatched)} file(s) matched no mapping, not read / 未匹配文件:[/yellow]")
        for u in display_paths(report.unmatched[:20]):
            console.print(f"  {u}")
    console.print(t("ingest.reconciled") if report.reconciled else f"[red]{t('ingest.not_reconciled')}[/red]")
    if report.checkpoint:
        console.print(f"ledger / 证据账本: {sum(report.leaves.values()):,} leaves appended; signed checkpoint:")
        console.print(report.checkpoint.rstrip(), markup=False, highlight=False)
    console.print(f"{report.elapsed_s:.2f} s, {report.total('read') / max(report.elapsed_s, 1e-9):,.0f} rows/s")


def ingest_cmd(
    paths: list[Path] = typer.Argument(..., help="Files or folders to ingest."),
    home: Path = typer.Option(None, "--home", help="Data home (default ./firmscore-data or $FIRMSCORE_HOME)."),
    source: str = typer.Option(None, "--source", help="Source profile (built-in name or YAML path)."),
    mapping: str = typer.Option(None, "--mapping", help="A single mapping (built-in name or YAML path) for all files."),
    chunk_rows: int = typer.Option(200_000, "--chunk-rows", help="Rows per streamed chunk (bounds memory)."),
    ledger: bool = typer.Option(True, "--ledger/--no-ledger", help="Log every new record in the evidence ledger."),
    workers: int = typer.Option(0, "--workers", help="Conversion processes (0: one per CPU; used on large inputs)."),
) -> None:
    """Ingest source files into the data home. 导入数据: 映射、校验、隔离、去重、入库。"""
    console = Console()
    dh = DataHome.open(home)
    try:
        with writing(dh, "ingest"), Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                             TimeElapsedColumn(), console=console, transient=True) as progress:
            tasks: dict[str, TaskID] = {}

            def tick(phase: str, n: int, total: int | None) -> None:
                if phase not in tasks:
                    for done in tasks.values():  # an earlier phase is over
                        progress.stop_task(done)
                    tasks[phase] = progress.add_task(t(f"ingest.phase.{phase}"), total=total)
                progress.update(tasks[phase], advance=n)

            report = ingest_paths(dh, paths, source=source, mapping=mapping, progress=tick, chunk_rows=chunk_rows,
                                  ledger=ledger, workers=workers or (os.cpu_count() or 1))
    except FileNotFoundError as exc:
        print_error(console, t('error.missing_file', path=exc.args[0]))
        raise typer.Exit(2) from exc
    except (MappingError, UnreadableFile) as exc:
        console.print(str(exc), style="red", markup=False, highlight=False)
        raise typer.Exit(2) from exc
    print_report(report, console)
    if not report.reconciled:
        raise typer.Exit(3)


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest_cmd)
