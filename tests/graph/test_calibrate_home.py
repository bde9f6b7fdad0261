"""Calibrating contagion weights on a data home's own history (``firmscore graph --calibrate-from``)."""

from __future__ import annotations

import datetime as dt

import numpy as np
from typer.testing import CliRunner

from conftest import Writer, ent, evt, rel
from firmscore.cli import app
from firmscore.graph.artifact import open_graph_artifact
from firmscore.graph.calibrate import calibrate_on_home
from firmscore.graph.contagion import ContagionModel
from firmscore.store import DataHome

D0 = dt.date(2023, 12, 31)


def test_guarantors_of_failed_borrowers_raise_the_guarantor_weight(home: DataHome, write: Writer) -> None:
    rng = np.random.default_rng(3)
    n_pairs, n_free = 40, 400
    firms = [ent(f"G{i}", registered_capital=100.0) for i in range(n_pairs)]
    firms += [ent(f"B{i}", registered_capital=100.0) for i in range(n_pairs)]
    firms += [ent(f"F{i}", registered_capital=100.0) for i in range(n_free)]
    write("enterprise", firms)
    write("relation", [rel("guarantee", f"G{i}", f"B{i}", amount=100.0) for i in range(n_pairs)])
    day = dt.date(2024, 3, 1)
    events = [evt("default", f"B{i}", day) for i in range(n_pairs)]  # every borrower fails after D0
    events += [evt("default", f"G{i}", day + dt.timedelta(days=60)) for i in range(n_pairs) if i % 2 == 0]
    events += [evt("default", f"F{i}", day) for i in range(n_free) if rng.random() < 0.05]
    write("event", events)
    model = calibrate_on_home(home, D0, model=ContagionModel(channels=("guarantor",)))
    info = model.calibration_["guarantor"]
    assert info["exposed"] == n_pairs
    assert info["rate_exposed"] == 0.5
    expected = (0.5 - info["rate_unexposed"]) / (1 - info["rate_unexposed"])
    assert abs(model.weights_["guarantor"] - expected) < 1e-9

    res = CliRunner().invoke(app, ["graph", "--home", str(home.root), "--as-of", "2024-12-31",
                                   "--calibrate-from", D0.isoformat()])
    assert res.exit_code == 0, res.output
    manifest = open_graph_artifact(home, dt.date(2024, 12, 31)).manifest["model"]
    assert manifest["calibrated_from"] == D0.isoformat()
    assert manifest["calibration"]["guarantor"]["exposed"] == n_pairs
