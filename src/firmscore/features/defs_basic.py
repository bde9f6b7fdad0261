"""Basic-information features (基本信息): who the enterprise is and how established."""

from __future__ import annotations

from firmscore.features.blocks import FAILED_STATUSES as FAILED
from firmscore.features.defs_common import EV
from firmscore.features.spec import Dimension, FeatureSpec

D = Dimension.BASIC
ENT = ("enterprise",)

BASIC_FEATURES: list[FeatureSpec] = [
    FeatureSpec(
        "basic_age_years", D, "成立年限", "Age",
        "自成立日至评估日的年数", "Years from establishment to the as-of date",
        "years", -1, ENT, (), "as of", "enterprise",
        "date_diff('day', established_date, {as_of}) / 365.25",
    ),
    FeatureSpec(
        "basic_registered_capital_log", D, "注册资本(对数)", "Registered capital (log)",
        "注册资本(元)加一后取常用对数", "log10 of 1 + registered capital in CNY",
        "log10 CNY", -1, ENT, (), "as of", "enterprise",
        "log10(1 + CASE WHEN registered_capital < 0 THEN 0 ELSE registered_capital END)",
    ),
    FeatureSpec(
        "basic_paid_in_ratio", D, "实缴比例", "Paid-in capital ratio",
        "实缴资本占注册资本的比例", "Paid-in capital divided by registered capital",
        "ratio", -1, ENT, (), "as of", "enterprise",
        "paid_in_capital / nullif(registered_capital, 0)",
    ),
    FeatureSpec(
        "basic_insured_employees_log", D, "参保人数(对数)", "Insured employees (log)",
        "登记的社保参保人数加一后取自然对数", "Natural log of 1 + insured employees on the registry",
        "ln persons", -1, ENT, (), "as of", "enterprise",
        "ln(1 + CASE WHEN insured_employees < 0 THEN 0 ELSE insured_employees END)",
    ),
    FeatureSpec(
        "basic_status_failed", D, "吊销或注销", "Revoked or cancelled",
        "登记状态为吊销或注销时为1", "1 when the registry status is revoked or cancelled",
        "flag", 1, ENT, (), "as of", "enterprise",
        f"CASE WHEN status IS NULL THEN NULL WHEN status IN {FAILED} THEN 1.0 ELSE 0.0 END",
    ),
    FeatureSpec(
        "basic_status_not_in_business", D, "非存续状态", "Not in business",
        "登记状态不是存续/在业时为1(含迁出)", "1 when the registry status is anything but in business",
        "flag", 1, ENT, (), "as of", "enterprise",
        "CASE WHEN status IS NULL OR status = 'unknown' THEN NULL "
        "WHEN status = 'in_business' THEN 0.0 ELSE 1.0 END",
    ),
    FeatureSpec(
        "basic_individual_form", D, "个体/独资/合伙形态", "Unincorporated legal form",
        "企业类型为个体工商户、个人独资或合伙企业时为1(无限责任)",
        "1 for individual businesses, sole proprietorships and partnerships (unlimited liability)",
        "flag", 1, ENT, (), "as of", "enterprise",
        "CASE WHEN enterprise_type IS NULL THEN NULL WHEN enterprise_type IN "
        "('individual_business', 'sole_proprietorship', 'partnership') THEN 1.0 ELSE 0.0 END",
    ),
    FeatureSpec(
        "basic_industry_failure_rate", D, "行业失败率", "Industry failure rate",
        "同一行业大类(GB/T 4754 前两位)中评估日已吊销或注销企业的占比",
        "Share of enterprises in the same industry division (first two GB/T 4754 digits) revoked or "
        "cancelled on the as-of date",
        "ratio", 1, ENT, (), "as of", "enterprise",
        f"CASE WHEN industry IS NULL THEN NULL ELSE avg(CASE WHEN status IN {FAILED} THEN 1.0 ELSE 0.0 END) "
        "OVER (PARTITION BY substr(industry, 1, 2)) END",
    ),
    FeatureSpec(
        "basic_region_failure_rate", D, "地区失败率", "Region failure rate",
        "同一地级行政区(区划代码前四位)中评估日已吊销或注销企业的占比",
        "Share of enterprises in the same prefecture (first four division-code digits) revoked or cancelled",
        "ratio", 1, ENT, (), "as of", "enterprise",
        f"CASE WHEN region IS NULL THEN NULL ELSE avg(CASE WHEN status IN {FAILED} THEN 1.0 ELSE 0.0 END) "
        "OVER (PARTITION BY substr(region, 1, 4)) END",
    ),
    FeatureSpec(
        "basic_industry_peers_log", D, "同业企业数(对数)", "Industry peers (log)",
        "同一行业大类企业数的自然对数", "Natural log of the number of enterprises in the same industry division",
        "ln count", 0, ENT, (), "as of", "enterprise",
        "CASE WHEN industry IS NULL THEN NULL ELSE ln(count(*) OVER (PARTITION BY substr(industry, 1, 2))) END",
    ),
    FeatureSpec(
        "basic_platform_member_years", D, "平台会员年限", "Platform membership tenure",
        "成为交易平台诚信会员至评估日的年数", "Years since the enterprise joined the B2B platform's membership",
        "years", -1, ENT, (), "as of", "enterprise",
        "CASE WHEN platform_member_since <= {as_of} "
        "THEN date_diff('day', platform_member_since, {as_of}) / 365.25 END",
    ),
    FeatureSpec(
        "basic_has_uscc", D, "有统一社会信用代码", "Has a unified social credit code",
        "登记有统一社会信用代码时为1", "1 when a unified social credit code is registered",
        "flag", -1, ENT, (), "as of", "enterprise",
        "CASE WHEN uscc IS NULL OR uscc = '' THEN 0.0 ELSE 1.0 END",
    ),
    FeatureSpec(
        "basic_contact_completeness", D, "联系信息完整度", "Contact completeness",
        "登记地址与电话中已填写的项数(0-2)", "How many of registered address and phone are present (0-2)",
        "count", -1, ENT, (), "as of", "enterprise",
        "CASE WHEN address IS NULL OR address = '' THEN 0.0 ELSE 1.0 END "
        "+ CASE WHEN phone IS NULL OR phone = '' THEN 0.0 ELSE 1.0 END",
    ),
    FeatureSpec(
        "basic_capital_per_employee_log", D, "人均注册资本(对数)", "Capital per employee (log)",
        "注册资本除以参保人数后取常用对数", "log10 of registered capital per insured employee",
        "log10 CNY", 0, ENT, (), "as of", "enterprise",
        "log10(1 + CASE WHEN registered_capital < 0 THEN 0 ELSE registered_capital END / nullif(insured_employees, 0))",
    ),
    FeatureSpec(
        "basic_headcount_latest_log", D, "最近社保人数(对数)", "Latest social-insurance headcount (log)",
        "最近一次社保缴纳人数加一后取自然对数", "Natural log of 1 + the latest social-insurance headcount",
        "ln persons", -1, EV, ("social_insurance",), "all", "event",
        "ln(1 + abs(arg_max(value, event_date) FILTER (WHERE {w})))",
        where="event_type = 'social_insurance'",
    ),
    FeatureSpec(
        "basic_headcount_change_12m", D, "社保人数年变化", "Headcount change over 12 months",
        "最近社保人数相对12个月前的变化率", "Relative change of the social-insurance headcount over 12 months",
        "ratio", -1, EV, ("social_insurance",), "12m", "event",
        "arg_max(value, event_date) FILTER (WHERE {w}) / nullif(arg_max(value, event_date) "
        "FILTER (WHERE {w} AND event_date <= {as_of} - INTERVAL 12 MONTH), 0) - 1",
        where="event_type = 'social_insurance'",
    ),
    FeatureSpec(
        "basic_valid_qualifications", D, "有效资质数", "Valid qualifications",
        "评估日仍在有效期内的资质/许可数量", "Licences and qualifications still valid on the as-of date",
        "count", -1, EV, ("qualification",), "as of", "event",
        "count(*) FILTER (WHERE {w})",
        where="event_type = 'qualification' AND (end_date IS NULL OR end_date > {as_of})", fill=0.0,
    ),
]
