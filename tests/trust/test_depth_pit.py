"""Depth grade boundaries and the point-in-time rule of the trust indicators."""

from __future__ import annotations

import datetime as dt

import pytest
from trust_homes import AS_OF, Writer, ent, evt, invoices, months, report, writer

from firmscore.store import DataHome
from firmscore.trust import DEFAULT_DEPTH_SCALE, DepthScale, compute_trust, explain_trust
from firmscore.trust.depth import grade_for_points


@pytest.fixture
def write(home: DataHome) -> Writer:
    """``write(record_type, rows)`` appends rows as a new batch of the test home (no conftest: the
    graph tests import helpers from ``conftest`` by name, so a second conftest would shadow theirs)."""
    return writer(home)

FAMILIES = ["tax_payment", "social_insurance", "penalty", "qualification", "project_won"]


@pytest.mark.parametrize(("points", "grade"), [
    (14, "A"), (11, "A"), (10, "B"), (8, "B"), (7, "C"), (5, "C"), (4, "D"), (2, "D"), (1, "E"), (0, "E")])
def test_grade_boundaries(points: int, grade: str) -> None:
    assert grade_for_points(points, DEFAULT_DEPTH_SCALE) == grade


def test_depth_components_and_grade_from_sql(home: DataHome, write: Writer) -> None:
    # DEEP: 2 sources, 1 + 48 + 1 = 50 records, 7 families, 24 months span, 24 active months
    start = dt.date(2023, 7, 1)
    deep_events = [evt(FAMILIES[i % 5], "DEEP", d) for i, d in enumerate(months(start, 24))]
    deep_events += [evt(FAMILIES[i % 5], "DEEP", d) for i, d in enumerate(months(start, 24))]
    write("enterprise", [ent("DEEP"), ent("BARE")])
    write("event", deep_events)
    write("relation", [{"relation_type": "trade", "src_type": "enterprise", "src_id": "DEEP",
                        "dst_type": "enterprise", "dst_id": "BARE", "source": "other",
                        "effective_from": dt.date(2024, 1, 1)}])
    rows = {r["enterprise_id"]: r for r in compute_trust(home, AS_OF).to_pylist()}
    deep = rows["DEEP"]
    assert (deep["n_sources"], deep["n_records"], deep["n_families"]) == (2, 50, 7)
    assert deep["n_record_types"] == 3  # enterprise, event, relation
    assert deep["first_record_date"] == dt.date(2023, 7, 15)
    assert (deep["history_span_months"], deep["active_months"]) == (24, 24)
    # 1 (sources) + 2 (records) + 2 (families) + 2 (span) + 2 (active) = 9 → B
    assert deep["depth_points"] == 9 and deep["depth_grade"] == "B"
    bare = rows["BARE"]  # the registry record and one trade tie
    assert (bare["n_sources"], bare["n_records"], bare["n_families"]) == (2, 2, 2)
    # 1 (two sources) + 1 (18 months since the tie began) = 2 → D, the lowest grade above E
    assert bare["depth_points"] == 2
    assert bare["depth_grade"] == grade_for_points(bare["depth_points"], DEFAULT_DEPTH_SCALE) == "D"
    # a stricter scale moves the same firm down: grades follow the documented points, not hard-coded cut-offs
    strict = DepthScale(record_steps=(100, 1000, 10000))
    strict_deep = {r["enterprise_id"]: r for r in compute_trust(home, AS_OF, scale=strict).to_pylist()}["DEEP"]
    assert strict_deep["depth_points"] == 7 and strict_deep["depth_grade"] == "C"


def test_records_observed_after_the_date_do_not_count(home: DataHome, write: Writer) -> None:
    late = dt.datetime(2025, 7, 10, tzinfo=dt.UTC)  # known only after AS_OF
    write("enterprise", [ent("PIT", registered_capital=1e6, paid_in_capital=1e6),
                         ent("LATER", established_date=dt.date(2025, 7, 2))])
    write("event", [
        *invoices("PIT", dt.date(2024, 1, 1), 18, 1e5),
        report("PIT", 2024, 1.2e7, observed=late),  # an inflated report that arrives after the date
        evt("penalty", "PIT", dt.date(2025, 6, 1), observed=late),
    ])
    con = home.connect()  # one connection, two dates: the snapshot is re-installed each time
    before = {r["enterprise_id"]: r for r in compute_trust(con, AS_OF).to_pylist()}
    after = {r["enterprise_id"]: r for r in compute_trust(con, dt.date(2025, 7, 31)).to_pylist()}
    again = {r["enterprise_id"]: r for r in compute_trust(con, AS_OF).to_pylist()}
    con.close()
    assert again == before
    assert "LATER" not in before and "LATER" in after  # not yet established on AS_OF
    assert before["PIT"]["check_revenue_invoices"] == "na"
    assert after["PIT"]["check_revenue_invoices"] == "fail"
    assert after["PIT"]["n_records"] == before["PIT"]["n_records"] + 2
    assert before["PIT"]["quality_score"] == 100.0 > after["PIT"]["quality_score"]
    explained = {i["check"]: i["outcome"] for i in explain_trust(home, "PIT", AS_OF)}
    assert explained["revenue_invoices"] == "na"
