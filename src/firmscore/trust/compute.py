"""Compute the trust indicators of every enterprise as of a date, in one vectorised SQL pass.

The point-in-time views of the feature engine (:func:`firmscore.features.compile.prelude_views`)
are installed first, so that records observed after the date, past their legal expiry or retracted
never count; then the depth views, the helper views and one view per check; finally one query
joins them on ``pit_base`` (the enterprises that exist on the date) and weighs the outcomes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pyarrow as pa

from firmscore.engines.point_in_time import as_of_literal, render
from firmscore.features.compile import prelude_views
from firmscore.store.home import DataHome
from firmscore.trust.checks import Check, build_checks
from firmscore.trust.depth import depth_views
from firmscore.trust.helpers import helper_views
from firmscore.trust.thresholds import (
    DEFAULT_DEPTH_SCALE,
    DEFAULT_THRESHOLDS,
    DepthScale,
    TrustThresholds,
)

#: ``quality_reason`` of a firm none of whose checks applies.
NO_CHECKS_REASON = "no checks applicable / 无可用校验"

Source = DataHome | Path | str | duckdb.DuckDBPyConnection
#: progress(step label, steps done, steps total)
Progress = Callable[[str, int, int], None]


@contextmanager
def connection(source: Source, memory_limit: str | None = None,
               threads: int | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection with the canonical views: the caller's (left open) or a new one on a home.

    ``memory_limit`` / ``threads`` apply to a new connection only; beyond the limit DuckDB spills to
    ``<home>/.duckdb_tmp``, which keeps millions of enterprises within a small machine.
    """
    if isinstance(source, duckdb.DuckDBPyConnection):
        yield source
        return
    home = source if isinstance(source, DataHome) else DataHome.open(source)
    if not home.root.is_dir():
        raise FileNotFoundError(f"no data home at {home.root} / 数据目录不存在: {home.root}")
    con = home.connect(memory_limit=memory_limit, threads=threads)
    try:
        yield con
    finally:
        con.close()


#: Stage views that are only read once, so they stay views (everything else is materialised).
_STREAMED = frozenset({"trust_depth_rows"})


def trust_stages(
    as_of: dt.date,
    thresholds: TrustThresholds = DEFAULT_THRESHOLDS,
    scale: DepthScale = DEFAULT_DEPTH_SCALE,
) -> list[tuple[str, str]]:
    """The trust stage's own relations for ``as_of`` (rendered), in dependency order."""
    templates = [*depth_views(scale), *helper_views(thresholds),
                 *((c.view, c.sql) for c in build_checks(thresholds))]
    return [(name, render(sql, as_of)) for name, sql in templates]


def install(con: duckdb.DuckDBPyConnection, as_of: dt.date, thresholds: TrustThresholds = DEFAULT_THRESHOLDS,
            scale: DepthScale = DEFAULT_DEPTH_SCALE, progress: Progress | None = None) -> tuple[Check, ...]:
    """Create the point-in-time views and the trust relations on ``con``.

    Per-enterprise facts that several checks read (depth, activity, contacts, report sums) are
    materialised as temporary tables, each in one scan, so the events are not re-read per check;
    the checks themselves stay cheap views over them. Cut-offs are UTC instants, so the session
    zone is set to UTC.
    """
    con.execute("SET TimeZone = 'UTC'")
    for name, sql in prelude_views(as_of):  # the feature engine's snapshot, shared as-is
        con.execute(f"CREATE OR REPLACE VIEW {name} AS {sql}")
    checks = build_checks(thresholds)
    stages = trust_stages(as_of, thresholds, scale)
    heavy = materialised(stages, checks)
    for name, sql in stages:
        if name not in heavy:
            con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {sql}")
            continue
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")
        if progress is not None:
            progress(name, heavy.index(name) + 1, len(heavy) + 1)
    return checks


def materialised(stages: list[tuple[str, str]], checks: tuple[Check, ...]) -> list[str]:
    """Names of the stages stored as temporary tables (all but the check views and streamed rows)."""
    views = {c.view for c in checks} | _STREAMED
    return [name for name, _ in stages if name not in views]


