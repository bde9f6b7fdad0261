"""``firmscore trust``: write the data trust indicators of a date, or explain one firm's."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

import firmscore.trust.messages  # noqa: F401  (registers the messages)
from firmscore.cli_options import parse_date, writing
from firmscore.i18n import t
from firmscore.store.home import DataHome
from firmscore.terminal import print_error
from firmscore.trust.checks import CHECK_IDS
from firmscore.trust.compute import compute_trust
from firmscore.trust.explain import explain_firm
from firmscore.trust.store import write_trust
from firmscore.trust.thresholds import DEFAULT_DEPTH_SCALE

_QUALITY_BANDS: tuple[tuple[float, float, str], ...] = (
    (100.0, 100.01, "100"), (90.0, 100.0, "90–99.9"), (75.0, 90.0, "75–89.9"), (50.0, 75.0, "50–74.9"),
    (0.0, 50.0, "0–49.9"),
)



def _compute(dh: DataHome, day: dt.date, console: Console, memory_limit: str | None) -> pa.Table:
    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=console,
                  transient=True) as bar:
        task = bar.add_task(t("trust.computing"), total=None)

        def step(label: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, description=f"{t('trust.computing')}: {label}")

        return compute_trust(dh, day, progress=step, memory_limit=memory_limit)


def summary_tables(table: pa.Table) -> list[Table]:
    """Distribution of depth grades and quality scores, and each check's fail rate."""
    n = max(table.num_rows, 1)
    grades = Table(title=t("trust.depth_grade"))
    grades.add_column(t("trust.depth_grade"))
    grades.add_column(t("trust.enterprises"), justify="right")
    grades.add_column(t("trust.share"), justify="right")
    counts = {str(r["values"]): int(r["counts"]) for r in pc.value_counts(table["depth_grade"]).to_pylist()}
    for grade in "ABCDE":
        grades.add_row(grade, f"{counts.get(grade, 0):,}", f"{counts.get(grade, 0) / n:.1%}")

    quality = Table(title=t("trust.quality"))
    quality.add_column(t("trust.quality"))
    quality.add_column(t("trust.enterprises"), justify="right")
    quality.add_column(t("trust.share"), justify="right")
    scores = table["quality_score"]
    for lo, hi, label in _QUALITY_BANDS:
        k = int(pc.sum(pc.and_(pc.greater_equal(scores, lo), pc.less(scores, hi))).as_py() or 0)
        quality.add_row(label, f"{k:,}", f"{k / n:.1%}")
    unscored = scores.null_count
    quality.add_row(t("trust.no_score"), f"{unscored:,}", f"{unscored / n:.1%}")
    mean = pc.mean(scores).as_py()
    quality.add_row(t("trust.quality_mean"), "" if mean is None else f"{mean:.1f}", "")

    checks = Table(title=t("trust.check"))
    checks.add_column(t("trust.check"))
    checks.add_column(t("trust.applicable"), justify="right")
    checks.add_column(t("trust.fail_rate"), justify="right")
    for cid in CHECK_IDS:
        col = table[f"check_{cid}"]
        applicable = int(pc.sum(pc.not_equal(col, "na")).as_py() or 0)
        failed = int(pc.sum(pc.equal(col, "fail")).as_py() or 0)
        checks.add_row(t(f"trust.{cid}.title"), f"{applicable:,}",
                       f"{failed / applicable:.1%}" if applicable else "—")
    return [grades, quality, checks]


def _explain(dh: DataHome, eid: str, day: dt.date, console: Console) -> None:
    row, items = explain_firm(dh, eid, day)
    if row is None:
        print_error(console, t('trust.unknown_enterprise', eid=eid, as_of=day))
        raise typer.Exit(2)
    console.print(f"[bold]{t('trust.explain_title', eid=eid, as_of=day)}[/bold]")
    console.print(t("trust.depth_line", grade=row["depth_grade"], points=row["depth_points"],
                    max_points=DEFAULT_DEPTH_SCALE.max_points, n_sources=row["n_sources"],
                    n_records=row["n_records"], n_families=row["n_families"], span=row["history_span_months"],
                    active=row["active_months"]))
    score = row["quality_score"]
    console.print(t("trust.quality_line", score="—" if score is None else f"{score:.1f}",
                    applicable=row["n_checks_applicable"], failed=row["n_checks_failed"]))
    if row["quality_reason"]:
        console.print(str(row["quality_reason"]))
    style = {"pass": "green", "fail": "red", "na": "dim"}
    for item in items:
        console.print(f"[{style[item['outcome']]}]• {item['title_zh']} / {item['title_en']}[/]")
        console.print(f"   {item['text_zh']}", highlight=False)
        console.print(f"   {item['text_en']}", highlight=False)


def trust(
    home: Path = typer.Option(None, "--home", help="Data home (default ./firmscore-data or $FIRMSCORE_HOME)."),
    as_of: str = typer.Option(..., "--as-of", help="As-of date YYYY-MM-DD. 观察日。"),
    explain_id: str = typer.Option(None, "--explain", help="Explain one enterprise's indicators. 解释单个企业。"),
    memory_limit: str = typer.Option(None, "--memory-limit", help="DuckDB memory limit, e.g. 4GB. 内存上限。"),
) -> None:
    """Data depth grade and information-quality score of every enterprise. 数据深度与信息质量。"""
    console = Console()
    dh = DataHome.open(home)
    if not dh.root.is_dir():
        print_error(console, t('trust.no_home', path=dh.root))
        raise typer.Exit(1)
    day = parse_date(as_of)
    if explain_id:
        _explain(dh, explain_id, day, console)
        return
    with writing(dh, "trust"):
        table = _compute(dh, day, console, memory_limit)
        path = write_trust(dh, table, day)
    console.print(f"[bold]{t('trust.title')} @ {day}[/bold]  {t('trust.enterprises')}: {table.num_rows:,}")
    for rendered in summary_tables(table):
        console.print(rendered)
    console.print(t("trust.written", path=path))


def register(app: typer.Typer) -> None:
    app.command("trust")(trust)
