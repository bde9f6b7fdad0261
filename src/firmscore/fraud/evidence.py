"""Small helpers that turn index arrays into the evidence lists a detector attaches to flagged firms."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

#: At most this many record ids and paths per firm and typology (the queue shows the first few).
MAX_EVIDENCE = 12


def capped(items: list[str], limit: int = MAX_EVIDENCE) -> list[str]:
    """The first ``limit`` distinct items, in order."""
    return list(dict.fromkeys(items))[:limit]


def group_members(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(order, starts, ends): ``order[starts[g]:ends[g]]`` are the items of group ``g`` (keys ``0..G-1``)."""
    order = np.argsort(keys, kind="stable")
    bounds = np.searchsorted(keys[order], np.arange(int(keys.max()) + 2 if keys.size else 1))
    return order, bounds[:-1], bounds[1:]


def factorize(values: pd.Series, mask: np.ndarray | None = None) -> np.ndarray:
    """Integer group codes of ``values`` (-1 for missing, or where ``mask`` is False)."""
    codes, _ = pd.factorize(values, use_na_sentinel=True)
    codes = np.asarray(codes, dtype=np.int64)
    if mask is not None:
        codes = np.where(mask, codes, -1)
    return codes


def as_int(value: Any) -> int:
    """A group key or cell from pandas as a Python int (pandas types them loosely)."""
    return int(value)


def money(x: float) -> str:
    """An amount in CNY for an explanation (¥1,234,567)."""
    return f"¥{x:,.0f}"
