"""What a feature is: the one specification type every catalog entry (SQL or graph) is declared with.

A feature is *data*, not code: identity, meaning in both languages, risk direction, sources,
window and one definition (SQL, or a column of the graph artifact). Everything else (the matrix,
``--explain``, ``docs/features.md``, evidence, the Spark transpile test) is derived from these
entries, so they cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Dimension(StrEnum):
    """The five dimensions of the enterprise score."""

    BASIC = "basic"  # 基本信息
    BEHAVIOUR = "behaviour"  # 经营行为
    PERFORMANCE = "performance"  # 履约历史
    RELATIONSHIP = "relationship"  # 关联关系
    LEGAL_REP = "legal_rep"  # 法定代表人资信


DIMENSION_NAMES: dict[Dimension, tuple[str, str]] = {
    Dimension.BASIC: ("基本信息", "basic information"),
    Dimension.BEHAVIOUR: ("经营行为", "business behaviour"),
    Dimension.PERFORMANCE: ("履约历史", "performance history"),
    Dimension.RELATIONSHIP: ("关联关系", "relationships"),
    Dimension.LEGAL_REP: ("法定代表人资信", "legal representative"),
}

#: The keys of a catalog entry as a plain dict (:func:`firmscore.features.compile.catalog_entry`).
ENTRY_KEYS: tuple[str, ...] = (
    "id",
    "dimension",
    "name_zh",
    "name_en",
    "description_zh",
    "description_en",
    "unit",
    "direction",
    "record_types",
    "event_types",
    "window",
    "sql",
)


@dataclass(frozen=True, kw_only=True)
class FeatureSpec:
    """One catalog entry: what the feature means, and its one definition.

    Meaning
    -------
    id : str
        Column name in the feature matrix (``snake_case``, prefixed by dimension).
    dimension : Dimension
    name_zh, name_en, description_zh, description_en : str
        Meaning in both languages (shown by ``--explain`` and in reasons).
    unit : str
        Unit of the value (``years``, ``CNY log10``, ``ratio``, ``count``, ...).
    direction : int
        Expected direction of risk: +1 more risk as the value grows, -1 less, 0 non-monotone.
    window : str
        Look-back window (``"12m"``, ``"as of"``, ``"all (legal expiry)"``).
    record_types, event_types, relation_types : tuple of str
        Canonical record types, event types and relation types the feature reads (source
        presence, coverage and evidence).
    personal : bool
        Reads a person's personal-credit data: gated by a valid authorization.

    Definition: SQL over a block ...
    --------------------------------
    block : str
        The block (see :mod:`firmscore.features.blocks`) whose rows the expression reads.
    expr : str
        SQL expression in the DuckDB dialect over the block's rows: an aggregate for aggregate
        blocks, a scalar for scalar blocks. Placeholders: ``{as_of}`` (a ``DATE`` literal),
        ``{cutoff}`` (the observation cut-off instant) and ``{w}`` (this feature's ``where``).
    where : str
        Row predicate (same placeholders): which block rows the feature uses. Substituted for
        ``{w}`` in ``expr`` and reused by :func:`firmscore.features.evidence.evidence`.
    evidence_where : str, optional
        Predicate on the block's evidence relation when it differs from ``where`` (blocks whose
        rows are pre-aggregated, e.g. monthly invoice totals).
    fill : float or None
        Value for an enterprise with no rows in the block *when the source exists* (0 for counts);
        ``None`` keeps NaN. Where the source is absent from the data home, the value is NaN.
    fill_needs_capital : bool
        ``fill`` applies only where registered capital is known and positive (ratios to capital:
        "no enforcement" is 0 only when the ratio could have been computed).

    ... or a column of the graph stage's artifact
    ---------------------------------------------
    graph_column : str, optional
        The column of the graph artifact (:mod:`firmscore.graph.artifact`) holding the values,
        computed by the graph stage's sparse-matrix code rather than by SQL.
    """

    id: str
    dimension: Dimension
    name_zh: str
    name_en: str
    description_zh: str
    description_en: str
    unit: str
    direction: int
    window: str
    record_types: tuple[str, ...]
    event_types: tuple[str, ...] = ()
    relation_types: tuple[str, ...] = ()
    personal: bool = False
    block: str = ""
    expr: str = ""
    where: str = "TRUE"
    evidence_where: str | None = None
    fill: float | None = None
    fill_needs_capital: bool = False
    graph_column: str | None = None

    def __post_init__(self) -> None:
        if self.direction not in (-1, 0, 1):
            raise ValueError(f"feature {self.id}: direction must be -1, 0 or +1, got {self.direction}")
        if not self.id.isidentifier() or self.id != self.id.lower():
            raise ValueError(f"feature {self.id!r}: id must be a lower-case identifier")
        sql = bool(self.block or self.expr)
        if sql == (self.graph_column is not None):
            raise ValueError(f"feature {self.id}: define either block and expr (SQL) or graph_column, not both")
        if sql and not (self.block and self.expr):
            raise ValueError(f"feature {self.id}: an SQL feature needs both block and expr")
        if not sql and (self.where != "TRUE" or self.evidence_where or self.fill is not None or self.personal):
            raise ValueError(f"feature {self.id}: a graph column takes no row predicate, fill or personal gate")

    @property
    def is_sql(self) -> bool:
        """True when the feature is computed by this package's SQL blocks (else read from the graph artifact)."""
        return self.graph_column is None
