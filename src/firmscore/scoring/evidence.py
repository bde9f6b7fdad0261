"""Evidence for a whole scoring run: which records each feature used, for every firm at once.

:func:`firmscore.features.evidence` answers for one firm; a scoring run needs it for every firm
and every card feature. This runs the same per-feature evidence relation and row predicate (so it
cites exactly the records the feature read), once per feature over all firms, in DuckDB.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from firmscore.engines import DuckDBEngine
from firmscore.features.blocks import BLOCKS
from firmscore.features.catalog import get_feature
from firmscore.features.compute import install_prelude
from firmscore.features.snapshot import render


def _feature_evidence_sql(feature_id: str, as_of: dt.date) -> str | None:
    spec = get_feature(feature_id)
    if not spec.is_sql:
        return None
    block = BLOCKS[spec.block]
    where = spec.evidence_where or spec.where
    lit = "'" + feature_id.replace("'", "''") + "'"
    sql = (f"SELECT DISTINCT enterprise_id, {lit} AS feature_id, record_id FROM (\n{block.evidence_sql}\n) AS ev\n"
           f"WHERE record_id IS NOT NULL AND ({where})")
    return render(sql, as_of)


def install_evidence(engine: DuckDBEngine, feature_ids: Iterable[str], as_of: dt.date) -> int:
    """Create the temp table ``evidence(enterprise_id, feature_id, record_id)``; returns its row count."""
    install_prelude(engine, as_of)
    parts = [s for s in (_feature_evidence_sql(f, as_of) for f in feature_ids) if s is not None]
    if not parts:
        engine.execute("CREATE OR REPLACE TEMP TABLE evidence (enterprise_id VARCHAR, feature_id VARCHAR, "
                       "record_id VARCHAR)")
        return 0
    engine.execute("CREATE OR REPLACE TEMP TABLE evidence AS\n" + "\nUNION ALL\n".join(parts))
    return int(engine.query("SELECT count(*) AS n FROM evidence").column("n")[0].as_py())
