"""Bilingual messages of the evidence ledger (registered in :mod:`firmscore.i18n`)."""

from __future__ import annotations

from firmscore import i18n

MESSAGES: dict[str, tuple[str, str]] = {
    "ledger.erased": ("该记录已于 {date} 依据 {rule} 删除", "erased on {date} under {rule}"),
    "ledger.not_found": ("账本中没有记录 {record_id}", "record {record_id} is not in the ledger"),
    "ledger.not_sealed": (
        "记录 {record_id} 以明文入账, 不能被加密擦除",
        "record {record_id} is logged in clear and cannot be crypto-shredded",
    ),
    "ledger.key_unavailable": (
        "记录 {record_id} 的密钥无法解封 (密钥目录不符或已轮换): {detail}",
        "the key of record {record_id} cannot be unwrapped (wrong or rotated key folder): {detail}",
    ),
    "ledger.verify_title": ("账本完整性校验", "Ledger verification"),
    "ledger.verify_ok": ("账本完整, 未发现篡改", "ledger intact, no tampering found"),
    "ledger.verify_bad": ("发现 {n} 处问题", "{n} problem(s) found"),
    "ledger.leaf_modified": ("叶子 {index} 的内容被修改", "leaf {index} was modified"),
    "ledger.leaf_removed": ("叶子 {index} 被删除", "leaf {index} was removed"),
    "ledger.leaf_reordered": (
        "叶子 {index} 存放的是叶子 {other} 的内容 (顺序被调换)",
        "leaf {index} holds the entry of leaf {other} (reordered)",
    ),
    "ledger.leaf_unexpected": ("叶子 {index} 超出已签名的树", "leaf {index} lies beyond the tree"),
    "ledger.node_modified": (
        "节点 (层 {level}, 序号 {index}) 被修改",
        "node (level {level}, index {index}) was modified",
    ),
    "ledger.bundle_malformed": (
        "叶子数据包 {index} 被篡改或格式错误",
        "leaf bundle {index} was altered or is malformed",
    ),
    "ledger.tile_removed": ("瓦片 {level}/{index} 缺失", "tile {level}/{index} was removed"),
    "ledger.tile_malformed": ("瓦片 {level}/{index} 格式错误", "tile {level}/{index} is malformed"),
    "ledger.root_mismatch": (
        "规模 {size} 的根哈希与记录的不符",
        "root at size {size} does not match the recorded one",
    ),
    "ledger.log_truncated": (
        "账本只有 {size} 个叶子, 但可信检查点显示曾有 {trusted} 个",
        "the log has {size} leaves but a trusted checkpoint shows {trusted}",
    ),
    "ledger.state_removed": ("规模 {size} 的树状态缺失", "tree state at size {size} is missing"),
    "ledger.checkpoint_invalid": (
        "规模 {size} 的检查点无效: {detail}",
        "checkpoint at size {size} is invalid: {detail}",
    ),
    "ledger.record_mismatch": (
        "记录 {record_id} 指向的叶子 {index} 不是它",
        "record {record_id} points to leaf {index}, which holds another record",
    ),
    "ledger.record_missing": ("叶子 {index} 没有记录索引", "leaf {index} has no record index entry"),
    "ledger.commitment_mismatch": (
        "记录 {record_id} 的密文与叶子中的承诺不符",
        "sealed content of {record_id} does not match the commitment in its leaf",
    ),
    "ledger.checkpoint_title": ("已签名检查点", "Signed checkpoint"),
    "ledger.proof_title": ("包含证明", "Inclusion proof"),
    "ledger.proof_ok": ("证明有效", "proof verifies"),
    "ledger.proof_bad": ("证明无效: {detail}", "proof does NOT verify: {detail}"),
    "ledger.verifying": ("正在校验账本", "verifying the ledger"),
}

i18n.register(MESSAGES)
