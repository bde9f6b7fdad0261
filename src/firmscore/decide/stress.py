"""Stress scenarios: shocks to PD by industry or region, and what they change in the plan.

A scenario file (YAML, or CSV with columns ``dimension, value, pd_multiplier, pd_add``) lists
shocks; each names a firm column (``industry``, ``region``, or any other column of the firm table)
and the values it hits, and multiplies the PD and/or adds to it::

    shocks:
      - industry: [retail, catering]     # a pandemic hitting retail and catering
        pd_multiplier: 2.0
      - region: Hubei
        pd_add: 0.05

A firm hit by several shocks gets all of them: multipliers multiply, additions add, then the PD is
clipped to [0, 1]. Grades and churn classes stay as they were (the customer's outside options do not
change with the lender's view of its risk).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
import yaml

from firmscore.decide.messages import StrategyError
from firmscore.decide.problem import CreditPlan


@dataclass(frozen=True, kw_only=True)
class Shock:
    """Multiply the PD of firms whose ``column`` is one of ``values`` by ``multiplier``, then add ``add``."""

    column: str
    values: frozenset[str]
    multiplier: float = 1.0
    add: float = 0.0


@dataclass(frozen=True, kw_only=True)
class Stress:
    """A named set of shocks."""

    name: str
    shocks: tuple[Shock, ...]

    def apply(self, firms: pd.DataFrame) -> npt.NDArray[np.float64]:
        """Stressed PD of every firm."""
        pds = firms["pd"].to_numpy(dtype=np.float64)
        mult = np.ones(len(firms))
        add = np.zeros(len(firms))
        for s in self.shocks:
            if s.column not in firms.columns:
                raise StrategyError("decide.missing_column", column=s.column)
            hit = firms[s.column].astype(str).isin(s.values).to_numpy()
            mult[hit] *= s.multiplier
            add[hit] += s.add
        return np.clip(pds * mult + add, 0.0, 1.0)


def read_stress(path: str | Path) -> Stress:
    """Read a scenario file; a bad entry names its position and field."""
    p = Path(path)
    if not p.is_file():
        raise StrategyError("decide.file_missing", path=str(p))
    if p.suffix.lower() == ".csv":
        frame = pd.read_csv(p, dtype=str, encoding="utf-8-sig").fillna("")
        entries: list[dict[str, object]] = []
        for rec in frame.to_dict("records"):
            entry: dict[str, object] = {str(rec.get("dimension", "")): str(rec.get("value", ""))}
            for key in ("pd_multiplier", "pd_add"):
                if rec.get(key, ""):
                    entry[key] = rec[key]
            entries.append(entry)
        name = p.stem
    else:
        doc = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
        if not isinstance(doc, dict) or not isinstance(doc.get("shocks"), list):
            raise StrategyError("decide.stress_file", path=str(p), row=1, field="shocks", detail="expected a list")
        entries = doc["shocks"]
        name = str(doc.get("name", p.stem))
    return Stress(name=name, shocks=tuple(_shock(e, p, i + 1) for i, e in enumerate(entries)))


def _shock(entry: object, path: Path, row: int) -> Shock:
    if not isinstance(entry, dict):
        raise StrategyError("decide.stress_file", path=str(path), row=row, field="-", detail="expected a mapping")
    dims = [k for k in entry if k not in ("pd_multiplier", "pd_add")]
    if len(dims) != 1 or not str(dims[0]):
        raise StrategyError("decide.stress_file", path=str(path), row=row, field="dimension",
                            detail="name exactly one firm column (industry, region, …)")
    raw = entry[dims[0]]
    values = frozenset(str(v) for v in (raw if isinstance(raw, list) else [raw]))
    nums: dict[str, float] = {}
    for key, default in (("pd_multiplier", 1.0), ("pd_add", 0.0)):
        try:
            nums[key] = float(entry.get(key, default))
        except (TypeError, ValueError):
            raise StrategyError("decide.stress_file", path=str(path), row=row, field=key,
                                detail=f"not a number: {entry.get(key)!r}") from None
    if nums["pd_multiplier"] < 0 or not -1 <= nums["pd_add"] <= 1:
        raise StrategyError("decide.stress_file", path=str(path), row=row, field="pd_multiplier/pd_add",
                            detail="the multiplier must be ≥ 0 and the addition in [−1, 1]")
    return Shock(column=str(dims[0]), values=values, multiplier=nums["pd_multiplier"], add=nums["pd_add"])


def changed_decisions(base: CreditPlan, stressed: CreditPlan) -> pd.DataFrame:
    """Firms whose approval, amount or rate differs between the two plans, side by side."""
    cols = ["approved", "amount", "rate", "pd"]
    b = base.decisions[cols]
    s = stressed.decisions[cols]
    diff = (b["approved"] != s["approved"]) | ~np.isclose(b["amount"], s["amount"]) | ~(
        np.isclose(b["rate"].fillna(-1), s["rate"].fillna(-1)))
    out = pd.merge(b[diff], s[diff], left_index=True, right_index=True, suffixes=("_base", "_stress"))
    extra = [c for c in ("grade", "industry", "region") if c in base.decisions.columns]
    return base.decisions.loc[out.index, extra].join(out)
