"""Bilingual messages of ingestion (registered in :mod:`firmscore.i18n`): reasons, errors, summaries."""

from __future__ import annotations

from firmscore import i18n

MESSAGES: dict[str, tuple[str, str]] = {
    # reasons (the generic ones: bad number, date, code … are in firmscore.i18n)
    "reason.not_finite": ("不是有限数值: {value!r}", "not a finite number: {value!r}"),
    "reason.negative": ("不能为负数: {value!r}", "may not be negative: {value!r}"),
    "reason.not_in_range": ("须在 [{low}, {high}] 之内: {value!r}", "must lie in [{low}, {high}]: {value!r}"),
    "reason.date_too_early": ("日期早于 {floor}, 不可能: {value!r}", "date before {floor}, impossible: {value!r}"),
    "reason.date_after_observation": (
        "日期晚于获知时间 (observed_at, 含容差), 不可能: {value!r}",
        "dated after it was observed (observed_at plus tolerance), impossible: {value!r}",
    ),
    "reason.unterminated_quote": (
        "行格式错误: 引号未闭合 (只有声明为 multiline 的列可以跨行)",
        "malformed row: unterminated quoted field (only columns declared multiline may span lines)",
    ),
    "reason.line_break_in_column": (
        "行格式错误: 列 {column} 的值含换行, 但映射未声明该列 multiline",
        "malformed row: the value of column {column} holds a line break, but the mapping does not declare it "
        "multiline",
    ),
    "reason.record_too_long": (
        "行格式错误: 引号在 {lines} 行内未闭合",
        "malformed row: a quoted field still open after {lines} lines",
    ),
    "reason.wrong_field_count": (
        "行格式错误: 应有 {expected} 个字段, 实际 {got} 个",
        "malformed row: expected {expected} fields, got {got}",
    ),
    "reason.raw_cut": (
        "…[已截断: 原文 {total:,} 字符, 保留前 {kept:,}]",
        "…[cut: the raw text has {total:,} characters, the first {kept:,} are kept]",
    ),
    # whole-file errors (exit code 2)
    "error.unreadable_file": ("无法读取文件 {path}: {detail}", "cannot read file {path}: {detail}"),
    "error.empty_file": ("文件为空", "the file is empty"),
    "error.binary_file": (
        "内容是二进制数据, 不是 {fmt} 文本 (在前 {where} 字节中)",
        "binary content, not {fmt} text (within the first {where} bytes)",
    ),
    "error.bad_header": ("无法按 {encoding} 读取表头行", "cannot read the header line as {encoding}"),
    "error.bad_parquet": ("不是可读的 Parquet 文件 ({detail})", "not a readable Parquet file ({detail})"),
    "error.lines_unaccounted": (
        "{file}: 文件有 {physical:,} 行/条, 读取只说明了 {explained:,}",
        "{file}: the file holds {physical:,} lines/rows, the reader accounts for {explained:,}",
    ),
    # summaries and status
    "ingest.filtered": ("过滤", "filtered"),
    "ingest.erased": ("已删除", "erased"),
    "ingest.nulled": ("置空字段", "nulled fields"),
    "ingest.lines": ("物理行", "physical lines"),
}

i18n.register(MESSAGES)
