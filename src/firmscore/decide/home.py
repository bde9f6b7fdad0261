"""The firms of a data home as the optimiser sees them: scores (PD, grade) with industry, region, circle.

PD and grade come from ``scores/as_of=D/scores.parquet`` (``firmscore score``); industry and region
from the enterprise records (their latest version observed by the date); the guarantee circle is the
strongly connected component (two firms or more) of the guarantee relations in force on the date, so
that a concentration limit per circle caps what a chain of mutual guarantors can borrow together.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from firmscore.decide.messages import StrategyError
from firmscore.scoring import read_scores
from firmscore.store.home import DataHome


def firm_table(home: DataHome, as_of: dt.date) -> pd.DataFrame:
    """One row per scored firm: ``pd``, ``grade``, ``score``, ``industry``, ``region``, ``guarantee_circle``."""
    try:
        scores, _receipt = read_scores(home, as_of)
    except FileNotFoundError:
        raise StrategyError("strategy.no_scores", as_of=as_of.isoformat(), home=str(home.root)) from None
    firms = scores[["pd", "grade", "score"]].copy()
    con = home.connect()
    try:
        day = as_of.isoformat()
        attrs = con.execute(
            "SELECT enterprise_id, arg_max(industry, version) AS industry, arg_max(region, version) AS region "
            "FROM enterprise WHERE CAST(observed_at AS DATE) <= CAST(? AS DATE) GROUP BY enterprise_id", [day]
        ).df().set_index("enterprise_id")
        edges = con.execute(
            "SELECT src_id, dst_id FROM relation WHERE relation_type = 'guarantee' AND src_type = 'enterprise' "
            "AND dst_type = 'enterprise' AND (effective_from IS NULL OR effective_from <= CAST(? AS DATE)) "
            "AND (effective_to IS NULL OR effective_to > CAST(? AS DATE))", [day, day]
        ).df()
    finally:
        con.close()
    firms = firms.join(attrs, how="left")
    firms["guarantee_circle"] = guarantee_circles(firms.index, edges)
    return firms


def guarantee_circles(index: pd.Index, edges: pd.DataFrame) -> pd.Series:
    """Circle id (``GC<n>``) of each firm in a strongly connected guarantee component of ≥ 2 firms, else null."""
    out = pd.Series(pd.NA, index=index, dtype="object")
    if edges.empty:
        return out
    ids = pd.Index(pd.unique(np.concatenate([index.to_numpy(), edges["src_id"].to_numpy(),
                                             edges["dst_id"].to_numpy()])))
    s, d = ids.get_indexer(edges["src_id"]), ids.get_indexer(edges["dst_id"])
    adj = sp.csr_matrix((np.ones(len(s)), (s, d)), shape=(len(ids), len(ids)))
    _n, labels = connected_components(adj, directed=True, connection="strong")
    sizes = np.bincount(labels)
    lab = labels[ids.get_indexer(index)]
    in_circle = sizes[lab] >= 2
    out[in_circle] = [f"GC{v}" for v in lab[in_circle]]
    return out


def read_lgd_by_grade(path: str | Path) -> dict[str, float]:
    """``grade,lgd`` CSV → mapping; a bad row names its line and field."""
    p = Path(path)
    if not p.is_file():
        raise StrategyError("decide.file_missing", path=str(p))
    frame = pd.read_csv(p, dtype=str, encoding="utf-8-sig")
    missing = {"grade", "lgd"} - set(frame.columns)
    if missing:
        raise StrategyError("decide.lgd_file", path=str(p), row=1, field=", ".join(sorted(missing)),
                            detail="missing column")
    out: dict[str, float] = {}
    for i, rec in enumerate(frame.to_dict("records"), start=2):
        try:
            v = float(rec["lgd"])
        except (TypeError, ValueError):
            raise StrategyError("decide.lgd_file", path=str(p), row=i, field="lgd",
                                detail=f"not a number: {rec['lgd']!r}") from None
        if not 0 <= v <= 1:
            raise StrategyError("decide.lgd_file", path=str(p), row=i, field="lgd", detail=f"{v} not in [0, 1]")
        out[str(rec["grade"]).strip()] = v
    return out
