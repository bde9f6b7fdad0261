"""What both parties agree on before training: binning, selection, regression and scaling settings."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from firmscore.federate.errors import FederationError

#: OptimalBinning parameters a federated card may set (refine is always off, see binning.py).
BINNING_KEYS = ("monotonic_trend", "max_n_prebins", "min_bin_size", "max_n_bins", "min_n_events",
                "min_n_nonevents", "alpha", "auto_min_gain", "auto_min_stat")


@dataclass(frozen=True, kw_only=True)
class FedSettings:
    """Settings of one federated training run; the guest proposes them in ``hello``.

    ``binning`` holds :class:`~firmscore.model.binning.optimal.OptimalBinning` parameters (the
    defaults of the local card); ``min_iv`` the IV filter; ``C`` the L2 strength as in
    :class:`~firmscore.model.logistic.SignConstrainedLogisticRegression`; ``tol`` the largest
    coefficient change at which the regression stops; the scaling is the local card's.
    """

    binning: dict[str, Any] = field(default_factory=dict)
    min_iv: float = 0.005
    C: float = 1.0
    tol: float = 1e-7
    max_iter: int = 300
    pdo: float = 50.0
    base_score: float = 1500.0
    base_odds: float = 50.0
    min_common: int = 50

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> FedSettings:
        unknown = set(d.get("binning", {})) - set(BINNING_KEYS)
        if unknown:
            raise FederationError("federate.malformed", detail=f"unknown binning settings {sorted(unknown)}")
        return cls(**d)


@dataclass(kw_only=True)
class PartyData:
    """One party's rows: enterprise ids, raw features and (guest only) the 0/1 labels."""

    ids: list[str]
    X: pd.DataFrame
    y: npt.NDArray[np.float64] | None = None

    def subset(self, ids: list[str]) -> PartyData:
        pos = {v: i for i, v in enumerate(self.ids)}
        rows = np.array([pos[i] for i in ids], dtype=np.intp)
        return PartyData(ids=list(ids), X=self.X.iloc[rows].reset_index(drop=True),
                         y=None if self.y is None else self.y[rows])


def read_party_data(path: str, id_column: str, label_column: str | None = None) -> PartyData:
    """A party's table (Parquet or CSV): ids, features and, for the guest, the label column."""
    try:
        frame = pd.read_parquet(path) if path.endswith(".parquet") else pd.read_csv(path, dtype={id_column: str})
    except (OSError, ValueError) as exc:
        raise FederationError("federate.bad_data", path=path, detail=str(exc)) from exc
    if id_column not in frame.columns:
        raise FederationError("federate.bad_data", path=path, detail=f"no id column {id_column!r}")
    ids = frame[id_column].astype(str).tolist()
    dup = frame[id_column].duplicated()
    if dup.any():
        row = int(np.flatnonzero(dup.to_numpy())[0])
        raise FederationError("federate.bad_data", path=path, detail=f"row {row + 2}: id {ids[row]!r} repeated")
    y = None
    drop = [id_column]
    if label_column is not None:
        if label_column not in frame.columns:
            raise FederationError("federate.bad_data", path=path, detail=f"no label column {label_column!r}")
        lab = pd.to_numeric(frame[label_column], errors="coerce").to_numpy(dtype=np.float64)
        bad = ~np.isin(lab, [0.0, 1.0])
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise FederationError("federate.bad_data", path=path,
                                  detail=f"row {row + 2}, field {label_column}: "
                                  f"{frame[label_column].iloc[row]!r} is not 0/1")
        y = lab
        drop.append(label_column)
    return PartyData(ids=ids, X=frame.drop(columns=drop).reset_index(drop=True), y=y)
