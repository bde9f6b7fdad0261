"""The contagion fixed point against hand-computed values, and its calibration."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from firmscore.graph import ContagionModel, EdgeType, graph_from_arrays, propagate
from firmscore.graph.build import default_enterprise_table
from firmscore.graph.contagion import node_own_pd


def _with_capital(n: int, capital: float) -> pa.Table:
    t = default_enterprise_table(n)
    return t.set_column(0, "registered_capital", pa.array([capital] * n, pa.float64()))


def test_one_guarantee_matches_the_formula() -> None:
    # A (0) guarantees B (1) for its whole capital: raw weight 1.
    g = graph_from_arrays(2, 0, {EdgeType.GUARANTEE: (np.array([0]), np.array([1]), np.array([100.0]))},
                          enterprises=_with_capital(2, 100.0))
    p, _, ok = propagate(g, np.array([0.1, 0.4]), {"guarantor": 0.5})
    assert ok
    assert p[1] == pytest.approx(0.4)
    assert p[0] == pytest.approx(1 - 0.9 * (1 - 0.5 * 0.4))


def test_mutual_guarantee_solves_the_coupled_fixed_point() -> None:
    g = graph_from_arrays(2, 0, {EdgeType.GUARANTEE: (np.array([0, 1]), np.array([1, 0]), np.array([100.0, 100.0]))},
                          enterprises=_with_capital(2, 100.0))
    p, n_iter, ok = propagate(g, np.array([0.1, 0.2]), {"guarantor": 0.5}, tol=1e-12)
    # pA = 0.1 + 0.45 pB and pB = 0.2 + 0.4 pA  →  pA = 0.19 / 0.82
    assert ok and n_iter > 2
    assert p[0] == pytest.approx(0.19 / 0.82, abs=1e-6)
    assert p[1] == pytest.approx(0.2 + 0.4 * 0.19 / 0.82, abs=1e-6)


def test_risk_passes_through_a_person_and_by_share() -> None:
    # Person P (node 2) owns 50% of firm 0 and 100% of firm 1; firm 1 is near-certain to default.
    g = graph_from_arrays(2, 1, {EdgeType.SHAREHOLDING: (np.array([2, 2]), np.array([0, 1]), np.array([0.5, 1.0]))})
    weights = {"owner": 0.5, "subsidiary": 0.5}
    p, _, ok = propagate(g, np.array([0.0, 0.9, 0.0]), weights, tol=1e-13)
    assert ok
    # owner (P exposed to its firms): w = 0.5 · share; subsidiary (firm exposed to P): w = 0.5 · share.
    p0, p1, pp = p
    assert p0 == pytest.approx(0.25 * pp, abs=1e-6)
    assert p1 == pytest.approx(1 - 0.1 * (1 - 0.5 * pp), abs=1e-6)
    assert pp == pytest.approx(1 - (1 - 0.25 * p0) * (1 - 0.5 * p1), abs=1e-6)
    assert 0 < p0 < pp < p1 < 1


def test_own_pd_shape_is_checked() -> None:
    g = graph_from_arrays(2, 0, {})
    with pytest.raises(ValueError, match="one value per node"):
        propagate(g, np.array([0.1]), {"guarantor": 0.5})


def test_calibration_recovers_a_planted_guarantor_weight() -> None:
    rng = np.random.default_rng(7)
    n = 20_000
    src = rng.integers(0, n, 6_000)
    dst = rng.integers(0, n, 6_000)
    keep = src != dst
    src, dst = src[keep], dst[keep]
    g = graph_from_arrays(n, 0, {EdgeType.GUARANTEE: (src, dst, np.full(src.size, 100.0))},
                          enterprises=_with_capital(n, 100.0))
    base, beta = 0.05, 0.4
    shock = rng.random(n) < 0.1
    # guarantors of shocked borrowers default with probability beta on top of the base rate
    exposed = np.zeros(n, dtype=bool)
    exposed[src[shock[dst]]] = True
    y = np.where(exposed, rng.random(n) < 1 - (1 - base) * (1 - beta), rng.random(n) < base)
    model = ContagionModel(channels=("guarantor",)).fit(g, y.astype(float), sources=shock.astype(float))
    assert model.weights_["guarantor"] == pytest.approx(beta, abs=0.06)
    assert model.calibration_["guarantor"]["exposed"] > 400
    proba = model.predict_proba(g, node_own_pd(g, np.full(n, base)))
    assert proba.shape == (n, 2)
    assert np.allclose(proba.sum(axis=1), 1.0)
    assert model.converged_


def test_unfitted_model_uses_priors_and_params_round_trip() -> None:
    m = ContagionModel(prior_weights={"guarantor": 0.7}, channels=("guarantor",), tol=1e-5)
    assert m.effective_weights == {"guarantor": 0.7}
    clone = ContagionModel(**m.get_params())  # type: ignore[arg-type]
    assert clone.get_params() == m.get_params()


def test_calibration_orders_shocks_before_outcomes() -> None:
    # G_i guarantees B_i; every guarantor fails first (day 1), then its borrower (day 2).
    n = 60
    src, dst = np.arange(n), np.arange(n, 2 * n)
    g = graph_from_arrays(2 * n + 200, 0, {EdgeType.GUARANTEE: (src, dst, np.full(n, 100.0))},
                          enterprises=_with_capital(2 * n + 200, 100.0))
    y = np.zeros(2 * n + 200)
    y[: 2 * n] = 1.0
    days = np.full(2 * n + 200, np.iinfo(np.int64).max)
    days[:n], days[n : 2 * n] = 1, 2
    channels = ("guarantor", "borrower")
    symmetric = ContagionModel(channels=channels).fit(g, y)
    ordered = ContagionModel(channels=channels).fit(g, y, days=days)
    assert symmetric.calibration_["guarantor"]["exposed"] == n  # reverse causation counted
    assert ordered.calibration_["guarantor"]["exposed"] == 0  # borrowers failed after their guarantors
    assert ordered.calibration_["borrower"]["exposed"] == n
    assert ordered.weights_["borrower"] == 1.0
