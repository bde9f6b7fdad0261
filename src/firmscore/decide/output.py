"""Writing a plan: the decision table as Parquet and CSV, and the summary as JSON, each atomically.

Each file goes through :mod:`firmscore.store.atomic` (temporary name beside the destination, fsync,
rename, fsync of the folder), so a reader sees the old file or the new one, never half of one, and the
next writer's recovery removes what a crash left. Files are 0600 and the folder 0700: a plan names who
gets credit and at what price.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from firmscore.decide.problem import CreditPlan
from firmscore.store import atomic


def _atomic(path: Path, write: Callable[[Path], object]) -> Path:
    with atomic.atomic_path(path) as tmp:
        write(tmp)
    return path


def write_plan(plan: CreditPlan, directory: Path, name: str = "decisions") -> tuple[Path, Path]:
    """``<name>.parquet`` and ``<name>.csv`` (UTF-8 with BOM, so that spreadsheet tools read the Chinese)."""
    frame = plan.decisions.reset_index()
    table = pa.Table.from_pandas(frame, preserve_index=False)
    pq_path = _atomic(directory / f"{name}.parquet", lambda p: pq.write_table(table, p, compression="zstd"))
    csv_path = _atomic(directory / f"{name}.csv",
                       lambda p: frame.to_csv(p, index=False, encoding="utf-8-sig", float_format="%.6f"))
    return pq_path, csv_path


def write_json(obj: dict[str, Any], path: Path) -> Path:
    return atomic.write_json(path, obj, default=str)
