"""The cross-source consistency checks behind the information-quality score.

Each check is one SQL query over the snapshot and the helper views (:mod:`firmscore.trust.helpers`)
that returns a row **only for the enterprises it applies to**, with ``outcome`` = ``'pass'`` or
``'fail'`` and the numbers it compared (named columns, quoted by the explanation). A firm without
a row is "not applicable" (``'na'``): the data to compare does not exist, which says nothing
about honesty and so does not lower the score.

The score is ``100 × (weight of passed checks) / (weight of applicable checks)``; weights say how
strongly a failure suggests falsified or unreliable data (a firm cannot pay in more capital than
it registered; a slightly late record is weak evidence).
"""

from __future__ import annotations

from dataclasses import dataclass

from firmscore.trust.thresholds import TrustThresholds


@dataclass(frozen=True)
class Check:
    """One consistency check: id (stable, used in column names), weight, and its SQL template."""

    id: str
    weight: float
    sql: str

    @property
    def column(self) -> str:
        """The output column holding the check's outcome."""
        return f"check_{self.id}"

    @property
    def view(self) -> str:
        return f"trust_chk_{self.id}"


def _outcome(pass_condition: str) -> str:
    return f"CASE WHEN {pass_condition} THEN 'pass' ELSE 'fail' END AS outcome"


def _report_year_feed(total: str, months: str, annualised: str, records: str, revenue_filter: str,
                      th: TrustThresholds) -> str:
    """Declared revenue of each report year next to one feed's total (``total``) for the same year.

    The feed total is scaled up to the months the report covers (``annualised``), and only years
    the feed covers for at least ``min_covered_months`` qualify: shared by the invoice and the tax
    comparison so both annualise and gate coverage identically.
    """
    return f"""
        SELECT p.enterprise_id, p.report_year, p.revenue, coalesce(s.{total}, 0) AS {total},
               p.months_reported, p.{months},
               coalesce(s.{total}, 0) * p.months_reported / p.{months} AS {annualised}
        FROM trust_report_period AS p
        JOIN trust_activity AS a ON a.enterprise_id = p.enterprise_id
        LEFT JOIN trust_report_sums AS s ON s.enterprise_id = p.enterprise_id
        WHERE {revenue_filter} AND a.{records} > 0
          AND p.{months} >= {th.min_covered_months}
    """


