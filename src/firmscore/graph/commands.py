"""``firmscore graph``: build the as-of graph and seal it as the stage's artifact, or explain one firm."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

import firmscore.graph.messages  # noqa: F401  (registers the messages)
from firmscore.cli_options import parse_date, writing
from firmscore.graph.artifact import GraphArtifactError, build_graph_artifact, open_graph_artifact
from firmscore.graph.calibrate import calibrate_on_home
from firmscore.graph.contagion import ContagionModel
from firmscore.graph.explain import explain
from firmscore.graph.features import GraphAnalysis, analyse_home
from firmscore.i18n import t
from firmscore.store.home import DataHome
from firmscore.terminal import print_error

_STEPS = 20  # build steps + analysis steps, for the progress bar



def _progress_bar(console: Console) -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=console,
                    transient=True)


def _build(dh: DataHome, as_of: dt.date, model: ContagionModel | None, calibrated_from: dt.date | None,
           console: Console, write: bool) -> GraphAnalysis:
    """Build and analyse the as-of graph with a progress bar; with ``write``, seal it as the artifact."""
    with _progress_bar(console) as bar:
        task = bar.add_task(t("graph.building"), total=_STEPS)

        def step(name: str) -> None:
            bar.update(task, advance=1, description=f"{t('graph.building')}: {name}")

        if write:
            artifact, analysis = build_graph_artifact(dh, as_of, model=model, calibrated_from=calibrated_from,
                                                      progress=step)
            console.print(t("graph.written", path=artifact.data_path))
            console.print(t("graph.artifact_id", id=artifact.artifact_id[:12]))
            return analysis
        con = dh.connect()
        try:
            return analyse_home(con, as_of, model=model, progress=step)
        finally:
            con.close()


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
    """Build the relationship graph and seal its point-in-time artifact, or explain one firm. 关联关系图谱。"""
    console = Console()
    dh = DataHome.open(home)
    if not dh.root.exists():
        print_error(console, t('graph.no_home', path=dh.root))
        raise typer.Exit(1)
    day = parse_date(as_of)
    model = None
    if calibrate_from:
        model = calibrate_on_home(dh, parse_date(calibrate_from))
        console.print(t("graph.calibrated", d=calibrate_from))
    elif explain_id:
        try:  # explain with the weights the features were computed with
            model = open_graph_artifact(dh, day, verify_data=False).model
        except GraphArtifactError:
            model = None
    calibrated_from = parse_date(calibrate_from) if calibrate_from else None
    with writing(dh, "graph") if not explain_id else contextlib.nullcontext():
        analysis = _build(dh, day, model, calibrated_from, console, write=not explain_id)
    if explain_id:
        try:
            own, pd, statements = explain(analysis, explain_id, top=top)
        except KeyError as exc:
            print_error(console, t('graph.unknown_enterprise', eid=explain_id))
            raise typer.Exit(2) from exc
        console.print(f"[bold]{t('graph.explain_title', eid=explain_id)}[/bold]")
        console.print(f"{t('graph.own_pd')}: {own:.2%}   {t('graph.contagion_pd')}: {pd:.2%}")
        if not statements:
            console.print(t("graph.no_paths"))
        for i, s in enumerate(statements, 1):
            console.print(f"{i}. {s.zh}\n   {s.en}")
        return
    _summary(analysis, console)


def register(app: typer.Typer) -> None:
    app.command("graph")(graph)
