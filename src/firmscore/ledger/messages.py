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
        "账本只有 {size} 个叶子, 但 {source} 保存的检查点显示曾有 {trusted} 个 (账本被截断)",
        "the log has {size} leaves but a checkpoint kept by {source} shows {trusted} (the log was cut back)",
    ),
    "ledger.kept_checkpoint_invalid": (
        "{source} 保存的检查点不是由已发布的账本密钥签名 (密钥被调换?): {detail}",
        "a checkpoint kept by {source} is not signed by a published ledger key (keys swapped?): {detail}",
    ),
    "ledger.log_forked": (
        "当前账本 (规模 {now}) 不是 {source} 保存的规模 {size} 检查点的延续: 账本被改写或分叉",
        "the log (size {now}) does not extend the checkpoint at size {size} kept by {source}: "
        "it was rewritten or forked",
    ),
    "ledger.witness_unreachable": (
        "无法从见证方 {witness} 读取其联署的检查点: {detail}",
        "cannot read the checkpoints witness {witness} cosigned: {detail}",
    ),
    "ledger.witness_refused": (
        "见证方 {witness} 拒绝联署: {detail}",
        "witness {witness} refused to cosign: {detail}",
    ),
    "ledger.key_rotated": (
        "签名密钥已轮换: {old} (签至规模 {size}) → {new}; 旧公钥仍保留在公钥环中",
        "signing key rotated: {old} (signed up to size {size}) -> {new}; the old public key stays in the keyring",
    ),
    "ledger.witness_retrust": (
        "请把新的公钥环交给每个见证方 (firmscore witness trust FILE)",
        "give the new keyring to every witness (firmscore witness trust FILE)",
    ),
    "ledger.unreadable": ("账本无法读取: {detail}", "the ledger cannot be read: {detail}"),
    "ledger.checkpoint_removed": (
        "规模 {size} 的树状态没有签名检查点 (检查点被删除)",
        "the tree state at size {size} has no signed checkpoint (the checkpoint was deleted)",
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
    "ledger.key_moved": (
        "检查点签名私钥已从数据目录 {home} 移出到 {keys} (私钥不得与数据放在一起)",
        "the checkpoint signing key was moved out of the data home, {home} -> {keys} (keys never live with the data)",
    ),
    "ledger.key_conflict": (
        "数据目录中的旧签名私钥 {home} 与密钥目录中的 {keys} 不同, 请人工核对",
        "the old signing key in the data home {home} differs from {keys} in the key folder; reconcile them by hand",
    ),
    "ledger.no_key": (
        "没有已发布的检查点公钥 ({path}), 无法验证签名",
        "no published checkpoint key ({path}): signatures cannot be verified",
    ),
}

i18n.register(MESSAGES)
