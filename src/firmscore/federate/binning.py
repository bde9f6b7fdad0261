"""Federated binning: the host's pre-bins and the guest's optimisation over their counts.

Our optimal binning (:mod:`firmscore.model.binning.optimal`) needs the raw values only to place
pre-bins and to assign rows to them, and the labels only through the per-pre-bin event and
non-event counts. So the work splits cleanly:

* the host computes the pre-bin thresholds and each firm's pre-bin from its raw values
  (:func:`prebin`, no labels involved) and sums the guest's encrypted labels per pre-bin;
* the guest decrypts the per-pre-bin event counts, runs the same dynamic programme and sends back
  the chosen cuts (pre-bin indices) and the per-bin counts (:func:`fit_from_counts`);
* the host turns the cuts into its :class:`~firmscore.model.binning.rules.BinRule` (the split
  values never leave the host) and holds a :class:`FittedBinning` identical to the one a
  centralised fit would give.

Identical means: same thresholds, counts and programme as ``OptimalBinning(refine=False)`` on the
pooled data (tested). The row-level refinement is not federated (it needs labels row by row in
value order); federated cards use ``refine=False`` on both sides, and so does the centralised
reference. Numerical host features only; a categorical host feature is refused with a clear error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from firmscore.model.binning.dp import optimal_partition
from firmscore.model.binning.fitted import FittedBinning
from firmscore.model.binning.optimal import OptimalBinning, _quantile_thresholds
from firmscore.model.binning.rules import BinRule, as_float, count_edges_below_small

IntArray = npt.NDArray[np.intp]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, kw_only=True)
class PreBins:
    """A host feature's pre-binning: the rule (thresholds stay with the host) and every firm's pre-bin."""

    rule: BinRule
    index: IntArray
    counts: FloatArray

    @property
    def n_regular(self) -> int:
        return self.rule.n_regular


def binner(name: str, params: dict[str, Any]) -> OptimalBinning:
    """The local binner both parties agree on (``params`` = OptimalBinning parameters; refine off)."""
    p = dict(params)
    p["refine"] = False
    return OptimalBinning(name=name, **p)


def prebin(name: str, values: Any, params: dict[str, Any]) -> PreBins:
    """Pre-bins of one numerical feature, exactly as :class:`OptimalBinning` places them."""
    ob = binner(name, params)
    ob._check_params()
    if ob.dtype != "numerical":
        raise ValueError(f"{name}: only numerical host features can be binned federatedly")
    codes = ob._codes()
    x = as_float(values, name)
    thresholds = _quantile_thresholds(x, codes, int(ob.max_n_prebins), float(ob.min_bin_size) * x.size)
    rule = BinRule(name, "numerical", tuple(thresholds), (), codes)
    edges, lut = rule.lookup_edges()
    index = np.asarray(lut[count_edges_below_small(edges, x)], dtype=np.intp)
    counts = np.bincount(index, minlength=rule.n_bins).astype(np.float64)
    return PreBins(rule=rule, index=index, counts=counts)


@dataclass(frozen=True, kw_only=True)
class BinChoice:
    """What the guest tells the host about one host feature: cuts over its pre-bins and bin counts."""

    cuts: tuple[int, ...]
    non_event: tuple[float, ...]
    event: tuple[float, ...]
    trend: str


def fit_from_counts(
    counts: FloatArray, events: FloatArray, n_regular: int, n_total: int, params: dict[str, Any], name: str = "x"
) -> BinChoice:
    """The guest's half: optimal partition of pre-bins from their counts (as ``OptimalBinning._fit_numerical``)."""
    ob = binner(name, params)
    ob._check_params()
    bad = np.asarray(events, dtype=np.float64)
    good = np.asarray(counts, dtype=np.float64) - bad
    m = n_regular
    part = optimal_partition(good[:m], bad[:m], float(good.sum()), float(bad.sum()), **ob._constraints(n_total))
    cuts = list(part.cuts) if part.cuts else [m]
    cg = np.concatenate([[0.0], np.cumsum(good[:m])])
    cb = np.concatenate([[0.0], np.cumsum(bad[:m])])
    edges = np.asarray([0, *cuts])
    k = len(cuts)
    return BinChoice(
        cuts=tuple(int(c) for c in cuts),
        non_event=(*np.diff(cg[edges]).tolist(), *good[m:].tolist()),
        event=(*np.diff(cb[edges]).tolist(), *bad[m:].tolist()),
        trend=part.trend if k > 1 else "none",
    )


def apply_choice(pre: PreBins, choice: BinChoice, alpha: float) -> tuple[FittedBinning, IntArray]:
    """The host's half: its fitted binning and every firm's final bin, from the guest's choice."""
    m = pre.n_regular
    cuts = list(choice.cuts)
    if not cuts or cuts[-1] != m or any(b <= a for a, b in zip([0, *cuts], cuts, strict=False)):
        raise ValueError(f"{pre.rule.feature}: cuts {cuts} do not partition {m} pre-bins")
    thresholds = pre.rule.splits
    splits = tuple(float(thresholds[c - 1]) for c in cuts[:-1])
    k = len(cuts)
    nb = pre.rule.n_bins
    rule = BinRule(pre.rule.feature, "numerical", splits, (), pre.rule.special_codes)
    pre_to_bin = np.concatenate(
        [np.repeat(np.arange(k, dtype=np.intp), np.diff(np.asarray([0, *cuts]))), k + np.arange(nb - m)]
    )
    fitted = FittedBinning(rule=rule, non_event=tuple(choice.non_event), event=tuple(choice.event),
                           alpha=float(alpha), trend=choice.trend)
    return fitted, pre_to_bin[pre.index]
