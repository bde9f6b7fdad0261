"""Bilingual messages of the fraud stage (registered with :mod:`firmscore.i18n`)."""

from __future__ import annotations

from firmscore.i18n import register

MESSAGES: dict[str, tuple[str, str]] = {
    "fraud.typology.shell_cluster": ("空壳企业群", "shell cluster"),
    "fraud.typology.round_trip": ("循环开票", "invoice round trip"),
    "fraud.typology.phoenix": ("换壳重生", "phoenix firm"),
    "fraud.typology.bust_out": ("突击做大流水", "bust-out"),
    "fraud.typology.guarantee_circle": ("互保圈", "guarantee circle"),
    "fraud.typology.identity_reuse": ("身份冒用", "identity reuse"),
    "fraud.shell.address": ("与共 {size} 家企业共用同一注册地址，其中 {burst} 家与本企业在 {days} 天内先后注册",
                            "shares its registered address with a group of {size} firms, {burst} of them registered "
                            "within {days} days of it"),
    "fraud.shell.phone": ("与共 {size} 家企业共用同一联系电话，其中 {burst} 家与本企业在 {days} 天内先后注册",
                          "shares its phone with a group of {size} firms, {burst} of them registered within {days} "
                          "days of it"),
    "fraud.shell.legal_rep": ("法定代表人同时担任 {size} 家企业的法定代表人，{burst} 家与本企业在 {days} 天内先后注册",
                              "its legal representative represents {size} firms, {burst} of them registered within "
                              "{days} days of it"),
    "fraud.round_trip": ("近 12 个月有 {rounds} 轮发票沿闭环流转（每一环金额相差不超过 {tol:.0%}，"
                         "{days} 天内回到本企业），"
                         "占其开票与收票总额的 {share:.0%}。",
                         "{rounds} round(s) of invoices went around a closed loop in the last 12 months (every leg "
                         "within {tol:.0%} of the same amount, back within {days} days), {share:.0%} of its invoiced "
                         "volume."),
    "fraud.phoenix": ("法定代表人此前的企业 {old} 已于 {exit} 退出市场，留下 {n_neg} 条被执行或失信记录；"
                      "本企业与其{shared_zh}"
                      "（另有 {others} 家类似前企业）。",
                      "its legal representative's earlier firm {old} left the market on {exit} with {n_neg} "
                      "enforcement or dishonest-debtor record(s); this firm shares its {shared_en} ({others} more "
                      "such earlier firm(s))."),
    "fraud.bust_out": ("近 3 个月月均开票 {recent}，是此前月均 {base} 的 {jump:.1f} 倍；同期参保人数{head_zh}、"
                       "纳税{tax_zh}，近期客户 {buyers} 家。",
                       "monthly sales of the last 3 months {recent}, {jump:.1f}× the earlier {base}; over the same "
                       "time {head_en}, {tax_en}, with {buyers} recent buyer(s)."),
    "fraud.guarantee": ("处于 {size} 家企业组成的互保圈中，经过本企业的担保闭环 {loops} 个。",
                        "member of a guarantee circle of {size} firms, on {loops} guarantee loop(s)."),
    "fraud.identity.person": ("同一自然人在 {days} 天内还关联了另外 {n} 家企业，分布在 {cities} 个其他城市。",
                              "the same person is tied to {n} other firm(s) registered within {days} days, in "
                              "{cities} other cit(ies)."),
    "fraud.identity.phone": ("同一联系电话在 {days} 天内还用于另外 {n} 家企业，分布在 {cities} 个其他城市。",
                             "the same phone serves {n} other firm(s) registered within {days} days, in {cities} other "
                             "cit(ies)."),
    # command output
    "fraud.no_home": ("数据目录不存在: {path}", "no data home at {path}"),
    "fraud.detecting": ("欺诈识别", "fraud detection"),
    "fraud.need_as_of": ("请给出 --as-of D（识别），或 --queue N（复核队列），或 --verdict ID（记录结论）",
                         "give --as-of D (detect), --queue N (review queue) or --verdict ID (record a verdict)"),
    "fraud.written": ("已写出欺诈识别结果: {path}", "fraud indicators written: {path}"),
    "fraud.summary.title": ("欺诈类型命中（阈值以上）", "Typologies flagged (at or above threshold)"),
    "fraud.summary.typology": ("类型", "typology"),
    "fraud.summary.flagged": ("命中企业", "firms flagged"),
    "fraud.summary.threshold": ("阈值", "threshold"),
    "fraud.queue.title": ("人工复核队列（前 {n} 家）", "Review queue (top {n})"),
    "fraud.queue.rank": ("序", "#"),
    "fraud.queue.firm": ("企业", "firm"),
    "fraud.queue.score": ("强度", "strength"),
    "fraud.queue.typologies": ("命中类型", "typologies"),
    "fraud.queue.why": ("依据", "why"),
    "fraud.queue.records": ("证据记录", "evidence records"),
    "fraud.queue.empty": ("没有达到阈值的企业", "no firm reaches a threshold"),
    "fraud.missing": ("{as_of} 的欺诈识别结果不存在: {path}（运行: firmscore fraud --as-of {as_of}）",
                      "no fraud indicators for {as_of} at {path} (run: firmscore fraud --as-of {as_of})"),
    "fraud.none_yet": ("数据目录中还没有欺诈识别结果（运行: firmscore fraud --as-of D）",
                       "no fraud indicators in the home yet (run: firmscore fraud --as-of D)"),
    "fraud.altered": ("欺诈识别结果 {path} 与其清单中的哈希不符（已被改动），拒绝读取",
                      "fraud indicators {path} do not match the hash in their manifest (altered): refused"),
    "fraud.verdict.recorded": ("已记录复核结论: {eid} {typology} → {verdict}",
                               "verdict recorded: {eid} {typology} → {verdict}"),
    "fraud.verdict.bad": ("复核结论必须是 confirmed 或 cleared，收到 {value!r}",
                          "a verdict must be confirmed or cleared, got {value!r}"),
    "fraud.verdict.bad_typology": ("未知的欺诈类型 {value!r}（可选: {choices}）",
                                   "unknown typology {value!r} (one of: {choices})"),
    "fraud.verdict.unknown_firm": ("{as_of} 的欺诈识别结果中没有企业 {eid}",
                                   "firm {eid} is not in the fraud indicators of {as_of}"),
    "fraud.verdict.bad_file": ("复核记录文件 {path} 第 {line} 行无法读取: {detail}",
                               "verdict file {path} line {line} cannot be read: {detail}"),
    "fraud.retuned": ("{typology}: 阈值 {old:.2f} → {new:.2f}（{n} 条结论，阈值以上确认率 {precision:.0%}）",
                      "{typology}: threshold {old:.2f} → {new:.2f} ({n} verdicts, {precision:.0%} confirmed above it)"),
    "fraud.retune_kept": ("{typology}: 阈值保持 {old:.2f}（{n} 条结论不足 {min_n} 条或达不到目标确认率）",
                          "{typology}: threshold kept at {old:.2f} ({n} verdicts: fewer than {min_n} or the target "
                          "precision is not reached)"),
}

register(MESSAGES)
