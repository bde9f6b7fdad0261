"""``firmscore benchmark real``: one table of model quality on every real dataset, written to docs/benchmarks.md."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import typer
from rich.console import Console
from rich.status import Status
from rich.table import Table

from firmscore.benchmark.datasets import BenchDataset, bdci2017, cumcm2020c, polish, slovak, slovak_small
from firmscore.benchmark.models import MODELS
from firmscore.benchmark.run import DatasetResult, keep_tail, lifts, markdown, run_dataset
from firmscore.config import shared_datasets_dir
from firmscore.store.home import DataHome

app = typer.Typer(help="Benchmarks of the models on real data. 基准测试。", no_args_is_help=True)
DATASETS = ("polish", "slovak", "slovak_small", "cumcm2020c", "bdci2017")


def _ingested_home(path: Path, folder: Path, *, source: str, as_of: dt.date, console: Console) -> DataHome:
    """A dataset's home: ingested with its source profile and its features of ``as_of`` computed, once."""
    from firmscore.features import compute_features, write_features
    from firmscore.features.compute import features_dir
    from firmscore.ingest import ingest_paths

    home = DataHome(path)
    if not (features_dir(home, as_of) / "features.parquet").exists():
        with console.status(f"{source}: ingestion and features (once) / 导入与特征"):
            if not home.parquet_files("enterprise"):
                ingest_paths(home, [folder], source=source)
            write_features(home, compute_features(home, as_of))
    return home


def _cumcm_home(path: Path, datasets: Path, console: Console) -> DataHome:
    """The cumcm2020c home: ingested and its features of 2020-02-29 computed, once (then reused)."""
    from firmscore.benchmark.cumcm import AS_OF

    return _ingested_home(path, datasets / "cumcm2020c", source="cumcm2020c", as_of=AS_OF, console=console)


def _bdci_home(path: Path, datasets: Path, console: Console) -> DataHome:
    """The bdci2017 home: ingested and its features (graph stage included) of 2015-08-01 computed, once."""
    from firmscore.benchmark.bdci import AS_OF

    return _ingested_home(path, datasets / "bdci2017", source="bdci2017", as_of=AS_OF, console=console)


@app.command("real")
def real(
    datasets: Path = typer.Option(None, "--datasets", help="Real datasets folder (default ../shared/datasets)."),
    only: list[str] = typer.Option(list(DATASETS), "--only", help="Datasets to run (repeatable)."),
    cumcm_home: Path = typer.Option(Path("bench-homes/cumcm2020c"), "--cumcm-home",
                                    help="Data home for cumcm2020c (ingested once, then reused)."),
    bdci_home: Path = typer.Option(Path("bench-homes/bdci2017"), "--bdci-home",
                                   help="Data home for bdci2017 (ingested once, then reused)."),
    out: Path = typer.Option(Path("docs/benchmarks.md"), "--out", help="Markdown page to write."),
    models: list[str] = typer.Option(list(MODELS), "--model", help="Models to run (repeatable; default all)."),
) -> None:
    """Scorecard, challenger, optbinning and plain LightGBM on each real dataset: AUC and KS with 95 % CIs."""
    console = Console()
    root = datasets or shared_datasets_dir()
    loaders: dict[str, Callable[[], list[BenchDataset]]] = {
        "polish": lambda: [polish(root)], "slovak": lambda: [slovak(root)],
        "slovak_small": lambda: [slovak_small(root)],
        "cumcm2020c": lambda: [cumcm2020c(_cumcm_home(cumcm_home, root, console), root)],
        "bdci2017": lambda: bdci2017(_bdci_home(bdci_home, root, console), root)}
    unknown_models = [m for m in models if m not in MODELS]
    if unknown_models:
        raise typer.BadParameter(f"unknown models {unknown_models} (known: {', '.join(MODELS)})")
    chosen = tuple(m for m in MODELS if m in models)
    unknown = [n for n in only if n not in loaders]
    if unknown:
        raise typer.BadParameter(f"unknown dataset(s) / 未知数据集: {', '.join(unknown)} "
                                 f"(known / 可选: {', '.join(DATASETS)})")
    results: list[DatasetResult] = []
    for name in only:
        for ds in loaders[name]():
            with console.status(ds.name) as status:

                def step(message: str, status: Status = status) -> None:
                    status.update(message)
                    console.log(message)  # a line per model, also when the output is a log file

                results.append(run_dataset(ds, models=chosen, step=step))
    table = Table(title="real-data benchmark / 真实数据基准")
    for col in ("dataset", "rows", "model", "AUC [95% CI]", "KS [95% CI]"):
        table.add_column(col)
    for r in results:
        for model in MODELS:
            if model in r.auc:
                table.add_row(r.dataset.name, f"{r.n_eval:,}", model, r.auc[model].fmt(), r.ks[model].fmt())
            elif model in r.failed:
                table.add_row(r.dataset.name, "", model, f"not run: {r.failed[model]}", "")
    console.print(table)
    for lift in lifts(results):
        console.print(f"{lift.dataset} vs {lift.base}, {lift.model}: AUC difference {lift.diff.fmt()} "
                      f"({'CI above zero / 置信区间高于零' if lift.met else 'CI not above zero / 置信区间未高于零'})")
    command = "firmscore benchmark real " + " ".join(f"--only {n}" for n in only)
    if chosen != MODELS:
        command += " " + " ".join(f"--model '{m}'" for m in chosen)
    previous = out.read_text(encoding="utf-8") if out.exists() else None
    out.write_text(markdown(results, command=command) + keep_tail(previous), encoding="utf-8")
    console.print(f"written / 已写出: {out}")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="benchmark")
