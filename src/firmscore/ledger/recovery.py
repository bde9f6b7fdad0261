"""How recovery completes an ingestion batch that was killed while its records were being logged.

The data home (:mod:`firmscore.store.recovery`) cannot import the ledger (it sits below it), so
the ledger registers this function with it on import. It appends, in stored order, the leaves of
every record of the batch's parts that the ledger does not hold yet: the leaves a kill cut off,
exactly as the uninterrupted run would have appended them (ids already held are skipped, so
running it twice appends nothing the second time).
"""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from firmscore.ledger.ledger import EvidenceLedger, prepare_leaves
from firmscore.store.home import DataHome
from firmscore.store.recovery import register_leaf_logger


def log_parts(home: DataHome, parts: list[tuple[str, Path]]) -> int:
    """Log every record of ``parts`` ((record type, Parquet path)) not yet in the home's ledger; leaves appended."""
    with EvidenceLedger.for_home(home) as ledger:
        before = ledger.size
        for record_type, path in parts:
            pf = pq.ParquetFile(path)
            for g in range(pf.metadata.num_row_groups):
                ledger.append_prepared(prepare_leaves(record_type, pf.read_row_group(g)))
        return ledger.size - before


register_leaf_logger(log_parts)
