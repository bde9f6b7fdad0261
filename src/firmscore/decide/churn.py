"""The rate → customer-churn table: what share of a grade's customers a lender loses at each rate.

A lender that raises the rate earns more on the customers who stay and loses the others to
competitors. The table is measured on a few rates per churn class (the cumcm2020c attachment 3:
classes A, B, C, 29 rates from 4 % to 15 %). Between measured rates the churn is interpolated
linearly; outside the measured range it is not extrapolated (an error names the rate).

Firms are matched to a churn class by their grade (:func:`churn_class_of`): the class of the same
name if the table has one, else the grade's first letter (master-scale ``AAA``/``AA``/``A`` → ``A``,
``BBB``/``BB``/``B`` → ``B``, ``CCC``/``CC``/``C`` → ``C``), which keeps the master scale's order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from firmscore.decide.messages import StrategyError

_CLASS_HEADER = re.compile(r"^(?:信誉评级|grade|rating|class)?\s*([A-Za-z]+)$", re.IGNORECASE)


@dataclass(frozen=True)
class ChurnTable:
    """Measured churn per class at increasing rates: ``churn[c][k]`` is the share lost at ``rates[k]``."""

    rates: npt.NDArray[np.float64]
    churn: dict[str, npt.NDArray[np.float64]]

    def __post_init__(self) -> None:
        if len(self.rates) < 1 or np.any(np.diff(self.rates) <= 0):
            raise StrategyError("decide.bad_rates", detail="the churn table's rates must increase")
        for cls, values in self.churn.items():
            if len(values) != len(self.rates) or np.any((values < 0) | (values > 1)) or np.any(np.isnan(values)):
                raise StrategyError("decide.churn_file", path="-", row="-", field=cls,
                                    detail="churn must be a share in [0, 1] at every rate")

    @property
    def classes(self) -> tuple[str, ...]:
        return tuple(self.churn)

    def at(self, cls: str, rates: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Churn of class ``cls`` at ``rates`` (linear between measured rates, never extrapolated)."""
        r = np.asarray(rates, dtype=np.float64)
        low, high = float(self.rates[0]), float(self.rates[-1])
        bad = (r < low - 1e-12) | (r > high + 1e-12)
        if bad.any():
            raise StrategyError("decide.rates_outside_churn", rate=float(r[bad][0]), low=low, high=high)
        return np.interp(r, self.rates, self.churn[cls])

    def retention(self, cls: str, rates: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Share of customers kept at ``rates`` (1 − churn)."""
        return 1.0 - self.at(cls, rates)


def churn_class_of(grade: str, classes: tuple[str, ...]) -> str:
    """The churn class of ``grade`` (same name, else its first letter), or a :class:`StrategyError`."""
    if grade in classes:
        return grade
    if grade and grade[0] in classes:
        return grade[0]
    raise StrategyError("decide.no_churn_class", grade=grade, classes=", ".join(classes))


def read_churn_table(path: str | Path) -> ChurnTable:
    """Read a churn table from ``.xlsx`` (the cumcm2020c layout) or ``.csv``.

    Layout: one column of rates and one column per class whose header names the class (``信誉评级A``,
    ``A``, ``grade A``); title rows above the header row are skipped. Rates may be shares (0.04) or
    per cent (4); a non-number names its row and column.
    """
    p = Path(path)
    if not p.is_file():
        raise StrategyError("decide.file_missing", path=str(p))
    raw = pd.read_excel(p, header=None) if p.suffix.lower() in (".xlsx", ".xls") else pd.read_csv(
        p, header=None, dtype=str, encoding="utf-8-sig")
    header_row, class_cols = _find_header(raw, p)
    rate_col = 0 if 0 not in class_cols.values() else min(set(range(raw.shape[1])) - set(class_cols.values()))
    rates: list[float] = []
    values: dict[str, list[float]] = {c: [] for c in class_cols}
    for i in range(header_row + 1, raw.shape[0]):
        row = raw.iloc[i]
        if all(pd.isna(v) or str(v).strip() == "" for v in row):
            continue
        rates.append(_number(row.iloc[rate_col], p, i, "rate"))
        for cls, col in class_cols.items():
            values[cls].append(_number(row.iloc[col], p, i, cls))
    r = np.asarray(rates)
    if len(r) and r.max() > 1.0:
        r = r / 100.0
    ch = {c: np.asarray(v) for c, v in values.items()}
    if any(v.max(initial=0) > 1.0 for v in ch.values()):
        ch = {c: v / 100.0 for c, v in ch.items()}
    order = np.argsort(r, kind="stable")
    return ChurnTable(rates=r[order], churn={c: v[order] for c, v in ch.items()})


def _find_header(raw: pd.DataFrame, path: Path) -> tuple[int, dict[str, int]]:
    for i in range(min(len(raw), 10)):
        found: dict[str, int] = {}
        for j, v in enumerate(raw.iloc[i]):
            if isinstance(v, str):
                m = _CLASS_HEADER.match(v.strip())
                if m and j > 0:
                    found[m.group(1).upper()] = j
        if found:
            return i, found
    raise StrategyError("decide.churn_file", path=str(path), row=1, field="header",
                        detail="no column header names a grade (信誉评级A / A)")


def _number(value: object, path: Path, row: int, field: str) -> float:
    try:
        x = float(str(value).strip().rstrip("%"))
    except ValueError:
        x = float("nan")
    if not np.isfinite(x):
        raise StrategyError("decide.churn_file", path=str(path), row=row + 1, field=field,
                            detail=f"not a number: {value!r}")
    return x
