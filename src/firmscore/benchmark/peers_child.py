"""Run in the peers' virtual environment (optbinning): fit optbinning's scorecard on each fold, write PDs.

Usage: ``<peers-python> peers_child.py IN.npz OUT.npz``. ``IN`` holds ``X`` (float matrix, NaN = missing),
``y``, ``names`` and per fold ``train_<k>`` / ``test_<k>`` row indexes, optionally ``cat_names`` and per
categorical column ``cat_<i>`` (text, "" = missing) and ``metric_missing`` ("0" or "empirical": the WOE of the
missing bin, optbinning's default being 0); ``OUT`` holds ``pd_<k>``. optbinning's defaults otherwise
(``BinningProcess`` over every variable, logistic regression), as the peers' benchmark runs it.
This file imports nothing from firmscore: it runs on the peers' older stack.
"""

import sys

import numpy as np
import pandas as pd
from optbinning import BinningProcess, Scorecard
from sklearn.linear_model import LogisticRegression


def main() -> None:
    data = np.load(sys.argv[1], allow_pickle=False)
    X = pd.DataFrame(data["X"], columns=[str(n) for n in data["names"]])
    cats = [str(n) for n in data["cat_names"]] if "cat_names" in data else []
    for i, name in enumerate(cats):
        X[name] = pd.Series(data[f"cat_{i}"].astype(object)).replace("", np.nan).to_numpy()
    missing = str(data["metric_missing"]) if "metric_missing" in data else "0"
    metric_missing = "empirical" if missing == "empirical" else float(missing)
    y = data["y"]
    out = {}
    k = 0
    while f"train_{k}" in data:
        tr, te = data[f"train_{k}"], data[f"test_{k}"]
        bp = BinningProcess(variable_names=list(X.columns), categorical_variables=cats or None)
        sc = Scorecard(binning_process=bp, estimator=LogisticRegression(max_iter=1000),
                       scaling_method="pdo_odds",
                       scaling_method_params={"pdo": 20, "odds": 50, "scorecard_points": 600})
        sc.fit(X.iloc[tr], y[tr], metric_missing=metric_missing)
        out[f"pd_{k}"] = np.asarray(sc.predict_proba(X.iloc[te])[:, 1], dtype=np.float64)
        k += 1
    np.savez(sys.argv[2], **out)  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