def build_checks(th: TrustThresholds) -> tuple[Check, ...]:
    """The checks with ``th``'s limits substituted, in their documented, stable order."""
    window_start = "CAST({as_of} - INTERVAL 12 MONTH AS DATE)"
    grace = f"INTERVAL {th.feed_grace_days} DAY"
    invoice_years = _report_year_feed("invoiced", "months_invoiced", "invoiced_annualised", "invoice_records",
                                      "p.revenue IS NOT NULL", th)
    tax_years = _report_year_feed("tax_paid", "months_taxed", "tax_annualised", "tax_records",
                                  f"p.revenue >= {th.tax_check_min_revenue}", th)
    return (
        Check("revenue_invoices", 3.0, f"""
SELECT *, {_outcome(f"CASE WHEN invoiced_annualised <= 0 THEN revenue <= 0 "
                    f"ELSE ratio BETWEEN {th.revenue_invoice_min} AND {th.revenue_invoice_max} END")}
FROM (
    SELECT *, revenue / nullif(invoiced_annualised, 0) AS ratio FROM ({invoice_years}) AS x
) AS y"""),
        Check("revenue_tax", 2.0, f"""
SELECT *, {_outcome(f"tax_rate BETWEEN {th.tax_rate_min} AND {th.tax_rate_max}")}
FROM (
    SELECT *, tax_annualised / revenue AS tax_rate FROM ({tax_years}) AS x
) AS y"""),
        Check("invoices_tax", 2.0, f"""
SELECT *, {_outcome(f"tax_rate BETWEEN {th.invoice_tax_rate_min} AND {th.invoice_tax_rate_max}")}
FROM (
    SELECT a.enterprise_id, a.invoiced_12m, coalesce(a.tax_paid_12m, 0) AS tax_paid_12m,
           coalesce(a.tax_paid_12m, 0) / a.invoiced_12m AS tax_rate
    FROM trust_activity AS a CROSS JOIN trust_coverage AS c
    WHERE a.invoiced_12m >= {th.invoice_tax_min_turnover} AND a.tax_records > 0
      AND c.invoice_start <= {window_start} + {grace} AND c.tax_start <= {window_start} + {grace}
) AS x"""),
        Check("paid_in_exceeds", 2.0, f"""
SELECT enterprise_id, registered_capital, paid_in_capital,
       {_outcome(f"paid_in_capital <= registered_capital * {th.paid_in_tolerance}")}
FROM pit_base WHERE registered_capital > 0 AND paid_in_capital IS NOT NULL"""),
        Check("paid_in_tiny", 0.5, f"""
SELECT enterprise_id, registered_capital, paid_in_capital, established_date,
       paid_in_capital / registered_capital AS paid_in_share,
       {_outcome(f"paid_in_capital >= registered_capital * {th.paid_in_min_share}")}
FROM pit_base
WHERE registered_capital > 0 AND paid_in_capital IS NOT NULL
  AND established_date <= CAST({{as_of}} - INTERVAL {th.paid_in_min_age_years} YEAR AS DATE)
  AND coalesce(enterprise_type, 'limited_company') IN ('limited_company', 'joint_stock')"""),
        Check("employees_headcount", 2.0, f"""
SELECT *, {_outcome(f"abs(declared - headcount) <= {th.employees_abs_tolerance} OR (headcount > 0 AND "
                    f"declared / headcount BETWEEN {th.employees_ratio_min} AND {th.employees_ratio_max})")}
FROM (
    SELECT b.enterprise_id,
           coalesce(r.employees, CAST(b.insured_employees AS DOUBLE)) AS declared,
           CASE WHEN r.employees IS NOT NULL THEN 'annual_report' ELSE 'registry' END AS declared_in,
           a.headcount, a.headcount_date
    FROM pit_base AS b
    JOIN trust_activity AS a ON a.enterprise_id = b.enterprise_id
    LEFT JOIN trust_report AS r ON r.enterprise_id = b.enterprise_id
    WHERE a.headcount IS NOT NULL AND coalesce(r.employees, b.insured_employees) IS NOT NULL
) AS x"""),
        Check("shared_address", 2.0, f"""
SELECT enterprise_id, address_firms, {_outcome(f"address_firms <= {th.max_firms_per_address}")}
FROM trust_contacts WHERE address_firms IS NOT NULL"""),
        Check("shared_phone", 1.0, f"""
SELECT enterprise_id, phone_firms, {_outcome(f"phone_firms <= {th.max_firms_per_phone}")}
FROM trust_contacts WHERE phone_firms IS NOT NULL"""),
        Check("contact_cluster", 3.0, f"""
SELECT enterprise_id, both_firms, {_outcome(f"both_firms < {th.cluster_min_firms}")}
FROM trust_contacts WHERE both_firms IS NOT NULL"""),
        Check("voided_invoices", 1.0, f"""
SELECT enterprise_id, invoice_rows_12m, voided_rows_12m,
       voided_rows_12m / invoice_rows_12m AS voided_share,
       {_outcome(f"voided_rows_12m <= {th.void_share_max} * invoice_rows_12m")}
FROM trust_activity WHERE invoice_rows_12m >= {th.invoice_min_rows}"""),
        Check("credit_notes", 1.0, f"""
SELECT enterprise_id, invoice_rows_12m, invoiced_positive_12m, coalesce(credit_notes_12m, 0) AS credit_notes_12m,
       coalesce(credit_notes_12m, 0) / invoiced_positive_12m AS credit_note_share,
       {_outcome(f"coalesce(credit_notes_12m, 0) <= {th.credit_note_share_max} * invoiced_positive_12m")}
FROM trust_activity WHERE invoice_rows_12m >= {th.invoice_min_rows} AND invoiced_positive_12m > 0"""),
        Check("late_records", 1.0, f"""
SELECT enterprise_id, dated_records, late_records, max_delay_days,
       late_records / dated_records AS late_share,
       {_outcome(f"late_records < {th.late_min_count} OR late_records <= {th.late_share_max} * dated_records")}
FROM trust_activity WHERE dated_records >= {th.late_min_records}"""),
    )


#: Check ids in output order (stable: the integrator and ``docs/trust.md`` rely on it).
CHECK_IDS: tuple[str, ...] = tuple(c.id for c in build_checks(TrustThresholds()))
