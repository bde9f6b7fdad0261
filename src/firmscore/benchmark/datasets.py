"""The real datasets of the benchmark with their fixed folds (written into the benchmark page).

* polish ``1year.arff``: stratified 5-fold, shuffled with seed 0;
* slovak: train on the earlier evaluation years, test on the last one;
* slovak small + sector: the same test year, but 1,000 training rows (a stratified sample of the earlier
  years, seed 0) and the firm's sector as a text column — a small sample with a categorical field, the
  case where a scorecard's bin-size rules and categorical binning matter most;
* cumcm2020c: the 123 rated firms, features from the raw invoices through ingestion and the feature
  catalog (:mod:`firmscore.benchmark.cumcm`: no grade, default or graph feature), repeated stratified
  5-fold (3 repeats, seed 0); each firm's PD is the mean of its 3 out-of-fold predictions;
* bdci2017: the 152,301 labelled enterprises, features as of 2015-08-01 through ingestion and the
  feature catalog (:mod:`firmscore.benchmark.bdci`), stratified 5-fold (seed 0), twice on the same
  folds: without and with the graph stage's features (the second names the first in ``lift_of``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.model_selection import RepeatedStratifiedKFold, StratifiedKFold, train_test_split

from firmscore.benchmark.bdci import load_bdci
from firmscore.benchmark.cumcm import load_cumcm
from firmscore.benchmark.models import Fold
from firmscore.datasets import load_polish, load_slovak
from firmscore.store.home import DataHome

SEED = 0


@dataclass(frozen=True, kw_only=True)
class BenchDataset:
    name: str
    X: pd.DataFrame
    y: npt.NDArray[np.int64]
    folds: list[Fold]
    protocol: str
    #: Name of the dataset this one adds features to (same rows and folds): the lift is paired on both.
    lift_of: str | None = None

    @property
    def bad_rate(self) -> float:
        return float(self.y.mean())


def polish(datasets: Path) -> BenchDataset:
    d = load_polish(datasets / "polish" / "1year.arff")
    folds = list(StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED).split(d.X, d.y))
    return BenchDataset(name="polish 1year", X=d.X, y=np.asarray(d.y, dtype=np.int64), folds=folds,
                        protocol="stratified 5-fold, shuffle seed 0")


def slovak(datasets: Path) -> BenchDataset:
    d = load_slovak(datasets / "slovak")
    assert d.groups is not None
    year = d.groups["year"].to_numpy()
    last = int(year.max())
    train, test = np.flatnonzero(year < last), np.flatnonzero(year == last)
    return BenchDataset(name="slovak", X=d.X, y=np.asarray(d.y, dtype=np.int64), folds=[(train, test)],
                        protocol=f"train {int(year.min())}–{last - 1}, test {last}")


SMALL_TRAIN = 1000


def slovak_small(datasets: Path, n_train: int = SMALL_TRAIN) -> BenchDataset:
    d = load_slovak(datasets / "slovak")
    assert d.groups is not None
    year = d.groups["year"].to_numpy()
    last = int(year.max())
    earlier, test = np.flatnonzero(year < last), np.flatnonzero(year == last)
    y = np.asarray(d.y, dtype=np.int64)
    train, _ = train_test_split(earlier, train_size=n_train, stratify=y[earlier], random_state=SEED)
    X = d.X.assign(sector=d.groups["sector"].astype(str).to_numpy())
    return BenchDataset(name="slovak small + sector", X=X, y=y, folds=[(np.sort(train), test)],
                        protocol=f"{n_train:,} training rows (stratified sample of {int(year.min())}–{last - 1}, "
                                 f"seed {SEED}), {d.X.shape[1]} ratios + sector (text), test {last}")


def cumcm2020c(home: DataHome, datasets: Path) -> BenchDataset:
    t = load_cumcm(home, datasets / "cumcm2020c")
    X = t.X.loc[t.rated]
    y = t.y()
    folds = list(RepeatedStratifiedKFold(n_splits=5, n_repeats=3, random_state=SEED).split(X, y))
    return BenchDataset(name="cumcm2020c", X=X, y=y, folds=folds,
                        protocol=f"123 rated firms, {X.shape[1]} invoice features (no grade/default/graph), "
                                 "repeated stratified 5-fold × 3, seed 0")


def bdci2017(home: DataHome, datasets: Path) -> list[BenchDataset]:
    """bdci2017 with nested feature sets on the same firms and stratified 5-fold (see :mod:`.bdci`).

    ``bdci2017 no relationship``, ``bdci2017`` (the catalog without the graph
    stage's features) and ``bdci2017 + graph``; each of the last two names the one before in ``lift_of``.
    """
    t = load_bdci(home, datasets / "bdci2017")
    folds = list(StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED).split(t.X, t.y))
    base = f"{len(t.y):,} labelled firms as of 2015-08-01, stratified 5-fold, shuffle seed 0"
    plain = t.non_relationship_columns
    no_rel = BenchDataset(name="bdci2017 no relationship", X=t.X[plain], y=t.y, folds=folds,
                          protocol=f"{base}; {len(plain)} catalog features, no relationship feature")
    without = BenchDataset(name="bdci2017", X=t.X[t.sql_columns], y=t.y, folds=folds, lift_of=no_rel.name,
                           protocol=f"{base}; the same + {len(t.sql_columns) - len(plain)} SQL relationship "
                                    "features (direct investments), no graph")
    with_graph = BenchDataset(name="bdci2017 + graph", X=t.X, y=t.y, folds=folds, lift_of=without.name,
                              protocol=f"{base}; the same + {len(t.graph_columns)} graph features")
    return [no_rel, without, with_graph]
