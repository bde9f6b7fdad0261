"""Business-behaviour features (经营行为): turnover, invoices, counterparties, tax, registry changes."""

from __future__ import annotations

from firmscore.features.catalog.common import EV, OPEN, W12, W24, W36, event_count
from firmscore.features.spec import Dimension, FeatureSpec

D = Dimension.BEHAVIOUR
#: The months covered by month indexes 0..11 of the invoice_month block (evidence on raw events).
M12 = "event_date >= date_trunc('month', {as_of}) - INTERVAL 11 MONTH"
M24 = "event_date >= date_trunc('month', {as_of}) - INTERVAL 23 MONTH"
OUT = ("invoice_out",)
IN = ("invoice_in",)


def _month_total(kind: str, lo: int, hi: int) -> str:
    return f"coalesce(sum(amt) FILTER (WHERE event_type = '{kind}' AND mi >= {lo} AND mi < {hi}), 0)"


def _count(fid: str, zh: str, en: str, dzh: str, den: str, direction: int, etype: str, where: str,
           window: str) -> FeatureSpec:
    return event_count(D, fid, zh, en, dzh, den, direction, etype, where, window)


def _log_sum(fid: str, zh: str, en: str, dzh: str, den: str, etype: str, where: str) -> FeatureSpec:
    return FeatureSpec(
        id=fid, dimension=D, name_zh=zh, name_en=en, description_zh=dzh, description_en=den, unit="log10 CNY",
        direction=-1, record_types=EV, event_types=(etype,), window="12m", block="event",
        expr="log10(1 + greatest(coalesce(sum(amount) FILTER (WHERE {w}), 0), 0))",
        where=f"event_type = '{etype}' AND {where}", fill=0.0,
    )


def _month_log(fid: str, zh: str, en: str, kind: str, what_zh: str, what_en: str) -> FeatureSpec:
    return FeatureSpec(
        id=fid, dimension=D, name_zh=zh, name_en=en,
        description_zh=f"近12个自然月有效{what_zh}发票金额(元)加一取常用对数",
        description_en=f"log10 of 1 + the valid {what_en} invoice amount (CNY) of the last 12 calendar months",
        unit="log10 CNY", direction=-1, record_types=EV, event_types=(kind,), window="12m", block="invoice_month",
        expr="log10(1 + greatest(coalesce(sum(amt) FILTER (WHERE {w}), 0), 0))",
        where=f"event_type = '{kind}' AND mi < 12", evidence_where=f"event_type = '{kind}' AND {M12}", fill=0.0,
    )


def _concentration(fid: str, zh: str, en: str, kind: str, measure: str, direction: int) -> FeatureSpec:
    role_zh, role_en = ("客户", "customer") if kind == "invoice_out" else ("供应商", "supplier")
    exprs = {
        "count": ("count(*) FILTER (WHERE {w})", f"近12个月开票{role_zh}数", f"Distinct {role_en}s invoiced "
                  "in the last 12 months", "count"),
        "top1": ("max(share) FILTER (WHERE {w})", f"近12个月最大{role_zh}金额占比",
                 f"Share of the largest {role_en} in the last 12 months' valid invoice amount", "ratio"),
        "hhi": ("sum(share * share) FILTER (WHERE {w})", f"近12个月{role_zh}集中度(HHI)",
                f"Herfindahl index of {role_en} shares of the last 12 months' valid invoice amount", "index"),
    }
    expr, dzh, den, unit = exprs[measure]
    return FeatureSpec(
        id=fid, dimension=D, name_zh=zh, name_en=en, description_zh=dzh, description_en=den, unit=unit,
        direction=direction, record_types=EV, event_types=(kind,), window="12m", block="counterparty", expr=expr,
        where=f"event_type = '{kind}'",
        evidence_where=f"event_type = '{kind}' AND counterparty_id IS NOT NULL AND amount > 0 "
        f"AND code IS DISTINCT FROM 'voided' AND {W12}",
        fill=0.0 if measure == "count" else None,
    )


def _ratio(fid: str, zh: str, en: str, dzh: str, den: str, kind: str, cond: str) -> FeatureSpec:
    return FeatureSpec(
        id=fid, dimension=D, name_zh=zh, name_en=en, description_zh=dzh, description_en=den, unit="ratio", direction=1,
        record_types=EV, event_types=(kind,), window="12m", block="event",
        expr=f"avg(CASE WHEN {cond} THEN 1.0 ELSE 0.0 END) FILTER (WHERE {{w}})",
        where=f"event_type = '{kind}' AND {W12}",
    )


