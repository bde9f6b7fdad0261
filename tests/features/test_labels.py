"""Outcome labels: triggers in (D, D + horizon], only enterprises alive on D."""

from __future__ import annotations

import datetime as dt

import pytest
from typer.testing import CliRunner

from firmscore.cli import app
from firmscore.features import build_labels, read_labels
from firmscore.features.labels import horizon_end
from firmscore.store import DataHome

from .history import AS_OF, History


def _outcomes(history: History) -> None:
    for eid in ("OK", "DPD", "DPD_SMALL", "ENF", "EXIT", "BANK", "LATE", "BEFORE", "DEAD", "NEWBORN", "TWO"):
        history.enterprise(eid, established_date="2026-01-01" if eid == "NEWBORN" else "2015-01-01",
                           status="cancelled" if eid == "DEAD" else "in_business")
    history.event("DPD", "repayment", "2025-09-01", value=95.0)
    history.event("DPD_SMALL", "repayment", "2025-09-01", value=30.0)
    history.event("ENF", "enforcement", "2026-06-30", amount=1.0)  # last day of the horizon: counts
    history.event("EXIT", "status_change", "2025-12-01", code="revoked")
    history.event("BANK", "bankruptcy", "2025-08-01")
    history.event("LATE", "enforcement", "2026-07-01", amount=1.0)  # after the horizon
    history.event("BEFORE", "enforcement", "2025-06-30", amount=1.0)  # on D: a feature, not an outcome
    history.event("TWO", "enforcement", "2025-10-01", amount=1.0)
    history.event("TWO", "repayment", "2025-08-01", value=120.0)
    history.flush()


def test_labels_use_only_the_outcome_window_and_alive_enterprises(home: DataHome, history: History) -> None:
    _outcomes(history)
    table = build_labels(home, AS_OF, "12m")
    rows = {r["enterprise_id"]: r for r in table.to_pylist()}
    assert "DEAD" not in rows and "NEWBORN" not in rows
    flagged = {k for k, r in rows.items() if r["default_flag"] == 1}
    assert flagged == {"DPD", "ENF", "EXIT", "BANK", "TWO"}
    assert rows["TWO"]["cause"] == "dpd90" and rows["TWO"]["first_default_date"] == dt.date(2025, 8, 1)
    assert rows["EXIT"]["cause"] == "exit" and rows["BANK"]["cause"] == "bankruptcy"
    assert rows["OK"]["first_default_date"] is None and rows["OK"]["cause"] is None


def test_triggers_are_configurable(home: DataHome, history: History) -> None:
    _outcomes(history)
    table = build_labels(home, AS_OF, "12m", triggers=("enforcement",))
    flagged = {r["enterprise_id"] for r in table.to_pylist() if r["default_flag"] == 1}
    assert flagged == {"ENF", "TWO"}
    with pytest.raises(ValueError, match="unknown label triggers"):
        build_labels(home, AS_OF, "12m", triggers=("weather",))


def test_horizon_parsing() -> None:
    assert horizon_end(dt.date(2025, 6, 30), "12m") == dt.date(2026, 6, 30)
    assert horizon_end(dt.date(2025, 8, 31), "6m") == dt.date(2026, 2, 28)
    assert horizon_end(dt.date(2025, 6, 30), "90d") == dt.date(2025, 9, 28)
    with pytest.raises(ValueError, match="12m"):
        horizon_end(dt.date(2025, 6, 30), "a year")


def test_labels_command_writes_the_table(home: DataHome, history: History) -> None:
    _outcomes(history)
    result = CliRunner().invoke(app, ["labels", "--home", str(home.root), "--as-of", "2025-06-30",
                                      "--horizon", "12m"])
    assert result.exit_code == 0, result.output
    assert (home.root / "labels" / "as_of=2025-06-30" / "horizon=12m" / "labels.parquet").exists()
    assert read_labels(home, AS_OF, "12m").num_rows == 9
