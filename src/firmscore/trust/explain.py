"""Explain one firm's trust indicators: every check's outcome, in Chinese and English, with numbers.

The explanation reads the same check views as :func:`~firmscore.trust.compute.compute_trust`
(filtered to one enterprise), so what it says is what the score used.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import duckdb

import firmscore.trust.messages  # noqa: F401  (registers the messages)
from firmscore.i18n import both
from firmscore.trust.checks import Check
from firmscore.trust.compute import Source, connection, install, installed_row
from firmscore.trust.thresholds import DEFAULT_DEPTH_SCALE, DEFAULT_THRESHOLDS, DepthScale, TrustThresholds

#: Columns and limits holding CNY amounts (rendered as 万元 / M CNY).
_MONEY = {"revenue", "invoiced", "invoiced_annualised", "tax_paid", "tax_annualised", "invoiced_12m",
          "tax_paid_12m", "registered_capital", "paid_in_capital", "invoiced_positive_12m", "credit_notes_12m",
          "min_revenue", "min_turnover"}
#: Columns holding shares or rates (rendered as percentages).
_SHARES = {"tax_rate", "paid_in_share", "voided_share", "credit_note_share", "late_share"}


def cny_zh(amount: float) -> str:
    """An amount in the units a Chinese reader expects: 亿元 above 100M, else 万元."""
    if abs(amount) >= 1e8:
        return f"{amount / 1e8:.2f} 亿元"
    return f"{amount / 1e4:,.1f} 万元"


def cny_en(amount: float) -> str:
    """An amount as 12.0M / 310.0K / 950 CNY."""
    if abs(amount) >= 1e6:
        return f"{amount / 1e6:,.1f}M CNY"
    if abs(amount) >= 1e3:
        return f"{amount / 1e3:,.1f}K CNY"
    return f"{amount:,.0f} CNY"


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.2f}"


def _format(values: dict[str, Any]) -> dict[str, Any]:
    """Every value plus its money (``_zh``/``_en``) or percentage (``_pct``) rendering."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if value is None or (isinstance(value, float) and math.isnan(value)):
            out[key] = "—"
            out[f"{key}_zh"] = out[f"{key}_en"] = out[f"{key}_pct"] = "—"
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            out[key] = str(value)
            continue
        out[key] = _number(value)
        if key in _MONEY:
            out[f"{key}_zh"], out[f"{key}_en"] = cny_zh(value), cny_en(value)
        if key in _SHARES or key in {"lo", "hi", "max"}:
            out[f"{key}_pct"] = f"{value:.1%}"
    return out


def limits(check_id: str, th: TrustThresholds) -> dict[str, Any]:
    """The limits a check compares against (quoted in its text)."""
    table: dict[str, dict[str, Any]] = {
        "revenue_invoices": {"lo": th.revenue_invoice_min, "hi": th.revenue_invoice_max,
                             "months": th.min_covered_months},
        "revenue_tax": {"lo": th.tax_rate_min, "hi": th.tax_rate_max, "months": th.min_covered_months,
                        "min_revenue": th.tax_check_min_revenue},
        "invoices_tax": {"lo": th.invoice_tax_rate_min, "hi": th.invoice_tax_rate_max,
                         "min_turnover": th.invoice_tax_min_turnover},
        "paid_in_exceeds": {"hi": th.paid_in_tolerance},
        "paid_in_tiny": {"lo": th.paid_in_min_share, "years": th.paid_in_min_age_years},
        "employees_headcount": {"lo": th.employees_ratio_min, "hi": th.employees_ratio_max,
                                "tol": th.employees_abs_tolerance, "months": th.headcount_max_age_months},
        "shared_address": {"max": th.max_firms_per_address},
        "shared_phone": {"max": th.max_firms_per_phone},
        "contact_cluster": {"min": th.cluster_min_firms},
        "voided_invoices": {"max": th.void_share_max, "rows": th.invoice_min_rows},
        "credit_notes": {"max": th.credit_note_share_max, "rows": th.invoice_min_rows},
        "late_records": {"max": th.late_share_max, "days": th.late_days, "count": th.late_min_count,
                         "n": th.late_min_records},
    }
    return table[check_id]


def check_title(check_id: str) -> tuple[str, str]:
    """(中文, English) title of a check, e.g. to print ``failed_checks`` beside a score."""
    return both(f"trust.{check_id}.title")


def explain_trust(
    source: Source,
    enterprise_id: str,
    as_of: dt.date,
    thresholds: TrustThresholds = DEFAULT_THRESHOLDS,
) -> list[dict[str, Any]]:
    """Each check's outcome for one enterprise, with bilingual text and the numbers compared.

    Returns
    -------
    list of dict
        One dict per check in the stable check order: ``check``, ``weight``, ``outcome``
        (``pass`` / ``fail`` / ``na``), ``title_zh``, ``title_en``, ``text_zh``, ``text_en``,
        ``values`` (the raw numbers compared) and ``limits``. A firm that does not exist on the
        date gets every check ``na``; use :func:`explain_firm` to tell the two apart.
    """
    with connection(source) as con:
        checks = install(con, as_of, thresholds)
        return installed_explanation(con, checks, enterprise_id, thresholds)


def explain_firm(
    source: Source,
    enterprise_id: str,
    as_of: dt.date,
    thresholds: TrustThresholds = DEFAULT_THRESHOLDS,
    scale: DepthScale = DEFAULT_DEPTH_SCALE,
) -> tuple[dict[str, object] | None, list[dict[str, Any]]]:
    """The indicator row (``None`` if the firm does not exist on ``as_of``) and the explanation, installed once."""
    with connection(source) as con:
        checks = install(con, as_of, thresholds, scale)
        row = installed_row(con, checks, enterprise_id, as_of)
        return row, ([] if row is None else installed_explanation(con, checks, enterprise_id, thresholds))


def installed_explanation(con: duckdb.DuckDBPyConnection, checks: tuple[Check, ...], enterprise_id: str,
                          thresholds: TrustThresholds) -> list[dict[str, Any]]:
    """The explanation on a connection where :func:`~firmscore.trust.compute.install` already ran."""
    out: list[dict[str, Any]] = []
    for check in checks:
        cur = con.execute(f"SELECT * FROM {check.view} WHERE enterprise_id = $eid LIMIT 1", {"eid": enterprise_id})
        names = [d[0] for d in cur.description or []]
        row = cur.fetchone()
        lim = limits(check.id, thresholds)
        title_zh, title_en = check_title(check.id)
        if row is None:
            outcome = "na"
            values: dict[str, Any] = {}
            text_zh, text_en = both(f"trust.{check.id}.na", **_format(lim))
        else:
            values = {k: v for k, v in zip(names, row, strict=True) if k not in {"enterprise_id", "outcome"}}
            outcome = str(row[names.index("outcome")])
            kwargs = {**_format(values), **_format(lim)}
            if "declared_in" in values:
                kwargs["declared_in_zh"] = "年报" if values["declared_in"] == "annual_report" else "登记信息"
            text_zh, text_en = both(f"trust.{check.id}.text", **kwargs)
        outcome_zh, outcome_en = both(f"trust.outcome.{outcome}")
        out.append({
            "check": check.id, "weight": check.weight, "outcome": outcome,
            "title_zh": title_zh, "title_en": title_en,
            "text_zh": f"{outcome_zh}：{text_zh}", "text_en": f"{outcome_en}: {text_en}",
            "values": values, "limits": lim,
        })
    return out
