"""``firmscore fraud`` end to end on a hand-made home: the artifact, the queue, verdicts and re-tuning."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from fraud_cases import AS_OF, ent, invoice, rel
from typer.testing import CliRunner

from firmscore.cli import app
from firmscore.fraud.artifact import FraudArtifactError, artifact_dir, open_fraud_artifact
from firmscore.fraud.thresholds import load_thresholds, retune, tune_threshold
from firmscore.fraud.verdicts import VerdictError, read_verdicts, verdicts_path

D = dt.timedelta


@pytest.fixture
def case(home, write):
    """Six shells at one address, a three-firm round trip, a guarantee pair loop and five ordinary firms."""
    shells = [ent(f"S{i}", address="上海市浦东路8号", insured_employees=0, legal_rep_id=f"PS{i}",
                  established_date=dt.date(2024, 5, 1) + D(days=i)) for i in range(6)]
    rows = [*shells, *[ent(x) for x in ("A", "B", "C", "G1", "G2")], *[ent(f"N{i}") for i in range(5)]]
    write("enterprise", rows)
    events = []
    for r in range(3):
        day = dt.date(2025, 1, 5) + D(days=50 * r)
        events += [invoice("A", "B", day, 2e6), invoice("B", "C", day + D(days=2), 2e6),
                   invoice("C", "A", day + D(days=4), 2e6)]
    write("event", events)
    write("relation", [rel("guarantee", "G1", "G2", amount=5e5), rel("guarantee", "G2", "G1", amount=5e5)])
    return home


def _run(*args: str):
    return CliRunner().invoke(app, ["fraud", *args])


def test_detect_writes_the_artifact_and_prints_the_flags(case):
    res = _run("--home", str(case.root), "--as-of", AS_OF.isoformat())
    assert res.exit_code == 0, res.output
    art = open_fraud_artifact(case, AS_OF)
    ind = art.indicators.set_index("enterprise_id")
    assert list(ind.columns) == ["active", "shell_cluster", "round_trip", "phoenix", "bust_out",
                                 "guarantee_circle", "identity_reuse"]
    assert len(ind) == 16
    assert (ind.loc[[f"S{i}" for i in range(6)], "shell_cluster"] == 1.0).all()
    assert ind.loc[["A", "B", "C"], "round_trip"].round(6).tolist() == [round(1 - 0.4**3, 6)] * 3
    assert ind.loc[["G1", "G2"], "guarantee_circle"].tolist() == [0.7, 0.7]
    assert ind.loc[[f"N{i}" for i in range(5)]].drop(columns="active").to_numpy().sum() == 0
    ev = art.evidence
    assert set(ev["typology"]) == {"shell_cluster", "round_trip", "guarantee_circle"}
    assert all(len(r) > 0 for r in ev["record_ids"]) and all(len(p) > 0 for p in ev["paths"])
    assert "空壳企业群 / shell cluster" in res.output and "6" in res.output
    manifest = json.loads((artifact_dir(case, AS_OF) / "fraud.json").read_text())
    assert manifest["positive"]["shell_cluster"] == 6 and manifest["firms"] == 16


def test_queue_ranks_the_strongest_evidence_first_in_both_languages(case):
    assert _run("--home", str(case.root), "--as-of", AS_OF.isoformat()).exit_code == 0
    res = _run("--home", str(case.root), "--queue", "4")
    assert res.exit_code == 0, res.output
    lines = [ln for ln in res.output.splitlines() if ln[:2] in {"1.", "2.", "3.", "4."}]
    assert [ln.split()[1] for ln in lines] == ["S0", "S1", "S2", "S3"]  # strength 1.0, ties by id
    assert "空壳企业群 / shell cluster" in lines[0]
    assert "共用同一注册地址" in res.output and "shares its registered address" in res.output


def test_verdicts_are_stored_and_retune_the_threshold(case):
    assert _run("--home", str(case.root), "--as-of", AS_OF.isoformat()).exit_code == 0
    home = str(case.root)
    for eid, decision in [("A", "confirmed"), ("B", "confirmed"), ("C", "confirmed"), ("G1", "cleared"),
                          ("G2", "cleared")]:
        ty = "round_trip" if eid in "ABC" else "guarantee_circle"
        res = _run("--home", home, "--verdict", eid, "--typology", ty, "--decision", decision, "--analyst", "li")
        assert res.exit_code == 0, res.output
        assert f"{eid}" in res.output
    v = read_verdicts(case)
    assert v[["enterprise_id", "verdict"]].values.tolist() == [["A", "confirmed"], ["B", "confirmed"],
                                                               ["C", "confirmed"], ["G1", "cleared"],
                                                               ["G2", "cleared"]]
    assert v["strength"].round(3).tolist() == [0.936, 0.936, 0.936, 0.7, 0.7]
    # three round-trip verdicts are fewer than five: kept; two cleared guarantee circles: kept
    assert load_thresholds(case)["round_trip"] == 0.5
    # judged firms leave the queue
    res = _run("--home", home, "--queue", "20")
    firms = {ln.split()[1] for ln in res.output.splitlines() if ln[:1].isdigit()}
    assert firms == {f"S{i}" for i in range(6)}


def test_bad_verdicts_and_files_are_named(case):
    assert _run("--home", str(case.root), "--as-of", AS_OF.isoformat()).exit_code == 0
    res = _run("--home", str(case.root), "--verdict", "A", "--typology", "round_trip", "--decision", "maybe")
    assert res.exit_code == 2 and "confirmed" in res.output
    res = _run("--home", str(case.root), "--verdict", "NOPE", "--typology", "round_trip", "--decision", "cleared")
    assert res.exit_code == 2 and "NOPE" in res.output
    verdicts_path(case).write_text('{"enterprise_id": "A"}\n', encoding="utf-8")
    with pytest.raises(VerdictError, match="line 1"):
        read_verdicts(case)


def test_without_a_date_or_an_action_the_command_says_what_it_needs(case):
    res = _run("--home", str(case.root))
    assert res.exit_code == 2 and "--as-of D" in res.output and "--queue N" in res.output
    res = _run("--home", str(case.root), "--queue", "3")
    assert res.exit_code == 2 and "firmscore fraud --as-of D" in res.output  # nothing detected yet


def test_an_altered_artifact_is_refused(case):
    assert _run("--home", str(case.root), "--as-of", AS_OF.isoformat()).exit_code == 0
    path = artifact_dir(case, AS_OF) / "indicators.parquet"
    table = pq.read_table(path)
    pq.write_table(table.slice(0, 3), path)
    with pytest.raises(FraudArtifactError, match="altered"):
        open_fraud_artifact(case, AS_OF)
    assert _run("--home", str(case.root), "--queue", "3").exit_code == 2


def test_tune_threshold_picks_the_lowest_strength_that_keeps_the_target_precision():
    s = np.array([0.95, 0.9, 0.85, 0.8, 0.7, 0.6, 0.55, 0.5])
    y = np.array([1, 1, 1, 1, 1, 0, 0, 1], dtype=bool)
    # tail precision 1,1,1,1,1,5/6,5/7,6/8: the lowest tail with ≥ 0.8 ends at 0.6 (cleared) → its lowest confirmed 0.7
    assert tune_threshold(s, y, current=0.5) == (0.7, 1.0)
    y2 = np.array([1, 1, 1, 1, 1, 1, 0, 1], dtype=bool)  # 7/8 = 0.875 at 0.5
    assert tune_threshold(s, y2, current=0.5) == (0.5, 0.875)
    assert tune_threshold(s[:3], y[:3], current=0.5) == (0.5, 1.0)  # too few verdicts: kept
    ties = np.array([0.9, 0.9, 0.9, 0.9, 0.9, 0.4])
    assert tune_threshold(ties, np.array([1, 1, 1, 1, 0, 0], dtype=bool), current=0.95) == (0.9, 0.8)
    # every verdict above the current threshold confirmed: no reason to raise it
    assert tune_threshold(s, np.ones(8, dtype=bool), current=0.5) == (0.5, 1.0)
    assert tune_threshold(s, np.ones(8, dtype=bool), current=0.52) == (0.5, 1.0)  # lowered to the last confirmed


def test_five_verdicts_move_the_threshold_and_the_queue_uses_it_at_once(case):
    assert _run("--home", str(case.root), "--as-of", AS_OF.isoformat()).exit_code == 0
    home = str(case.root)
    # the three round-trip firms (0.936) cleared, two guarantee firms (0.7) confirmed: 2 of 5 confirmed at
    # the default 0.5 is below the target, and no tail of these verdicts reaches it: kept
    verdicts = [("A", "round_trip", "cleared"), ("B", "round_trip", "cleared"), ("C", "round_trip", "cleared"),
                ("S0", "shell_cluster", "confirmed"), ("S1", "shell_cluster", "confirmed")]
    for eid, ty, decision in verdicts:
        assert _run("--home", home, "--verdict", eid, "--typology", ty, "--decision", decision).exit_code == 0
    assert load_thresholds(case)["round_trip"] == 0.5
    # five shell verdicts, four confirmed and one cleared, all at strength 1.0: 0.8 confirmed at or above the
    # default 0.5 already meets the target, so the threshold is kept (raising it would gain nothing)
    for i, decision in [(2, "confirmed"), (3, "confirmed"), (4, "cleared")]:
        res = _run("--home", home, "--verdict", f"S{i}", "--typology", "shell_cluster", "--decision", decision)
        assert res.exit_code == 0, res.output
    assert "5 verdicts" in res.output or "5 条结论" in res.output
    doc = json.loads((case.root / "fraud" / "thresholds.json").read_text())
    assert doc["thresholds"]["shell_cluster"] == {"threshold": 0.5, "verdicts": 5, "precision_above": 0.8}


def test_retune_raises_a_threshold_the_verdicts_contradict(case):
    """Verdicts below the target precision at the current threshold move it up to where they hold."""
    verdicts = pd.DataFrame({
        "enterprise_id": [f"F{i}" for i in range(6)], "typology": "identity_reuse",
        "verdict": ["confirmed", "confirmed", "confirmed", "cleared", "cleared", "cleared"],
        "strength": [0.95, 0.9, 0.85, 0.7, 0.6, 0.55]})
    out = {r.typology: r for r in retune(case, verdicts)}
    assert out["identity_reuse"].old == 0.5 and out["identity_reuse"].new == 0.85 and out["identity_reuse"].changed
    assert out["shell_cluster"].n_verdicts == 0 and not out["shell_cluster"].changed
    assert load_thresholds(case)["identity_reuse"] == 0.85
