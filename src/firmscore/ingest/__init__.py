"""Ingestion: multi-source data → canonical records, with nothing lost.

``ingest_paths`` is the one call the CLI, the service and the benchmarks use.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa

from firmscore.datamodel import RecordType
from firmscore.ingest.mapping import Mapping, MappingError, builtin_mappings, load_mapping
from firmscore.ingest.pipeline import FileReport, IngestReport, ProgressFn, ingest
from firmscore.ingest.readers import UnreadableFile
from firmscore.ingest.sources import Plan, plan
from firmscore.ledger import EvidenceLedger
from firmscore.store.home import DataHome
from firmscore.store.lock import holds_writer_lock

__all__ = [
    "FileReport",
    "IngestReport",
    "Mapping",
    "MappingError",
    "Plan",
    "ProgressFn",
    "UnreadableFile",
    "builtin_mappings",
    "ingest",
    "ingest_paths",
    "load_mapping",
    "plan",
]


@holds_writer_lock("ingest")
def ingest_paths(
    home: DataHome | Path | str,
    paths: list[Path] | list[str],
    *,
    source: str | None = None,
    mapping: str | None = None,
    progress: ProgressFn | None = None,
    on_store: Callable[[RecordType, pa.Table], Any] | None = None,
    chunk_rows: int = 200_000,
    ledger: bool = True,
    workers: int = 1,
) -> IngestReport:
    """Ingest files or folders with a source profile (``source``) or a single mapping (``mapping``).

    With ``ledger`` (the default) every new record becomes a leaf of the home's evidence ledger and
    the batch ends with a signed checkpoint, whose note is returned in ``report.checkpoint``.
    """
    dh = home if isinstance(home, DataHome) else DataHome.open(home)
    p = plan([Path(x) for x in paths], source=source, mapping=mapping)
    name = source or (p.files[0].mapping.source if p.files else str(mapping))
    if not ledger:
        return ingest(dh, p, name, progress=progress, on_store=on_store, chunk_rows=chunk_rows, workers=workers)
    with EvidenceLedger.for_home(dh) as log:
        size_before = log.size
        report = ingest(dh, p, name, progress=progress, on_store=on_store, chunk_rows=chunk_rows, workers=workers,
                        ledger=log)
        if log.size > size_before or size_before == 0:
            report.checkpoint = log.witness().note  # cosigned by the configured witnesses, if any
    return report
