"""Applying the data model's domain rules (``datamodel/rules.py``) to one output's converted fields.

A value can be well formed and still impossible: an enterprise established in 2999 or in year 1,
negative capital, an event dated after the platform learnt of it. Such values fail like unreadable
ones (with a reason naming the rule), so the mapping's ``on_error`` policy decides what happens to
the row. Everything here is vectorised over the whole block.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from firmscore.datamodel import EventType, RecordType, RelationType
from firmscore.datamodel.rules import (
    DATE_FLOOR,
    EARLIEST_BIRTH_YEAR,
    EARLIEST_DATES,
    NON_NEGATIVE,
    PAST_FACT_DATES,
    RANGES,
    SIGNED_EVENT_AMOUNTS,
    SIGNED_EVENT_VALUES,
    SIGNED_RELATION_AMOUNTS,
)
from firmscore.ingest.convert import FieldResult


def _naive(values: pd.Series) -> pd.Series:
    """Datetimes as naive UTC (timestamps) or naive calendar dates (dates), for comparison."""
    if getattr(values.dt, "tz", None) is not None:
        return values.dt.tz_convert("UTC").dt.tz_localize(None)
    return values


def check_domain(rt: RecordType, results: dict[str, FieldResult], now: datetime, tolerance_days: int) -> None:
    """Mark values that break a domain rule as failed, with the rule's reason (in place)."""
    n = len(next(iter(results.values())).values) if results else 0
    if n == 0:
        return
    tolerance = pd.Timedelta(timedelta(days=tolerance_days))
    now_naive = pd.Timestamp(now).tz_convert("UTC").tz_localize(None) if pd.Timestamp(now).tzinfo else pd.Timestamp(now)
    observed_res = results.get("observed_at")
    observed: pd.Series | None = None
    if observed_res is not None and pd.api.types.is_datetime64_any_dtype(observed_res.values):
        observed = _naive(observed_res.values)
    floor = pd.Timestamp(DATE_FLOOR)
    for name, res in results.items():
        if not pd.api.types.is_datetime64_any_dtype(res.values):
            continue
        vals = _naive(res.values)
        earliest = max(floor, pd.Timestamp(EARLIEST_DATES.get((rt, name), DATE_FLOOR)))
        if _below(vals, earliest):  # a reduction first: the mask only when some value is wrong
            early = (vals < earliest).fillna(False).to_numpy(dtype=bool)
            res.fail(early, "reason.date_too_early", vals, floor=str(earliest.date()))
        if (rt, name) in PAST_FACT_DATES:
            limit = (observed if observed is not None else pd.Series(now_naive, index=vals.index)) + tolerance
            if _below(limit - vals, pd.Timedelta(0)):
                after = (vals > limit).fillna(False).to_numpy(dtype=bool)
                res.fail(after, "reason.date_after_observation", vals)
    signed: dict[str, np.ndarray] | None = None
    for name, res in results.items():
        if not pd.api.types.is_numeric_dtype(res.values) or pd.api.types.is_bool_dtype(res.values):
            continue
        vals = res.values
        if (rt, name) in NON_NEGATIVE and _below(vals, 0):
            signed = signed if signed is not None else _signed_rows(rt, results, n)
            negative = (vals < 0).fillna(False).to_numpy(dtype=bool) & ~signed.get(name, np.zeros(n, dtype=bool))
            if negative.any():
                res.fail(negative, "reason.negative", vals)
        bounds = RANGES.get((rt, name))
        if bounds is not None and (_below(vals, bounds[0]) or _below(-vals, -bounds[1])):
            outside = ((vals < bounds[0]) | (vals > bounds[1])).fillna(False).to_numpy(dtype=bool)
            res.fail(outside, "reason.not_in_range", vals, low=bounds[0], high=bounds[1])
        if rt is RecordType.PERSON and name == "birth_year":
            year = (observed.dt.year if observed is not None else pd.Series(now_naive.year, index=vals.index))
            impossible = ((vals < EARLIEST_BIRTH_YEAR) | (vals > year)).fillna(False).to_numpy(dtype=bool)
            if impossible.any():
                res.fail(impossible, "reason.not_in_range", vals, low=EARLIEST_BIRTH_YEAR, high="observed year")


def _below(values: pd.Series, bound: Any) -> bool:
    """Whether any (non-missing) value is below ``bound``: one reduction, no mask."""
    low = values.min()
    return bool(pd.notna(low) and low < bound)


def _signed_rows(rt: RecordType, results: dict[str, FieldResult], n: int) -> dict[str, np.ndarray]:
    """Per numeric column, the rows whose type makes a negative value meaningful (a red invoice …)."""
    def rows_of(column: str, kinds: frozenset[EventType] | frozenset[RelationType]) -> np.ndarray:
        res = results.get(column)
        if res is None:
            return np.zeros(n, dtype=bool)
        return res.values.astype("string").isin([k.value for k in kinds]).fillna(False).to_numpy(dtype=bool)

    if rt is RecordType.EVENT:
        return {"amount": rows_of("event_type", SIGNED_EVENT_AMOUNTS),
                "value": rows_of("event_type", SIGNED_EVENT_VALUES)}
    if rt is RecordType.RELATION:
        return {"amount": rows_of("relation_type", SIGNED_RELATION_AMOUNTS)}
    return {}
