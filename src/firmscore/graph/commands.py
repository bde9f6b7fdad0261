"""``firmscore graph``: build the as-of graph, write relationship features, or explain one firm."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

import firmscore.graph.messages  # noqa: F401  (registers the messages)
from firmscore.cli_options import parse_date, writing
from firmscore.graph.calibrate import calibrate_on_home
from firmscore.graph.contagion import ContagionModel
from firmscore.graph.explain import explain
from firmscore.graph.features import GraphAnalysis, analyse_home
from firmscore.i18n import t
from firmscore.store.atomic import atomic_dir, write_json, write_parquet
from firmscore.store.home import DataHome

_STEPS = 20  # build steps + analysis steps, for the progress bar



def _run(dh: DataHome, as_of: dt.date, model: ContagionModel | None, console: Console) -> GraphAnalysis:
    con = dh.connect()
    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=console,
                  transient=True) as bar:
        task = bar.add_task(t("graph.building"), total=_STEPS)

        def step(name: str) -> None:
            bar.update(task, advance=1, description=f"{t('graph.building')}: {name}")

        analysis = analyse_home(con, as_of, model=model, progress=step)
    con.close()
    return analysis


def _summary(analysis: GraphAnalysis, console: Console) -> None:
    g = analysis.graph
    table = Table(title=t("graph.title") + f" @ {g.as_of}")
    table.add_column("")
    table.add_column("", justify="right")
    table.add_row(t("graph.nodes"), f"{g.n_nodes:,} ({g.n_enterprises:,} + {g.n_persons:,})")
    for et, es in g.edges.items():
        if es.n_edges:
            table.add_row(f"{t('graph.edges')}: {et.value}", f"{es.n_edges:,}")
    table.add_row(t("graph.bytes_per_edge"), f"{g.nbytes / max(g.n_edges, 1):.2f}")
    table.add_row(t("graph.circles"), f"{analysis.guarantee_circles.n_circles:,}")
    table.add_row(t("graph.rings"), f"{int(analysis.features['rel_fraud_ring_flag'].sum()):,}")
    console.print(table)
    console.print(t("graph.contagion", n=analysis.model.n_iter_, ok=analysis.model.converged_))


def graph(
    home: Path = typer.Option(None, "--home", help="Data home (default ./firmscore-data or $FIRMSCORE_HOME)."),
    as_of: str = typer.Option(..., "--as-of", help="As-of date YYYY-MM-DD. 观察日。"),
    explain_id: str = typer.Option(None, "--explain", help="Explain how risk reaches this enterprise. 解释风险来源。"),
    calibrate_from: str = typer.Option(
        None, "--calibrate-from", help="Calibrate contagion on defaults in the year after this date. 校准起始日。"
    ),
    top: int = typer.Option(5, "--top", min=1, help="Paths to show with --explain. 显示路径数。"),
) -> None:
    """Build the relationship graph and write relationship features, or explain one firm. 关联关系图谱。"""
    console = Console()
    dh = DataHome.open(home)
    if not dh.root.exists():
        console.print(f"[red]{t('graph.no_home', path=dh.root)}[/red]")
        raise typer.Exit(1)
    day = parse_date(as_of)
    model = None
    if calibrate_from:
        model = calibrate_on_home(dh, parse_date(calibrate_from))
        console.print(t("graph.calibrated", d=calibrate_from))
    analysis = _run(dh, day, model, console)
    if explain_id:
        try:
            own, pd, statements = explain(analysis, explain_id, top=top)
        except KeyError as exc:
            console.print(f"[red]{t('graph.unknown_enterprise', eid=explain_id)}[/red]")
            raise typer.Exit(2) from exc
        console.print(f"[bold]{t('graph.explain_title', eid=explain_id)}[/bold]")
        console.print(f"{t('graph.own_pd')}: {own:.2%}   {t('graph.contagion_pd')}: {pd:.2%}")
        if not statements:
            console.print(t("graph.no_paths"))
        for i, s in enumerate(statements, 1):
            console.print(f"{i}. {s.zh}\n   {s.en}")
        return
    out_dir = dh.subdir("features") / "graph" / f"as_of={day.isoformat()}"
    path = out_dir / "relationship.parquet"
    weights = analysis.model.effective_weights
    with writing(dh, "graph"), atomic_dir(out_dir) as tmp:  # features and contagion summary replaced together
        write_parquet(tmp / path.name, analysis.table(), compression="zstd")
        write_json(tmp / "contagion.json",
                   {"weights": weights, "calibration": getattr(analysis.model, "calibration_", None),
                    "iterations": analysis.model.n_iter_, "converged": bool(analysis.model.converged_),
                    "mean_own_pd": float(np.mean(analysis.features["rel_own_pd"])) if analysis.graph.n_enterprises
                    else None}, indent=2)
    _summary(analysis, console)
    console.print(t("graph.written", path=path))


def register(app: typer.Typer) -> None:
    app.command("graph")(graph)
