"""Where the indicators live in the data home: ``<home>/trust/as_of=D/trust.parquet``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from firmscore.store.atomic import write_parquet
from firmscore.store.home import DataHome
from firmscore.store.lock import holds_writer_lock


def _trust_file(home: DataHome, as_of: dt.date) -> Path:
    """The one place the layout is spelled; creates nothing, so reading a missing date leaves no folder."""
    return home.root / "trust" / f"as_of={as_of.isoformat()}" / "trust.parquet"


def trust_path(home: DataHome, as_of: dt.date) -> Path:
    """The Parquet file of the indicators as of ``as_of`` (its folder is created)."""
    path = _trust_file(home, as_of)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


@holds_writer_lock("trust")
def write_trust(home: DataHome, table: pa.Table, as_of: dt.date) -> Path:
    """Write the indicators (one row per enterprise) and return the path."""
    path = trust_path(home, as_of)
    write_parquet(path, table, compression="zstd")
    return path


def read_trust(home: DataHome, as_of: dt.date) -> pa.Table:
    """Read indicators written by :func:`write_trust` (``FileNotFoundError`` names the path)."""
    path = _trust_file(home, as_of)
    if not path.exists():
        raise FileNotFoundError(f"no trust indicators at {path} (run `firmscore trust --as-of {as_of}`) / "
                                f"没有数据可信度指标: {path}")
    return pq.read_table(path)
