"""Pieces shared by the dimension definition modules: look-back windows and the event count.

Several dimensions count events of one type in a window; defining the windows and that
constructor once keeps their SQL text identical across dimensions (the catalog hash, the
generated docs and the Spark transpile all read that text).
"""

from __future__ import annotations

from firmscore.features.spec import Dimension, FeatureSpec

W12 = "event_date > {as_of} - INTERVAL 12 MONTH"
W24 = "event_date > {as_of} - INTERVAL 24 MONTH"
W36 = "event_date > {as_of} - INTERVAL 36 MONTH"
#: An interval record (listing, case, pledge, ...) still open on the as-of date.
OPEN = "(end_date IS NULL OR end_date > {as_of})"
EV = ("event",)


def event_count(dimension: Dimension, fid: str, zh: str, en: str, dzh: str, den: str, direction: int, etype: str,
                where: str, window: str) -> FeatureSpec:
    """Events of one type matching ``where`` (0 when none, if the source exists)."""
    return FeatureSpec(
        id=fid, dimension=dimension, name_zh=zh, name_en=en, description_zh=dzh, description_en=den, unit="count",
        direction=direction, record_types=EV, event_types=(etype,), window=window, block="event",
        expr="count(*) FILTER (WHERE {w})", where=f"event_type = '{etype}' AND {where}", fill=0.0,
    )
