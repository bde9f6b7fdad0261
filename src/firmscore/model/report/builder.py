"""Build, render and write the validation report (Markdown and HTML) of one or several models.

The report is built once from :class:`~firmscore.model.report.evaluation.ModelValidation` results
into a rendering context of plain strings and tables; the Markdown and HTML templates (Jinja2,
shipped in ``templates/``) only lay that context out, so both formats always show identical
figures. With two models (scorecard and challenger) the same sections appear per model, preceded
by a side-by-side comparison.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd

from firmscore.model.backtest import LIGHT_LABELS, TrafficLights
from firmscore.model.grades import MasterScale
from firmscore.model.report.card import ModelCard
from firmscore.model.report.evaluation import ModelValidation, PeriodData, PeriodResult, evaluate_model
from firmscore.model.report.plots import (
    Figure,
    calibration_figure,
    distribution_figure,
    grade_figure,
    ks_figure,
    roc_figure,
)
from firmscore.model.stability import STABILITY_LABELS
from firmscore.store.atomic import atomic_dir

TEMPLATES = Path(__file__).parent / "templates"

#: Section key → (中文, English) heading. Every report has every section.
SECTIONS: dict[str, tuple[str, str]] = {
    "card": ("模型卡", "Model card"),
    "summary": ("结果摘要", "Summary"),
    "comparison": ("模型对比", "Model comparison"),
    "discrimination": ("区分能力（AUC、Gini、KS）", "Discrimination (AUC, Gini, KS)"),
    "curves": ("ROC 与 KS 曲线", "ROC and KS curves"),
    "distribution": ("分数分布", "Score distribution"),
    "grades": ("等级回测", "Grade back-test"),
    "calibration": ("校准检验（Hosmer–Lemeshow）", "Calibration (Hosmer–Lemeshow)"),
    "stability": ("稳定性（PSI / CSI）", "Stability (PSI / CSI)"),
    "out_of_time": ("跨期验证", "Out-of-time validation"),
    "master_scale": ("主标尺", "Master scale"),
    "method": ("方法说明", "Method notes"),
}


def heading(key: str) -> str:
    """Bilingual heading ``中文 / English`` of a section."""
    zh, en = SECTIONS[key]
    return f"{zh} / {en}"


@dataclass(frozen=True)
class Table:
    """A table of display strings."""

    headers: list[str]
    rows: list[list[str]]


# Formatters take ``Any`` because pandas types table cells loosely; each converts explicitly.


def _fmt(value: Any, digits: int = 3) -> str:
    x = float(value)
    return "–" if math.isnan(x) else f"{x:.{digits}f}"


def _pct(value: Any, digits: int = 2) -> str:
    x = float(value)
    return "–" if math.isnan(x) else f"{100 * x:.{digits}f}%"


def _pvalue(value: Any) -> str:
    x = float(value)
    if math.isnan(x):
        return "–"
    return f"{x:.3g}" if x >= 1e-4 else "<1e-4"


def _hl_verdict(p_value: float) -> str:
    if math.isnan(p_value):
        return "组数不足，无法检验 / too few groups to test"
    if p_value < 0.05:
        return "在 5% 水平拒绝校准良好的假设 / calibration rejected at 5%"
    return "在 5% 水平未拒绝 / not rejected at 5%"


def _count(value: Any) -> str:
    return f"{int(value):,}"


def _light(key: Any) -> str:
    zh, en = LIGHT_LABELS[str(key)]
    return f"{zh} {en}"


def _stability(key: Any) -> str:
    zh, en = STABILITY_LABELS[str(key)]
    return f"{zh} / {en}"


def _metric_rows(period: PeriodResult) -> list[tuple[str, str]]:
    d = period.discrimination
    rows = [
        ("样本量 / observations", f"{period.n:,}"),
        ("违约数 / defaults", f"{period.defaults:,}"),
        ("违约率 / default rate", _pct(period.default_rate)),
        ("平均 PD / mean PD", _pct(period.mean_pd)),
        ("AUC", d.auc.format()),
        ("Gini", d.gini.format()),
        ("KS", d.ks.format()),
        (
            "KS 切分点 / KS cut-off",
            f"{d.ks_cutoff:.1f} 分 / points" if period.ranking_is_score else f"PD {d.ks_cutoff:.4f}",
        ),
        ("HL 统计量 / HL statistic", _fmt(period.hosmer_lemeshow.statistic, 2)),
        ("HL p 值 / HL p-value", _pvalue(period.hosmer_lemeshow.p_value)),
        ("PSI", _fmt(period.stability.psi, 4) if period.stability else "–"),
    ]
    return rows


def _grade_table(period: PeriodResult) -> Table:
    g = period.grades
    rows = [
        [
            str(r.grade), f"[{_pct(r.pd_lower)}, {_pct(r.pd_upper)})", f"{r.n:,}", f"{r.defaults:,}",
            _pct(r.default_rate), _pct(r.pd), _pvalue(r.jeffreys_p), _pvalue(r.binomial_p), _light(r.light),
        ]
        for r in g.itertuples()
    ]
    headers = [
        "等级 / grade", "PD 区间 / PD band", "户数 / n", "违约 / defaults", "违约率 / default rate",
        "PD", "Jeffreys p", "二项 p / binomial p", "信号灯 / light",
    ]
    return Table(headers, rows)


def _hl_table(period: PeriodResult) -> Table:
    g = period.hosmer_lemeshow.groups
    rows = [
        [
            str(i + 1), _count(r.n), f"{r.observed:.0f}", f"{r.expected:.1f}",
            _pct(r.mean_pd), _fmt(r.contribution, 2),
        ]
        for i, r in enumerate(g.itertuples())
    ]
    return Table(["组 / group", "户数 / n", "实际违约 / observed", "预期违约 / expected", "平均 PD / mean PD",
                  "贡献 / contribution"], rows)


def _psi_table(period: PeriodResult) -> Table | None:
    if period.stability is None:
        return None
    rows = [
        [str(r.bin), _pct(r.expected_share), _pct(r.actual_share), _fmt(r.contribution, 4)]
        for r in period.stability.table.itertuples()
    ]
    return Table(["区间 / bin", "参照占比 / reference share", "当前占比 / current share", "贡献 / contribution"], rows)


def _csi_table(period: PeriodResult) -> Table | None:
    if period.feature_stability is None:
        return None
    rows = [[str(r.feature), _fmt(r.csi, 4), _stability(r.label)] for r in period.feature_stability.itertuples()]
    return Table(["特征 / feature", "CSI", "结论 / reading"], rows)


def _scale_table(scale: MasterScale) -> Table:
    rows = [
        [str(r.grade), _pct(r.pd_lower, 3), _pct(r.pd_upper, 3), _pct(r.pd_central, 3)]
        for r in scale.to_frame().itertuples()
    ]
    rows[-1] = [rows[-1][0], "已违约 / in default", "", "100%"]
    return Table(["等级 / grade", "PD 下限 / lower", "PD 上限 / upper", "中心 PD / central"], rows)


def _side_by_side(columns: Sequence[tuple[str, PeriodResult]]) -> Table:
    """Metrics as rows, one column per (model, period)."""
    metric_names = [name for name, _ in _metric_rows(columns[0][1])]
    values = [dict(_metric_rows(p)) for _, p in columns]
    rows = [[m, *(v[m] for v in values)] for m in metric_names]
    return Table(["指标 / metric", *(label for label, _ in columns)], rows)


@dataclass
class ValidationReport:
    """A rendered-ready validation report: context for the templates and the figures it embeds."""

    title: str
    context: dict[str, Any]
    figures: list[Figure] = field(default_factory=list)
    models: list[ModelValidation] = field(default_factory=list)

    def _environment(self, autoescape: bool) -> jinja2.Environment:
        return jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(TEMPLATES)),
            autoescape=autoescape,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )

    def to_markdown(self, figure_dir: str = "figures") -> str:
        """Markdown, with figures linked as ``<figure_dir>/<name>.png`` (see :meth:`write`)."""
        template = self._environment(False).get_template("report.md")
        images = {f.name: f"{figure_dir}/{f.filename}" for f in self.figures}
        return template.render(**self.context, images=images)

    def to_html(self) -> str:
        """One self-contained HTML file: figures are embedded as base64 PNG."""
        template = self._environment(True).get_template("report.html")
        images = {f.name: f.data_uri for f in self.figures}
        return template.render(**self.context, images=images)

    def write(self, directory: str | Path) -> dict[str, Path]:
        """Write ``report.md``, ``report.html``, ``figures/*.png`` and per-grade CSVs; return the paths.

        The folder is filled under a temporary name and replaces ``directory`` as a whole
        (:func:`firmscore.store.atomic.atomic_dir`): a killed run leaves the previous report, never half of one.
        """
        out = Path(directory)
        paths: dict[str, Path] = {}
        with atomic_dir(out) as tmp:
            (tmp / "figures").mkdir(mode=0o700)
            for fig in self.figures:
                (tmp / "figures" / fig.filename).write_bytes(fig.png)
                paths[fig.name] = out / "figures" / fig.filename
            (tmp / "report.md").write_text(self.to_markdown(), encoding="utf-8")
            (tmp / "report.html").write_text(self.to_html(), encoding="utf-8")
            paths["markdown"], paths["html"] = out / "report.md", out / "report.html"
            for m_i, model in enumerate(self.models):
                for p_i, period in enumerate(model.periods):
                    name = f"grades_{m_i}_{p_i}.csv"
                    period.grades.assign(model=model.name, period=period.label).to_csv(tmp / name, index=False)
                    paths[Path(name).stem] = out / name
        return paths


def _render_report(
    title: str,
    models: Sequence[ModelValidation],
    card: ModelCard,
    scale: MasterScale,
    lights: TrafficLights,
) -> ValidationReport:
    figures: list[Figure] = []
    model_ctx = []
    for m_i, model in enumerate(models):
        periods_ctx = []
        for p_i, period in enumerate(model.periods):
            tag = f"m{m_i}_p{p_i}"
            figs = {
                "roc": roc_figure(f"roc_{tag}", [(period.label, period)],
                                  ("ROC 曲线", "ROC curve")),
                "ks": ks_figure(f"ks_{tag}", period, ("KS 曲线", "KS curve")),
                "distribution": distribution_figure(
                    f"distribution_{tag}", period, ("按结果划分的分数分布", "Score distribution by outcome")),
                "grades": grade_figure(
                    f"grades_{tag}", period, ("各等级实际违约率与 PD", "Observed default rate and PD per grade")),
                "calibration": calibration_figure(
                    f"calibration_{tag}",
                    period,
                    ("校准图：预测 PD 与实际违约率", "Reliability: predicted PD and observed rate"),
                ),
            }
            figures.extend(figs.values())
            hl = period.hosmer_lemeshow
            periods_ctx.append(
                {
                    "label": period.label,
                    "metrics": Table(["指标 / metric", "值 / value"], [list(r) for r in _metric_rows(period)]),
                    "figures": figs,
                    "grades": _grade_table(period),
                    "hl": {
                        "statistic": _fmt(hl.statistic, 2), "dof": hl.dof, "p_value": _pvalue(hl.p_value),
                        "verdict": _hl_verdict(hl.p_value),
                        "table": _hl_table(period),
                    },
                    "psi": None if period.stability is None else {
                        "value": _fmt(period.stability.psi, 4),
                        "label": _stability(period.stability.label),
                        "reference": period.stability_reference,
                        "table": _psi_table(period),
                    },
                    "csi": _csi_table(period),
                }
            )
        oot = _side_by_side([(p.label, p) for p in model.periods]) if len(model.periods) > 1 else None
        model_ctx.append({"name": model.name, "periods": periods_ctx, "out_of_time": oot})

    comparison = None
    if len(models) > 1:
        columns = [(f"{m.name} · {p.label}", p) for m in models for p in m.periods]
        overlays = []
        n_periods = min(len(m.periods) for m in models)
        for p_i in range(n_periods):
            fig = roc_figure(
                f"roc_compare_p{p_i}", [(m.name, m.periods[p_i]) for m in models],
                (f"各模型 ROC 对比：{models[0].periods[p_i].label}",
                 f"ROC of each model: {models[0].periods[p_i].label}"),
            )
            figures.append(fig)
            overlays.append({"label": models[0].periods[p_i].label, "figure": fig})
        comparison = {"table": _side_by_side(columns), "overlays": overlays}

    dev = models[0].development
    performance = Table(
        ["模型 / model", "样本 / sample", "AUC", "Gini", "KS"],
        [[m.name, p.label, p.discrimination.auc.format(), p.discrimination.gini.format(), p.discrimination.ks.format()]
         for m in models for p in m.periods],
    )
    context: dict[str, Any] = {
        "title": title,
        "h": {key: heading(key) for key in SECTIONS},
        "card": card,
        "owners": ", ".join(card.owners),
        "performance": performance,
        "summary": _side_by_side([(f"{m.name} · {m.development.label}", m.development) for m in models]),
        "comparison": comparison,
        "models": model_ctx,
        "scale": _scale_table(scale),
        "lights": {"yellow": lights.yellow, "red": lights.red},
        "n_bootstrap": dev.discrimination.n_bootstrap,
        "level": _pct(dev.discrimination.auc.level, 0),
    }
    return ValidationReport(title, context, figures, list(models))


def build_validation_report(
    development: PeriodData,
    *,
    out_of_time: PeriodData | Sequence[PeriodData] | None = None,
    reference: PeriodData | None = None,
    model_card: ModelCard | None = None,
    model_name: str | None = None,
    master_scale: MasterScale | None = None,
    traffic_lights: TrafficLights | None = None,
    n_bootstrap: int = 500,
    seed: int = 0,
    title: str | None = None,
) -> ValidationReport:
    """Validation report of one model.

    Parameters
    ----------
    development : PeriodData
        The development (or main validation) sample.
    out_of_time : PeriodData or sequence, optional
        Later samples; shown side by side with development and checked for stability against it.
    reference : PeriodData, optional
        Stability reference for every period (otherwise development is the reference of the
        out-of-time periods).
    model_card : ModelCard, optional
        Descriptive facts; performance is filled in from the results.
    """
    card = model_card or ModelCard()
    return build_comparison_report(
        {model_name or card.name: (development, out_of_time)},
        reference=reference, model_card=card, master_scale=master_scale, traffic_lights=traffic_lights,
        n_bootstrap=n_bootstrap, seed=seed, title=title,
    )


def build_comparison_report(
    models: Mapping[str, tuple[PeriodData, PeriodData | Sequence[PeriodData] | None] | PeriodData],
    *,
    reference: PeriodData | Mapping[str, PeriodData] | None = None,
    model_card: ModelCard | None = None,
    master_scale: MasterScale | None = None,
    traffic_lights: TrafficLights | None = None,
    n_bootstrap: int = 500,
    seed: int = 0,
    title: str | None = None,
) -> ValidationReport:
    """One report for several models (e.g. the scorecard and its LightGBM challenger), side by side.

    Parameters
    ----------
    models : mapping of model name → development data, or (development, out-of-time)
        Each model's own predictions on the same samples.
    reference : PeriodData or mapping of model name → PeriodData, optional
        Stability reference, shared or per model (each model's reference must be scored by it).
    """
    if not models:
        raise ValueError("at least one model is needed")
    card = model_card or ModelCard()
    scale = master_scale or MasterScale.geometric()
    lights = traffic_lights or TrafficLights()
    validations = []
    for name, spec in models.items():
        dev, oot = (spec, None) if isinstance(spec, PeriodData) else spec
        ref = reference.get(name) if isinstance(reference, Mapping) else reference
        validations.append(
            evaluate_model(name, dev, out_of_time=oot, reference=ref, scale=scale,
                           n_bootstrap=n_bootstrap, seed=seed, lights=lights)
        )
    names = " vs ".join(models)
    default_title = f"模型验证报告 / Model validation report: {names}"
    return _render_report(title or default_title, validations, card, scale, lights)


def grades_frame(report: ValidationReport) -> pd.DataFrame:
    """All grade back-test tables of a report in one frame (model, period, grade, …)."""
    frames = [
        p.grades.assign(model=m.name, period=p.label) for m in report.models for p in m.periods
    ]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


__all__ = [
    "SECTIONS",
    "ModelCard",
    "PeriodData",
    "Table",
    "ValidationReport",
    "build_comparison_report",
    "build_validation_report",
    "grades_frame",
    "heading",
]

