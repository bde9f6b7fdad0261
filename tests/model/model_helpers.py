"""Helpers shared by several model test modules (imported like ``test_scorecard``: ``tests/model`` is on the path).

Kept in one place so the binning shape check and the SQL-export edge-case frame cannot drift
between the tests that rely on them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from test_scorecard import DIMS, make_frame

from firmscore.datamodel.specials import NO_SOURCE, NOT_AUTHORIZED
from firmscore.model import Scorecard


def shape_ok(rates: Sequence[float] | np.ndarray, trend: str) -> bool:
    """Whether bin event rates follow ``trend`` strictly (an independent check of the binning's promise)."""
    r = np.asarray(rates, dtype=np.float64)
    d = np.diff(r)
    if r.size <= 1 or trend == "none":
        return True
    if trend == "ascending":
        return bool(np.all(d > 0))
    if trend == "descending":
        return bool(np.all(d < 0))
    top = int(np.argmax(r)) if trend == "peak" else int(np.argmin(r))
    if trend == "peak":
        return bool(np.all(d[:top] > 0) and np.all(d[top:] < 0))
    return bool(np.all(d[:top] < 0) and np.all(d[top:] > 0))


def edge_case_scorecard(n_fit: int, fit_seed: int, n_test: int, test_seed: int) -> tuple[Scorecard, pd.DataFrame]:
    """A fitted scorecard and a test frame salted with the values SQL engines get wrong.

    Specials, missing, infinities, exact split values and their next float, an unseen category and
    a quote in a string; plus an ``enterprise_id`` key column. Every SQL dialect test scores this
    same kind of frame, so they all probe the same edges.
    """
    X, y = make_frame(n_fit, seed=fit_seed)
    sc = Scorecard(dimensions=DIMS).fit(X, y)
    test, _ = make_frame(n_test, seed=test_seed)
    test.loc[0:9, "rep_overdue"] = [NOT_AUTHORIZED, NO_SOURCE, np.nan, np.inf, -np.inf, 0, 1, 2, 3, 1e9]
    test.loc[10:13, "industry"] = [None, "mining", "retail", "o'hara"]
    for i, f in enumerate(sc.card_.features):
        if f.rule.kind == "numerical" and f.rule.splits:
            test.loc[20 + i * 3 : 22 + i * 3, f.name] = [f.rule.splits[0], np.nextafter(f.rule.splits[0], 9e9), np.nan]
    test.insert(0, "enterprise_id", [f"E{i:05d}" for i in range(len(test))])
    return sc, test
