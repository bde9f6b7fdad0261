#!/usr/bin/env python
"""Reference IVs from optbinning, pinned in ``tests/model/test_binning_vs_optbinning.py``.

optbinning is not a project dependency (it pins an older stack), so the test suite does not run
it: this script runs in the peers' virtual environment and prints the IV optbinning reaches on
deterministic data for a handful of settings; the test fits firmscore's binning on the same data
and requires at least that IV (within a small tolerance) with all constraints met.

    ~/peers-venv/bin/python bench/optbinning_reference.py          # prints a JSON object

The same file also provides :func:`reference_data`, imported by the test, so both sides bin the
identical rows (numpy's default_rng stream is stable across numpy versions).
"""

from __future__ import annotations

import json
import sys
from typing import Any

import numpy as np
import pandas as pd

SPECIAL = -999001.0

#: (case id, column, optbinning / firmscore parameters shared by both)
CASES: list[tuple[str, str, dict[str, Any]]] = [
    ("monotone_default", "x_mono", {}),
    ("monotone_desc_5pct_max6", "x_mono", {"monotonic_trend": "descending", "min_bin_size": 0.05, "max_n_bins": 6}),
    ("u_shape_valley", "x_u", {"monotonic_trend": "valley", "min_bin_size": 0.05}),
    ("u_shape_auto", "x_u", {}),
    ("peak", "x_peak", {"monotonic_trend": "peak", "min_bin_size": 0.05}),
    ("counts_ascending", "x_count", {"monotonic_trend": "ascending", "min_bin_size": 0.03}),
    ("categorical", "x_cat", {"dtype": "categorical"}),
]


def reference_data(n: int = 20_000, seed: int = 7) -> tuple[pd.DataFrame, np.ndarray]:
    """Deterministic data: monotone, U-shaped, peaked, count and categorical features."""
    rng = np.random.default_rng(seed)
    x_mono = rng.normal(0, 1, n)
    x_u = rng.uniform(-2, 2, n)
    x_peak = rng.uniform(0, 1, n)
    x_count = rng.poisson(2.0, n).astype(float)
    cats = np.array(list("ABCDEFGH"))
    x_cat = cats[rng.integers(0, 8, n)]
    cat_effect = dict(zip(cats, [-0.8, -0.4, -0.2, 0.0, 0.1, 0.3, 0.6, 0.9], strict=True))
    z = (
        -2.8
        - 0.7 * x_mono
        + 0.5 * x_u**2
        - 1.2 * np.sin(np.pi * x_peak)
        + 0.25 * x_count
        + np.vectorize(cat_effect.get)(x_cat)
    )
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-z))).astype(int)
    x_mono[rng.uniform(size=n) < 0.04] = np.nan
    x_mono[rng.uniform(size=n) < 0.02] = SPECIAL
    x_u[rng.uniform(size=n) < 0.03] = np.nan
    X = pd.DataFrame({"x_mono": x_mono, "x_u": x_u, "x_peak": x_peak, "x_count": x_count, "x_cat": x_cat})
    return X, y


def main() -> int:
    from optbinning import OptimalBinning

    X, y = reference_data()
    out: dict[str, float] = {}
    for case, col, params in CASES:
        p = dict(params)
        dtype = p.pop("dtype", "numerical")
        ob = OptimalBinning(name=col, dtype=dtype, special_codes=[SPECIAL] if dtype == "numerical" else None, **p)
        ob.fit(X[col].to_numpy(), y)
        out[case] = round(float(ob.binning_table.build().loc["Totals", "IV"]), 6)
    json.dump(out, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
