"""Known-answer tests, one small hand-made history per dimension."""

from __future__ import annotations

import math

import pytest

from firmscore.datamodel.specials import NOT_AUTHORIZED
from firmscore.store import DataHome

from .history import History, is_missing, matrix, value


def test_basic_dimension(home: DataHome, history: History) -> None:
    history.enterprise("E1", established_date="2015-06-30", registered_capital=1_000_000.0,
                       paid_in_capital=250_000.0, insured_employees=9, industry="5211", region="110105",
                       uscc="91110105MA00000000", address="A", phone="1", platform_member_since="2023-06-30")
    history.enterprise("E2", established_date="2024-06-30", status="revoked", industry="5299", region="110108",
                       enterprise_type="individual_business")
    history.enterprise("E3", established_date="2020-01-01", industry="7010", region="310101")
    history.event("E1", "social_insurance", "2024-05-01", value=4.0)
    history.event("E1", "social_insurance", "2025-05-01", value=9.0)
    history.event("E1", "qualification", "2022-01-01", end_date="2026-01-01")
    history.event("E1", "qualification", "2020-01-01", end_date="2024-01-01")
    history.flush()
    m = matrix(home)
    assert value(m, "E1", "basic_age_years") == pytest.approx(3653 / 365.25)
    assert value(m, "E1", "basic_registered_capital_log") == pytest.approx(math.log10(1_000_001))
    assert value(m, "E1", "basic_paid_in_ratio") == pytest.approx(0.25)
    assert value(m, "E1", "basic_insured_employees_log") == pytest.approx(math.log(10))
    assert value(m, "E2", "basic_status_failed") == 1.0 and value(m, "E1", "basic_status_failed") == 0.0
    assert value(m, "E2", "basic_individual_form") == 1.0
    # industry division 52: E1 (alive) and E2 (revoked) → 0.5; division 70: E3 alone → 0
    assert value(m, "E1", "basic_industry_failure_rate") == pytest.approx(0.5)
    assert value(m, "E3", "basic_industry_failure_rate") == 0.0
    assert value(m, "E1", "basic_region_failure_rate") == pytest.approx(0.5)
    assert value(m, "E1", "basic_platform_member_years") == pytest.approx(731 / 365.25)
    assert is_missing(m, "E3", "basic_platform_member_years")
    assert value(m, "E1", "basic_has_uscc") == 1.0 and value(m, "E3", "basic_has_uscc") == 0.0
    assert value(m, "E1", "basic_contact_completeness") == 2.0
    assert value(m, "E1", "basic_headcount_latest_log") == pytest.approx(math.log(10))
    assert value(m, "E1", "basic_headcount_change_12m") == pytest.approx(9 / 4 - 1)
    assert value(m, "E1", "basic_valid_qualifications") == 1.0
    # source exists (E1 has qualifications) → E3 without any is 0, not missing
    assert value(m, "E3", "basic_valid_qualifications") == 0.0
    assert is_missing(m, "E3", "basic_insured_employees_log")


