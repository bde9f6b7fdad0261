"""Bilingual messages of the data home's commands (registered in :mod:`firmscore.i18n`)."""

from __future__ import annotations

from firmscore import i18n

MESSAGES: dict[str, tuple[str, str]] = {
    "status.failures": ("隔离与置空: 按文件、字段、原因", "Quarantined and nulled: by file, field and reason"),
    "status.no_failures": ("没有隔离的行, 也没有置空的字段", "no quarantined rows and no nulled fields"),
    "status.kind": ("类别", "kind"),
    "status.nulled": ("置空", "nulled"),
    "status.file": ("文件", "file"),
    "status.field": ("字段", "field"),
    "status.reason": ("原因", "reason"),
    "status.count": ("数量", "count"),
    "status.lines": ("示例行", "e.g. lines"),
    "status.more_groups": (
        "另有 {n} 组, 用 status --quarantine 查看全部",
        "{n} more group(s): status --quarantine lists them all",
    ),
}

i18n.register(MESSAGES)
