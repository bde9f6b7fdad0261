"""Run the models on each dataset's folds; AUC and KS with 95 % CIs; the page ``docs/benchmarks.md``."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from firmscore.benchmark.datasets import BenchDataset
from firmscore.benchmark.metrics import N_BOOT, SEED, Estimate, draws, estimate, paired_difference
from firmscore.benchmark.models import MODELS, OPTBINNING, fit_predict, optbinning_folds

#: (model a, model b): the targets of issues 17 and 12 — a at least as good as b; the last pair is the
#: AUC cost of the monotone constraints (shown, not a target).
PAIRS: tuple[tuple[str, str], ...] = (("firmscore scorecard", "optbinning scorecard"),
                                      ("firmscore scorecard", "optbinning scorecard (empirical missing)"),
                                      ("firmscore scorecard", "raw logistic regression"),
                                      ("firmscore challenger", "plain LightGBM"),
                                      ("firmscore challenger", "firmscore challenger (monotone)"))


@dataclass(kw_only=True)
class DatasetResult:
    dataset: BenchDataset
    n_eval: int
    auc: dict[str, Estimate] = field(default_factory=dict)
    ks: dict[str, Estimate] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    diffs: dict[tuple[str, str], Estimate] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    #: Evaluated row indexes and each model's out-of-fold PD on them (kept for the paired graph lift).
    rows: npt.NDArray[np.intp] = field(default_factory=lambda: np.zeros(0, dtype=np.intp))
    preds: dict[str, npt.NDArray[np.float64]] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Lift:
    """AUC(model on ``dataset``) − AUC(same model on ``base``): same rows, folds and bootstrap draws."""

    dataset: str
    base: str
    model: str
    diff: Estimate

    @property
    def met(self) -> bool:
        """The issue's target: the difference's CI lies above zero."""
        return self.diff.low > 0


def out_of_fold(ds: BenchDataset, per_fold: list[npt.NDArray[np.float64]]) -> tuple[npt.NDArray[np.intp],
                                                                                  npt.NDArray[np.float64]]:
    """Rows predicted at least once and their mean prediction over repeats."""
    total = np.zeros(len(ds.y))
    count = np.zeros(len(ds.y))
    for (_tr, te), p in zip(ds.folds, per_fold, strict=True):
        total[te] += p
        count[te] += 1
    rows = np.flatnonzero(count > 0)
    return rows, total[rows] / count[rows]


def run_dataset(ds: BenchDataset, *, models: tuple[str, ...] = MODELS,
                step: Callable[[str], None] | None = None) -> DatasetResult:
    say = step or (lambda _m: None)
    preds: dict[str, npt.NDArray[np.float64]] = {}
    rows: npt.NDArray[np.intp] | None = None
    result = DatasetResult(dataset=ds, n_eval=0)
    for model in models:
        say(f"{ds.name}: {model}")
        started = time.perf_counter()
        try:
            if model in OPTBINNING:
                per_fold = optbinning_folds(ds.X, ds.y, ds.folds, metric_missing=OPTBINNING[model])
            else:
                per_fold = [fit_predict(model, ds.X, ds.y, tr, te) for tr, te in ds.folds]
        except (FileNotFoundError, RuntimeError) as err:
            result.failed[model] = str(err)
            continue
        result.seconds[model] = time.perf_counter() - started
        rows, preds[model] = out_of_fold(ds, per_fold)
    if rows is None:
        return result
    y = ds.y[rows]
    boot = draws(y)
    result.n_eval = len(rows)
    result.rows, result.preds = rows, preds
    for model, p in preds.items():
        result.auc[model] = estimate(y, p, boot, "auc")
        result.ks[model] = estimate(y, p, boot, "ks")
    for a, b in PAIRS:
        if a in preds and b in preds:
            result.diffs[(a, b)] = paired_difference(y, preds[a], preds[b], boot)
    return result


def lifts(results: list[DatasetResult]) -> list[Lift]:
    """Paired AUC lift of every dataset that adds features to another one (``lift_of``), model by model.

    Both results must hold the same evaluated rows with the same labels; the bootstrap draws are then
    the same for both (:func:`draws` depends on the labels and the seed only).
    """
    by_name = {r.dataset.name: r for r in results}
    out: list[Lift] = []
    for r in results:
        base = by_name.get(r.dataset.lift_of or "")
        if base is None:
            continue
        if not (np.array_equal(base.rows, r.rows) and np.array_equal(base.dataset.y, r.dataset.y)):
            raise ValueError(f"{r.dataset.name} and {base.dataset.name} are not evaluated on the same rows")
        y = r.dataset.y[r.rows]
        boot = draws(y)
        for model in MODELS:
            if model in r.preds and model in base.preds:
                diff = paired_difference(y, r.preds[model], base.preds[model], boot)
                out.append(Lift(dataset=r.dataset.name, base=base.dataset.name, model=model, diff=diff))
    return out


#: Everything below this line of an existing page is hand-written and kept when the page is rewritten.
KEEP_MARKER = "<!-- hand-written below: kept by firmscore benchmark real -->"


def keep_tail(previous: str | None) -> str:
    """The hand-written part of a previous page (from :data:`KEEP_MARKER` on), or nothing."""
    if not previous or KEEP_MARKER not in previous:
        return ""
    return "\n" + previous[previous.index(KEEP_MARKER):]


def markdown(results: list[DatasetResult], *, command: str) -> str:
    """The benchmark page (without the hand-written tail, see :func:`keep_tail`)."""
    lines = [
        "# Benchmarks on real data / 真实数据基准",
        "",
        f"Produced by `{command}` on {dt.date.today().isoformat()} (2 cores shared with other jobs). "
        f"AUC and KS of the out-of-fold PDs with percentile-bootstrap 95 % CIs ({N_BOOT} paired draws of "
        f"the evaluated rows, seed {SEED}); differences are paired (same draws for both models). Models: "
        "firmscore's scorecard, a raw logistic regression (median-imputed, standardised features), "
        "firmscore's LightGBM challenger unconstrained and with monotone directions inferred per fold, "
        "optbinning 1.0's scorecard (BinningProcess + logistic regression, defaults, in its own venv; also "
        "with the missing bin's empirical WOE) and a "
        "plain `LGBMClassifier` with default settings (seed 0), all on the same features and folds; every "
        "LightGBM fit on one thread. \"fit s\" is the wall time of all of a model's folds.",
        "",
        "| dataset | protocol | rows (bad rate) | model | AUC [95 % CI] | KS [95 % CI] | fit s |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        ds = r.dataset
        for model in MODELS:
            if model in r.auc:
                lines.append(f"| {ds.name} | {ds.protocol} | {r.n_eval:,} ({ds.y.mean():.1%}) | {model} | "
                             f"{r.auc[model].fmt()} | {r.ks[model].fmt()} | {r.seconds[model]:.1f} |")
            elif model in r.failed:
                lines.append(f"| {ds.name} | {ds.protocol} | | {model} | not run: {r.failed[model]} | | |")
    lines += ["", "## Targets / 目标", "", "| dataset | comparison | AUC difference [95 % CI] | met? |",
              "|---|---|---|---|"]
    for r in results:
        for (a, b), d in r.diffs.items():
            verdict = "yes" if d.value >= 0 else ("not significantly worse" if d.high >= 0 else "no")
            if b.endswith("(monotone)"):
                verdict = "(cost of the constraints)"
            lines.append(f"| {r.dataset.name} | {a} − {b} | {d.fmt()} | {verdict} |")
        if r.dataset.name == "polish 1year":
            for model, target in (("firmscore scorecard", 0.90), ("firmscore challenger", 0.95)):
                if model in r.auc:
                    met = "yes" if r.auc[model].value >= target else "no"
                    lines.append(f"| polish 1year | {model} AUC ≥ {target} | {r.auc[model].fmt()} | {met} |")
    found = lifts(results)
    if found:
        lines += ["", "## Feature lift / 特征增益", "",
                  "Same firms, folds and bootstrap draws with and without the added features (`+ graph`: the "
                  "graph stage's features, the issue's target: the AUC difference's 95 % CI above zero).", "",
                  "| with | without | model | AUC with − without [95 % CI] | CI above zero? |",
                  "|---|---|---|---|---|"]
        for lift in found:
            lines.append(f"| {lift.dataset} | {lift.base} | {lift.model} | {lift.diff.fmt()} | "
                         f"{'yes' if lift.met else 'no'} |")
    return "\n".join(lines) + "\n"
