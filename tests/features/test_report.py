"""Coverage report and its univariate helpers; the ``features`` command end to end."""

from __future__ import annotations

import numpy as np
from typer.testing import CliRunner

from firmscore.cli import app
from firmscore.datamodel.specials import NOT_AUTHORIZED
from firmscore.features.univariate import information_value, quantile_bins, univariate_auc
from firmscore.store import DataHome

from .history import History


def test_iv_and_auc_separate_a_predictive_feature_from_noise() -> None:
    rng = np.random.default_rng(7)
    y = rng.integers(0, 2, 4000)
    strong = y * 1.5 + rng.normal(size=4000)
    noise = rng.normal(size=4000)
    assert information_value(strong, y) > 0.5 > 0.05 > information_value(noise, y)
    assert univariate_auc(strong, y) > 0.8 and abs(univariate_auc(noise, y) - 0.5) < 0.05
    assert univariate_auc(-strong, y) < 0.2  # AUC keeps the sign: larger = riskier above 0.5


def test_a_mass_point_does_not_swallow_the_values_above_it() -> None:
    x = np.array([0.0] * 95 + [1.0, 2.0, 3.0, 4.0, 5.0])
    y = np.array([0] * 95 + [1] * 5)
    bins = quantile_bins(x, n_bins=10)
    assert bins[0] != bins[-1]
    assert information_value(x, y) > 1.0
    assert np.isnan(information_value(np.full(100, np.nan), y))


def test_missing_and_special_values_get_their_own_bins() -> None:
    x = np.array([1.0, 2.0, 3.0, 4.0, np.nan, NOT_AUTHORIZED, NOT_AUTHORIZED])
    bins = quantile_bins(x, n_bins=2)
    assert len({bins[4], bins[5]}) == 2 and bins[5] == bins[6]
    assert set(bins[:4]).isdisjoint({bins[4], bins[5]})
    # a not-authorized group that is all bad carries information on its own
    y = np.array([0, 1, 0, 1, 0, 1, 1])
    assert information_value(x, y, n_bins=2) > 0


def test_features_command_writes_matrix_and_report(home: DataHome, history: History) -> None:
    for i in range(40):
        eid = f"E{i:02d}"
        history.enterprise(eid, registered_capital=float(10_000 * (i + 1)))
        if i % 4 == 0:
            history.event(eid, "enforcement", "2025-01-01", amount=1.0)
            history.event(eid, "repayment", "2025-10-01", value=120.0)
        else:
            history.event(eid, "repayment", "2025-10-01", value=0.0)
    # the home's data reach past the horizon's end: the 12 months are fully observed (else goods are censored)
    history.event("E01", "tax_payment", "2026-07-15", amount=1.0)
    history.flush()
    runner = CliRunner()
    done = runner.invoke(app, ["features", "--home", str(home.root), "--as-of", "2025-06-30",
                               "--memory-limit", "512MB", "--threads", "1"])
    assert done.exit_code == 0, done.output
    assert (home.root / "features" / "as_of=2025-06-30" / "features.parquet").exists()
    report = runner.invoke(app, ["features", "--home", str(home.root), "--as-of", "2025-06-30", "--report"],
                           env={"COLUMNS": "200"})
    assert report.exit_code == 0, report.output
    first = next(line for line in report.output.splitlines() if "perf_" in line or "basic_" in line)
    assert "enforcement" in first  # the planted signal tops the IV ranking
    out = " ".join(report.output.split())
    assert "default 10, no default 30, unknown 0" in out
    # every firm was established on the same day: the age is the same for all, and listed as constant
    listed = report.output[report.output.index("constant or near-constant"):]
    assert "basic_age_years: 常量 / constant (100.0%)" in listed
    bad = runner.invoke(app, ["features", "--home", str(home.root), "--as-of", "30/06/2025"])
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output
