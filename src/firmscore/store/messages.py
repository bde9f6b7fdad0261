"""Bilingual messages of the data home: the writer lock, recovery and ``status``."""

from __future__ import annotations

from firmscore.i18n import register

MESSAGES: dict[str, tuple[str, str]] = {
    "store.locked": (
        "数据目录 {home} 正由另一个写入进程使用: 进程 {pid} ({command}), 开始于 {started}。"
        "读取命令 (status、report、verify-score 等) 仍可使用; 请等该进程结束后重试。",
        "the data home {home} is in use by another writer: process {pid} ({command}), started {started}. "
        "Reading commands (status, report, verify-score, ...) keep working; retry when it has finished.",
    ),
    "store.unknown_holder": ("未知", "unknown"),
    "store.recovered_batch": (
        "已完成被中断的导入批次 {batch_id} ({parts} 个文件)",
        "completed the interrupted ingestion batch {batch_id} ({parts} files)",
    ),
    "store.batch_needs_ledger": (
        "导入批次 {batch_id} 在写入证据账本时被中断, 需在加载账本的进程中完成 (任意 firmscore 写入命令)",
        "ingestion batch {batch_id} was interrupted while logging its leaves; it is completed by a process "
        "that loads the ledger (any firmscore writing command)",
    ),
    "store.missing_part": (
        "导入批次 {batch_id} 的文件 {path} 既不在暂存区也不在数据目录中",
        "part {path} of ingestion batch {batch_id} is neither in staging nor in the home",
    ),
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

register(MESSAGES)
