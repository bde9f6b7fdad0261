"""Evidence: the record ids behind a feature value, under the same point-in-time filter."""

from __future__ import annotations

import datetime as dt

from firmscore.features import evidence
from firmscore.store import DataHome

from .history import AS_OF, History


def test_evidence_lists_exactly_the_records_a_feature_used(home: DataHome, history: History) -> None:
    ent = history.enterprise("E1")
    history.enterprise("E2")
    recent = history.event("E1", "enforcement", "2024-06-30", amount=1.0)
    old = history.event("E1", "enforcement", "2020-01-01", amount=1.0)  # outside the 36-month window
    future = history.event("E1", "enforcement", "2025-05-01", observed="2025-07-10", amount=1.0)
    other = history.event("E2", "enforcement", "2025-01-01", amount=1.0)
    sale = history.event("E1", "invoice_out", "2025-03-03", amount=10.0, counterparty_id="C1")
    voided = history.event("E1", "invoice_out", "2025-03-04", amount=10.0, counterparty_id="C1", code="voided")
    stale_sale = history.event("E1", "invoice_out", "2023-03-03", amount=10.0, counterparty_id="C1")
    guarantee = history.relation("guarantee", "E1", "E2", amount=5.0)
    history.flush()
    retracted = history.event("E1", "enforcement", "2025-01-01", amount=1.0)
    history.flush()
    history.retract(retracted, observed="2025-02-01")
    history.flush()

    got = evidence(home, "E1", ["perf_enforcement_36m", "perf_days_since_enforcement", "basic_age_years",
                                "beh_sales_12m_log", "beh_customer_hhi", "rel_guarantees_given"], AS_OF)
    assert got["perf_enforcement_36m"] == [recent]
    assert sorted(got["perf_days_since_enforcement"]) == sorted([recent, old])
    assert got["basic_age_years"] == [ent]
    assert sorted(got["beh_sales_12m_log"]) == sorted([sale, voided])
    assert got["beh_customer_hhi"] == [sale]  # concentration ignores voided invoices
    assert got["rel_guarantees_given"] == [guarantee]
    assert other not in got["perf_enforcement_36m"] and stale_sale not in got["beh_sales_12m_log"]
    # later, the late-observed case becomes evidence
    later = evidence(home, "E1", ["perf_enforcement_36m"], dt.date(2025, 7, 31))
    assert future in later["perf_enforcement_36m"]


def test_evidence_accepts_an_open_connection(home: DataHome, history: History) -> None:
    history.enterprise("E1")
    rid = history.event("E1", "penalty", "2025-01-01", amount=3.0)
    history.flush()
    con = home.connect()
    try:
        assert evidence(con, "E1", ["perf_penalties_24m"], AS_OF) == {"perf_penalties_24m": [rid]}
    finally:
        con.close()
