"""Bilingual messages of the trust stage (registered with :mod:`firmscore.i18n`).

Per check: ``trust.<id>.title`` (what is compared), ``trust.<id>.text`` (the numbers compared,
formatted by :func:`firmscore.trust.explain.explain_trust`) and ``trust.<id>.na`` (why it could
not be applied).
"""

from __future__ import annotations

from firmscore.i18n import register

MESSAGES: dict[str, tuple[str, str]] = {
    "trust.title": ("数据可信度", "Data trust"),
    "trust.computing": ("计算数据可信度指标", "computing data trust indicators"),
    "trust.written": ("已写出: {path}", "written: {path}"),
    "trust.enterprises": ("企业数", "enterprises"),
    "trust.depth_grade": ("数据深度等级", "data depth grade"),
    "trust.quality": ("信息质量分", "information quality score"),
    "trust.quality_mean": ("平均信息质量分", "mean information quality"),
    "trust.no_score": ("无可用校验（不评分）", "no checks applicable (no score)"),
    "trust.share": ("占比", "share"),
    "trust.check": ("校验", "check"),
    "trust.fail_rate": ("未通过率（适用企业中）", "fail rate (among applicable)"),
    "trust.applicable": ("适用", "applicable"),
    "trust.explain_title": ("数据可信度说明: {eid} @ {as_of}", "Data trust of {eid} as of {as_of}"),
    "trust.unknown_enterprise": ("{as_of} 不存在企业 {eid}", "enterprise {eid} does not exist on {as_of}"),
    "trust.no_home": ("数据目录不存在: {path}", "no data home at {path}"),
    "trust.depth_line": (
        "数据深度 {grade}（{points}/{max_points} 分）：{n_sources} 个来源，{n_records} 条记录，{n_families} 类记录，"
        "历史跨度 {span} 个月，其中 {active} 个月有记录",
        "data depth {grade} ({points}/{max_points} points): {n_sources} sources, {n_records} records, "
        "{n_families} record families, {span} months of history with records in {active} of them"),
    "trust.quality_line": ("信息质量分 {score}（{applicable} 项校验适用，{failed} 项未通过）",
                           "information quality {score} ({applicable} checks applicable, {failed} failed)"),
    "trust.outcome.pass": ("通过", "pass"),
    "trust.outcome.fail": ("未通过", "FAIL"),
    "trust.outcome.na": ("不适用", "n/a"),
    # ------------------------------------------------------------------ checks
    "trust.revenue_invoices.title": ("申报收入与开票金额", "declared revenue vs invoiced turnover"),
    "trust.revenue_invoices.text": (
        "{report_year} 年申报收入 {revenue_zh}，开票 {invoiced_zh}（开票数据覆盖 {months_invoiced}/{months_reported} "
        "个月，折合 {invoiced_annualised_zh}），比值 {ratio}，允许 {lo}–{hi}",
        "declared revenue {report_year} {revenue_en} vs invoiced {invoiced_en} ({months_invoiced} of "
        "{months_reported} months covered, annualised {invoiced_annualised_en}); ratio {ratio}, allowed {lo}–{hi}"),
    "trust.revenue_invoices.na": (
        "没有年报收入，或没有开票记录，或开票数据覆盖该年度不足 {months} 个月",
        "no declared revenue, no invoice records, or invoice data cover fewer than {months} months of the year"),
    "trust.revenue_tax.title": ("申报收入与纳税额", "declared revenue vs tax paid"),
    "trust.revenue_tax.text": (
        "{report_year} 年申报收入 {revenue_zh}，纳税 {tax_paid_zh}（覆盖 {months_taxed}/{months_reported} 个月，"
        "折合 {tax_annualised_zh}），实际税负 {tax_rate_pct}，允许 {lo_pct}–{hi_pct}",
        "declared revenue {report_year} {revenue_en} vs tax paid {tax_paid_en} ({months_taxed} of "
        "{months_reported} months covered, annualised {tax_annualised_en}); effective tax rate {tax_rate_pct}, "
        "allowed {lo_pct}–{hi_pct}"),
    "trust.revenue_tax.na": (
        "申报收入低于 {min_revenue_zh}（小规模纳税人免税线），或没有纳税记录，或纳税数据覆盖不足 {months} 个月",
        "declared revenue below {min_revenue_en} (small-taxpayer VAT exemption), no tax records, or tax data "
        "cover fewer than {months} months of the year"),
    "trust.invoices_tax.title": ("近 12 个月开票与纳税", "invoiced turnover vs tax paid, last 12 months"),
    "trust.invoices_tax.text": (
        "近 12 个月开票 {invoiced_12m_zh}，纳税 {tax_paid_12m_zh}，税负 {tax_rate_pct}，允许 {lo_pct}–{hi_pct}",
        "last 12 months invoiced {invoiced_12m_en}, tax paid {tax_paid_12m_en}; tax rate {tax_rate_pct}, "
        "allowed {lo_pct}–{hi_pct}"),
    "trust.invoices_tax.na": (
        "近 12 个月开票不足 {min_turnover_zh}，或没有纳税记录，或数据未覆盖整个窗口",
        "invoiced less than {min_turnover_en} in the last 12 months, no tax records, or the feeds do not cover "
        "the window"),
    "trust.paid_in_exceeds.title": ("实缴资本不超过注册资本", "paid-in capital within registered capital"),
    "trust.paid_in_exceeds.text": (
        "注册资本 {registered_capital_zh}，实缴资本 {paid_in_capital_zh}（实缴不可能超过注册资本）",
        "registered capital {registered_capital_en}, paid-in {paid_in_capital_en} (paid-in cannot exceed "
        "registered)"),
    "trust.paid_in_exceeds.na": ("缺少注册资本或实缴资本", "registered or paid-in capital unknown"),
    "trust.paid_in_tiny.title": ("成立多年的公司实缴资本", "paid-in capital of an established company"),
    "trust.paid_in_tiny.text": (
        "成立于 {established_date}，注册资本 {registered_capital_zh}，"
        "实缴 {paid_in_capital_zh}（{paid_in_share_pct}），"
        "成立 {years} 年以上的公司应不低于 {lo_pct}",
        "established {established_date}, registered {registered_capital_en}, paid-in {paid_in_capital_en} "
        "({paid_in_share_pct}); a company older than {years} years should have paid in at least {lo_pct}"),
    "trust.paid_in_tiny.na": (
        "不是成立 {years} 年以上的有限责任或股份公司，或缺少资本数据",
        "not a limited or joint-stock company older than {years} years, or capital unknown"),
    "trust.employees_headcount.title": ("申报从业人数与社保参保人数",
                                        "declared employees vs social-insurance headcount"),
    "trust.employees_headcount.text": (
        "申报从业人数 {declared}（{declared_in_zh}），{headcount_date} 社保参保 {headcount} 人；允许相差 {tol} 人以内"
        "或比值 {lo}–{hi}",
        "declared employees {declared} ({declared_in}) vs {headcount} insured on {headcount_date}; allowed a "
        "difference of {tol} or a ratio {lo}–{hi}"),
    "trust.employees_headcount.na": (
        "缺少申报人数或近 {months} 个月的社保参保人数",
        "no declared employees or no social-insurance headcount in the last {months} months"),
    "trust.shared_address.title": ("同一地址的企业数", "firms at the same address"),
    "trust.shared_address.text": (
        "同一地址登记了 {address_firms} 家企业，上限 {max}",
        "{address_firms} firms registered at this address, at most {max} expected"),
    "trust.shared_address.na": ("缺少地址", "address unknown"),
    "trust.shared_phone.title": ("同一电话的企业数", "firms with the same phone"),
    "trust.shared_phone.text": (
        "同一电话登记了 {phone_firms} 家企业，上限 {max}",
        "{phone_firms} firms registered with this phone, at most {max} expected"),
    "trust.shared_phone.na": ("缺少电话", "phone unknown"),
    "trust.contact_cluster.title": ("地址和电话都相同的企业群", "firms sharing both address and phone"),
    "trust.contact_cluster.text": (
        "{both_firms} 家企业地址和电话都相同（{min} 家及以上视为可疑聚集）",
        "{both_firms} firms share both this address and this phone ({min} or more is a suspicious cluster)"),
    "trust.contact_cluster.na": ("缺少地址或电话", "address or phone unknown"),
    "trust.voided_invoices.title": ("作废发票比例", "share of voided invoices"),
    "trust.voided_invoices.text": (
        "近 12 个月 {invoice_rows_12m} 条开票记录中作废 {voided_rows_12m} 条（{voided_share_pct}），上限 {max_pct}",
        "{voided_rows_12m} of {invoice_rows_12m} invoice records voided in the last 12 months "
        "({voided_share_pct}), at most {max_pct}"),
    "trust.voided_invoices.na": ("近 12 个月开票记录少于 {rows} 条",
                                 "fewer than {rows} invoice records in the last 12 months"),
    "trust.credit_notes.title": ("红字（负数）发票比例", "share of credit notes (negative invoices)"),
    "trust.credit_notes.text": (
        "近 12 个月红字发票 {credit_notes_12m_zh}，占正数开票 {invoiced_positive_12m_zh} 的 {credit_note_share_pct}，"
        "上限 {max_pct}",
        "credit notes {credit_notes_12m_en} in the last 12 months, {credit_note_share_pct} of positive invoicing "
        "{invoiced_positive_12m_en}, at most {max_pct}"),
    "trust.credit_notes.na": ("近 12 个月开票记录少于 {rows} 条",
                                 "fewer than {rows} invoice records in the last 12 months"),
    "trust.late_records.title": ("迟报（疑似补录）记录", "records arriving late (possible back-filling)"),
    "trust.late_records.text": (
        "{dated_records} 条记录中有 {late_records} 条在发生 {days} 天后才入库"
        "（{late_share_pct}，最长 {max_delay_days} 天）；"
        "{count} 条以上且超过 {max_pct} 视为可疑",
        "{late_records} of {dated_records} records arrived more than {days} days after their date "
        "({late_share_pct}, longest {max_delay_days} days); {count} or more and above {max_pct} is suspicious"),
    "trust.late_records.na": ("有日期的记录少于 {n} 条", "fewer than {n} dated records"),
}

register(MESSAGES)
