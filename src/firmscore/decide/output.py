"""Writing a plan: the decision table as Parquet and CSV, and the summary as JSON, each atomically.

Each file is written beside its destination under a temporary name, flushed to disk and renamed
over the destination, so a reader sees the old file or the new one, never half of one (a crash
mid-write leaves only a stray ``.tmp``). Files are 0600 and the folder 0700: a plan names who gets
credit and at what price.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from firmscore.decide.problem import CreditPlan


def _atomic(path: Path, write: Callable[[Path], object]) -> Path:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.chmod(tmp, 0o600)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
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
    return _atomic(path, lambda p: p.write_text(json.dumps(obj, ensure_ascii=False, indent=1, default=str),
                                                encoding="utf-8"))
