"""Ground truth: base rate, observable outcome, signal in every dimension, rings and circles."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import cross_val_predict

AS_OF = pd.Timestamp(date(2025, 6, 30))
HORIZON_END = pd.Timestamp(date(2026, 6, 30))
OUTCOME_TYPES = {"enforcement", "dishonest_listing", "market_exit", "bankruptcy"}


def _events(tables: dict[str, pa.Table]) -> pd.DataFrame:
    ev = tables["event"].to_pandas()
    ev["effective_from"] = pd.to_datetime(ev["effective_from"])
    ev["observed_at"] = pd.to_datetime(ev["observed_at"]).dt.tz_localize(None)
    return ev


def _outcome_rows(ev: pd.DataFrame) -> pd.DataFrame:
    window = (ev["effective_from"] > AS_OF) & (ev["effective_from"] <= HORIZON_END)
    bad = (
        ev["event_type"].isin(OUTCOME_TYPES)
        | ((ev["event_type"] == "repayment") & (ev["value"] >= 90))
        | ((ev["event_type"] == "status_change") & ev["code"].isin(["revoked", "cancelled"]))
    )
    return ev[window & bad & (ev["subject_type"] == "enterprise")]


def test_base_rate_and_causes(tables: dict[str, pa.Table]) -> None:
    truth = tables["truth"].to_pandas()
    active = truth[truth["active_at_as_of"]]
    rate = active["default_12m"].mean()
    assert 0.03 <= rate <= 0.08, rate
    assert not truth.loc[~truth["active_at_as_of"], "default_12m"].any()
    causes = set(truth["default_cause"].dropna())
    assert causes == {"own", "contagion", "fraud"}
    contagion = truth[truth["default_cause"] == "contagion"]
    assert contagion["contagion_sources"].map(len).min() >= 1
    ids = set(truth["enterprise_id"])
    assert {s for lst in contagion["contagion_sources"] for s in lst} <= ids


def test_default_is_observable_in_the_window(tables: dict[str, pa.Table]) -> None:
    truth = tables["truth"].to_pandas().set_index("enterprise_id")
    rows = _outcome_rows(_events(tables))
    first = rows.groupby("subject_id")["effective_from"].min()
    defaulters = truth.index[truth["default_12m"]]
    assert set(first.index) == set(defaulters)
    expected = pd.to_datetime(truth.loc[defaulters, "default_date"])
    assert (first.loc[defaulters].values == expected.values).all()


def _features(tables: dict[str, pa.Table]) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """Simple point-in-time aggregates per dimension, from data observed by the as-of date."""
    ent = tables["enterprise"].to_pandas().set_index("enterprise_id")
    truth = tables["truth"].to_pandas().set_index("enterprise_id")
    ev = _events(tables)
    ev = ev[(ev["effective_from"] <= AS_OF) & (ev["observed_at"] <= AS_OF)]
    rel = tables["relation"].to_pandas()
    f = pd.DataFrame(index=ent.index)
    # basic information
    f["log_capital"] = np.log1p(ent["registered_capital"].fillna(0))
    f["age"] = (AS_OF - pd.to_datetime(ent["established_date"])).dt.days
    f["log_staff"] = np.log1p(ent["insured_employees"])
    f["paid_ratio"] = (ent["paid_in_capital"] / ent["registered_capital"]).fillna(0)
    # business behaviour
    inv = ev[ev["event_type"] == "invoice_out"]
    valid = inv[inv["code"] == "valid"]
    recent = valid["effective_from"] > AS_OF - pd.DateOffset(months=6)
    last6 = valid[recent].groupby("subject_id")["amount"].sum()
    prev6 = valid[~recent].groupby("subject_id")["amount"].sum()
    f["growth"] = np.log1p(last6.reindex(f.index).fillna(0).clip(lower=0)) - np.log1p(
        prev6.reindex(f.index).fillna(0).clip(lower=0))
    voided = inv[inv["code"] == "voided"].groupby("subject_id")["amount"].sum()
    f["void_share"] = (voided / inv.groupby("subject_id")["amount"].sum()).reindex(f.index).fillna(0)
    rating = ev[ev["event_type"] == "tax_rating"].sort_values("effective_from").groupby("subject_id")["code"].last()
    f["tax_rating"] = rating.map({"A": 0, "B": 1, "M": 2, "C": 3, "D": 4}).reindex(f.index).fillna(2)
    # performance history
    rep = ev[ev["event_type"] == "repayment"]
    f["max_dpd"] = rep.groupby("subject_id")["value"].max().reindex(f.index).fillna(0)
    neg = ev[ev["event_type"].isin(["enforcement", "dishonest_listing", "penalty", "abnormal_operation",
                                    "tax_arrears"]) | ((ev["event_type"] == "lawsuit") & (ev["code"] == "defendant"))]
    f["negatives"] = neg.groupby("subject_id").size().reindex(f.index).fillna(0)
    # relationships: shared contacts and partners' delinquency
    shared = rel[rel["relation_type"].isin(["shared_address", "shared_phone"])]
    f["shared_links"] = pd.concat([shared["src_id"], shared["dst_id"]]).value_counts().reindex(f.index).fillna(0)
    ties = rel[rel["relation_type"].isin(["guarantee", "investment"])]
    pairs = pd.concat([ties[["src_id", "dst_id"]].set_axis(["a", "b"], axis=1),
                       ties[["dst_id", "src_id"]].set_axis(["a", "b"], axis=1)])
    partner_bad = (f["max_dpd"] + 30 * f["negatives"]).rename("bad")
    pairs = pairs.join(partner_bad, on="b")
    f["partner_distress"] = pairs.groupby("a")["bad"].max().reindex(f.index).fillna(0)
    f["partners"] = pairs.groupby("a").size().reindex(f.index).fillna(0)
    # legal representative
    pc = ev[ev["event_type"] == "personal_credit"].sort_values("effective_from").groupby("subject_id").last()
    band = pc["code"].map({"A": 0, "B": 1, "C": 2, "D": 3, "E": 4})
    f["rep_band"] = band.reindex(ent["legal_rep_id"]).fillna(2).to_numpy()
    f["rep_overdue"] = pc["value"].reindex(ent["legal_rep_id"]).fillna(0).to_numpy()
    runs = ent.groupby("legal_rep_id").size()
    failed = ent[ent["status"] != "in_business"].groupby("legal_rep_id").size()
    f["rep_firms"] = runs.reindex(ent["legal_rep_id"]).to_numpy()
    f["rep_failed"] = failed.reindex(ent["legal_rep_id"]).fillna(0).to_numpy()
    f["active"] = truth["active_at_as_of"]
    f["y"] = truth["default_12m"].astype(int)
    dims = {
        "basic": ["log_capital", "age", "log_staff", "paid_ratio"],
        "business": ["growth", "void_share", "tax_rating"],
        "performance": ["max_dpd", "negatives"],
        "relationships": ["shared_links", "partner_distress", "partners"],
        "legal_rep": ["rep_band", "rep_overdue", "rep_firms", "rep_failed"],
    }
    return f[f["active"]], dims


def test_every_dimension_carries_signal(tables: dict[str, pa.Table]) -> None:
    f, dims = _features(tables)
    y = f["y"].to_numpy()
    aucs = {}
    for dim, cols in dims.items():
        x = f[cols].to_numpy(dtype=float)
        x = (x - x.mean(0)) / (x.std(0) + 1e-9)
        p = cross_val_predict(LogisticRegression(max_iter=500), x, y, cv=3, method="predict_proba")[:, 1]
        aucs[dim] = roc_auc_score(y, p)
    assert all(a > 0.55 for a in aucs.values()), aucs


def test_fraud_rings_share_contacts_and_invoice_in_circles(tables: dict[str, pa.Table]) -> None:
    truth = tables["truth"].to_pandas()
    rings = truth.dropna(subset=["fraud_ring_id"]).groupby("fraud_ring_id")["enterprise_id"].apply(set)
    assert len(rings) >= 3
    rel = tables["relation"].to_pandas()
    shared = rel[rel["relation_type"] == "shared_address"]
    linked = set(zip(shared["src_id"], shared["dst_id"], strict=True))
    trade = rel[rel["relation_type"] == "trade"]
    for members in rings:
        ordered = sorted(members)
        assert all((a, b) in linked for i, a in enumerate(ordered) for b in ordered[i + 1:])
        inner = trade[trade["src_id"].isin(members) & trade["dst_id"].isin(members)]
        assert len(inner) >= len(members)  # a circle through every member
        assert set(inner["src_id"]) == members
    ent = tables["enterprise"].to_pandas().set_index("enterprise_id")
    for members in rings:
        assert ent.loc[sorted(members), "address"].nunique() == 1
        assert ent.loc[sorted(members), "phone"].nunique() == 1


def test_guarantee_circles_are_cycles(tables: dict[str, pa.Table]) -> None:
    truth = tables["truth"].to_pandas()
    circles = truth.dropna(subset=["guarantee_circle_id"]).groupby("guarantee_circle_id")["enterprise_id"].apply(set)
    assert len(circles) >= 5
    rel = tables["relation"].to_pandas()
    g = rel[rel["relation_type"] == "guarantee"]
    for members in circles:
        inner = g[g["src_id"].isin(members) & g["dst_id"].isin(members)]
        assert set(inner["src_id"]) == members and set(inner["dst_id"]) == members
