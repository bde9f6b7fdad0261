"""Bilingual messages of the scoring jobs (registered into :mod:`firmscore.i18n`)."""

from __future__ import annotations

from firmscore import i18n

MESSAGES: dict[str, tuple[str, str]] = {
    "train.warn.few_features": (
        "评分卡仅保留 {n} 个特征 (少于 {minimum} 个), 区分能力与理由都依赖极少信息: {names}",
        "the card keeps only {n} features (fewer than {minimum}): its ranking and reasons rest on very little: "
        "{names}",
    ),
    "train.warn.few_scores": (
        "开发样本的分数仅有 {n} 个不同取值 (少于 {minimum} 个): 排序与等级很粗糙",
        "scores take only {n} distinct values on the development sample (fewer than {minimum}): "
        "rankings and grades are coarse",
    ),
    "train.warn.constant": (
        "{n} 个特征在建模样本中为常量, 不含任何信息: {names}",
        "{n} features are constant on the modelling sample and carry no information: {names}",
    ),
    "train.warn.near_constant": (
        "{n} 个特征近常量 (最常见取值占 ≥ {share:.0%}, 缺失也算一个取值): {names}",
        "{n} features are near-constant (most common value ≥ {share:.0%} of firms, missing counted as a value): "
        "{names}",
    ),
    "train.warnings_title": ("训练警告", "training warnings"),
    "train.unknown_excluded": (
        "结果未知的企业 {n} 家未参与训练与验证",
        "{n} enterprises of unknown outcome were left out of training and validation",
    ),
    "validate.unknown_excluded": (
        "{as_of}: 结果未知的企业 {n} 家未参与验证",
        "{as_of}: {n} enterprises of unknown outcome were left out of the validation",
    ),
    "train.monotone_cost": (
        "单调约束 ({n} 个特征) 的 AUC 代价 {cost:+.4f} (测试集: 无约束 {free:.4f}, 单调 {monotone:.4f})",
        "AUC cost of the monotone constraints ({n} features): {cost:+.4f} (test: unconstrained {free:.4f}, "
        "monotone {monotone:.4f})",
    ),
    "train.single_class": (
        "{as_of} ({horizon}) 的已知结果只有一类 (违约 {defaults}, 未违约 {no_defaults}, 未知 {unknown}): 无法训练",
        "known outcomes of {as_of} ({horizon}) hold a single class (default {defaults}, no default {no_defaults}, "
        "unknown {unknown}): nothing to learn",
    ),
}

i18n.register(MESSAGES)
