"""Plots of the validation report, rendered to PNG bytes with matplotlib's Agg backend.

Agg needs no display, so reports build on servers and in CI. When a CJK font is installed plot
text keeps its Chinese; otherwise (the default fonts hold no Chinese glyphs) labels are reduced to
their English part, and every figure still carries a bilingual caption in the report.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import font_manager
from matplotlib.figure import Figure as MplFigure

from firmscore.model.report.evaluation import PeriodResult

_CJK_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei")


def _cjk_font() -> str | None:
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in _CJK_FONTS if name in installed), None)


_FONT = _cjk_font()


def _plot_text(text: str) -> str:
    """Label as drawn: unchanged with a CJK font, else its English part (``中文 / English`` → ``English``)."""
    if _FONT is not None or text.isascii():
        return text
    if " / " in text:
        tail = text.split(" / ", 1)[1]
        if tail.isascii():
            return tail
    ascii_only = "".join(ch for ch in text if ch.isascii()).strip(" /")
    return ascii_only or "?"


@dataclass(frozen=True)
class Figure:
    """A rendered plot: file name, bilingual caption and PNG bytes."""

    name: str
    caption_zh: str
    caption_en: str
    png: bytes

    @property
    def filename(self) -> str:
        return f"{self.name}.png"

    @property
    def data_uri(self) -> str:
        """The PNG as a ``data:`` URI, so the HTML report is one self-contained file."""
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


def _subplots(width: float, height: float) -> tuple[MplFigure, Any]:
    if _FONT is not None:
        plt.rcParams["font.sans-serif"] = [_FONT, *plt.rcParams["font.sans-serif"]]
    return plt.subplots(figsize=(width, height))


def _render(fig: MplFigure) -> bytes:
    buf = io.BytesIO()
    # Fixed margins instead of tight_layout: the plots share one layout, and tight_layout cost as
    # much as rendering itself.
    fig.subplots_adjust(left=0.15, right=0.97, bottom=0.13, top=0.92)
    # A fixed metadata dict keeps the PNG bytes reproducible (no software/date stamps).
    fig.savefig(buf, format="png", dpi=90, metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def roc_figure(name: str, curves: Sequence[tuple[str, PeriodResult]], caption: tuple[str, str]) -> Figure:
    """ROC curves of several (model, period) pairs on one chart, with the diagonal."""
    fig, ax = _subplots(5.2, 4.6)
    for label, period in curves:
        auc = period.discrimination.auc.estimate
        ax.plot(period.roc["fpr"], period.roc["tpr"], label=f"{_plot_text(label)} (AUC {auc:.3f})")
    ax.plot([0, 1], [0, 1], color="grey", linestyle=":", linewidth=1)
    ax.set_xlabel("false positive rate (goods flagged)")
    ax.set_ylabel("true positive rate (defaults flagged)")
    ax.set_title("ROC")
    ax.legend(loc="lower right", fontsize=8)
    return Figure(name, *caption, _render(fig))


def ks_figure(name: str, period: PeriodResult, caption: tuple[str, str]) -> Figure:
    """Cumulative shares of defaults and goods against the share of the population flagged."""
    curve = period.ks_curve
    fig, ax = _subplots(5.2, 4.6)
    x = np.concatenate([[0.0], curve["population_share"]])
    ax.plot(x, np.concatenate([[0.0], curve["cum_bad_share"]]), label="defaults")
    ax.plot(x, np.concatenate([[0.0], curve["cum_good_share"]]), label="goods")
    i = int(np.argmax(curve["gap"].to_numpy()))
    ax.vlines(curve["population_share"].iloc[i], curve["cum_good_share"].iloc[i], curve["cum_bad_share"].iloc[i],
              colors="black", linestyles="--", label=f"KS {curve['gap'].iloc[i]:.3f}")
    ax.set_xlabel("share of population flagged (riskiest first)")
    ax.set_ylabel("cumulative share")
    ax.set_title(f"KS - {_plot_text(period.label)}"[:60])
    ax.legend(loc="lower right", fontsize=8)
    return Figure(name, *caption, _render(fig))


def distribution_figure(name: str, period: PeriodResult, caption: tuple[str, str]) -> Figure:
    """Histograms (densities) of the score or PD for defaults and non-defaults."""
    fig, ax = _subplots(5.6, 4.0)
    values, y = period.ranking, period.y_true
    lo, hi = np.quantile(values, [0.001, 0.999])
    bins = np.linspace(lo, hi if hi > lo else lo + 1, 40).tolist()
    ax.hist(values[y == 0], bins=bins, density=True, alpha=0.55, label="non-default")
    ax.hist(values[y == 1], bins=bins, density=True, alpha=0.55, label="default")
    ax.set_xlabel("enterprise score" if period.ranking_is_score else "PD")
    ax.set_ylabel("density")
    ax.legend(fontsize=8)
    return Figure(name, *caption, _render(fig))


def grade_figure(name: str, period: PeriodResult, caption: tuple[str, str]) -> Figure:
    """Observed default rate per grade (bars, coloured by traffic light) against the PD tested."""
    table = period.grades
    colours = {"green": "#4caf50", "yellow": "#ffc107", "red": "#e53935", "grey": "#bdbdbd"}
    fig, ax = _subplots(6.0, 4.0)
    x = np.arange(len(table))
    observed = table["default_rate"].fillna(0.0).to_numpy()
    ax.bar(x, np.maximum(observed, 1e-5), color=[colours[c] for c in table["light"]], label="observed")
    ax.plot(x, table["pd"], color="black", marker="o", label="PD")
    ax.set_yscale("log")
    ax.set_xticks(x, table["grade"])
    ax.set_ylabel("12-month default rate")
    ax.legend(fontsize=8)
    return Figure(name, *caption, _render(fig))


def calibration_figure(name: str, period: PeriodResult, caption: tuple[str, str]) -> Figure:
    """Reliability diagram: observed default rate against mean PD per Hosmer–Lemeshow group."""
    groups = period.hosmer_lemeshow.groups
    observed = (groups["observed"] / groups["n"]).to_numpy(dtype=np.float64)
    predicted = groups["mean_pd"].to_numpy(dtype=np.float64)
    fig, ax = _subplots(5.0, 4.6)
    floor = 1e-4
    lo = max(floor, float(min(predicted.min(), observed[observed > 0].min() if (observed > 0).any() else 1.0)) / 2)
    hi = min(1.0, float(max(predicted.max(), observed.max())) * 2)
    ax.plot([lo, hi], [lo, hi], color="grey", linestyle=":", linewidth=1, label="perfect calibration")
    ax.scatter(predicted, np.maximum(observed, floor), s=12 + 60 * groups["n"] / groups["n"].max(), label="PD groups")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("mean predicted PD")
    ax.set_ylabel("observed default rate")
    ax.legend(fontsize=8, loc="upper left")
    return Figure(name, *caption, _render(fig))
