"""What a feature is: the catalog entry type shared by this package and the graph module.

A feature is *data*, not code: identity, meaning in both languages, risk direction, sources,
window and one SQL definition. Everything else (the matrix, ``--explain``, ``docs/features.md``,
evidence, the Spark transpile test) is derived from these entries, so they cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


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

#: The keys of a catalog entry as a plain dict (what ``firmscore.graph.features`` provides).
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


@dataclass(frozen=True)
class FeatureSpec:
    """One catalog entry.

    Attributes
    ----------
    id : str
        Column name in the feature matrix (``snake_case``, prefixed by dimension).
    dimension : Dimension
    name_zh, name_en, description_zh, description_en : str
        Meaning in both languages (shown by ``--explain`` and in reasons).
    unit : str
        Unit of the value (``years``, ``CNY log10``, ``ratio``, ``count``, ...).
    direction : int
        Expected direction of risk: +1 more risk as the value grows, -1 less, 0 non-monotone.
    record_types, event_types : tuple of str
        Canonical record types and event types the feature reads (coverage and evidence).
    window : str
        Look-back window (``"12m"``, ``"as of"``, ``"all (legal expiry)"``).
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
    relation_types : tuple of str
        Relation types read (source presence for relationship features).
    personal : bool
        Reads a person's personal-credit data: gated by a valid authorization.
    sql_override : str, optional
        Full SQL for features computed outside the block machinery (graph-provided entries).
    """

    id: str
    dimension: Dimension
    name_zh: str
    name_en: str
    description_zh: str
    description_en: str
    unit: str
    direction: int
    record_types: tuple[str, ...]
    event_types: tuple[str, ...]
    window: str
    block: str
    expr: str
    where: str = "TRUE"
    evidence_where: str | None = None
    fill: float | None = None
    fill_needs_capital: bool = False
    relation_types: tuple[str, ...] = ()
    personal: bool = False
    sql_override: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        if self.direction not in (-1, 0, 1):
            raise ValueError(f"feature {self.id}: direction must be -1, 0 or +1, got {self.direction}")
        if not self.id.isidentifier() or self.id != self.id.lower():
            raise ValueError(f"feature {self.id!r}: id must be a lower-case identifier")

    @property
    def is_sql(self) -> bool:
        """True when the feature is computed by this package's SQL blocks."""
        return self.sql_override is None and self.block != "external"

    def as_entry(self) -> dict[str, Any]:
        """The catalog entry as a plain dict with :data:`ENTRY_KEYS` (``sql`` rendered as a template)."""
        from firmscore.features.compile import feature_sql_template

        return {
            "id": self.id,
            "dimension": self.dimension.value,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "description_zh": self.description_zh,
            "description_en": self.description_en,
            "unit": self.unit,
            "direction": self.direction,
            "record_types": list(self.record_types),
            "event_types": list(self.event_types),
            "window": self.window,
            "sql": feature_sql_template(self),
        }


def spec_from_entry(entry: dict[str, Any], block: str = "external") -> FeatureSpec:
    """Build a :class:`FeatureSpec` from a plain catalog dict (the graph module's format).

    Raises ``ValueError`` naming the entry and the missing key when the dict is incomplete.
    """
    missing = [k for k in ENTRY_KEYS if k not in entry]
    if missing:
        raise ValueError(f"catalog entry {entry.get('id', '?')!r} lacks keys {missing}")
    return FeatureSpec(
        id=str(entry["id"]),
        dimension=Dimension(entry["dimension"]),
        name_zh=str(entry["name_zh"]),
        name_en=str(entry["name_en"]),
        description_zh=str(entry["description_zh"]),
        description_en=str(entry["description_en"]),
        unit=str(entry["unit"]),
        direction=int(entry["direction"]),
        record_types=tuple(entry["record_types"]),
        event_types=tuple(entry["event_types"]),
        window=str(entry["window"]),
        block=block,
        expr="",
        sql_override=str(entry["sql"]),
        extra={k: v for k, v in entry.items() if k not in ENTRY_KEYS},
    )
