"""Public-dataset benchmark: stratified k-fold CV AUC of the scorecard and the LightGBM challenger.

Runs on the Polish (``polish/1year.arff``) and Slovak (``slovak/``) bankruptcy data from the shared
datasets folder and prints, for each dataset and model, the mean and spread of the out-of-fold AUC
beside the figure published for that dataset (``datasets/README.md``).

Models:

* ``scorecard`` — firmscore's :class:`~firmscore.model.scorecard.Scorecard` (optimal binning → WOE →
  sign-constrained logistic regression), when present in the tree;
* ``woe-logit baseline`` — a plain reference of this script: 10 training-quantile bins per feature
  plus a missing bin, WOE, L2 logistic regression (what any scorecard must beat);
* ``lightgbm challenger`` — :class:`~firmscore.model.challenger.LGBMChallenger` with monotone
  directions inferred on each training fold (the ratios carry no expert direction).

Usage::

    .venv/bin/python bench/public_datasets.py [--datasets DIR] [--folds 5] [--seed 0] [--only polish]
"""

from __future__ import annotations

import argparse
import importlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

from firmscore.config import shared_datasets_dir
from firmscore.datasets import PublicDataset, load_polish, load_slovak
from firmscore.model.challenger import LGBMChallenger, infer_directions

#: Published results (datasets/README.md). The Slovak figure is a geometric mean of sensitivity
#: and specificity, not an AUC: it is shown for orientation only.
PUBLISHED: dict[str, str] = {
    "polish": "AUC ≈ 0.94–0.96 (boosted trees + synthetic features, Zięba et al. 2016)",
    "slovak": "G-mean ≈ 0.91 (Zoričák et al. 2020; not an AUC)",
}
PUBLISHED_AUC: dict[str, float] = {"polish": 0.95}


class WoeLogitBaseline:
    """Quantile bins + missing bin → WOE → L2 logistic regression (the benchmark's own reference)."""

    def __init__(self, n_bins: int = 10) -> None:
        self.n_bins = n_bins

    def fit(self, X: pd.DataFrame, y: np.ndarray) -> WoeLogitBaseline:
        self.edges_: dict[str, np.ndarray] = {}
        self.woe_: dict[str, np.ndarray] = {}
        for name in X.columns:
            col = X[name].to_numpy(dtype=np.float64)
            finite = col[np.isfinite(col)]
            edges: np.ndarray | list[float] = (
                np.unique(np.quantile(finite, np.linspace(0, 1, self.n_bins + 1)[1:-1])) if finite.size else [])
            self.edges_[name] = np.asarray(edges)
            idx = self._bin(col, self.edges_[name])
            k = len(edges) + 2
            bad = np.bincount(idx, weights=y, minlength=k) + 0.5
            good = np.bincount(idx, weights=1 - y, minlength=k) + 0.5
            self.woe_[name] = np.log((good / good.sum()) / (bad / bad.sum()))
        self.model_ = LogisticRegression(C=0.1, max_iter=2000).fit(self._transform(X), y)
        return self

    @staticmethod
    def _bin(col: np.ndarray, edges: np.ndarray) -> np.ndarray:
        idx = np.searchsorted(edges, col, side="left")
        return np.where(np.isfinite(col), idx, len(edges) + 1)

    def _transform(self, X: pd.DataFrame) -> np.ndarray:
        cols = [self.woe_[n][self._bin(X[n].to_numpy(dtype=np.float64), self.edges_[n])] for n in X.columns]
        return np.column_stack(cols)

    def predict_pd(self, X: pd.DataFrame) -> np.ndarray:
        return self.model_.predict_proba(self._transform(X))[:, 1]


def _scorecard_class() -> Any | None:
    try:
        return importlib.import_module("firmscore.model.scorecard").Scorecard
    except (ImportError, AttributeError):
        return None


@dataclass
class ModelSpec:
    name: str
    fit_predict: Callable[[pd.DataFrame, np.ndarray, pd.DataFrame], np.ndarray]


