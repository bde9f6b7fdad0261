"""Each consistency check on hand-made histories with known outcomes (pass, fail, not applicable)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from trust_homes import AS_OF, Writer, ent, evt, invoices, report, taxes, writer

from firmscore.store import DataHome
from firmscore.trust import CHECK_IDS, NO_CHECKS_REASON, check_title, compute_trust, explain_firm, explain_trust
from firmscore.trust.checks import build_checks
from firmscore.trust.thresholds import DEFAULT_THRESHOLDS


@pytest.fixture
def write(home: DataHome) -> Writer:
    """``write(record_type, rows)`` appends rows as a new batch of the test home (no conftest: the
    graph tests import helpers from ``conftest`` by name, so a second conftest would shadow theirs)."""
    return writer(home)

TAX_DAYS = [dt.date(2024, 1, 15), dt.date(2024, 4, 15), dt.date(2024, 7, 15), dt.date(2024, 10, 15),
            dt.date(2025, 1, 15), dt.date(2025, 4, 15)]


@pytest.fixture
def rows(home: DataHome, write: Writer) -> dict[str, dict[str, Any]]:
    """A universe where each firm is built to pass, fail or skip particular checks."""
    write("enterprise", [
        # honest: consistent revenue, invoices, tax, staff and capital
        ent("HONEST", registered_capital=1e6, paid_in_capital=5e5, address="北京市 海淀路1号", phone="010-1111"),
        # declares 12M revenue, invoices 300k a year, pays almost no tax, inflates staff, over-pays capital
        ent("INFLATED", registered_capital=1e6, paid_in_capital=2e6, address="北京市海淀路2号", phone="010-2222"),
        # old company, nothing paid in; annual report but no invoices / tax / social insurance
        ent("EMPTYCO", registered_capital=1e7, paid_in_capital=0.0, address="上海市1号", phone="021-1"),
        # young company with nothing paid in: the tiny-capital rule does not apply yet
        ent("YOUNG", established_date=dt.date(2023, 5, 1), registered_capital=1e7, paid_in_capital=0.0),
        # nothing but a name: no check applies
        ent("GHOST"),
        # voids half its invoices and issues large credit notes
        ent("VOIDER", address="广州市3号"),
        # back-filled: most records arrive long after the fact
        ent("LATE", address="深圳市4号"),
        # a historical back-load: observed_at is the fact's own date, so arrival says nothing
        ent("BACKLOAD"),
        # six firms at one address (whitespace differs), three of them also sharing one phone
        *[ent(f"HUB{i}", address=" 杭州市 共享路 8号 " if i % 2 else "杭州市共享路8号",
              phone="0571-8888" if i < 3 else f"0571-{i}") for i in range(6)],
    ])
    start = dt.date(2024, 1, 1)
    write("event", [
        report("HONEST", 2024, 1.2e6, employees=10),
        *invoices("HONEST", start, 18, 1e5),
        *taxes("HONEST", TAX_DAYS, 1e4),
        evt("social_insurance", "HONEST", dt.date(2024, 12, 28), value=10.0),
        report("INFLATED", 2024, 1.2e7, employees=50),
        *invoices("INFLATED", start, 18, 2.5e4),
        *taxes("INFLATED", TAX_DAYS, 100.0),
        evt("social_insurance", "INFLATED", dt.date(2024, 12, 28), value=5.0),
        report("EMPTYCO", 2024, 3e6, employees=4),
        *invoices("VOIDER", dt.date(2024, 7, 1), 12, 1e5),
        *invoices("VOIDER", dt.date(2024, 7, 1), 12, 1e5, code="voided"),
        *invoices("VOIDER", dt.date(2024, 7, 1), 6, -5e4),
        *[evt("penalty", "LATE", d, observed=dt.datetime(2025, 6, 1, tzinfo=dt.UTC), amount=1.0)
          for d in [dt.date(2024, m, 1) for m in range(1, 7)]],
        *[evt("qualification", "LATE", dt.date(2025, m, 1)) for m in range(1, 5)],
        *[evt("penalty", "BACKLOAD", dt.date(2024, m, 1), observed=dt.datetime(2024, m, 1, tzinfo=dt.UTC))
          for m in range(1, 8)],
    ])
    table = compute_trust(home, AS_OF)
    return {r["enterprise_id"]: r for r in table.to_pylist()}


def _outcomes(row: dict[str, Any]) -> dict[str, str]:
    return {cid: row[f"check_{cid}"] for cid in CHECK_IDS}


def test_honest_firm_passes_every_applicable_check(rows: dict[str, dict[str, Any]]) -> None:
    honest = _outcomes(rows["HONEST"])
    assert honest["revenue_invoices"] == honest["revenue_tax"] == honest["invoices_tax"] == "pass"
    assert honest["paid_in_exceeds"] == honest["paid_in_tiny"] == honest["employees_headcount"] == "pass"
    assert honest["shared_address"] == honest["shared_phone"] == honest["contact_cluster"] == "pass"
    assert "fail" not in honest.values()
    assert rows["HONEST"]["quality_score"] == 100.0
    assert rows["HONEST"]["failed_checks"] == []


def test_inflated_declarations_fail_the_cross_source_checks(rows: dict[str, dict[str, Any]]) -> None:
    inflated = _outcomes(rows["INFLATED"])
    for cid in ("revenue_invoices", "revenue_tax", "invoices_tax", "paid_in_exceeds", "employees_headcount"):
        assert inflated[cid] == "fail", cid
    assert set(rows["INFLATED"]["failed_checks"]) == {
        "revenue_invoices", "revenue_tax", "invoices_tax", "paid_in_exceeds", "employees_headcount"}
    assert rows["INFLATED"]["quality_score"] < rows["HONEST"]["quality_score"]


def test_missing_data_means_not_applicable_not_failure(rows: dict[str, dict[str, Any]]) -> None:
    empty = _outcomes(rows["EMPTYCO"])
    for cid in ("revenue_invoices", "revenue_tax", "invoices_tax", "employees_headcount", "voided_invoices"):
        assert empty[cid] == "na", cid
    assert empty["paid_in_tiny"] == "fail"  # ten years old, nothing paid in
    assert _outcomes(rows["YOUNG"])["paid_in_tiny"] == "na"
    assert _outcomes(rows["YOUNG"])["paid_in_exceeds"] == "pass"


def test_firm_without_applicable_checks_gets_null_score_with_reason(rows: dict[str, dict[str, Any]]) -> None:
    ghost = rows["GHOST"]
    assert set(_outcomes(ghost).values()) == {"na"}
    assert ghost["quality_score"] is None
    assert ghost["quality_reason"] == NO_CHECKS_REASON
    assert ghost["n_checks_applicable"] == 0
    assert rows["HONEST"]["quality_reason"] is None


def test_shared_contacts_counted_after_normalising(rows: dict[str, dict[str, Any]]) -> None:
    for i in range(6):
        hub = _outcomes(rows[f"HUB{i}"])
        assert hub["shared_address"] == "fail"  # six firms > five allowed
        assert hub["contact_cluster"] == ("fail" if i < 3 else "pass")
        assert hub["shared_phone"] == "pass"  # three firms on a phone is within the limit
    assert _outcomes(rows["YOUNG"])["shared_address"] == "na"


def test_voided_and_negative_invoices(rows: dict[str, dict[str, Any]]) -> None:
    voider = _outcomes(rows["VOIDER"])
    assert voider["voided_invoices"] == "fail"  # 12 of 30 rows = 40 % > 30 %
    assert voider["credit_notes"] == "fail"  # 300k of credit notes on 1.2M positive = 25 %
    assert _outcomes(rows["HONEST"])["voided_invoices"] == "pass"


def test_late_records(rows: dict[str, dict[str, Any]]) -> None:
    assert _outcomes(rows["LATE"])["late_records"] == "fail"
    assert _outcomes(rows["HONEST"])["late_records"] == "pass"
    assert _outcomes(rows["GHOST"])["late_records"] == "na"
    assert _outcomes(rows["BACKLOAD"])["late_records"] == "na"
    assert rows["BACKLOAD"]["quality_score"] is None


def test_score_is_the_weighted_share_of_passed_checks(rows: dict[str, dict[str, Any]]) -> None:
    weights = {c.id: c.weight for c in build_checks(DEFAULT_THRESHOLDS)}
    for row in rows.values():
        outcomes = _outcomes(row)
        applicable = sum(weights[c] for c, o in outcomes.items() if o != "na")
        passed = sum(weights[c] for c, o in outcomes.items() if o == "pass")
        if applicable:
            assert row["quality_score"] == pytest.approx(round(100 * passed / applicable, 1))
        assert row["n_checks_failed"] == list(outcomes.values()).count("fail")
        assert row["failed_checks"] == [c for c in CHECK_IDS if outcomes[c] == "fail"]


def test_explain_quotes_the_numbers_in_both_languages(home: DataHome, rows: dict[str, dict[str, Any]]) -> None:
    items = {i["check"]: i for i in explain_trust(home, "INFLATED", AS_OF)}
    assert list(items) == list(CHECK_IDS)
    rev = items["revenue_invoices"]
    assert rev["outcome"] == "fail" == rows["INFLATED"]["check_revenue_invoices"]
    assert rev["values"]["revenue"] == 1.2e7 and rev["values"]["invoiced"] == pytest.approx(3e5)
    assert rev["values"]["ratio"] == pytest.approx(40.0)
    assert "1,200.0 万元" in rev["text_zh"] and "30.0 万元" in rev["text_zh"] and "申报收入" in rev["text_zh"]
    assert "12.0M CNY" in rev["text_en"] and "300.0K CNY" in rev["text_en"] and "ratio 40" in rev["text_en"]
    row, listed = explain_firm(home, "INFLATED", AS_OF)
    assert row == rows["INFLATED"]
    assert [i["outcome"] for i in listed] == [rows["INFLATED"][f"check_{c}"] for c in CHECK_IDS]
    assert check_title("revenue_invoices") == (rev["title_zh"], rev["title_en"])
    assert explain_firm(home, "NO-SUCH-FIRM", AS_OF) == (None, [])
    na = {i["check"]: i for i in explain_trust(home, "GHOST", AS_OF)}["employees_headcount"]
    assert na["outcome"] == "na" and na["values"] == {} and "社保" in na["text_zh"] and "n/a" in na["text_en"]
