"""``firmscore synth``: generate a synthetic SME universe."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from firmscore.cli_options import parse_date
from firmscore.synth.config import BLOCK_SIZE
from firmscore.synth.fraud_config import PRESETS, FraudPlantConfig
from firmscore.synth.fraud_plant import TRUTH_FILE, plant_fraud
from firmscore.synth.generate import generate
from firmscore.terminal import print_error


def synth(
    enterprises: int = typer.Option(..., "--enterprises", "-n", min=1, help="Number of firms. 企业数量。"),
    seed: int = typer.Option(..., "--seed", help="Random seed; same seed, same universe. 随机种子。"),
    out: Path = typer.Option(..., "--out", help="Output folder. 输出目录。"),
    as_of: str = typer.Option("2025-06-30", "--as-of", help="Observation date YYYY-MM-DD. 观察日。"),
    horizon_months: int = typer.Option(12, "--horizon-months", min=3, help="Outcome window. 违约观察期（月）。"),
    chunk_size: int = typer.Option(
        16 * BLOCK_SIZE, "--chunk-size", min=1, help="Firms per part file. 每个文件的企业数。"
    ),
    quiet: bool = typer.Option(False, "--quiet", help="No progress bar. 不显示进度。"),
    plant_fraud_plan: str = typer.Option(
        None, "--plant-fraud",
        help=f"Plant fraud typologies: a preset ({', '.join(sorted(PRESETS))}) or a JSON plan file. 植入欺诈类型。",
    ),
) -> None:
    """Generate a synthetic SME universe with ground truth. 生成合成中小企业数据。"""
    console = Console()
    plan: FraudPlantConfig | None = None
    if plant_fraud_plan:  # read the plan before generating: a bad plan costs nothing
        try:
            plan = (PRESETS[plant_fraud_plan] if plant_fraud_plan in PRESETS
                    else FraudPlantConfig.from_file(plant_fraud_plan))
        except (OSError, ValueError) as exc:
            print_error(console, f"synth --plant-fraud {plant_fraud_plan}: {exc}")
            raise typer.Exit(2) from exc
    try:
        summary = generate(out, enterprises, seed, as_of=parse_date(as_of), horizon_months=horizon_months,
                           chunk_size=chunk_size, progress=not quiet)
    except ValueError as exc:
        print_error(console, f"synth: {exc}")
        raise typer.Exit(2) from exc
    if plan is not None:
        planted = plant_fraud(out, plan, seed=seed)
        console.print(f"植入欺诈 / planted fraud ({plan.name}): "
                      + ", ".join(f"{k} {v:,}" for k, v in sorted(planted.truth_firms.items()))
                      + f" firms; truth in {out / 'truth' / TRUTH_FILE}")
    table = Table(title=f"合成数据 / synthetic universe: {summary.out_dir}")
    table.add_column("记录类型 / record type")
    table.add_column("记录数 / records", justify="right")
    for rt, n in summary.records.items():
        table.add_row(rt, f"{n:,}")
    console.print(table)
    console.print(
        f"违约率 / default rate {summary.default_rate:.2%} ({summary.defaults:,} of {summary.active:,} in business); "
        f"{summary.elapsed_seconds:.1f} s, {summary.enterprises_per_second:,.0f} enterprises/s, "
        f"{summary.events_per_second:,.0f} events/s"
    )


def register(app: typer.Typer) -> None:
    app.command("synth")(synth)