def _specs(n_estimators: int, n_jobs: int, seed: int) -> list[ModelSpec]:
    specs: list[ModelSpec] = []
    scorecard = _scorecard_class()
    if scorecard is not None:

        def fit_scorecard(xt: pd.DataFrame, yt: np.ndarray, xv: pd.DataFrame) -> np.ndarray:
            model = scorecard().fit(xt, yt)
            return np.asarray(model.predict_proba(xv))[:, 1]

        specs.append(ModelSpec("firmscore Scorecard", fit_scorecard))
    specs.append(ModelSpec("woe-logit baseline (bench's own)", lambda xt, yt, xv: WoeLogitBaseline().fit(xt, yt)
                           .predict_pd(xv)))

    def fit_challenger(xt: pd.DataFrame, yt: np.ndarray, xv: pd.DataFrame) -> np.ndarray:
        model = LGBMChallenger(
            monotone=infer_directions(xt, yt), n_estimators=n_estimators, random_state=seed, n_jobs=n_jobs
        )
        return model.fit(xt, yt).predict_pd(xv)

    specs.append(ModelSpec("LightGBM challenger (monotone)", fit_challenger))
    return specs


@dataclass
class Result:
    dataset: str
    n: int
    bad_rate: float
    model: str
    aucs: list[float]
    seconds: float
    degenerate_folds: int


def run(dataset: PublicDataset, specs: list[ModelSpec], folds: int, seed: int, progress: Progress) -> list[Result]:
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    splits = list(cv.split(dataset.X, dataset.y))
    results = []
    task = progress.add_task(dataset.name, total=len(splits) * len(specs))
    for spec in specs:
        aucs, start, degenerate = [], time.perf_counter(), 0
        for train, test in splits:
            xt, xv = dataset.X.iloc[train], dataset.X.iloc[test]
            pd_ = np.asarray(spec.fit_predict(xt, dataset.y[train], xv), dtype=np.float64)
            # A fold whose predictions collapse (all equal or non-finite) is a failed fit, not a model.
            if not np.all(np.isfinite(pd_)) or np.unique(pd_).size < 3:
                degenerate += 1
            aucs.append(float(roc_auc_score(dataset.y[test], np.nan_to_num(pd_, nan=0.5))))
            progress.advance(task)
        results.append(
            Result(
                dataset.name, len(dataset.y), dataset.default_rate, spec.name, aucs,
                time.perf_counter() - start, degenerate,
            )
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", type=Path, default=shared_datasets_dir(), help="shared datasets folder")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", choices=["polish", "slovak"], default=None)
    parser.add_argument("--n-estimators", type=int, default=400, help="LightGBM trees")
    parser.add_argument("--n-jobs", type=int, default=1, help="LightGBM threads")
    args = parser.parse_args()

    console = Console(width=170)
    loaders = {
        "polish": lambda: load_polish(args.datasets / "polish" / "1year.arff"),
        "slovak": lambda: load_slovak(args.datasets / "slovak"),
    }
    specs = _specs(args.n_estimators, args.n_jobs, args.seed)
    results: list[Result] = []
    with Progress(console=console) as progress:
        for key, load in loaders.items():
            if args.only and key != args.only:
                continue
            data = load()
            data.name = key
            for problem in data.problems:
                console.print(f"[yellow]{key}: {problem}")
            results.extend(run(data, specs, args.folds, args.seed, progress))

    table = Table(title=f"Stratified {args.folds}-fold CV AUC (seed {args.seed}) / 分层交叉验证 AUC")
    for col in ("dataset", "n", "bad rate", "model", "AUC mean ± sd", "min–max", "AUC / published", "fit s",
                "collapsed folds", "published"):
        table.add_column(
            col, justify="left" if col in {"dataset", "model", "published"} else "right", no_wrap=col != "published"
        )
    for r in results:
        a = np.asarray(r.aucs)
        ref = PUBLISHED_AUC.get(r.dataset)
        table.add_row(
            r.dataset, f"{r.n:,}", f"{100 * r.bad_rate:.2f}%", r.model, f"{a.mean():.4f} ± {a.std(ddof=1):.4f}",
            f"{a.min():.3f}–{a.max():.3f}", f"{a.mean() / ref:.3f}" if ref else "n/a (no AUC)",
            f"{r.seconds:.1f}", f"{r.degenerate_folds}/{len(r.aucs)}", PUBLISHED[r.dataset],
        )
    console.print(table)


if __name__ == "__main__":
    main()