def _latest_annual(fid: str, zh: str, en: str, dzh: str, den: str, unit: str, direction: int,
                   value: str) -> FeatureSpec:
    return FeatureSpec(
        id=fid, dimension=D, name_zh=zh, name_en=en, description_zh=dzh, description_en=den, unit=unit,
        direction=direction, record_types=EV, event_types=("annual_report",), window="36m", block="event",
        expr=f"arg_max({value}, event_date) FILTER (WHERE {{w}})", where=f"event_type = 'annual_report' AND {W36}",
    )


def _attr(name: str) -> str:
    return f"CAST(json_extract_string(attrs, '$.{name}') AS DOUBLE)"


BEHAVIOUR_FEATURES: list[FeatureSpec] = [
    _month_log("beh_sales_12m_log", "近12月销售额(对数)", "Sales 12m (log)", "invoice_out", "销售", "sales"),
    _month_log("beh_purchases_12m_log", "近12月采购额(对数)", "Purchases 12m (log)", "invoice_in", "采购", "purchase"),
    FeatureSpec(
        id="beh_sales_growth_yoy", dimension=D, name_zh="销售额同比增长", name_en="Sales growth year on year",
        description_zh="近12个月销售额相对前12个月的增长率",
        description_en="Growth of the last 12 months' sales over the 12 months before", unit="ratio", direction=-1,
        record_types=EV, event_types=OUT, window="24m", block="invoice_month",
        expr=f"{_month_total('invoice_out', 0, 12)} / nullif({_month_total('invoice_out', 12, 24)}, 0) - 1",
        where="event_type = 'invoice_out'", evidence_where=f"event_type = 'invoice_out' AND {M24}",
    ),
    FeatureSpec(
        id="beh_sales_growth_3m", dimension=D, name_zh="近3月销售环比", name_en="Sales growth, last 3 months",
        description_zh="近3个月销售额相对之前3个月的增长率",
        description_en="Growth of the last 3 months' sales over the 3 months before", unit="ratio", direction=-1,
        record_types=EV, event_types=OUT, window="6m", block="invoice_month",
        expr=f"{_month_total('invoice_out', 0, 3)} / nullif({_month_total('invoice_out', 3, 6)}, 0) - 1",
        where="event_type = 'invoice_out'",
        evidence_where="event_type = 'invoice_out' AND event_date >= date_trunc('month', {as_of}) - INTERVAL 5 MONTH",
    ),
    FeatureSpec(
        id="beh_sales_volatility_12m", dimension=D, name_zh="月销售额波动系数", name_en="Monthly sales volatility",
        description_zh="近12个自然月销售额(无销售月份计0)的变异系数",
        description_en="Coefficient of variation of the last 12 calendar months' sales (months without sales "
        "count as 0)",
        unit="ratio", direction=1, record_types=EV, event_types=OUT, window="12m", block="invoice_month",
        expr="sqrt(greatest(coalesce(sum(amt * amt) FILTER (WHERE {w}), 0) / 12 "
        "- power(coalesce(sum(amt) FILTER (WHERE {w}), 0) / 12, 2), 0)) "
        "/ nullif(coalesce(sum(amt) FILTER (WHERE {w}), 0) / 12, 0)",
        where="event_type = 'invoice_out' AND mi < 12", evidence_where=f"event_type = 'invoice_out' AND {M12}",
    ),
    FeatureSpec(
        id="beh_sales_months_active_12m", dimension=D, name_zh="近12月有销售月数",
        name_en="Months with sales, last 12", description_zh="近12个自然月中有有效销售发票的月数",
        description_en="Calendar months of the last 12 with positive valid sales", unit="months", direction=-1,
        record_types=EV, event_types=OUT, window="12m", block="invoice_month", expr="count(*) FILTER (WHERE {w})",
        where="event_type = 'invoice_out' AND mi < 12 AND amt > 0",
        evidence_where=f"event_type = 'invoice_out' AND {M12}", fill=0.0,
    ),
    FeatureSpec(
        id="beh_purchase_months_active_12m", dimension=D, name_zh="近12月有采购月数",
        name_en="Months with purchases, last 12", description_zh="近12个自然月中有有效采购发票的月数",
        description_en="Calendar months of the last 12 with positive valid purchases", unit="months", direction=-1,
        record_types=EV, event_types=IN, window="12m", block="invoice_month", expr="count(*) FILTER (WHERE {w})",
        where="event_type = 'invoice_in' AND mi < 12 AND amt > 0",
        evidence_where=f"event_type = 'invoice_in' AND {M12}", fill=0.0,
    ),
    FeatureSpec(
        id="beh_months_since_last_sale", dimension=D, name_zh="距最近销售月数", name_en="Months since the last sale",
        description_zh="距最近一个有有效销售的自然月的月数(24个月以上记24)",
        description_en="Months since the last calendar month with valid sales (24 when none in 24 months)",
        unit="months", direction=1, record_types=EV, event_types=OUT, window="24m", block="invoice_month",
        expr="coalesce(min(mi) FILTER (WHERE {w}), 24)", where="event_type = 'invoice_out' AND amt > 0",
        evidence_where=f"event_type = 'invoice_out' AND {M24}", fill=24.0,
    ),
    FeatureSpec(
        id="beh_gross_margin_proxy_12m", dimension=D, name_zh="购销差率", name_en="Sales-minus-purchases margin",
        description_zh="近12个月(销售额-采购额)/销售额,毛利的粗略代理",
        description_en="(sales - purchases) / sales over the last 12 months: a rough gross-margin proxy", unit="ratio",
        direction=0, record_types=EV, event_types=("invoice_out", "invoice_in"), window="12m", block="invoice_month",
        expr=f"({_month_total('invoice_out', 0, 12)} - {_month_total('invoice_in', 0, 12)}) "
        f"/ nullif({_month_total('invoice_out', 0, 12)}, 0)",
        where="mi < 12", evidence_where=f"event_type IN ('invoice_out', 'invoice_in') AND {M12}",
    ),
    FeatureSpec(
        id="beh_invoices_issued_12m_log", dimension=D, name_zh="近12月开票张数(对数)",
        name_en="Invoices issued 12m (log)", description_zh="近12个月开具销售发票张数(含作废)加一取常用对数",
        description_en="log10 of 1 + the number of sales invoices issued in the last 12 months (voided included)",
        unit="log10 count", direction=-1, record_types=EV, event_types=OUT, window="12m", block="invoice_month",
        expr="log10(1 + coalesce(sum(n) FILTER (WHERE {w}), 0))", where="event_type = 'invoice_out' AND mi < 12",
        evidence_where=f"event_type = 'invoice_out' AND {M12}", fill=0.0,
    ),
    _ratio("beh_invoice_void_ratio_12m", "销项发票作废率", "Voided sales-invoice ratio",
           "近12个月作废的销售发票占比", "Share of the last 12 months' sales invoices that were voided",
           "invoice_out", "code = 'voided'"),
    _ratio("beh_invoice_negative_ratio_12m", "销项红字发票率", "Negative sales-invoice ratio",
           "近12个月红字(负数)销售发票占比", "Share of the last 12 months' sales invoices with a negative amount",
           "invoice_out", "amount < 0"),
    _ratio("beh_purchase_void_ratio_12m", "进项发票作废率", "Voided purchase-invoice ratio",
           "近12个月作废的采购发票占比", "Share of the last 12 months' purchase invoices that were voided",
           "invoice_in", "code = 'voided'"),
    FeatureSpec(
        id="beh_negative_amount_share_12m", dimension=D, name_zh="红字金额占比", name_en="Credit-note amount share",
        description_zh="近12个月红字销售发票金额绝对值占正数发票金额的比例",
        description_en="Absolute amount of the last 12 months' negative sales invoices over the positive amount",
        unit="ratio", direction=1, record_types=EV, event_types=OUT, window="12m", block="event",
        expr="coalesce(-sum(amount) FILTER (WHERE {w} AND amount < 0), 0) "
        "/ nullif(sum(amount) FILTER (WHERE {w} AND amount > 0), 0)",
        where=f"event_type = 'invoice_out' AND code IS DISTINCT FROM 'voided' AND {W12}",
    ),
    _concentration("beh_customers_12m", "客户数", "Customers", "invoice_out", "count", -1),
    _concentration("beh_suppliers_12m", "供应商数", "Suppliers", "invoice_in", "count", -1),
    _concentration("beh_customer_top1_share", "最大客户占比", "Largest customer share", "invoice_out", "top1", 1),
    _concentration("beh_customer_hhi", "客户集中度", "Customer concentration", "invoice_out", "hhi", 1),
    _concentration("beh_supplier_top1_share", "最大供应商占比", "Largest supplier share", "invoice_in", "top1", 1),
    _concentration("beh_supplier_hhi", "供应商集中度", "Supplier concentration", "invoice_in", "hhi", 1),
    _log_sum("beh_tax_paid_12m_log", "近12月纳税额(对数)", "Tax paid 12m (log)",
             "近12个月缴纳税款(元)加一取常用对数", "log10 of 1 + tax paid in the last 12 months (CNY)",
             "tax_payment", W12),
    FeatureSpec(
        id="beh_tax_to_sales_12m", dimension=D, name_zh="税负率", name_en="Tax-to-sales ratio",
        description_zh="近12个月纳税额除以有效销售额",
        description_en="Tax paid over valid sales in the last 12 months", unit="ratio", direction=-1, record_types=EV,
        event_types=("tax_payment", "invoice_out"), window="12m", block="event",
        expr="sum(amount) FILTER (WHERE {w} AND event_type = 'tax_payment') / nullif(sum(amount) "
        "FILTER (WHERE {w} AND event_type = 'invoice_out' AND code IS DISTINCT FROM 'voided'), 0)",
        where=f"event_type IN ('tax_payment', 'invoice_out') AND {W12}",
    ),
    FeatureSpec(
        id="beh_tax_rating_latest", dimension=D, name_zh="纳税信用等级", name_en="Tax credit rating",
        description_zh="最近一次纳税信用等级:A=1, B=2, M=3, C=4, D=5",
        description_en="Latest tax credit rating: A=1, B=2, M=3, C=4, D=5", unit="grade 1-5", direction=1,
        record_types=EV, event_types=("tax_rating",), window="36m", block="event",
        expr="CASE arg_max(code, event_date) FILTER (WHERE {w}) WHEN 'A' THEN 1.0 WHEN 'B' THEN 2.0 "
        "WHEN 'M' THEN 3.0 WHEN 'C' THEN 4.0 WHEN 'D' THEN 5.0 END",
        where=f"event_type = 'tax_rating' AND {W36}",
    ),
    _count("beh_tax_rating_d_36m", "近3年D级纳税信用次数", "Tax rating D in 36 months",
           "近36个月纳税信用评为D级的次数", "Times rated D for tax credit in the last 36 months", 1,
           "tax_rating", f"code = 'D' AND {W36}", "36m"),
    _count("beh_tax_arrears_open", "未清欠税", "Open tax arrears",
           "评估日尚未清缴的欠税公告数", "Tax-arrears notices not cleared on the as-of date", 1,
           "tax_arrears", OPEN, "as of"),
    _count("beh_registry_changes_12m", "近12月工商变更次数", "Registry changes 12m",
           "近12个月工商登记变更次数", "Registry changes in the last 12 months", 1,
           "registry_change", W12, "12m"),
    _count("beh_legal_rep_changes_24m", "近24月法人变更次数", "Legal-representative changes 24m",
           "近24个月法定代表人变更次数", "Changes of legal representative in the last 24 months", 1,
           "registry_change", f"code = 'legal_rep' AND {W24}", "24m"),
    _count("beh_address_changes_24m", "近24月地址变更次数", "Address changes 24m",
           "近24个月注册地址变更次数", "Changes of registered address in the last 24 months", 1,
           "registry_change", f"code = 'address' AND {W24}", "24m"),
    _count("beh_capital_changes_24m", "近24月注册资本变更次数", "Capital changes 24m",
           "近24个月注册资本变更次数", "Changes of registered capital in the last 24 months", 1,
           "registry_change", f"code = 'capital' AND {W24}", "24m"),
    _count("beh_abnormal_operation_now", "经营异常名录在列", "On the abnormal-operations list",
           "评估日仍在经营异常名录中的记录数", "Abnormal-operations listings not removed on the as-of date", 1,
           "abnormal_operation", OPEN, "as of"),
    _count("beh_abnormal_operation_36m", "近3年经营异常次数", "Abnormal-operations listings 36m",
           "近36个月列入经营异常名录的次数", "Abnormal-operations listings in the last 36 months", 1,
           "abnormal_operation", W36, "36m"),
    _log_sum("beh_platform_trade_12m_log", "近12月平台交易额(对数)", "Platform trade 12m (log)",
             "近12个月B2B平台订单金额加一取常用对数", "log10 of 1 + B2B platform order value in the last 12 months",
             "platform_trade", W12),
    _count("beh_annual_reports_36m", "近3年年报数", "Annual reports filed 36m",
           "近36个月报送的企业年报数", "Annual reports filed in the last 36 months", -1,
           "annual_report", W36, "36m"),
    _latest_annual("beh_annual_revenue_log", "年报营业收入(对数)", "Annual-report revenue (log)",
                   "最近一期年报营业收入加一取常用对数", "log10 of 1 + revenue in the latest annual report",
                   "log10 CNY", -1, "log10(1 + CASE WHEN amount < 0 THEN 0 ELSE amount END)"),
    _latest_annual("beh_annual_profit_margin", "年报利润率", "Annual-report profit margin",
                   "最近一期年报利润除以营业收入", "Profit over revenue in the latest annual report",
                   "ratio", -1, f"{_attr('profit')} / nullif(amount, 0)"),
    _latest_annual("beh_annual_debt_ratio", "年报资产负债率", "Annual-report debt ratio",
                   "最近一期年报负债除以资产", "Liabilities over assets in the latest annual report",
                   "ratio", 1, f"{_attr('liabilities')} / nullif({_attr('assets')}, 0)"),
    _count("beh_projects_won_36m", "近3年中标项目数", "Projects won 36m",
           "近36个月中标项目数", "Tenders and projects won in the last 36 months", -1,
           "project_won", W36, "36m"),
]
