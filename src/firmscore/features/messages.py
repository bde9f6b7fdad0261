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
    "labels.written": ("已写入标签 {rows} 家企业, 违约 {defaults} ({rate:.2%}): {path}",
                       "wrote labels for {rows} enterprises, {defaults} defaults ({rate:.2%}): {path}"),
}

i18n.register(MESSAGES)
