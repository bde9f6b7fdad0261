"""The models of the benchmark, each fitted on a fold's training rows and predicting PDs on its test rows.

* ``firmscore scorecard`` — :class:`firmscore.model.scorecard.Scorecard` with its defaults;
* ``raw logistic regression`` — scikit-learn's ``LogisticRegression`` (defaults, ``max_iter=5000``) on the
  raw features, median-imputed and standardised: the plainest baseline a scorecard must not trail;
* ``firmscore challenger`` — :class:`firmscore.model.challenger.LGBMChallenger` unconstrained (its
  default in ``firmscore train``: the strongest model);
* ``firmscore challenger (monotone)`` — the same under monotone directions inferred on the training rows
  (the AUC the constraints cost);
* ``optbinning scorecard`` — optbinning 1.0 (``BinningProcess`` + logistic regression, defaults), run
  in its own virtual environment (``$FIRMSCORE_PEERS_VENV``, built by ``scripts/peers-venv.sh``) on
  the same rows and folds, all folds of a dataset in one child process; text columns are passed as its
  categorical variables;
* ``optbinning scorecard (empirical missing)`` — the same with ``metric_missing="empirical"``: the missing
  bin gets its observed WOE instead of optbinning's default 0;
* ``plain LightGBM`` — ``lightgbm.LGBMClassifier`` with default settings (fixed seed).

Both LightGBM models run on **one thread** (:data:`THREADS`). Their trees are small (≤ 31 leaves) and
the folds have thousands of rows, so every boosting round is a chain of tiny OpenMP regions, each
ending in a barrier; with two threads on a machine whose two cores are shared with other jobs, a
thread waits at every barrier for its partner to be scheduled again. Measured on slovak (one fit,
5,617 rows, load average 5–8): 70–92 s with two threads, 7–9 s with one; the challenger's
predictions are bit-identical either way (its deterministic mode), so nothing is lost.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

import lightgbm as lgb
import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from firmscore.model.challenger import LGBMChallenger, infer_directions
from firmscore.model.scorecard import Scorecard

SEED = 0
#: LightGBM threads per fit (see the module doc: two threads are 10x slower on a shared machine).
THREADS = 1
Fold = tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]
MODELS: tuple[str, ...] = ("firmscore scorecard", "raw logistic regression", "firmscore challenger",
                           "firmscore challenger (monotone)", "optbinning scorecard",
                           "optbinning scorecard (empirical missing)", "plain LightGBM")
#: The models fitted by the optbinning child (all folds at once), and their ``metric_missing``.
OPTBINNING: dict[str, str] = {"optbinning scorecard": "0", "optbinning scorecard (empirical missing)": "empirical"}


def peers_python() -> Path | None:
    """The peers' interpreter: ``$FIRMSCORE_PEERS_VENV/bin/python``, else ``~/peers-venv``; None when absent."""
    venv = Path(os.environ.get("FIRMSCORE_PEERS_VENV", str(Path.home() / "peers-venv")))
    exe = venv / "bin" / "python"
    return exe if exe.is_file() else None


def text_columns(X: pd.DataFrame) -> list[str]:
    """The categorical (non-numeric) columns of a benchmark matrix."""
    return [str(c) for c in X.columns if not pd.api.types.is_numeric_dtype(X[c])]


def _raw_lr(X: pd.DataFrame) -> Pipeline:
    """Median-imputed, standardised numerics; categoricals one-hot (unseen → all zeros)."""
    cats = text_columns(X)
    numeric = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
    if not cats:
        return make_pipeline(numeric, LogisticRegression(max_iter=5000))
    nums = [c for c in X.columns if c not in cats]
    encode = ColumnTransformer([("num", numeric, nums),
                                ("cat", OneHotEncoder(handle_unknown="ignore"), cats)])
    return make_pipeline(encode, LogisticRegression(max_iter=5000))


def _as_category(xt: pd.DataFrame, xv: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Text columns as pandas categoricals over the training categories (plain LightGBM's native input)."""
    for c in text_columns(xt):
        cats = sorted(xt[c].dropna().astype(str).unique())
        xt = xt.assign(**{c: pd.Categorical(xt[c].astype(str), categories=cats)})
        xv = xv.assign(**{c: pd.Categorical(xv[c].astype(str).where(xv[c].astype(str).isin(cats)), categories=cats)})
    return xt, xv


def fit_predict(model: str, X: pd.DataFrame, y: npt.NDArray[np.int64], train: npt.NDArray[np.intp],
                test: npt.NDArray[np.intp]) -> npt.NDArray[np.float64]:
    xt, xv, yt = X.iloc[train], X.iloc[test], y[train]
    if model == "firmscore scorecard":
        return np.asarray(np.asarray(Scorecard().fit(xt, yt).predict_proba(xv))[:, 1], dtype=np.float64)
    if model == "raw logistic regression":
        return np.asarray(_raw_lr(xt).fit(xt, yt).predict_proba(xv)[:, 1], dtype=np.float64)
    if model in ("firmscore challenger", "firmscore challenger (monotone)"):
        numeric = xt.drop(columns=text_columns(xt))  # directions only for ordered (numeric) columns
        monotone = infer_directions(numeric, yt) if model.endswith("(monotone)") else None
        ch = LGBMChallenger(monotone=monotone, random_state=SEED, n_jobs=THREADS)
        return np.asarray(ch.fit(xt, yt).predict_pd(xv), dtype=np.float64)
    if model == "plain LightGBM":
        xt, xv = _as_category(xt, xv)
        clf = lgb.LGBMClassifier(random_state=SEED, n_jobs=THREADS, verbose=-1)
        return np.asarray(np.asarray(clf.fit(xt, yt).predict_proba(xv))[:, 1], dtype=np.float64)
    raise ValueError(f"unknown model {model!r}")


def optbinning_folds(X: pd.DataFrame, y: npt.NDArray[np.int64], folds: Sequence[Fold],
                     metric_missing: str = "0") -> list[npt.NDArray[np.float64]]:
    """optbinning's PDs per fold, from the peers' venv (raises when the venv is missing or the child fails)."""
    cats = text_columns(X)
    exe = peers_python()
    if exe is None:
        raise FileNotFoundError("optbinning's venv not found: run scripts/peers-venv.sh (FIRMSCORE_PEERS_VENV)")
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "in.npz", Path(tmp) / "out.npz"
        numeric = X.drop(columns=cats)
        arrays: dict[str, np.ndarray] = {"X": numeric.to_numpy(dtype=np.float64), "y": y,
                                         "names": np.array([str(c) for c in numeric.columns]),
                                         "metric_missing": np.array(metric_missing)}
        if cats:
            arrays["cat_names"] = np.array(cats)
            for i, c in enumerate(cats):
                arrays[f"cat_{i}"] = np.array(X[c].astype("string").fillna("").to_numpy(dtype=str))
        for k, (tr, te) in enumerate(folds):
            arrays[f"train_{k}"], arrays[f"test_{k}"] = tr, te
        np.savez(src, **arrays)  # type: ignore[arg-type]
        child = Path(__file__).with_name("peers_child.py")
        res = subprocess.run([str(exe), str(child), str(src), str(dst)], capture_output=True, text=True, check=False)
        if res.returncode != 0:
            raise RuntimeError(f"optbinning child failed: {res.stderr[-2000:]}")
        out = np.load(dst)
        return [np.asarray(out[f"pd_{k}"], dtype=np.float64) for k in range(len(folds))]