def test_behaviour_dimension(home: DataHome, history: History) -> None:
    history.enterprise("E1")
    history.enterprise("E2")
    # sales: 100 per month in Jul-2024..Jun-2025 to C1 (75%) and C2 (25%) split, 50 per month the year before
    for month in range(12):
        y, mo = (2024, 7 + month) if month < 6 else (2025, month - 5)
        history.event("E1", "invoice_out", f"{y}-{mo:02d}-10", amount=75.0, counterparty_id="C1", code="valid")
        history.event("E1", "invoice_out", f"{y}-{mo:02d}-11", amount=25.0, counterparty_id="C2", code="valid")
        history.event("E1", "invoice_out", f"{y - 1}-{mo:02d}-10", amount=50.0, counterparty_id="C1", code="valid")
    history.event("E1", "invoice_out", "2025-06-12", amount=999.0, counterparty_id="C3", code="voided")
    history.event("E1", "invoice_out", "2025-06-13", amount=-20.0, counterparty_id="C2", code="valid")
    history.event("E1", "invoice_in", "2025-05-01", amount=600.0, counterparty_id="S1", code="valid")
    history.event("E1", "tax_payment", "2025-03-01", amount=59.0)
    history.event("E1", "tax_rating", "2023-04-01", code="D")
    history.event("E1", "tax_rating", "2024-04-01", code="B")
    history.event("E1", "registry_change", "2025-01-01", code="legal_rep")
    history.event("E1", "registry_change", "2024-03-01", code="address")
    history.event("E1", "abnormal_operation", "2024-01-01", end_date="2024-06-01")
    history.event("E2", "abnormal_operation", "2025-01-01")
    history.event("E1", "annual_report", "2025-05-31", amount=1000.0, value=9.0,
                  attrs='{"profit": 100.0, "assets": 800.0, "liabilities": 200.0}')
    history.flush()
    m = matrix(home)
    sales = 12 * 100.0 - 20.0
    assert value(m, "E1", "beh_sales_12m_log") == pytest.approx(math.log10(1 + sales))
    assert value(m, "E1", "beh_sales_growth_yoy") == pytest.approx(sales / 600.0 - 1)
    assert value(m, "E1", "beh_sales_months_active_12m") == 12.0
    assert value(m, "E2", "beh_sales_months_active_12m") == 0.0
    assert value(m, "E1", "beh_months_since_last_sale") == 0.0
    # monthly totals: 100 × 11 and 80 in June → coefficient of variation from first principles
    months = [100.0] * 11 + [80.0]
    mean = sum(months) / 12
    sd = math.sqrt(sum(x * x for x in months) / 12 - mean * mean)
    assert value(m, "E1", "beh_sales_volatility_12m") == pytest.approx(sd / mean)
    # the window holds this year's 24 valid invoices, the voided one and the red note (26)
    assert value(m, "E1", "beh_invoice_void_ratio_12m") == pytest.approx(1 / 26)
    assert value(m, "E1", "beh_invoice_negative_ratio_12m") == pytest.approx(1 / 26)
    assert value(m, "E1", "beh_negative_amount_share_12m") == pytest.approx(20 / 1200)
    assert value(m, "E1", "beh_customers_12m") == 2.0  # C3 only voided
    assert value(m, "E1", "beh_customer_top1_share") == pytest.approx(900 / 1200)
    assert value(m, "E1", "beh_customer_hhi") == pytest.approx(0.75**2 + 0.25**2)
    assert value(m, "E1", "beh_suppliers_12m") == 1.0 and value(m, "E1", "beh_supplier_hhi") == 1.0
    assert value(m, "E1", "beh_gross_margin_proxy_12m") == pytest.approx((sales - 600) / sales)
    assert value(m, "E1", "beh_tax_to_sales_12m") == pytest.approx(59 / sales)
    assert value(m, "E1", "beh_tax_rating_latest") == 2.0
    assert value(m, "E1", "beh_tax_rating_d_36m") == 1.0
    assert value(m, "E1", "beh_registry_changes_12m") == 1.0
    assert value(m, "E1", "beh_legal_rep_changes_24m") == 1.0
    assert value(m, "E1", "beh_address_changes_24m") == 1.0
    assert value(m, "E1", "beh_abnormal_operation_now") == 0.0 and value(m, "E2", "beh_abnormal_operation_now") == 1.0
    assert value(m, "E1", "beh_annual_profit_margin") == pytest.approx(0.1)
    assert value(m, "E1", "beh_annual_debt_ratio") == pytest.approx(0.25)
    # no platform trades anywhere in the home: no source → missing, not zero
    assert is_missing(m, "E1", "beh_platform_trade_12m_log")


def test_performance_dimension(home: DataHome, history: History) -> None:
    history.enterprise("E1", registered_capital=100_000.0)
    history.enterprise("E2")
    history.enterprise("E3", registered_capital=None)
    history.event("E1", "loan", "2025-01-01", amount=50_000.0, end_date="2026-01-01", code="L1")
    history.event("E1", "loan", "2023-01-01", amount=10_000.0, end_date="2024-01-01", code="L0")
    for day, dpd in (("2024-09-01", 0.0), ("2024-12-01", 35.0), ("2025-03-01", 95.0), ("2025-06-01", 0.0)):
        history.event("E1", "repayment", day, amount=5_000.0, value=dpd, code="L1")
    history.event("E1", "enforcement", "2024-06-30", amount=20_000.0)
    history.event("E1", "enforcement", "2021-01-01", amount=1_000.0, end_date="2021-06-01")
    history.event("E1", "dishonest_listing", "2024-07-01", end_date="2025-01-01")
    history.event("E1", "lawsuit", "2025-01-01", code="defendant", amount=30_000.0)
    history.event("E1", "lawsuit", "2025-02-01", code="plaintiff", amount=1.0)
    history.event("E1", "penalty", "2025-02-01", amount=999.0)
    history.event("E1", "equity_pledge", "2024-02-01", amount=40_000.0)
    history.flush()
    m = matrix(home)
    assert value(m, "E1", "perf_active_loans") == 1.0 and value(m, "E2", "perf_active_loans") == 0.0
    assert value(m, "E1", "perf_loan_to_capital") == pytest.approx(0.5)
    assert value(m, "E1", "perf_repayments_12m") == 4.0
    assert value(m, "E1", "perf_delinquencies_12m") == 2.0
    assert value(m, "E1", "perf_delinquencies_30p_24m") == 2.0
    assert value(m, "E1", "perf_delinquencies_90p_24m") == 1.0
    assert value(m, "E1", "perf_worst_dpd_12m") == 95.0
    assert value(m, "E1", "perf_months_since_delinquency") == 3.0
    assert value(m, "E1", "perf_on_time_ratio_12m") == pytest.approx(0.5)
    assert is_missing(m, "E2", "perf_worst_dpd_12m")  # no credit file is not "0 days late"
    assert value(m, "E1", "perf_enforcement_36m") == 1.0  # the 2021 case is older than 36 months
    assert value(m, "E1", "perf_enforcement_open") == 1.0
    assert value(m, "E1", "perf_enforcement_amount_to_capital") == pytest.approx(0.2)
    assert value(m, "E1", "perf_days_since_enforcement") == 365.0
    assert value(m, "E1", "perf_dishonest_now") == 0.0 and value(m, "E1", "perf_dishonest_listings") == 1.0
    assert value(m, "E1", "perf_lawsuits_defendant_24m") == 1.0
    assert value(m, "E1", "perf_lawsuit_claims_to_capital") == pytest.approx(0.3)
    assert value(m, "E1", "perf_lawsuits_plaintiff_24m") == 1.0
    assert value(m, "E1", "perf_penalty_amount_24m_log") == pytest.approx(math.log10(1000))
    assert value(m, "E1", "perf_equity_pledge_to_capital") == pytest.approx(0.4)
    assert is_missing(m, "E1", "perf_bankruptcy")  # no bankruptcy source
    # no enforcement: ratio 0 where capital is known, missing where the ratio could not be formed
    assert value(m, "E2", "perf_enforcement_amount_to_capital") == 0.0
    assert is_missing(m, "E3", "perf_enforcement_amount_to_capital")


