"""Data depth: how much evidence stands behind an enterprise on the as-of date.

Like Dun & Bradstreet's data depth indicator, the grade does not say whether a firm is good or
bad, only how much the platform knows about it: the number of distinct sources, records, record
families (an event type or a relation type; the registry record is one family) and months of
history. Each component earns points by :class:`~firmscore.trust.thresholds.DepthScale`, the sum
gives a letter grade A (deep, usually multi-source history) ... E (almost nothing).

The SQL reads only the point-in-time views (``pit_enterprise``, ``pit_ev``, ``pit_relation``), so
records observed after the as-of date, expired or retracted never count.
"""

from __future__ import annotations

from firmscore.trust.thresholds import DepthScale

#: Every record that describes an enterprise, as (enterprise_id, source, family, day).
DEPTH_ROWS_SQL = """
SELECT enterprise_id, source, 'enterprise' AS family, CAST(NULL AS DATE) AS day FROM pit_enterprise
UNION ALL
SELECT enterprise_id, source, 'event:' || event_type AS family, event_date AS day FROM pit_ev
UNION ALL
SELECT src_id AS enterprise_id, source, 'relation:' || relation_type AS family, effective_from AS day
FROM pit_relation WHERE src_type = 'enterprise' AND (effective_from IS NULL OR effective_from <= {as_of})
UNION ALL
SELECT dst_id AS enterprise_id, source, 'relation:' || relation_type AS family, effective_from AS day
FROM pit_relation WHERE dst_type = 'enterprise' AND (effective_from IS NULL OR effective_from <= {as_of})
""".strip()

#: Depth components per enterprise (only enterprises with at least one record appear).
DEPTH_COMPONENTS_SQL = """
SELECT enterprise_id,
       CAST(count(DISTINCT source) AS INTEGER) AS n_sources,
       CAST(count(*) AS BIGINT) AS n_records,
       CAST(count(DISTINCT split_part(family, ':', 1)) AS INTEGER) AS n_record_types,
       CAST(count(DISTINCT family) AS INTEGER) AS n_families,
       min(day) AS first_record_date,
       CAST(count(DISTINCT date_trunc('month', day)) AS INTEGER) AS active_months
FROM trust_depth_rows
GROUP BY enterprise_id
""".strip()


def _points(column: str, steps: tuple[int, ...]) -> str:
    """SQL summing one point per step that ``column`` reaches."""
    if not steps:
        return "0"
    return "(" + " + ".join(f"CAST(coalesce({column}, 0) >= {s} AS INTEGER)" for s in steps) + ")"


def depth_select_sql(scale: DepthScale) -> str:
    """Depth components and points for every enterprise of ``pit_base``.

    A firm without any record gets zeros (and so grade E): absence of evidence is the finding.
    """
    span = ("CASE WHEN dc.first_record_date IS NULL THEN 0 "
            "ELSE CAST(date_diff('month', dc.first_record_date, {as_of}) + 1 AS INTEGER) END")
    points = " + ".join([
        _points("n_sources", scale.source_steps),
        _points("n_records", scale.record_steps),
        _points("n_families", scale.family_steps),
        _points("history_span_months", scale.span_month_steps),
        _points("active_months", scale.active_month_steps),
    ])
    return f"""
SELECT enterprise_id, n_sources, n_records, n_record_types, n_families, first_record_date,
       history_span_months, active_months,
       CAST({points} AS INTEGER) AS depth_points
FROM (
    SELECT b.enterprise_id,
           coalesce(dc.n_sources, 0) AS n_sources,
           coalesce(dc.n_records, 0) AS n_records,
           coalesce(dc.n_record_types, 0) AS n_record_types,
           coalesce(dc.n_families, 0) AS n_families,
           dc.first_record_date,
           {span} AS history_span_months,
           coalesce(dc.active_months, 0) AS active_months
    FROM pit_base AS b LEFT JOIN trust_depth_components AS dc ON dc.enterprise_id = b.enterprise_id
) AS components
""".strip()


def _grade_case(column: str, bounds: tuple[int, int, int, int]) -> str:
    a, b, c, d = bounds
    return (f"CASE WHEN {column} >= {a} THEN 'A' WHEN {column} >= {b} THEN 'B' "
            f"WHEN {column} >= {c} THEN 'C' WHEN {column} >= {d} THEN 'D' ELSE 'E' END")


def depth_views(scale: DepthScale) -> list[tuple[str, str]]:
    """(view name, SQL template) of the depth stage, in dependency order."""
    select = depth_select_sql(scale)
    grade = _grade_case("depth_points", scale.grade_bounds)
    return [
        ("trust_depth_rows", DEPTH_ROWS_SQL),
        ("trust_depth_components", DEPTH_COMPONENTS_SQL),
        ("trust_depth", f"SELECT *, {grade} AS depth_grade FROM (\n{select}\n) AS pointed"),
    ]


def grade_for_points(points: int, scale: DepthScale) -> str:
    """The letter grade of a points total (the Python mirror of the SQL, for docs and tests)."""
    for letter, bound in zip("ABCD", scale.grade_bounds, strict=True):
        if points >= bound:
            return letter
    return "E"
