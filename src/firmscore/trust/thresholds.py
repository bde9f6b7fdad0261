"""The documented limits of the data-trust indicators, in one place.

Every number a check or the depth grade compares against lives here, so that ``docs/trust.md``,
the SQL and the explanations quote the same values. The defaults were set from public rules of
thumb (China's 5-year capital contribution rule of the 2024 Company Law, typical SME tax burdens
of 1-5 % of sales) and checked against the synthetic universe so that an honest firm fails any one
check rarely (a few per cent at most).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TrustThresholds:
    """Limits of the consistency checks and boundaries of the depth grade.

    Ratios are "declared / observed"; shares are fractions in [0, 1]; amounts are CNY.
    """

    # declared revenue vs invoiced turnover of the same year (annualised to the months both cover)
    revenue_invoice_min: float = 0.4
    revenue_invoice_max: float = 3.0
    #: minimum months of a report year that the invoice (or tax) feed must cover
    min_covered_months: int = 6
    # effective tax rate: tax paid in the report year / declared revenue
    tax_rate_min: float = 0.002
    #: below 1.2M CNY a year (100k a month) small-scale taxpayers are VAT-exempt: zero tax is legal
    tax_check_min_revenue: float = 1_200_000.0
    tax_rate_max: float = 0.20
    # tax paid / valid invoiced turnover over the trailing 12 months
    invoice_tax_rate_min: float = 0.003
    invoice_tax_rate_max: float = 0.25
    invoice_tax_min_turnover: float = 100_000.0
    #: the trailing window may start this many days before a feed's first record
    feed_grace_days: int = 92
    # paid-in capital
    paid_in_tolerance: float = 1.001  # paid-in above registered × this is impossible
    paid_in_min_share: float = 0.05  # below this share of registered capital ...
    paid_in_min_age_years: int = 5  # ... for a company at least this old is suspicious
    # declared employees vs social-insurance headcount
    employees_ratio_min: float = 0.5
    employees_ratio_max: float = 2.0
    employees_abs_tolerance: int = 3  # a difference of up to 3 people always passes
    headcount_max_age_months: int = 18  # older social-insurance reports are not compared
    # shared contacts
    max_firms_per_address: int = 5
    max_firms_per_phone: int = 5
    cluster_min_firms: int = 3  # this many firms sharing BOTH address and phone is a cluster
    # invoices over the trailing 12 months
    invoice_min_rows: int = 12
    void_share_max: float = 0.30
    credit_note_share_max: float = 0.10
    # late (back-filled) records
    late_days: int = 180
    late_min_records: int = 5
    late_min_count: int = 3
    late_share_max: float = 0.05


DEFAULT_THRESHOLDS = TrustThresholds()


@dataclass(frozen=True)
class DepthScale:
    """Points per component of the data-depth grade and the grade boundaries.

    Each ``*_steps`` tuple lists the lower bounds that earn 1, 2, 3 ... points. The grade is
    A/B/C/D/E by total points with lower bounds ``grade_bounds`` for A, B, C, D (E below).
    """

    source_steps: tuple[int, ...] = (2, 3)
    record_steps: tuple[int, ...] = (5, 50, 500)
    family_steps: tuple[int, ...] = (3, 6, 10)
    span_month_steps: tuple[int, ...] = (6, 24, 60)
    active_month_steps: tuple[int, ...] = (3, 12, 36)
    grade_bounds: tuple[int, int, int, int] = (11, 8, 5, 2)

    @property
    def max_points(self) -> int:
        return (len(self.source_steps) + len(self.record_steps) + len(self.family_steps)
                + len(self.span_month_steps) + len(self.active_month_steps))


DEFAULT_DEPTH_SCALE = DepthScale()
