"""bdci2017 as a modelling table: features from the registry side tables (ingestion → feature catalog).

The contest's label (``train.csv``: ``TARGET`` = the enterprise left the market within two years, its
status read in August 2017) is read straight from the file, never from the ingested ``market_exit``
events; features are computed on :data:`AS_OF` (2015-08-01, the day the mapping dates every
enterprise record), two years before the status was read. Every exit of a labelled firm is dated
2015-09 or later, after the as-of date, so the point-in-time snapshot cannot see a firm's own
outcome (the loader checks it).

Three nested feature sets, on the same firms and folds, answer the issue's question of what the
relationship graph adds, and say where the investment network's signal sits:

* **no relationship** — the catalog's SQL features outside the relationship dimension (enforcement,
  dishonest listings, projects, qualifications);
* **without graph** — those plus the SQL relationship features (direct investments and the
  distress of the investees: one hop, read from the relation table);
* **with graph** — those plus the graph stage's multi-hop features (:data:`GRAPH_FEATURES`: distress of
  1- and 2-hop affiliates, contagion PD …) computed on the investment network of ``4invest.csv``.

Columns constant on the labelled firms carry nothing and are dropped (bdci2017 has no invoices, loans
or persons, so most of the catalog is constant there).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from firmscore.engines.point_in_time import cutoff_literal
from firmscore.features.catalog import FEATURES, GRAPH_FEATURES
from firmscore.features.spec import Dimension
from firmscore.scoring.data import feature_frame
from firmscore.store.home import DataHome

AS_OF = dt.date(2015, 8, 1)
PREFIX = "bdci:"
GRAPH_IDS = frozenset(f.id for f in GRAPH_FEATURES)
RELATIONSHIP_IDS = frozenset(f.id for f in FEATURES if f.dimension is Dimension.RELATIONSHIP)


class BdciDataError(ValueError):
    """The bdci2017 folder or its data home cannot give the modelling table (message names file and rows)."""


@dataclass(frozen=True, kw_only=True)
class BdciTable:
    """Features of the labelled firms (index ``bdci:<EID>`` in ``train.csv`` order) and their 0/1 exit label."""

    X: pd.DataFrame
    y: npt.NDArray[np.int64]

    @property
    def graph_columns(self) -> list[str]:
        return [c for c in self.X.columns if c in GRAPH_IDS]

    @property
    def sql_columns(self) -> list[str]:
        return [c for c in self.X.columns if c not in GRAPH_IDS]

    @property
    def non_relationship_columns(self) -> list[str]:
        return [c for c in self.X.columns if c not in RELATIONSHIP_IDS]


def read_labels(folder: Path) -> pd.Series:
    """``train.csv``'s TARGET (0/1) by enterprise id; a row with another value is an error naming its line."""
    path = folder / "train.csv"
    frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    for col in ("EID", "TARGET"):
        if col not in frame.columns:
            raise BdciDataError(f"{path}: column {col!r} missing (columns: {list(frame.columns)})")
    bad = frame.index[~frame["TARGET"].str.strip().isin(["0", "1"]) | (frame["EID"].str.strip() == "")]
    if len(bad):
        line = int(bad[0]) + 2  # header is line 1
        raise BdciDataError(f"{path}: line {line}: EID empty or TARGET not 0/1 ({len(bad)} such rows)")
    ids = PREFIX + frame["EID"].str.strip()
    if ids.duplicated().any():
        raise BdciDataError(f"{path}: EID repeated: {ids[ids.duplicated()].head(3).tolist()}")
    return pd.Series(frame["TARGET"].str.strip().astype(np.int64).to_numpy(), index=pd.Index(ids, name="enterprise_id"),
                     name="exit")


def own_exits_seen(home: DataHome, ids: pd.Index, as_of: dt.date = AS_OF) -> int:
    """Labelled firms with a ``market_exit`` event of their own observed by ``as_of`` (a leak when above 0)."""
    con = home.connect()
    seen = con.execute("SELECT DISTINCT subject_id FROM event WHERE event_type = 'market_exit' "
                       f"AND observed_at < {cutoff_literal(as_of)}").fetchall()
    return len(set(ids) & {s for (s,) in seen})


def load_bdci(home: DataHome, folder: Path, as_of: dt.date = AS_OF) -> BdciTable:
    """Join the home's feature matrix of ``as_of`` with ``train.csv``'s labels."""
    labels = read_labels(folder)
    X, _ = feature_frame(home, as_of)
    missing = labels.index.difference(X.index)
    if len(missing):
        raise BdciDataError(f"{len(missing)} firms of {folder / 'train.csv'} have no feature row as of {as_of}: "
                            f"{missing[:5].tolist()} (ingest {folder} and run: firmscore features --as-of {as_of})")
    leaks = own_exits_seen(home, labels.index, as_of)
    if leaks:
        raise BdciDataError(f"{leaks} labelled firms have their own market exit observed by {as_of}: "
                            "the features would read the label")
    X = X.loc[labels.index]
    X = X.loc[:, X.nunique(dropna=False) > 1]
    return BdciTable(X=X, y=labels.to_numpy())
