"""Performance-history features (履约历史): credit repayment, courts, penalties, pledges, defaults."""

from __future__ import annotations

from firmscore.features.catalog.common import EV, OPEN, W12, W24, W36, event_count
from firmscore.features.spec import Dimension, FeatureSpec

D = Dimension.PERFORMANCE
ACTIVE_LOAN = f"event_type = 'loan' AND {OPEN}"
SALES_12M = "sum(amount) FILTER (WHERE event_type = 'invoice_out' AND code IS DISTINCT FROM 'voided' AND " + W12 + ")"


def _count(fid: str, zh: str, en: str, dzh: str, den: str, direction: int, etype: str, where: str,
           window: str) -> FeatureSpec:
    return event_count(D, fid, zh, en, dzh, den, direction, etype, where, window)


def _to_capital(fid: str, zh: str, en: str, dzh: str, den: str, etype: str, where: str,
                window: str) -> FeatureSpec:
    """Sum of amounts relative to registered capital (size-adjusted severity); 0 without such events."""
    return FeatureSpec(
        id=fid, dimension=D, name_zh=zh, name_en=en, description_zh=dzh, description_en=den, unit="ratio", direction=1,
        record_types=EV, event_types=(etype,), window=window, block="event",
        expr="coalesce(sum(amount) FILTER (WHERE {w}), 0) / nullif(max(reg_capital), 0)",
        where=f"event_type = '{etype}' AND {where}", fill=0.0, fill_needs_capital=True,
    )


def _repay(fid: str, zh: str, en: str, dzh: str, den: str, direction: int, expr: str, where: str,
           window: str, unit: str, fill: float | None) -> FeatureSpec:
    return FeatureSpec(
        id=fid, dimension=D, name_zh=zh, name_en=en, description_zh=dzh, description_en=den, unit=unit,
        direction=direction, record_types=EV, event_types=("repayment",), window=window, block="event", expr=expr,
        where=f"event_type = 'repayment' AND {where}", fill=fill,
    )


