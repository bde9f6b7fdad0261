"""``firmscore features`` and ``firmscore labels``: thin CLI faces over the feature library."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from firmscore.cli_options import writing
from firmscore.features import messages as _messages  # noqa: F401  (registers bilingual messages)
from firmscore.features.catalog import SQL_FEATURES, all_features, get_feature
from firmscore.features.compute import compute_features, read_features, write_features
from firmscore.features.docs import explain
from firmscore.features.labels import (
    DEFAULT_TRIGGERS,
    build_labels,
    describe_outcomes,
    outcome_counts,
    read_labels,
    write_labels,
)
from firmscore.features.report import coverage_report
from firmscore.features.univariate import NEAR_CONSTANT_SHARE
from firmscore.i18n import t
from firmscore.store.home import DataHome
from firmscore.terminal import print_error


def _date(value: str | None, console: Console) -> dt.date:
    if value is None:
        print_error(console, t('features.need_as_of'))
        raise typer.Exit(2)
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        print_error(console, t('features.bad_date', value=value))
        raise typer.Exit(2) from None


def _home(path: Path | None, console: Console) -> DataHome:
    home = DataHome.open(path)
    if not home.root.exists():
        print_error(console, t('features.no_home', path=home.root))
        raise typer.Exit(1)
    return home


def _compute(home: DataHome, as_of: dt.date, memory_limit: str | None, threads: int | None,
             console: Console, builtin_only: bool = False) -> Path:
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), console=console) as bar:
        task = bar.add_task(t("features.computing", as_of=as_of), total=None)

        def progress(label: str, done: int, total: int) -> None:
            title = f"{t('features.computing', as_of=as_of)}: {label}"
            bar.update(task, completed=done, total=total, description=title)

        specs = list(SQL_FEATURES) if builtin_only else None
        def notice(message: str) -> None:
            console.print(f"[yellow]{message}[/yellow]")

        matrix = compute_features(home, as_of, features=specs, progress=progress, notice=notice,
                                  memory_limit=memory_limit, threads=threads)
    path = write_features(home, matrix)
    console.print(t("features.written", rows=matrix.table.num_rows, cols=matrix.table.num_columns - 1, path=path))
    return path


def _report(home: DataHome, as_of: dt.date, horizon: str, console: Console) -> None:
    try:
        features, _ = read_features(home, as_of)
    except FileNotFoundError:
        _compute(home, as_of, None, None, console)
        features, _ = read_features(home, as_of)
    try:
        labels = read_labels(home, as_of, horizon)
    except FileNotFoundError:
        labels = build_labels(home, as_of, horizon)
        write_labels(home, as_of, horizon, labels)
    rows = coverage_report(features, labels)
    table = Table(title=t("features.report_title", as_of=as_of, horizon=horizon))
    for col, justify in (("feature", "left"), ("dim", "left"), ("dir", "right"), ("fill", "right"),
                         ("distinct", "right"), ("top", "right"), ("not auth.", "right"), ("AUC", "right"),
                         ("IV", "right")):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]

    def num(v: float, fmt: str) -> str:
        return "—" if math.isnan(v) else format(v, fmt)

    for r in rows:
        table.add_row(r["feature"], r["dimension"], f"{r['direction']:+d}", f"{r['fill_rate']:.1%}",
                      str(r["distinct"]), f"{r['top_share']:.1%}", str(r["not_authorized"]), num(r["auc"], ".3f"),
                      num(r["iv"], ".3f"))
    console.print(table)
    for line in describe_outcomes(outcome_counts(labels)):
        console.print(line, markup=False)
    degenerate = [r for r in rows if r["degenerate"]]
    if degenerate:
        console.print(t("features.degenerate_title", n=len(degenerate), share=NEAR_CONSTANT_SHARE), style="yellow",
                      markup=False)
        for r in sorted(degenerate, key=lambda r: (r["degenerate"] != "constant", r["feature"])):
            console.print(f"  {r['feature']}: {t('features.' + r['degenerate'])} ({r['top_share']:.1%})", markup=False)


def features(
    home: Path = typer.Option(None, "--home", help="Data home (default $FIRMSCORE_HOME or ./firmscore-data)."),
    as_of: str = typer.Option(None, "--as-of", help="As-of date YYYY-MM-DD. 评估日。"),
    memory_limit: str = typer.Option(None, "--memory-limit", help="DuckDB memory limit, e.g. 4GB."),
    threads: int = typer.Option(None, "--threads", help="DuckDB worker threads."),
    explain_name: str = typer.Option(None, "--explain", help="Print one feature's definition and SQL."),
    report: bool = typer.Option(False, "--report", help="Coverage, AUC and IV per feature against the labels."),
    horizon: str = typer.Option("12m", "--horizon", help="Label horizon used by --report."),
    list_all: bool = typer.Option(False, "--list", help="List the catalog."),
    builtin_only: bool = typer.Option(False, "--builtin-only",
                                      help="Only the SQL features (no graph artifact read or built). 仅SQL特征。"),
) -> None:
    """Compute the five-dimension feature matrix as of a date. 计算五维特征矩阵。"""
    console = Console()
    if explain_name:
        try:
            typer.echo(explain(get_feature(explain_name)))
        except KeyError:
            print_error(console, t('features.unknown', name=explain_name))
            raise typer.Exit(2) from None
        return
    if list_all:
        for spec in all_features():
            console.print(f"{spec.id:40s} {spec.dimension.value:12s} {spec.name_zh} / {spec.name_en}", markup=False)
        return
    dh = _home(home, console)
    day = _date(as_of, console)
    with writing(dh, "features"):
        if report:
            _report(dh, day, horizon, console)
            return
        _compute(dh, day, memory_limit, threads, console, builtin_only)


def labels(
    home: Path = typer.Option(None, "--home", help="Data home."),
    as_of: str = typer.Option(None, "--as-of", help="As-of date YYYY-MM-DD: outcomes are counted after it."),
    horizon: str = typer.Option("12m", "--horizon", help="Outcome window after the as-of date (12m, 1y, 90d)."),
    trigger: list[str] = typer.Option(list(DEFAULT_TRIGGERS), "--trigger",
                                      help="Default triggers: dpd90, enforcement, exit, bankruptcy, default, "
                                      "dishonest."),
) -> None:
    """Build the default outcome labels for (D, D + horizon]. 构建违约标签。"""
    console = Console()
    dh = _home(home, console)
    day = _date(as_of, console)
    with writing(dh, "labels"):
        try:
            table = build_labels(dh, day, horizon, trigger)
        except ValueError as exc:
            print_error(console, exc)
            raise typer.Exit(2) from None
        path = write_labels(dh, day, horizon, table, trigger)
    console.print(t("labels.written", rows=f"{table.num_rows:,}", path=path), markup=False)
    for line in describe_outcomes(outcome_counts(table)):
        console.print(line, markup=False)


def register(app: typer.Typer) -> None:
    app.command("features")(features)
    app.command("labels")(labels)