def assemble_sql(checks: tuple[Check, ...], as_of: dt.date, where: str = "") -> str:
    """The final query: depth columns, one outcome column per check, weights → score."""
    joins = "\n".join(
        f"LEFT JOIN (SELECT enterprise_id, any_value(outcome) AS outcome FROM {c.view} GROUP BY enterprise_id) "
        f"AS c{i} ON c{i}.enterprise_id = d.enterprise_id"
        for i, c in enumerate(checks))
    outcomes = ",\n       ".join(f"coalesce(c{i}.outcome, 'na') AS {c.column}" for i, c in enumerate(checks))
    applicable = " + ".join(f"CASE WHEN {c.column} <> 'na' THEN {c.weight} ELSE 0 END" for c in checks)
    passed = " + ".join(f"CASE WHEN {c.column} = 'pass' THEN {c.weight} ELSE 0 END" for c in checks)
    n_applicable = " + ".join(f"CAST({c.column} <> 'na' AS INTEGER)" for c in checks)
    failed = ", ".join(f"CASE WHEN {c.column} = 'fail' THEN '{c.id}' END" for c in checks)
    return f"""
SELECT enterprise_id, {as_of_literal(as_of)} AS as_of,
       depth_grade, depth_points, n_sources, n_records, n_record_types, n_families, first_record_date,
       history_span_months, active_months,
       CASE WHEN applicable_weight > 0 THEN round(100.0 * passed_weight / applicable_weight, 1) END
           AS quality_score,
       CASE WHEN applicable_weight > 0 THEN NULL ELSE '{NO_CHECKS_REASON}' END AS quality_reason,
       CAST(n_checks_applicable AS INTEGER) AS n_checks_applicable,
       CAST(len(failed_checks) AS INTEGER) AS n_checks_failed,
       failed_checks,
       {", ".join(c.column for c in checks)}
FROM (
    SELECT *, {applicable} AS applicable_weight, {passed} AS passed_weight,
           {n_applicable} AS n_checks_applicable,
           list_filter([{failed}], lambda x: x IS NOT NULL) AS failed_checks
    FROM (
        SELECT d.*,
       {outcomes}
        FROM trust_depth AS d
{joins}
        {where}
    ) AS outcomes
) AS weighed
ORDER BY enterprise_id"""


def compute_trust(
    source: Source,
    as_of: dt.date,
    thresholds: TrustThresholds = DEFAULT_THRESHOLDS,
    scale: DepthScale = DEFAULT_DEPTH_SCALE,
    progress: Progress | None = None,
    memory_limit: str | None = None,
    threads: int | None = None,
) -> pa.Table:
    """Data depth and information quality of every enterprise existing on ``as_of``.

    Parameters
    ----------
    source : DataHome, path or DuckDB connection
        A home (a connection is opened and closed) or a connection carrying the canonical views
        (``DataHome.connect()``); the point-in-time views for ``as_of`` are (re)installed on it.
    as_of : datetime.date
        Only records observed by the end of this day (UTC), not expired and not retracted count.
    thresholds, scale
        Limits of the checks and boundaries of the depth grade (documented defaults).
    progress : callable, optional
        ``progress(label, done, total)`` after each step.
    memory_limit, threads : optional
        DuckDB limits of the connection opened on a home (e.g. ``"4GB"``, ``2``).

    Returns
    -------
    pyarrow.Table
        One row per enterprise, columns as documented in ``docs/trust.md`` (stable order).
    """
    with connection(source, memory_limit, threads) as con:
        checks = install(con, as_of, thresholds, scale, progress)
        table = con.sql(assemble_sql(checks, as_of)).to_arrow_table()
        if progress is not None:
            total = len(materialised(trust_stages(as_of, thresholds, scale), checks)) + 1
            progress("trust_indicators", total, total)
    return table


def trust_row(source: Source, enterprise_id: str, as_of: dt.date,
              thresholds: TrustThresholds = DEFAULT_THRESHOLDS,
              scale: DepthScale = DEFAULT_DEPTH_SCALE) -> dict[str, object] | None:
    """The indicator row of one enterprise (``None`` when it does not exist on ``as_of``)."""
    with connection(source) as con:
        checks = install(con, as_of, thresholds, scale)
        return installed_row(con, checks, enterprise_id, as_of)


def installed_row(con: duckdb.DuckDBPyConnection, checks: tuple[Check, ...], enterprise_id: str,
                  as_of: dt.date) -> dict[str, object] | None:
    """One enterprise's row on a connection where :func:`install` already ran for ``as_of``."""
    sql = assemble_sql(checks, as_of, "WHERE d.enterprise_id = $eid")
    found = con.sql(sql, params={"eid": enterprise_id}).to_arrow_table().to_pylist()
    return found[0] if found else None