PERFORMANCE_FEATURES: list[FeatureSpec] = [
    _count("perf_active_loans", "在贷笔数", "Active loans", "评估日未到期的贷款笔数",
           "Loans not yet matured on the as-of date", 0, "loan", OPEN, "as of"),
    _to_capital("perf_loan_to_capital", "在贷本金/注册资本", "Loan principal to capital",
                "未到期贷款本金合计除以注册资本", "Principal of active loans over registered capital",
                "loan", OPEN, "as of"),
    FeatureSpec(
        id="perf_loan_utilisation_of_sales", dimension=D, name_zh="在贷本金/年销售额",
        name_en="Loan principal to annual sales",
        description_zh="未到期贷款本金合计除以近12个月有效销售额(授信占用的代理)",
        description_en="Principal of active loans over the last 12 months' valid sales (a utilisation proxy)",
        unit="ratio", direction=1, record_types=EV, event_types=("loan", "invoice_out"), window="12m", block="event",
        expr=f"coalesce(sum(amount) FILTER (WHERE {{w}} AND {ACTIVE_LOAN}), 0) / nullif({SALES_12M}, 0)",
        where=f"({ACTIVE_LOAN}) OR (event_type = 'invoice_out' AND {W12})",
    ),
    _repay("perf_repayments_12m", "近12月还款期数", "Repayments 12m", "近12个月应还款期数(信用记录厚度)",
           "Instalments due in the last 12 months (depth of the credit file)", -1,
           "count(*) FILTER (WHERE {w})", W12, "12m", "count", 0.0),
    _repay("perf_delinquencies_12m", "近12月逾期次数", "Delinquencies 12m", "近12个月逾期(逾期天数>0)的还款期数",
           "Instalments paid late (days past due > 0) in the last 12 months", 1,
           "count(*) FILTER (WHERE {w})", f"value > 0 AND {W12}", "12m", "count", 0.0),
    _repay("perf_delinquencies_30p_24m", "近24月逾期30天以上次数", "30+ DPD delinquencies 24m",
           "近24个月逾期30天及以上的还款期数", "Instalments 30 or more days past due in the last 24 months", 1,
           "count(*) FILTER (WHERE {w})", f"value >= 30 AND {W24}", "24m", "count", 0.0),
    _repay("perf_delinquencies_90p_24m", "近24月逾期90天以上次数", "90+ DPD delinquencies 24m",
           "近24个月逾期90天及以上的还款期数", "Instalments 90 or more days past due in the last 24 months", 1,
           "count(*) FILTER (WHERE {w})", f"value >= 90 AND {W24}", "24m", "count", 0.0),
    _repay("perf_worst_dpd_12m", "近12月最长逾期天数", "Worst days past due 12m",
           "近12个月还款的最大逾期天数", "Largest days past due over the last 12 months' instalments", 1,
           "max(value) FILTER (WHERE {w})", W12, "12m", "days", None),
    _repay("perf_worst_dpd_24m", "近24月最长逾期天数", "Worst days past due 24m",
           "近24个月还款的最大逾期天数", "Largest days past due over the last 24 months' instalments", 1,
           "max(value) FILTER (WHERE {w})", W24, "24m", "days", None),
    _repay("perf_months_since_delinquency", "距最近逾期月数", "Months since the last delinquency",
           "距最近一次逾期还款的月数(从未逾期为空)", "Months since the last late instalment (missing when never late)",
           -1, "date_diff('month', max(event_date) FILTER (WHERE {w}), {as_of})", "value > 0", "all", "months",
           None),
    _repay("perf_on_time_ratio_12m", "近12月按时还款率", "On-time repayment ratio 12m",
           "近12个月按时(逾期天数为0)还款的期数占比", "Share of the last 12 months' instalments paid on time", -1,
           "avg(CASE WHEN value > 0 THEN 0.0 ELSE 1.0 END) FILTER (WHERE {w})", W12, "12m", "ratio", None),
    _count("perf_enforcement_36m", "近3年被执行次数", "Enforcement cases 36m", "近36个月作为被执行人的案件数",
           "Enforcement cases against the enterprise in the last 36 months", 1, "enforcement", W36, "36m"),
    _count("perf_enforcement_open", "未结被执行案件", "Open enforcement cases", "评估日尚未结案的被执行案件数",
           "Enforcement cases not closed on the as-of date", 1, "enforcement", OPEN, "as of"),
    _to_capital("perf_enforcement_amount_to_capital", "被执行金额/注册资本", "Enforced amount to capital",
                "近36个月被执行金额合计除以注册资本", "Enforced sums of the last 36 months over registered capital",
                "enforcement", W36, "36m"),
    FeatureSpec(
        id="perf_enforcement_amount_to_sales", dimension=D, name_zh="被执行金额/年销售额",
        name_en="Enforced amount to annual sales", description_zh="近36个月被执行金额合计除以近12个月有效销售额",
        description_en="Enforced sums of the last 36 months over the last 12 months' valid sales", unit="ratio",
        direction=1, record_types=EV, event_types=("enforcement", "invoice_out"), window="36m", block="event",
        expr=f"coalesce(sum(amount) FILTER (WHERE {{w}} AND event_type = 'enforcement'), 0) / nullif({SALES_12M}, 0)",
        where=f"(event_type = 'enforcement' AND {W36}) OR (event_type = 'invoice_out' AND {W12})",
    ),
    FeatureSpec(
        id="perf_days_since_enforcement", dimension=D, name_zh="距最近被执行天数",
        name_en="Days since the last enforcement", description_zh="距最近一次被执行立案的天数(无则为空)",
        description_en="Days since the last enforcement case (missing when none)", unit="days", direction=-1,
        record_types=EV, event_types=("enforcement",), window="all", block="event",
        expr="date_diff('day', max(event_date) FILTER (WHERE {w}), {as_of})", where="event_type = 'enforcement'",
    ),
    _count("perf_dishonest_now", "失信被执行人在列", "Listed dishonest debtor",
           "评估日仍在失信被执行人名单中的记录数", "Dishonest-debtor listings not removed on the as-of date", 1,
           "dishonest_listing", OPEN, "as of"),
    _count("perf_dishonest_listings", "失信被执行人记录数", "Dishonest-debtor listings",
           "未过法定期限的失信被执行人记录数(含已移出)",
           "Dishonest-debtor listings within their legal retention period, removed ones included", 1,
           "dishonest_listing", "TRUE", "legal expiry"),
    _count("perf_lawsuits_defendant_24m", "近24月被诉次数", "Lawsuits as defendant 24m",
           "近24个月作为被告的诉讼数", "Lawsuits with the enterprise as defendant in the last 24 months", 1,
           "lawsuit", f"code = 'defendant' AND {W24}", "24m"),
    _to_capital("perf_lawsuit_claims_to_capital", "被诉标的/注册资本", "Claims as defendant to capital",
                "近24个月作为被告的诉讼标的额合计除以注册资本",
                "Claims against the enterprise in the last 24 months over registered capital",
                "lawsuit", f"code = 'defendant' AND {W24}", "24m"),
    _count("perf_lawsuits_plaintiff_24m", "近24月起诉次数", "Lawsuits as plaintiff 24m",
           "近24个月作为原告的诉讼数", "Lawsuits brought by the enterprise in the last 24 months", 0,
           "lawsuit", f"code = 'plaintiff' AND {W24}", "24m"),
    _count("perf_penalties_24m", "近24月行政处罚次数", "Administrative penalties 24m",
           "近24个月受到的行政处罚次数", "Administrative penalties in the last 24 months", 1,
           "penalty", W24, "24m"),
    FeatureSpec(
        id="perf_penalty_amount_24m_log", dimension=D, name_zh="近24月罚款额(对数)", name_en="Fines 24m (log)",
        description_zh="近24个月行政处罚罚款合计加一取常用对数",
        description_en="log10 of 1 + fines of the last 24 months (CNY)", unit="log10 CNY", direction=1,
        record_types=EV, event_types=("penalty",), window="24m", block="event",
        expr="log10(1 + greatest(coalesce(sum(amount) FILTER (WHERE {w}), 0), 0))",
        where=f"event_type = 'penalty' AND {W24}", fill=0.0,
    ),
    _to_capital("perf_tax_arrears_to_capital", "欠税额/注册资本", "Open tax arrears to capital",
                "未清缴欠税金额除以注册资本", "Uncleared tax arrears over registered capital",
                "tax_arrears", OPEN, "as of"),
    _count("perf_equity_pledges_active", "有效股权出质数", "Active equity pledges",
           "评估日仍有效的股权出质登记数", "Equity pledges still registered on the as-of date", 1,
           "equity_pledge", OPEN, "as of"),
    _to_capital("perf_equity_pledge_to_capital", "出质股权/注册资本", "Pledged equity to capital",
                "有效股权出质金额除以注册资本", "Value of active equity pledges over registered capital",
                "equity_pledge", OPEN, "as of"),
    _count("perf_chattel_mortgages_active", "有效动产抵押数", "Active chattel mortgages",
           "评估日仍有效的动产抵押登记数", "Chattel mortgages still registered on the as-of date", 1,
           "chattel_mortgage", OPEN, "as of"),
    _count("perf_consumption_restriction_now", "限制高消费在列", "Consumption restriction",
           "评估日企业仍受限制高消费令的记录数", "Consumption-restriction orders in force on the as-of date", 1,
           "consumption_restriction", OPEN, "as of"),
    _count("perf_defaults_36m", "近3年违约次数", "Defaults 36m", "近36个月观察到的信贷违约次数",
           "Credit defaults observed in the last 36 months", 1, "default", W36, "36m"),
    _count("perf_bankruptcy", "破产记录", "Bankruptcy records", "未过法定期限的破产记录数",
           "Bankruptcy records within their legal retention period", 1, "bankruptcy", "TRUE", "legal expiry"),
]
