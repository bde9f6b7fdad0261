"""Bilingual messages of the federation stage (errors, progress, reasons)."""

from __future__ import annotations

from firmscore.i18n import register

register(
    {
        "federate.malformed": ("消息格式错误: {detail}", "malformed message: {detail}"),
        "federate.bad_signature": ("消息签名无效 (发送方 {sender})", "message signature is invalid (sender {sender})"),
        "federate.unknown_sender": (
            "发送方密钥 {sender} 不是约定的合作方密钥 {expected}",
            "sender key {sender} is not the agreed partner key {expected}",
        ),
        "federate.wrong_session": (
            "会话不符: 期望 {expected}, 收到 {got}", "wrong session: expected {expected}, got {got}"
        ),
        "federate.replay": (
            "重放或重复的消息: 序号 {got}, 期望 {expected}",
            "replayed or repeated message: sequence {got}, expected {expected}",
        ),
        "federate.out_of_order": (
            "消息乱序: 序号 {got}, 期望 {expected}", "message out of order: sequence {got}, expected {expected}"
        ),
        "federate.stale": (
            "消息时间戳偏差 {skew:.0f} 秒, 超过允许的 {limit:.0f} 秒",
            "message timestamp is {skew:.0f} s off, more than the {limit:.0f} s allowed",
        ),
        "federate.unexpected": (
            "协议步骤错误: 期望 {expected}, 收到 {got}", "protocol step error: expected {expected}, got {got}"
        ),
        "federate.peer_unreachable": ("无法连接合作方 {url}: {detail}", "cannot reach the partner at {url}: {detail}"),
        "federate.peer_error": ("合作方拒绝了请求: {detail}", "the partner rejected the request: {detail}"),
        "federate.no_session": ("没有进行中的会话 {session}", "no session {session} in progress"),
        "federate.no_overlap": ("双方共同企业太少: {n}", "too few common enterprises: {n}"),
        "federate.bad_data": ("数据文件 {path}: {detail}", "data file {path}: {detail}"),
        "federate.no_model": ("数据目录中没有联邦模型 {model}", "no federated model {model} in the data home"),
        "federate.unknown_firm": ("合作方没有该企业的数据: {firm}", "the partner has no data on enterprise {firm}"),
        "federate.bad_key": ("密钥文件 {path} 无效: {detail}", "key file {path} is invalid: {detail}"),
        "federate.partner_data": ("合作方数据", "partner data"),
        "federate.phase.psi": ("隐私求交", "private set intersection"),
        "federate.phase.binning": ("联邦分箱", "federated binning"),
        "federate.phase.regression": ("联邦逻辑回归 (迭代)", "federated logistic regression (iterations)"),
        "federate.phase.done": ("联邦训练完成", "federated training finished"),
        "federate.summary": ("联邦评分卡", "federated scorecard"),
    }
)
