"""``firmscore train | score | validate | verify-score | report``: thin faces over the scoring jobs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from firmscore.cli_options import parse_date, writing
from firmscore.i18n import t as tr
from firmscore.ledger.checkpoint import Keyring
from firmscore.scoring import read_scores, score_enterprises, train_model, validate_model, verify_score
from firmscore.store.home import DataHome
from firmscore.terminal import print_error

HOME = typer.Option(None, "--home", help="Data home (default ./firmscore-data or $FIRMSCORE_HOME).")



def train(
    as_of: str = typer.Option(..., "--as-of", help="Features and labels of this date."),
    horizon: str = typer.Option("12m", "--horizon"),
    oot: str = typer.Option(None, "--oot", help="An out-of-time date (its features and labels must exist)."),
    long_run_rate: float = typer.Option(None, "--long-run-default-rate", help="Re-centre PDs on this rate."),
    challenger: bool = typer.Option(True, "--challenger/--no-challenger",
                                    help="Also fit the (unconstrained) LightGBM challenger."),
    monotone_challenger: bool = typer.Option(
        False, "--monotone-challenger",
        help="Also fit a LightGBM challenger under the catalog's risk directions; the report shows its AUC cost."),
    home: Path = HOME,
) -> None:
    """Fit, calibrate and validate the scorecard; write the model bundle and report. 训练评分卡。"""
    console = Console()
    with writing(DataHome.open(home), "train"), console.status("training / 训练中") as status:
        res = train_model(DataHome.open(home), parse_date(as_of), horizon, oot_as_of=parse_date(oot) if oot else None,
                          long_run_default_rate=long_run_rate, challenger=challenger,
                          monotone_challenger=monotone_challenger,
                          progress=lambda m: status.update(m))
    t = Table(title="模型 / model")
    t.add_column("")
    t.add_column("")
    t.add_row("model id", res.bundle.model_id)
    o = res.outcomes
    t.add_row("firms / 建模企业", f"{o.known:,} (default / 违约 {o.defaults:,}, no default / 未违约 {o.no_defaults:,})")
    t.add_row("unknown outcome, excluded / 结果未知(已排除)", f"{o.unknown:,}")
    t.add_row("features used / 入模特征", str(res.metrics["features_used"]))
    t.add_row("scorecard test AUC / 测试集 AUC", f"{res.metrics['scorecard_test_auc']:.4f}")
    if "lightgbm_test_auc" in res.metrics:
        t.add_row("LightGBM challenger test AUC", f"{res.metrics['lightgbm_test_auc']:.4f}")
    if "lightgbm_monotone_test_auc" in res.metrics:
        t.add_row("monotone LightGBM test AUC / 单调约束", f"{res.metrics['lightgbm_monotone_test_auc']:.4f} "
                  f"(cost / 代价 {res.metrics['monotone_auc_cost']:+.4f})")
    t.add_row("model file", str(res.model_path))
    t.add_row("report / 验证报告", str(res.report_dir / "report.html"))
    console.print(t)
    if o.unknown:
        console.print(tr("train.unknown_excluded", n=f"{o.unknown:,}"), markup=False)
    if res.warnings:
        console.print(tr("train.warnings_title") + ":", style="bold yellow", markup=False)
        for w in res.warnings:
            console.print(f"  ⚠ {w.text()}", style="yellow", markup=False)


def score(
    as_of: str = typer.Option(..., "--as-of", help="Score with the features of this date."),
    model: str = typer.Option(None, "--model", help="Model id (prefix); default: the current model."),
    home: Path = HOME,
) -> None:
    """Score every enterprise: score, grade, PD, sub-scores, reasons, evidence, receipt. 批量评分。"""
    console = Console()
    with writing(DataHome.open(home), "score"), console.status("scoring / 评分中") as status:
        res = score_enterprises(DataHome.open(home), parse_date(as_of), model_id=model,
                                progress=lambda m: status.update(m))
    f = res.frame
    t = Table(title=f"评分分布 / score distribution ({res.n:,} firms, model {res.model_id[:12]})")
    for col in ("band", "firms", "mean PD"):
        t.add_column(col, justify="right")
    for band in ("poor", "medium", "good", "excellent", "outstanding"):
        sel = f[f["band"] == band]
        t.add_row(band, f"{len(sel):,}", f"{sel['pd'].mean():.2%}" if len(sel) else "-")
    console.print(t)
    counts = f["grade"].value_counts()
    order = [g for g in ("AAA", "AA", "A", "BBB", "BB", "B", "CCC", "CC", "C", "D") if g in counts.index]
    order += [g for g in counts.index if g not in order]
    console.print("grades / 等级: " + ", ".join(f"{g} {int(counts[g]):,}" for g in order))
    console.print(f"scores: {res.path}  ({res.elapsed_s:.1f} s)")


def validate(
    as_of: str = typer.Option(..., "--as-of", help="Newer date whose outcomes are now known."),
    horizon: str = typer.Option("12m", "--horizon"),
    model: str = typer.Option(None, "--model"),
    home: Path = HOME,
) -> None:
    """Re-validate a model on newer outcomes (out of time). 跨期验证。"""
    with writing(DataHome.open(home), "validate"):
        report, out = validate_model(DataHome.open(home), parse_date(as_of), horizon, model_id=model)
    console = Console()
    for note in report.context["card"].notes:  # how many unknown outcomes each period left out
        console.print(note, markup=False)
    console.print(f"report / 报告: {out / 'report.html'}")


def verify_score_cmd(
    enterprise_id: str = typer.Argument(..., help="Enterprise id (unified social credit code)."),
    as_of: str = typer.Option(None, "--as-of", help="Date of the score (default: the latest scored)."),
    home: Path = HOME,
    keyring: Path = typer.Option(None, "--keyring", help="The ledger's published keyring (default: the key folder's)."),
) -> None:
    """Re-prove each record behind a score and recompute it bit for bit. 验证评分。"""
    console = Console()
    ring = None
    if keyring is not None:
        try:
            ring = Keyring.parse(keyring.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            print_error(console, f"keyring unreadable / 公钥环无法读取: {keyring}: {exc}")
            raise typer.Exit(2) from exc
    res = verify_score(DataHome.open(home), enterprise_id, parse_date(as_of) if as_of else None, keyring=ring)
    t = Table(title=f"verify-score {enterprise_id} @ {res.as_of}")
    t.add_column("check")
    t.add_column("")
    t.add_column("结果 / result")
    for c in res.checks:
        mark = "[green]✓[/green]" if c["ok"] else ("[yellow]–[/yellow]" if c["skipped"] else "[red]✗[/red]")
        t.add_row(c["check"], mark, f"{c['zh']}\n{c['en']}")
    console.print(t)
    if not res.ok:
        raise typer.Exit(1)


def report_cmd(
    enterprise_id: str = typer.Argument(...),
    as_of: str = typer.Option(None, "--as-of"),
    home: Path = HOME,
) -> None:
    """Print one enterprise's score report: score, grade, PD, sub-scores, reasons with evidence. 企业报告。"""
    from firmscore.scoring.verify import latest_as_of

    dh = DataHome.open(home)
    day = parse_date(as_of) if as_of else latest_as_of(dh)
    scores, _receipt = read_scores(dh, day)
    row: dict[Any, Any] = scores.loc[enterprise_id].to_dict()
    console = Console()
    console.print(f"[b]{enterprise_id}[/b] as of {day}: score / 评分 [b]{row['score']}[/b] ({row['band']}), "
                  f"grade / 等级 {row['grade']}, PD {row['pd']:.2%}")
    subs = {c[4:]: row[c] for c in scores.columns if c.startswith("sub_")}
    if "depth_grade" in row:
        from firmscore.trust import check_title

        quality = f"{row['quality_score']:.0f}/100" if row["quality_score"] == row["quality_score"] else str(
            row["quality_reason"])
        checks = row["failed_checks"] if row["failed_checks"] is not None else []
        failed = [" / ".join(check_title(str(c))) for c in list(checks)]
        console.print(f"data depth / 数据深度 {row['depth_grade']}, information quality / 信息质量 {quality}"
                      + (f"; failed checks / 未通过: {', '.join(failed)}" if failed else ""))
    console.print("sub-scores / 维度分: " + ", ".join(f"{k} {v:.0f}" for k, v in subs.items()))
    for r in json.loads(row["reasons"]):
        console.print(f" {r['rank']}. {r['text_zh']}\n    {r['text_en']}  (−{r['points_lost']} pts; "
                      f"records: {', '.join(r['record_ids'][:5])}{' …' if len(r['record_ids']) > 5 else ''})")
    console.print(f"model {row['model_id'][:12]}, {len(row['evidence_leaves'])} ledger leaves, "
                  f"checkpoint size {row['checkpoint_size']}")


def register(app: typer.Typer) -> None:
    app.command("train")(train)
    app.command("score")(score)
    app.command("validate")(validate)
    app.command("verify-score")(verify_score_cmd)
    app.command("report")(report_cmd)