def test_relationship_dimension(home: DataHome, history: History) -> None:
    history.enterprise("E1", registered_capital=1_000.0, address="Room 1", phone="555")
    history.enterprise("E2", status="cancelled", address="Room 1")
    history.enterprise("E3", address="Room 1", phone="555")
    history.enterprise("E4")
    history.relation("shareholding", "E2", "E1", share=0.7)
    history.relation("shareholding", "P9", "E1", src_type="person", share=0.3)
    history.relation("shareholding", "E1", "E3", share=1.0)
    history.relation("investment", "E1", "E2", amount=10.0)
    history.relation("guarantee", "E1", "E2", amount=3_000.0)
    history.relation("guarantee", "E1", "E4", amount=500.0, start="2019-01-01", end="2020-01-01")  # expired tie
    history.flush()
    m = matrix(home)
    assert value(m, "E1", "rel_shareholders") == 2.0
    assert value(m, "E1", "rel_corporate_shareholders") == 1.0
    assert value(m, "E1", "rel_max_shareholding") == pytest.approx(0.7)
    assert value(m, "E1", "rel_investees") == 2.0
    assert value(m, "E1", "rel_investee_distress_share") == pytest.approx(0.5)
    assert value(m, "E1", "rel_shareholder_distress") == 1.0
    assert value(m, "E1", "rel_guarantees_given") == 1.0
    assert value(m, "E1", "rel_guarantee_given_to_capital") == pytest.approx(3.0)
    assert value(m, "E1", "rel_guaranteed_distress") == 1.0
    assert value(m, "E2", "rel_guarantees_received") == 1.0
    assert value(m, "E4", "rel_guarantees_received") == 0.0
    assert value(m, "E1", "rel_shared_address_firms") == 2.0
    assert value(m, "E1", "rel_shared_phone_firms") == 1.0
    assert is_missing(m, "E4", "rel_shared_address_firms")


def test_legal_rep_dimension(home: DataHome, history: History) -> None:
    history.person("P1", birth_year=1970)
    history.enterprise("E1", legal_rep_id="P1", established_date="2010-06-30")
    history.enterprise("E2", legal_rep_id="P1", status="revoked")
    history.enterprise("E3", legal_rep_id="P1")
    history.enterprise("E4")
    history.event("E1", "registry_change", "2020-06-30", code="legal_rep")
    history.event("P1", "dishonest_listing", "2025-01-01", subject_type="person")
    history.event("P1", "personal_credit", "2025-02-01", subject_type="person", code="C", value=3.0)
    history.grant("P1", "2024-01-01")
    history.flush()
    m = matrix(home)
    assert value(m, "E1", "lr_other_firms") == 2.0
    assert value(m, "E1", "lr_other_firms_failed_share") == pytest.approx(0.5)
    assert value(m, "E2", "lr_other_firms_failed_share") == 0.0
    assert value(m, "E1", "lr_other_firms_distressed") == 1.0
    assert value(m, "E1", "lr_dishonest_now") == 1.0
    assert value(m, "E1", "lr_age_years") == 55.0
    assert value(m, "E1", "lr_tenure_years") == pytest.approx(1826 / 365.25)
    assert value(m, "E1", "lr_personal_credit_band") == 3.0
    assert value(m, "E1", "lr_personal_overdue_count") == 3.0
    assert value(m, "E1", "lr_personal_credit_band") != NOT_AUTHORIZED
    assert is_missing(m, "E4", "lr_personal_credit_band")  # no legal representative on file
