"""Benchmark: AUC lift of relationship-graph features on bdci2017 (enterprise exit within two years).

Run by hand::

    .venv/bin/python bench/graph_bdci.py [--datasets /work/shared/datasets]

The investment network (``4invest.csv``: investor EID → investee BTEID with share BTBL, from year
BTYEAR; BTENDYEAR is the investee's exit year) is turned into a :class:`RelationGraph` as of
2015-08-01 (investments made by 2015, exits known by 2014, dishonest listings active on the day).
Graph features come from :func:`firmscore.graph.features.analyse`. Non-graph features are
counts and amounts per EID from 7lawsuit, 8breakfaith, 6project and 10qualification. The same
LightGBM model and the same stratified 5-fold split score both feature sets; the table reports
mean AUC and the lift.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
from pathlib import Path

import lightgbm as lgb
import numpy as np
import pandas as pd
import pyarrow as pa
from rich.console import Console
from rich.table import Table
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from firmscore.graph import EdgeType, graph_from_arrays
from firmscore.graph.distress import DistressSignals
from firmscore.graph.features import ARTIFACT_COLUMNS, analyse

AS_OF = dt.date(2015, 8, 1)


def _month(s: pd.Series) -> pd.Series:
    """'2015年08月' / '2015-08' → first day of the month (NaT when unreadable)."""
    digits = s.astype(str).str.replace(r"\D", "", regex=True).str[:6]
    return pd.to_datetime(digits, format="%Y%m", errors="coerce")


def read(path: Path) -> pd.DataFrame:
    for enc in ("utf-8-sig", "gbk"):
        try:
            return pd.read_csv(path, encoding=enc, dtype=str)
        except UnicodeDecodeError:
            continue
    raise ValueError(f"{path}: neither UTF-8 nor GBK")


def base_features(d: Path, eids: pd.Index) -> pd.DataFrame:
    """Counts and amounts per EID from the non-graph tables, as of :data:`AS_OF`."""
    cut = pd.Timestamp(AS_OF)
    out = pd.DataFrame(index=eids)
    law = read(d / "7lawsuit.csv")
    law["date"] = _month(law.LAWDATE)
    law["amount"] = pd.to_numeric(law.LAWAMOUNT, errors="coerce").fillna(0.0)
    law = law[law.date <= cut]
    g = law.groupby("EID")
    out["law_n"] = g.size()
    out["law_amount"] = g.amount.sum()
    out["law_n_12m"] = law[law.date > cut - pd.DateOffset(years=1)].groupby("EID").size()
    bf = read(d / "8breakfaith.csv")
    bf["start"], bf["end"] = _month(bf.FBDATE), _month(bf.SXENDDATE)
    bf = bf[bf.start <= cut]
    out["breakfaith_n"] = bf.groupby("EID").size()
    out["breakfaith_active"] = bf[bf.end.isna() | (bf.end > cut)].groupby("EID").size()
    pj = read(d / "6project.csv")
    pj = pj[_month(pj.DJDATE) <= cut]
    out["project_n"] = pj.groupby("EID").size()
    out["project_home"] = pj[pj.IFHOME == "1"].groupby("EID").size()
    q = read(d / "10qualification.csv")
    q["begin"], q["expiry"] = _month(q.BEGINDATE), _month(q.EXPIRYDATE)
    q = q[q.begin <= cut]
    out["qual_n"] = q.groupby("EID").size()
    out["qual_valid"] = q[q.expiry.isna() | (q.expiry > cut)].groupby("EID").size()
    return out.fillna(0.0).astype(float)


def graph_features(d: Path, eids: pd.Index) -> pd.DataFrame:
    """Relationship features from the investment network, for every EID in ``eids``."""
    inv = read(d / "4invest.csv")
    inv["share"] = pd.to_numeric(inv.BTBL, errors="coerce").clip(0, 1)
    inv["year"] = pd.to_numeric(inv.BTYEAR, errors="coerce")
    inv["end"] = pd.to_numeric(inv.BTENDYEAR, errors="coerce")
    inv = inv[(inv.year.isna() | (inv.year <= AS_OF.year)) & (inv.EID != inv.BTEID)]
    ids = pd.Index(sorted(set(eids) | set(inv.EID) | set(inv.BTEID)))
    n = len(ids)
    src = ids.get_indexer(inv.EID).astype(np.int32)
    dst = ids.get_indexer(inv.BTEID).astype(np.int32)
    share = inv.share.fillna(0.2).to_numpy(np.float32)
    graph = graph_from_arrays(n, 0, {EdgeType.INVESTMENT: (src, dst, share)},
                              enterprise_ids=pa.array(ids.to_numpy(), pa.string()), as_of=AS_OF)
    signals = DistressSignals.empty(n)
    exit_year = inv.groupby("BTEID").end.min()
    exited = exit_year[exit_year <= AS_OF.year - 1].index
    signals.flags["exited"][ids.get_indexer(exited)] = True
    bf = read(d / "8breakfaith.csv")
    start, end = _month(bf.FBDATE), _month(bf.SXENDDATE)
    cut = pd.Timestamp(AS_OF)
    active = bf[(start <= cut) & (end.isna() | (end > cut))].EID
    pos = ids.get_indexer(active)
    signals.flags["dishonest"][pos[pos >= 0]] = True
    analysis = analyse(graph, signals)
    frame = pd.DataFrame({fid: analysis.features[fid] for fid in ARTIFACT_COLUMNS}, index=ids)
    frame = frame.loc[:, frame.loc[eids].std() > 0]  # constant columns (no trade, no persons) carry nothing
    return frame.loc[eids]


def cv_auc(x: pd.DataFrame, y: np.ndarray, model: str, seed: int = 0) -> tuple[float, float]:
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
    aucs = []
    for tr, te in folds.split(x, y):
        if model == "lightgbm":
            clf = lgb.LGBMClassifier(n_estimators=300, learning_rate=0.05, num_leaves=31, min_child_samples=50,
                                     subsample=0.8, subsample_freq=1, colsample_bytree=0.8, random_state=seed,
                                     n_jobs=2, verbose=-1)
        else:
            clf = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
        xt = x.iloc[tr] if model == "lightgbm" else np.log1p(x.iloc[tr].clip(lower=0))
        xv = x.iloc[te] if model == "lightgbm" else np.log1p(x.iloc[te].clip(lower=0))
        clf.fit(xt, y[tr])
        aucs.append(roc_auc_score(y[te], clf.predict_proba(xv)[:, 1]))
    return float(np.mean(aucs)), float(np.std(aucs))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", type=Path, default=Path(os.environ.get("FIRMSCORE_DATASETS",
                                                                          "/work/shared/datasets")))
    args = ap.parse_args()
    d = args.datasets / "bdci2017"
    console = Console()
    train = read(d / "train.csv")
    y = train.TARGET.astype(int).to_numpy()
    eids = pd.Index(train.EID)
    base = base_features(d, eids)
    graph = graph_features(d, eids)
    both = pd.concat([base, graph], axis=1)
    table = Table(title=f"bdci2017: exit within two years, {len(y):,} firms ({y.mean():.1%} positive), "
                        f"stratified 5-fold CV, as of {AS_OF}")
    for col in ("model", "features", "n features", "AUC mean ± sd", "lift"):
        table.add_column(col, justify="left" if col in ("model", "features") else "right")
    for model in ("lightgbm", "logistic"):
        a0, s0 = cv_auc(base, y, model)
        a1, s1 = cv_auc(both, y, model)
        table.add_row(model, "non-graph", str(base.shape[1]), f"{a0:.4f} ± {s0:.4f}", "")
        table.add_row(model, "non-graph + graph", str(both.shape[1]), f"{a1:.4f} ± {s1:.4f}", f"{a1 - a0:+.4f}")
    console.print(table)
    cov = Table(title="graph feature coverage on the training firms")
    cov.add_column("feature")
    cov.add_column("non-zero share", justify="right")
    cov.add_column("AUC alone", justify="right")
    for col in graph.columns:
        v = graph[col].fillna(0).to_numpy()
        cov.add_row(col, f"{(v != 0).mean():.1%}", f"{roc_auc_score(y, v):.3f}")
    console.print(cov)


if __name__ == "__main__":
    main()
