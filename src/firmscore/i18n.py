"""Bilingual messages (Chinese and English) for reports, reasons and command output.

Every user-facing sentence has a key here (or in a stage's own catalogue that uses
:func:`register`); :func:`t` renders it in the requested language. The language comes from
``--lang`` or ``FIRMSCORE_LANG`` (``zh``, ``en`` or ``both``, the default, which prints
"中文 / English").
"""

from __future__ import annotations

import os
from typing import Any

Lang = str  # "zh" | "en" | "both"

_MESSAGES: dict[str, tuple[str, str]] = {
    "ingest.summary": ("导入汇总", "Ingestion summary"),
    "ingest.read": ("读取", "read"),
    "ingest.accepted": ("接受", "accepted"),
    "ingest.quarantined": ("隔离", "quarantined"),
    "ingest.duplicates": ("重复", "duplicates"),
    "ingest.new_versions": ("新版本", "new versions"),
    "ingest.reconciled": ("对账一致", "reconciled"),
    "ingest.not_reconciled": ("对账不一致", "NOT reconciled"),
    "ingest.phase.read": ("读取与转换 (行)", "read and convert (rows)"),
    "ingest.phase.dedupe": ("去重与版本 (行)", "dedupe and version (rows)"),
    "ingest.phase.ledger": ("写入证据账本 (条)", "log in the evidence ledger (records)"),
    "status.title": ("数据目录状态", "Data home status"),
    "status.records": ("记录数", "records"),
    "error.missing_file": ("找不到输入文件: {path}", "input file not found: {path}"),
    "error.unknown_mapping": ("未知的映射: {name}", "unknown mapping: {name}"),
    "error.bad_date": ("日期格式应为 YYYY-MM-DD: {value!r}", "date must be YYYY-MM-DD: {value!r}"),
    "reason.missing_required": ("必填字段为空", "required field is empty"),
    "reason.bad_number": ("不是有效数字: {value!r}", "not a number: {value!r}"),
    "reason.bad_integer": ("不是有效整数: {value!r}", "not an integer: {value!r}"),
    "reason.bad_date": ("不是有效日期: {value!r}", "not a valid date: {value!r}"),
    "reason.bad_code": ("取值不在代码表中: {value!r}", "value not in code list: {value!r}"),
    "reason.bad_uscc": ("统一社会信用代码无效: {detail}", "invalid unified social credit code: {detail}"),
    "reason.bad_person_id": ("身份证号无效: {detail}", "invalid resident ID number: {detail}"),
    "reason.bad_encoding": ("无法按 {encoding} 解码", "cannot decode as {encoding}"),
    "reason.bad_row": ("行格式错误: {detail}", "malformed row: {detail}"),
    "reason.out_of_range": ("超出取值范围: {value!r}", "out of range: {value!r}"),
}


def register(messages: dict[str, tuple[str, str]]) -> None:
    """Add a stage's messages (key → (中文, English)); keys must be new."""
    clash = set(messages) & set(_MESSAGES)
    if clash:
        raise ValueError(f"message keys already defined: {sorted(clash)}")
    _MESSAGES.update(messages)


def current_lang() -> Lang:
    return os.environ.get("FIRMSCORE_LANG", "both")


def t(key: str, lang: Lang | None = None, **kwargs: Any) -> str:
    """Render message ``key`` in ``lang`` (``zh``, ``en`` or ``both``)."""
    zh, en = _MESSAGES[key]
    lang = lang or current_lang()
    if lang == "zh":
        return zh.format(**kwargs)
    if lang == "en":
        return en.format(**kwargs)
    return f"{zh.format(**kwargs)} / {en.format(**kwargs)}"


def both(key: str, **kwargs: Any) -> tuple[str, str]:
    """The (中文, English) pair of a message, for records that store both."""
    zh, en = _MESSAGES[key]
    return zh.format(**kwargs), en.format(**kwargs)
