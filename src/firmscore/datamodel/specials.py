"""Special values in feature matrices: reasons a value is absent that a scorecard must keep apart.

A plain ``NaN`` means "no data". Where the reason for absence matters for risk (a legal
representative who gave no authorization is not the same as one with no credit file), the
feature engine writes a sentinel code far outside any feature's domain, and binning puts each
declared code in its own bin. The codes are part of the data contract, so they live here.
"""

from __future__ import annotations

NOT_AUTHORIZED = -999_001.0
NO_SOURCE = -999_002.0

#: code → (reason id, 中文, English)
SPECIAL_VALUES: dict[float, tuple[str, str, str]] = {
    NOT_AUTHORIZED: ("not_authorized", "未获授权", "not authorized"),
    NO_SOURCE: ("no_source", "无数据来源", "no data source"),
}

SPECIAL_CODES: tuple[float, ...] = tuple(SPECIAL_VALUES)
