"""Evidence: which canonical records a feature used for one enterprise on one date.

Explained scores and score receipts cite record ids; they must be the records the feature really
read, so evidence runs on the same point-in-time prelude and the same row predicates as the
feature (``evidence_where`` or ``where``), never a separate re-implementation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import duckdb

from firmscore.engines import Engine, open_engine
from firmscore.engines.point_in_time import render
from firmscore.features.blocks import BLOCKS
from firmscore.features.catalog import get_feature
from firmscore.features.compute import install_prelude
from firmscore.store.home import DataHome


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def evidence_sql(feature_id: str, enterprise_id: str | None, as_of: dt.date) -> str | None:
    """The query returning the record ids behind one feature (``None`` for external features).

    With ``enterprise_id`` it answers for that firm (column ``record_id``); with ``None`` for every
    firm at once (columns ``enterprise_id``, ``feature_id``, ``record_id``), as a scoring run needs.
    """
    spec = get_feature(feature_id)
    if not spec.is_sql:
        return None
    block = BLOCKS[spec.block]
    where = spec.evidence_where or spec.where
    if enterprise_id is None:
        sql = (f"SELECT DISTINCT enterprise_id, {_literal(feature_id)} AS feature_id, record_id FROM (\n"
               f"{block.evidence_sql}\n) AS evidence_rows\nWHERE record_id IS NOT NULL AND ({where})")
    else:
        sql = (f"SELECT DISTINCT record_id FROM (\n{block.evidence_sql}\n) AS evidence_rows\n"
               f"WHERE enterprise_id = {_literal(enterprise_id)} AND record_id IS NOT NULL AND ({where})\n"
               "ORDER BY record_id")
    return render(sql, as_of)


def evidence(
    source: DataHome | duckdb.DuckDBPyConnection | Engine,
    enterprise_id: str,
    feature_ids: Iterable[str],
    as_of: dt.date,
) -> dict[str, list[str]]:
    """Record ids used by each feature for ``enterprise_id`` as of ``as_of``.

    Parameters
    ----------
    source : DataHome, DuckDB connection or Engine
        A connection must carry the canonical views (``DataHome.connect()``); the point-in-time
        views for ``as_of`` are (re)installed on it.

    Returns
    -------
    dict
        feature id → sorted record ids. Features computed outside SQL (graph plugin) map to ``[]``;
        personal-credit features of an unauthorized person map to ``[]`` because the gate keeps
        those records unread.
    """
    with open_engine(source) as engine:
        install_prelude(engine, as_of)
        out: dict[str, list[str]] = {}
        for fid in feature_ids:
            sql = evidence_sql(fid, enterprise_id, as_of)
            out[fid] = [] if sql is None else [str(r) for r in engine.query(sql).column("record_id").to_pylist()]
        return out
