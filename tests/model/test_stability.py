"""PSI and CSI."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from firmscore.datamodel.specials import NOT_AUTHORIZED
from firmscore.model.stability import csi, psi, stability_label


def test_psi_zero_on_identical_distributions() -> None:
    x = np.random.default_rng(0).normal(size=5000)
    assert psi(x, x).psi == pytest.approx(0.0, abs=1e-12)
    assert psi(x, x).label == "stable"


def test_psi_matches_hand_computation_on_given_bins() -> None:
    ref = np.array([1] * 50 + [2] * 30 + [3] * 20, dtype=float)
    cur = np.array([1] * 30 + [2] * 30 + [3] * 40, dtype=float)
    result = psi(ref, cur, edges=[1.5, 2.5])
    e, a = np.array([0.5, 0.3, 0.2]), np.array([0.3, 0.3, 0.4])
    assert result.psi == pytest.approx(float(((a - e) * np.log(a / e)).sum()))
    assert list(result.table["expected_share"]) == pytest.approx(list(e))
    assert result.label == stability_label(result.psi)


def test_missing_and_special_values_get_own_bins() -> None:
    ref = np.arange(100, dtype=float)
    cur = np.concatenate([np.arange(80, dtype=float), np.full(10, np.nan), np.full(10, NOT_AUTHORIZED)])
    result = psi(ref, cur)
    bins = list(result.table["bin"])
    assert "missing" in bins and "not_authorized" in bins
    assert result.psi > 0.25 and result.label == "unstable"


def test_csi_ranks_the_shifted_feature_first() -> None:
    rng = np.random.default_rng(1)
    ref = pd.DataFrame({"a": rng.normal(size=3000), "b": rng.normal(size=3000),
                        "c": rng.choice(["x", "y"], 3000)})
    cur = pd.DataFrame({"a": rng.normal(size=3000), "b": rng.normal(0.8, 1, size=3000),
                        "c": rng.choice(["x", "y", "z"], 3000)})
    table = csi(ref, cur)
    assert table["feature"].iloc[0] in {"b", "c"}
    assert table.set_index("feature").loc["a", "label"] == "stable"
    assert float(table.set_index("feature").loc["b", "csi"]) > 0.25  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="missing"):
        csi(ref, cur, features=["nope"])
