"""Evidence for a whole scoring run: which records each feature used, for every firm at once.

:func:`firmscore.features.evidence` answers for one firm; a scoring run needs every firm and every
card feature, so it runs the feature engine's own evidence query (:func:`evidence_sql` without a
firm) once per feature, citing exactly the records each feature read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from firmscore.engines import DuckDBEngine
from firmscore.features.compute import install_prelude
from firmscore.features.evidence import evidence_sql


def install_evidence(engine: DuckDBEngine, feature_ids: Iterable[str], as_of: dt.date) -> int:
    """Create the temp table ``evidence(enterprise_id, feature_id, record_id)``; returns its row count."""
    install_prelude(engine, as_of)
    parts = [s for s in (evidence_sql(f, None, as_of) for f in feature_ids) if s is not None]
    if not parts:
        engine.execute("CREATE OR REPLACE TEMP TABLE evidence (enterprise_id VARCHAR, feature_id VARCHAR, "
                       "record_id VARCHAR)")
        return 0
    engine.execute("CREATE OR REPLACE TEMP TABLE evidence AS\n" + "\nUNION ALL\n".join(parts))
    return int(engine.query("SELECT count(*) AS n FROM evidence").column("n")[0].as_py())
