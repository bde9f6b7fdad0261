"""Outcome labels: triggers in (D, D + horizon], only enterprises alive on D; default, no default or unknown."""

from __future__ import annotations

import datetime as dt
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from firmscore.cli import app
from firmscore.features import build_labels, read_labels
from firmscore.features.labels import horizon_end, labels_dir, outcome_counts, write_labels
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
    # the home's data reach past the horizon (LATE, 2026-07-01): every outcome of the 12 months is known
    assert {r["outcome"] for r in rows.values()} == {"default", "no_default"}
    assert rows["OK"]["outcome"] == "no_default" and rows["OK"]["default_flag"] == 0
    assert table.schema.metadata[b"firmscore.data_through"] == b"2026-07-01"


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
    assert "default 5, no default 4, unknown 0" in " ".join(result.output.split())


def test_a_horizon_past_the_homes_data_is_censored(home: DataHome, history: History) -> None:
    """Without observation windows, the home's latest record bounds what can be known: a firm with no default
    by then is unknown (censored), never a good; a default seen before then is a default."""
    for eid in ("GOOD", "BAD"):
        history.enterprise(eid)
    history.event("BAD", "enforcement", "2025-09-01", amount=1.0)
    history.event("GOOD", "repayment", "2026-03-01", value=0.0)  # the latest record of the home
    history.flush()
    rows = {r["enterprise_id"]: r for r in build_labels(home, AS_OF, "12m").to_pylist()}
    assert rows["BAD"]["outcome"] == "default" and rows["BAD"]["default_flag"] == 1
    assert rows["GOOD"]["outcome"] == "unknown" and rows["GOOD"]["default_flag"] is None
    assert rows["GOOD"]["unknown_reason"] == "censored"
    # a shorter horizon that ends before the data do is fully observed
    short = {r["enterprise_id"]: r for r in build_labels(home, AS_OF, "6m").to_pylist()}
    assert short["GOOD"]["outcome"] == "no_default" and short["BAD"]["outcome"] == "default"


def _windowed(history: History) -> None:
    """Firms of a labelled source (with observation windows) and firms it never followed."""
    for eid in ("WATCHED", "WATCHED_BAD", "OPEN", "UNWATCHED", "UNWATCHED_BAD", "ENDS_EARLY", "STARTS_LATE",
                "ENDS_AFTER_DEFAULT", "NO_START"):
        history.enterprise(eid)
    history._add("event", {"event_type": "observation_window", "subject_type": "enterprise", "subject_id": "NO_START",
                           "amount": None, "value": None, "code": None, "counterparty_id": None, "attrs": None},
                 "2020-01-01", None, 1, None, "2026-12-31")  # a window without a start: followed all along
    window = {"WATCHED": ("2025-01-01", "2026-12-31"), "WATCHED_BAD": ("2025-01-01", "2026-12-31"),
              "OPEN": ("2025-01-01", None), "ENDS_EARLY": ("2025-01-01", "2026-01-31"),
              "STARTS_LATE": ("2025-09-01", "2026-12-31"), "ENDS_AFTER_DEFAULT": ("2025-01-01", "2026-03-31")}
    for eid, (start, stop) in window.items():
        history.event(eid, "observation_window", start, end_date=stop)
    for eid, day in (("WATCHED_BAD", "2025-11-01"), ("UNWATCHED_BAD", "2025-11-01"),
                     ("ENDS_AFTER_DEFAULT", "2026-02-01")):
        history.event(eid, "enforcement", day, amount=1.0)
    history.event("WATCHED", "tax_payment", "2026-08-01", amount=1.0)  # data beyond the horizon
    history.flush()


def test_observation_windows_decide_who_is_known(home: DataHome, history: History) -> None:
    _windowed(history)
    table = build_labels(home, AS_OF, "12m")
    rows = {r["enterprise_id"]: (r["outcome"], r["unknown_reason"]) for r in table.to_pylist()}
    assert rows == {
        "WATCHED": ("no_default", None),
        "WATCHED_BAD": ("default", None),
        "OPEN": ("no_default", None),  # an open window runs to the home's latest record (2026-08-01)
        "UNWATCHED": ("unknown", "no_window"),  # e.g. a firm known only from side tables: no outcome data
        "UNWATCHED_BAD": ("unknown", "no_window"),  # its default is real, but counting it would bias the sample
        "ENDS_EARLY": ("unknown", "short_window"),  # observed too briefly
        "STARTS_LATE": ("unknown", "short_window"),  # not watched between D and the window's start
        "ENDS_AFTER_DEFAULT": ("default", None),  # watched until its default
        "NO_START": ("no_default", None),
    }
    assert table.schema.metadata[b"firmscore.observation_rule"] == b"windows"
    counts = outcome_counts(table)
    assert (counts.defaults, counts.no_defaults, counts.unknown) == (2, 3, 4)
    assert counts.unknown_by_reason == {"no_window": 2, "short_window": 2}
    write_labels(home, AS_OF, "12m", table)
    meta = json.loads((labels_dir(home, AS_OF, "12m") / "labels.json").read_text())
    assert (meta["defaults"], meta["no_defaults"], meta["unknown"]) == (2, 3, 4)
    assert meta["default_rate"] == 0.4 and meta["unknown_by_reason"] == {"no_window": 2, "short_window": 2}


def test_labels_command_prints_the_three_counts(home: DataHome, history: History) -> None:
    _windowed(history)
    result = CliRunner().invoke(app, ["labels", "--home", str(home.root), "--as-of", "2025-06-30",
                                      "--horizon", "12m"], env={"COLUMNS": "300", "FIRMSCORE_LANG": "en"})
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "default 2, no default 3, unknown 4 (default rate 40.00% of known outcomes)" in out
    assert ("4 enterprises of unknown outcome, left out of training and validation: "
            "no observation window (no outcome data) 2; observed too briefly 2") in out
    zh = CliRunner().invoke(app, ["labels", "--home", str(home.root), "--as-of", "2025-06-30"],
                            env={"COLUMNS": "300", "FIRMSCORE_LANG": "zh"})
    assert "违约 2, 未违约 3, 未知 4" in zh.output


def test_labels_written_before_unknown_outcomes_read_as_known(home: DataHome) -> None:
    """A label file of an older firmscore (0/1 only, no outcome column) still reads, every row known."""
    old = pa.table({"enterprise_id": ["A", "B"], "default_flag": pa.array([1, 0], pa.int8()),
                    "first_default_date": pa.array([dt.date(2025, 8, 1), None], pa.date32()),
                    "cause": ["dpd90", None]})
    folder = labels_dir(home, AS_OF, "12m")
    folder.mkdir(parents=True)
    pq.write_table(old, folder / "labels.parquet")
    table = read_labels(home, AS_OF, "12m")
    assert table.column("outcome").to_pylist() == ["default", "no_default"]
    assert table.column("unknown_reason").null_count == 2
