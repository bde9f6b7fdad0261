"""Data trust indicators shown beside every score: data depth and information quality.

Public API::

    compute_trust(con_or_home, as_of) -> pyarrow.Table      # one row per enterprise
    trust_row(con_or_home, enterprise_id, as_of) -> dict | None
    explain_trust(con_or_home, enterprise_id, as_of) -> list[dict]
    explain_firm(con_or_home, enterprise_id, as_of) -> (row | None, list[dict])   # one install
    check_title(check_id) -> (中文, English)
    write_trust(home, table, as_of) -> Path / read_trust(home, as_of) -> pyarrow.Table
    CHECK_IDS, TrustThresholds, DepthScale

Columns and rules are documented in ``docs/trust.md``.
"""

from __future__ import annotations

from firmscore.trust.checks import CHECK_IDS
from firmscore.trust.compute import NO_CHECKS_REASON, compute_trust, trust_row
from firmscore.trust.explain import check_title, explain_firm, explain_trust
from firmscore.trust.store import read_trust, trust_path, write_trust
from firmscore.trust.thresholds import DEFAULT_DEPTH_SCALE, DEFAULT_THRESHOLDS, DepthScale, TrustThresholds

__all__ = [
    "CHECK_IDS",
    "DEFAULT_DEPTH_SCALE",
    "DEFAULT_THRESHOLDS",
    "NO_CHECKS_REASON",
    "DepthScale",
    "TrustThresholds",
    "check_title",
    "compute_trust",
    "explain_firm",
    "explain_trust",
    "read_trust",
    "trust_path",
    "trust_row",
    "write_trust",
]
