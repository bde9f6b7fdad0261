"""Who is in distress on the as-of date: the facts that risk propagates from.

A firm is *distressed* when, as of D, it is 90+ days past due (or defaulted) within the last year,
under an open enforcement case, on the dishonest-debtor list, or has left the market (revoked,
cancelled, bankrupt). These facts come from point-in-time events and registry status only, so a
firm's neighbours are judged on what was known on D.

The own-PD prior combines the firm's own signals as independent hazards,
``p_own = 1 − (1 − base) · Π_k (1 − h_k · flag_k)``. It is a documented prior for when no
scorecard PD is supplied, not a fitted model; a scorecard's PD vector can replace it everywhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow.compute as pc

from firmscore.engines.point_in_time import as_of_literal
from firmscore.graph.snapshot import fetch, scalar_int

#: Signals that make a firm *distressed* (risk sources for affiliates and contagion).
DISTRESS_SIGNALS: tuple[str, ...] = ("delinquent", "enforced", "dishonest", "exited")
#: Further own-risk signals that raise the own-PD prior but do not make a firm "distressed".
WARNING_SIGNALS: tuple[str, ...] = ("abnormal", "tax_arrears")

#: Hazard of each signal in the own-PD prior (and the base rate of a firm with none).
OWN_PD_BASE = 0.02
OWN_PD_HAZARD: dict[str, float] = {
    "delinquent": 0.6,
    "enforced": 0.35,
    "dishonest": 0.5,
    "exited": 1.0,
    "abnormal": 0.2,
    "tax_arrears": 0.15,
}


@dataclass
class DistressSignals:
    """Per-enterprise signal flags and the day each became true (``NaT`` when unknown).

    Attributes
    ----------
    flags : dict of str → bool array (length n_enterprises)
    since : dict of str → datetime64[D] array
    """

    flags: dict[str, np.ndarray]
    since: dict[str, np.ndarray]

    @property
    def distressed(self) -> np.ndarray:
        """True where any of :data:`DISTRESS_SIGNALS` holds."""
        out = np.zeros_like(self.flags["exited"])
        for s in DISTRESS_SIGNALS:
            out |= self.flags[s]
        return out

    def own_pd(self) -> np.ndarray:
        """The own-PD prior from the firm's own signals (see module docstring)."""
        survive = np.full(self.flags["exited"].shape, 1.0 - OWN_PD_BASE)
        for s, h in OWN_PD_HAZARD.items():
            survive *= 1.0 - h * self.flags[s]
        return 1.0 - survive

    @classmethod
    def empty(cls, n: int) -> DistressSignals:
        names = (*DISTRESS_SIGNALS, *WARNING_SIGNALS)
        return cls(
            {s: np.zeros(n, dtype=bool) for s in names},
            {s: np.full(n, np.datetime64("NaT"), dtype="datetime64[D]") for s in names},
        )


#: Signals that hold while an event of this type is open on D (started, not yet ended); each flags
#: from its earliest open event. One template serves them all so "open on D" means one thing.
_OPEN_CASE_SIGNALS: dict[str, str] = {
    "enforced": "enforcement",
    "dishonest": "dishonest_listing",
    "abnormal": "abnormal_operation",
    "tax_arrears": "tax_arrears",
}


def _signal_sql(as_of: dt.date) -> str:
    d = as_of_literal(as_of)
    active = f"event_date <= {d} AND (end_date IS NULL OR end_date > {d})"
    recent = f"event_date <= {d} AND event_date > {d} - INTERVAL 365 DAY"
    open_cases = "".join(
        f"""
    SELECT subject_id, '{signal}', min(event_date) FROM g_event
    WHERE subject_type = 'enterprise' AND event_type = '{event_type}' AND {active} GROUP BY 1
    UNION ALL"""
        for signal, event_type in _OPEN_CASE_SIGNALS.items()
    )
    return f"""
    SELECT subject_id AS enterprise_id, 'delinquent' AS signal, max(event_date) AS since FROM g_event
    WHERE subject_type = 'enterprise' AND {recent}
      AND ((event_type = 'repayment' AND value >= 90) OR event_type = 'default') GROUP BY 1
    UNION ALL{open_cases}
    SELECT id, 'exited', min(since) FROM (
        SELECT subject_id AS id, event_date AS since FROM g_event
        WHERE subject_type = 'enterprise' AND event_date <= {d}
          AND (event_type IN ('market_exit', 'bankruptcy')
               OR (event_type = 'status_change' AND code IN ('revoked', 'cancelled')))
        UNION ALL
        SELECT enterprise_id, CAST(NULL AS DATE) FROM g_enterprise WHERE status IN ('revoked', 'cancelled')
    ) GROUP BY 1
    """


def distress_signals(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> DistressSignals:
    """Signals per enterprise node index; needs the ``g_*`` views and node tables of the graph build."""
    n = scalar_int(con, "SELECT count(*) FROM g_ent_nodes")
    out = DistressSignals.empty(n)
    tbl = fetch(con, f"""SELECT n.idx, s.signal, s.since FROM ({_signal_sql(as_of)}) s
            JOIN g_ent_nodes n ON n.id = s.enterprise_id""")
    idx = tbl.column("idx").to_numpy()
    signal = tbl.column("signal")
    since = tbl.column("since").to_numpy(zero_copy_only=False).astype("datetime64[D]")
    for s in out.flags:
        m = pc.equal(signal, s).to_numpy(zero_copy_only=False).astype(bool)
        out.flags[s][idx[m]] = True
        out.since[s][idx[m]] = since[m]
    return out
