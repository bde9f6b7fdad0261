"""Child process of the crash test: appends batches forever, acknowledging each after its commit.

Usage: ``python crash_writer.py HOME ACK_FILE``. Each acknowledgement line is
``<batch number> <first record id> <last record id> <tree size>`` and is written (and fsynced)
only after ``append_records`` returned, i.e. after the transaction committed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from conftest import event_table
from firmscore.ledger import EvidenceLedger
from firmscore.store import DataHome

BATCH = 3000
TYPES = ["invoice_out", "tax_payment", "lawsuit", "registry_change"]


def main() -> None:
    home, ack = DataHome(Path(sys.argv[1])), Path(sys.argv[2])
    led = EvidenceLedger.for_home(home)
    with ack.open("a", encoding="utf-8") as fh:
        b = 0
        while True:
            table = event_table([TYPES[i % 4] for i in range(BATCH)], start=b * BATCH)
            led.append_records("event", table)
            ids = table.column("record_id")
            fh.write(f"{b} {ids[0]} {ids[-1]} {led.log.size}\n")
            fh.flush()
            os.fsync(fh.fileno())
            b += 1


if __name__ == "__main__":
    main()
