"""Bilingual messages of the feature stage (registered into :mod:`firmscore.i18n`)."""

from __future__ import annotations

from firmscore import i18n

MESSAGES: dict[str, tuple[str, str]] = {
    "features.computing": ("计算特征 {as_of}", "computing features as of {as_of}"),
    "features.written": (
        "已写入 {rows} 家企业 × {cols} 个特征: {path}",
        "wrote {rows} enterprises × {cols} features: {path}",
    ),
    "features.unknown": ("未知特征: {name}", "unknown feature: {name}"),
    "features.need_as_of": ("需要 --as-of 日期", "--as-of is required"),
    "features.bad_date": ("日期无效(应为 YYYY-MM-DD): {value}", "invalid date (expected YYYY-MM-DD): {value}"),
    "features.no_home": ("数据目录不存在: {path}", "no data home at {path}"),
    "features.report_title": (
        "特征覆盖与区分度 {as_of} (标签 {horizon})",
        "feature coverage and strength {as_of} (label {horizon})",
    ),
    "features.not_authorized": ("未获授权", "not authorized"),
    "labels.written": ("已写入标签 {rows} 家企业: {path}", "wrote labels for {rows} enterprises: {path}"),
    "labels.counts": (
        "违约 {defaults}, 未违约 {no_defaults}, 未知 {unknown} (违约率 {rate:.2%}, 仅计已知结果)",
        "default {defaults}, no default {no_defaults}, unknown {unknown} (default rate {rate:.2%} of known outcomes)",
    ),
    "labels.unknown_excluded": (
        "{unknown} 家企业结果未知, 不参与训练与验证: {reasons}",
        "{unknown} enterprises of unknown outcome, left out of training and validation: {reasons}",
    ),
    "labels.reason.no_window": ("无观察窗口(无结果数据)", "no observation window (no outcome data)"),
    "labels.reason.short_window": ("观察期过短", "observed too briefly"),
    "labels.reason.censored": ("数据截止早于观察期末", "censored: the home's data end before the horizon"),
    "features.degenerate_title": (
        "常量或近常量特征 {n} 个 (最常见取值占比 ≥ {share:.0%}, 缺失也算一个取值)",
        "{n} constant or near-constant features (most common value ≥ {share:.0%} of firms, missing counted as a value)",
    ),
    "features.constant": ("常量", "constant"),
    "features.near_constant": ("近常量", "near-constant"),
}

i18n.register(MESSAGES)
