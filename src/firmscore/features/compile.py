"""Turn catalog entries into SQL: per feature (explain, docs, transpile) and per block (execution).

Both forms are generated from the same ``expr``/``where``/block source strings, so the SQL that
``--explain`` prints and that Spark would run is, token for token, the SQL DuckDB executes. A graph
feature's SQL reads its column from the graph stage's artifact; :func:`graph_query` is the same
text for all graph columns at once, and it is what the feature stage runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from firmscore.engines.point_in_time import SNAPSHOT_TEMPLATES, render
from firmscore.features.blocks import BLOCKS, HELPER_TEMPLATES
from firmscore.features.spec import FeatureSpec
from firmscore.graph.artifact import COLUMN_SQL_TEMPLATE


def expression(spec: FeatureSpec) -> str:
    """The feature's expression with its row predicate substituted for ``{w}`` (still a template)."""
    return spec.expr.replace("{w}", f"({spec.where})")


def _select(specs: Sequence[FeatureSpec], block_name: str, row_filter: str | None = None) -> str:
    block = BLOCKS[block_name]
    cols = ",\n    ".join(f"CAST({expression(s)} AS DOUBLE) AS {s.id}" for s in specs)
    sql = f"SELECT enterprise_id,\n    {cols}\nFROM (\n{block.source}\n) AS block_rows"
    if row_filter:
        sql += f"\nWHERE {row_filter}"
    if block.kind == "aggregate":
        sql += "\nGROUP BY enterprise_id"
    return sql


def feature_sql_template(spec: FeatureSpec) -> str:
    """The feature's own SQL: a template with ``{as_of}``/``{cutoff}`` over the ``pit_*`` views, or (graph
    features) with ``{home}``/``{as_of_iso}`` over the graph artifact."""
    if spec.graph_column is not None:
        return COLUMN_SQL_TEMPLATE.format(column=spec.graph_column)
    return _select([spec], spec.block)


def graph_query(specs: Sequence[FeatureSpec], home_root: Path, as_of: dt.date) -> str:
    """One query reading every graph feature of ``specs`` from the artifact of ``as_of`` (its rendered SQL)."""
    columns = [s.graph_column for s in specs if s.graph_column is not None]
    if not columns:
        raise ValueError("graph_query needs at least one graph feature")
    root = str(home_root.resolve()).replace("'", "''")
    sql = COLUMN_SQL_TEMPLATE.format(column=", ".join(columns))
    return sql.replace("{home}", root).replace("{as_of_iso}", as_of.isoformat())


def catalog_entry(spec: FeatureSpec) -> dict[str, Any]:
    """The catalog entry as a plain dict with :data:`~firmscore.features.spec.ENTRY_KEYS` (``sql`` as a
    template): what the catalog version hashes and ``--explain`` prints."""
    return {
        "id": spec.id,
        "dimension": spec.dimension.value,
        "name_zh": spec.name_zh,
        "name_en": spec.name_en,
        "description_zh": spec.description_zh,
        "description_en": spec.description_en,
        "unit": spec.unit,
        "direction": spec.direction,
        "record_types": list(spec.record_types),
        "event_types": list(spec.event_types),
        "window": spec.window,
        "sql": feature_sql_template(spec),
    }


def prelude_views(as_of: dt.date) -> list[tuple[str, str]]:
    """Snapshot views then helper views, rendered for ``as_of``: everything a feature query may read, in order."""
    return [(name, render(sql, as_of)) for name, sql in (*SNAPSHOT_TEMPLATES, *HELPER_TEMPLATES)]


def block_query(block_name: str, specs: Sequence[FeatureSpec], as_of: dt.date,
                row_filter: str | None = None) -> str:
    """One query computing all ``specs`` of a block (they must all belong to it).

    ``row_filter`` narrows the block's rows; it must not change any feature's value on an
    enterprise that keeps at least one row (used to split the event block by event family, where
    every feature aggregates only rows of its own event types).
    """
    wrong = [s.id for s in specs if s.block != block_name]
    if wrong:
        raise ValueError(f"features {wrong} do not belong to block {block_name!r}")
    return render(_select(specs, block_name, row_filter), as_of)


def event_type_filter(specs: Sequence[FeatureSpec]) -> str:
    """``event_type IN (...)`` over every event type the features read."""
    types = sorted({t for s in specs for t in s.event_types})
    return "event_type IN (" + ", ".join(f"'{t}'" for t in types) + ")"


def standalone_sql(spec: FeatureSpec, as_of: dt.date) -> str:
    """A self-contained query (prelude as CTEs) for one feature: what a foreign engine would run."""
    ctes = ",\n".join(f"{name} AS (\n{sql}\n)" for name, sql in prelude_views(as_of))
    return f"WITH {ctes}\n{render(feature_sql_template(spec), as_of)}"
