"""The fraud job over a data home: inputs as of D, every detector, the artifact."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from firmscore.fraud.artifact import write_fraud_artifact
from firmscore.fraud.detect import detect_all
from firmscore.fraud.inputs import load_inputs
from firmscore.fraud.types import Typology, TypologyResult
from firmscore.graph.artifact import records_fingerprint
from firmscore.store.home import DataHome


def run_fraud(home: DataHome, as_of: dt.date, *, progress: Callable[[str], None] | None = None,
              memory_limit: str | None = None) -> tuple[Path, dict[Typology, TypologyResult]]:
    """Detect every typology on the home's records as of ``as_of`` and write the artifact.

    The records fingerprint is taken before reading, so records added meanwhile make the artifact
    stale rather than silently covered.
    """
    say = progress or (lambda _s: None)
    fingerprint = records_fingerprint(home)
    con = home.connect(memory_limit=memory_limit)
    try:
        say("inputs")
        inputs = load_inputs(con, as_of)
    finally:
        con.close()
    results = detect_all(inputs, progress=say)
    say("write")
    return write_fraud_artifact(home, inputs, results, fingerprint=fingerprint), results
