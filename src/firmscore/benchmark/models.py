"""The four models of the benchmark, each fitted on a fold's training rows and predicting PDs on its test rows.

* ``firmscore scorecard`` — :class:`firmscore.model.scorecard.Scorecard` with its defaults;
* ``firmscore challenger`` — :class:`firmscore.model.challenger.LGBMChallenger`, monotone directions
  inferred on the training rows;
* ``optbinning scorecard`` — optbinning 1.0 (``BinningProcess`` + logistic regression, defaults), run
  in its own virtual environment (``$FIRMSCORE_PEERS_VENV``, built by ``scripts/peers-venv.sh``) on
  the same rows and folds, all folds of a dataset in one child process;
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

from firmscore.model.challenger import LGBMChallenger, infer_directions
from firmscore.model.scorecard import Scorecard

SEED = 0
#: LightGBM threads per fit (see the module doc: two threads are 10x slower on a shared machine).
THREADS = 1
Fold = tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]
MODELS: tuple[str, ...] = ("firmscore scorecard", "firmscore challenger", "optbinning scorecard", "plain LightGBM")


def peers_python() -> Path | None:
    """The peers' interpreter: ``$FIRMSCORE_PEERS_VENV/bin/python``, else ``~/peers-venv``; None when absent."""
    venv = Path(os.environ.get("FIRMSCORE_PEERS_VENV", str(Path.home() / "peers-venv")))
    exe = venv / "bin" / "python"
    return exe if exe.is_file() else None


def fit_predict(model: str, X: pd.DataFrame, y: npt.NDArray[np.int64], train: npt.NDArray[np.intp],
                test: npt.NDArray[np.intp]) -> npt.NDArray[np.float64]:
    xt, xv, yt = X.iloc[train], X.iloc[test], y[train]
    if model == "firmscore scorecard":
        return np.asarray(np.asarray(Scorecard().fit(xt, yt).predict_proba(xv))[:, 1], dtype=np.float64)
    if model == "firmscore challenger":
        ch = LGBMChallenger(monotone=infer_directions(xt, yt), random_state=SEED, n_jobs=THREADS)
        return np.asarray(ch.fit(xt, yt).predict_pd(xv), dtype=np.float64)
    if model == "plain LightGBM":
        clf = lgb.LGBMClassifier(random_state=SEED, n_jobs=THREADS, verbose=-1)
        return np.asarray(np.asarray(clf.fit(xt, yt).predict_proba(xv))[:, 1], dtype=np.float64)
    raise ValueError(f"unknown model {model!r}")


def optbinning_folds(X: pd.DataFrame, y: npt.NDArray[np.int64], folds: Sequence[Fold]) -> list[npt.NDArray[np.float64]]:
    """optbinning's PDs per fold, from the peers' venv (raises when the venv is missing or the child fails)."""
    exe = peers_python()
    if exe is None:
        raise FileNotFoundError("optbinning's venv not found: run scripts/peers-venv.sh (FIRMSCORE_PEERS_VENV)")
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "in.npz", Path(tmp) / "out.npz"
        arrays: dict[str, np.ndarray] = {"X": X.to_numpy(dtype=np.float64), "y": y,
                                                  "names": np.array([str(c) for c in X.columns])}
        for k, (tr, te) in enumerate(folds):
            arrays[f"train_{k}"], arrays[f"test_{k}"] = tr, te
        np.savez(src, **arrays)  # type: ignore[arg-type]
        child = Path(__file__).with_name("peers_child.py")
        res = subprocess.run([str(exe), str(child), str(src), str(dst)], capture_output=True, text=True, check=False)
        if res.returncode != 0:
            raise RuntimeError(f"optbinning child failed: {res.stderr[-2000:]}")
        out = np.load(dst)
        return [np.asarray(out[f"pd_{k}"], dtype=np.float64) for k in range(len(folds))]
