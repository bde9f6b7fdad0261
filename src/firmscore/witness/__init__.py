"""A transparency-log witness (C2SP tlog-witness): a separate process with its own key and state.

It cosigns a log's checkpoint only after verifying a consistency proof from the last checkpoint it
cosigned for that log, and keeps every checkpoint it cosigned, so a log that was cut back, forked or
rewritten can no longer be made to look intact by whoever controls the log's files and keys.
"""

from firmscore.witness.protocol import Answer, add_checkpoint
from firmscore.witness.server import WitnessServer
from firmscore.witness.state import WitnessState, default_witness_home

__all__ = ["Answer", "WitnessServer", "WitnessState", "add_checkpoint", "default_witness_home"]
