"""``firmscore benchmark real``: one table of model quality on every real dataset, written to docs/benchmarks.md."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from firmscore.benchmark.datasets import BenchDataset, cumcm2020c, polish, slovak, slovak_small
from firmscore.benchmark.models import MODELS
from firmscore.benchmark.run import DatasetResult, markdown, run_dataset
from firmscore.config import shared_datasets_dir
from firmscore.store.home import DataHome

app = typer.Typer(help="Benchmarks of the models on real data. 基准测试。", no_args_is_help=True)
DATASETS = ("polish", "slovak", "slovak_small", "cumcm2020c")


def _cumcm_home(path: Path, datasets: Path, console: Console) -> DataHome:
    """The cumcm2020c home: ingested and its features of 2020-02-29 computed, once (then reused)."""
    from firmscore.benchmark.cumcm import AS_OF
    from firmscore.features import compute_features, write_features
    from firmscore.features.compute import features_dir
    from firmscore.ingest import ingest_paths

    home = DataHome(path)
    if not (features_dir(home, AS_OF) / "features.parquet").exists():
        with console.status("cumcm2020c: ingestion and features (once) / 导入与特征"):
            if not home.parquet_files("enterprise"):
                ingest_paths(home, [datasets / "cumcm2020c"], source="cumcm2020c")
            write_features(home, compute_features(home, AS_OF))
    return home


@app.command("real")
def real(
    datasets: Path = typer.Option(None, "--datasets", help="Real datasets folder (default ../shared/datasets)."),
    only: list[str] = typer.Option(list(DATASETS), "--only", help="Datasets to run (repeatable)."),
    cumcm_home: Path = typer.Option(Path("bench-homes/cumcm2020c"), "--cumcm-home",
                                    help="Data home for cumcm2020c (ingested once, then reused)."),
    out: Path = typer.Option(Path("docs/benchmarks.md"), "--out", help="Markdown page to write."),
    models: list[str] = typer.Option(list(MODELS), "--model", help="Models to run (repeatable; default all)."),
) -> None:
    """Scorecard, challenger, optbinning and plain LightGBM on each real dataset: AUC and KS with 95 % CIs."""
    console = Console()
    root = datasets or shared_datasets_dir()
    loaders = {"polish": lambda: polish(root), "slovak": lambda: slovak(root),
               "slovak_small": lambda: slovak_small(root),
               "cumcm2020c": lambda: cumcm2020c(_cumcm_home(cumcm_home, root, console), root)}
    unknown = [m for m in models if m not in MODELS]
    if unknown:
        raise typer.BadParameter(f"unknown models {unknown} (known: {', '.join(MODELS)})")
    chosen = tuple(m for m in MODELS if m in models)
    results: list[DatasetResult] = []
    for name in only:
        if name not in loaders:
            raise typer.BadParameter(f"unknown dataset {name!r} (known: {', '.join(DATASETS)})")
        ds: BenchDataset = loaders[name]()
        with console.status(f"{name}") as status:
            results.append(run_dataset(ds, models=chosen, step=lambda m: status.update(m)))
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
    command = "firmscore benchmark real " + " ".join(f"--only {n}" for n in only)
    if chosen != MODELS:
        command += " " + " ".join(f"--model '{m}'" for m in chosen)
    out.write_text(markdown(results, command=command), encoding="utf-8")
    console.print(f"written / 已写出: {out}")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="benchmark")
