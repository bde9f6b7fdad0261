"""Weight of evidence and information value, the one formula used everywhere.

Convention: ``WOE = ln(%good / %bad)`` (good = non-event, y = 0; bad = event, y = 1), so a bin
with a lower bad rate than average has a *positive* WOE and a logistic regression of the bad
flag on WOE inputs has *negative* coefficients. Higher WOE means safer, like higher points.

Smoothing: a bin with no events (or no non-events) has an infinite raw WOE. Rather than dropping
such bins or clipping after the fact we add ``alpha`` (default 0.5, the Jeffreys/Laplace-style
half count) to the bin's event and non-event counts **before** taking shares of the unsmoothed
totals::

    WOE_k = ln( ((g_k + alpha) / G) / ((b_k + alpha) / B) )
    IV_k  = (g_k / G - b_k / B) * WOE_k

The IV term keeps the raw shares, so it is zero for an empty bin and always non-negative. Empty
bins (e.g. a special code never seen in training) get ``WOE = 0``: they carry no evidence and are
scored as the population average. The same function computes the dynamic programme's objective,
the binning table and the WOE used for transforming data, so "the WOE reported is the WOE used"
holds by construction.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

DEFAULT_ALPHA = 0.5


def woe_iv(
    non_event: npt.ArrayLike,
    event: npt.ArrayLike,
    total_non_event: float,
    total_event: float,
    alpha: float = DEFAULT_ALPHA,
) -> tuple[FloatArray, FloatArray]:
    """WOE and IV contribution of each bin (element-wise; any array shape).

    Parameters
    ----------
    non_event, event
        Counts (or weights) of goods and bads per bin.
    total_non_event, total_event
        Population totals the shares are taken against (all bins of the feature, including
        special and missing bins), so that WOE is comparable across a feature's bins.
    alpha
        Additive smoothing of each bin's counts; see the module docstring.
    """
    g = np.asarray(non_event, dtype=np.float64)
    b = np.asarray(event, dtype=np.float64)
    tg = max(float(total_non_event), 1e-12)
    tb = max(float(total_event), 1e-12)
    empty = (g + b) <= 0
    with np.errstate(divide="ignore", invalid="ignore"):
        woe = np.log(((g + alpha) / tg) / ((b + alpha) / tb))
    woe = np.where(empty | ~np.isfinite(woe), 0.0, woe)
    iv = (g / tg - b / tb) * woe
    return woe, iv
