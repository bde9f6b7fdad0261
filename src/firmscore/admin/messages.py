"""Bilingual messages of the administration commands (registered in :mod:`firmscore.i18n`)."""

from __future__ import annotations

from firmscore import i18n

MESSAGES: dict[str, tuple[str, str]] = {
    "admin.erased": ("已擦除 {n} 条记录 (依据 {rule}, {date})", "erased {n} record(s) under {rule} on {date}"),
    "admin.rows_removed": (
        "数据分片中删除 {rows} 行: 重写 {rewritten} 个分片, 删除 {deleted} 个空分片",
        "removed {rows} row(s) from the parts: {rewritten} part(s) rewritten, {deleted} emptied part(s) deleted",
    ),
    "admin.recomputed": ("已重新计算: {what}", "recomputed: {what}"),
    "admin.nothing_recomputed": ("没有需要重新计算的输出", "no stored output to recompute"),
    "admin.quarantine_title": ("隔离记录 (已解密)", "Quarantined rows (decrypted)"),
    "admin.quarantine_empty": ("隔离区为空", "the quarantine is empty"),
    "admin.rotated": (
        "密钥加密密钥已轮换: {n} 条记录的密钥已重新封装, 旧密钥已销毁",
        "key-encryption key rotated: {n} record key(s) re-wrapped, the old key destroyed",
    ),
    "admin.secured": (
        "迁移完成: 密钥移出数据目录={moved}, 封装旧记录密钥 {wrapped} 条, "
        "加密隔离文件 {sealed} 个, 修正权限 {fixed} 处",
        "secured: secrets moved out of the home={moved}, {wrapped} record key(s) wrapped, "
        "{sealed} quarantine file(s) sealed, {fixed} mode(s) fixed",
    ),
    "admin.no_ledger": ("数据目录中没有账本: {path}", "no ledger in the data home: {path}"),
}

i18n.register(MESSAGES)
