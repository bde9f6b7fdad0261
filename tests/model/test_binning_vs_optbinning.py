"""Our binning reaches at least optbinning's IV under the same constraints, on the same rows.

optbinning is not a project dependency, so its results are **pinned** here: they were computed
by ``bench/optbinning_reference.py`` (optbinning 1.0.0, in ``~/peers-venv``) on
``reference_data()`` from that same script, which this test imports so both sides bin identical
rows. IV is compared with optbinning's formula (unsmoothed WOE, special and missing bins
included). ``test_live_optbinning`` re-runs optbinning when the peers' venv exists (it is
optional: the suite never installs it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

from firmscore.model.binning import OptimalBinning, woe_iv  # noqa: E402
from optbinning_reference import CASES, SPECIAL, reference_data  # noqa: E402

#: ``~/peers-venv/bin/python bench/optbinning_reference.py`` (optbinning 1.0.0)
OPTBINNING_IV = {
    "monotone_default": 0.37182,
    "monotone_desc_5pct_max6": 0.366204,
    "u_shape_valley": 0.305052,
    "u_shape_auto": 0.305052,
    "peak": 0.046318,
    "counts_ascending": 0.102817,
    "categorical": 0.159466,
}

#: rounding of the pinned values plus float noise
TOLERANCE = 1e-5


def _ours(case: str, col: str, params: dict) -> tuple[float, OptimalBinning]:
    X, y = reference_data()
    p = dict(params)
    dtype = p.pop("dtype", "numerical")
    ob = OptimalBinning(name=col, dtype=dtype, special_codes=[SPECIAL] if dtype == "numerical" else None, **p)
    ob.fit(X[col], y)
    g, e = np.array(ob.binning_.non_event), np.array(ob.binning_.event)
    return float(woe_iv(g, e, g.sum(), e.sum(), alpha=0.0)[1].sum()), ob


@pytest.mark.parametrize(("case", "col", "params"), CASES, ids=[c[0] for c in CASES])
def test_iv_at_least_optbinning(case: str, col: str, params: dict) -> None:
    iv, ob = _ours(case, col, params)
    assert iv >= OPTBINNING_IV[case] - TOLERANCE
    b = ob.binning_
    k = b.rule.n_regular
    cnt = np.array(b.non_event[:k]) + np.array(b.event[:k])
    assert np.all(cnt >= params.get("min_bin_size", 0.02) * len(reference_data()[1]))
    assert params.get("max_n_bins") is None or k <= params["max_n_bins"]


def test_live_optbinning(requirement) -> None:
    """Re-run optbinning itself (``scripts/peers-venv.sh`` makes its venv; CI runs that script)."""
    require = requirement
    py = Path(os.environ.get("FIRMSCORE_PEERS_VENV", os.path.expanduser("~/peers-venv"))) / "bin" / "python"
    require(py.exists(), f"optbinning's venv not found at {py} (run scripts/peers-venv.sh)")
    out = subprocess.run(
        [str(py), str(BENCH / "optbinning_reference.py")], capture_output=True, text=True, check=True, timeout=300
    )
    live = json.loads(out.stdout)
    for case, col, params in CASES:
        assert _ours(case, col, params)[0] >= live[case] - TOLERANCE, case
