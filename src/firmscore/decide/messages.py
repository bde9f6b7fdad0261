"""Bilingual messages of the credit-decision stage (registered with :mod:`firmscore.i18n`)."""

from __future__ import annotations

from typing import Any

from firmscore.i18n import Lang, register, t

MESSAGES: dict[str, tuple[str, str]] = {
    "decide.no_firms": ("没有可决策的企业（输入为空）", "no firms to decide on (the input is empty)"),
    "decide.missing_column": ("企业表缺少字段 {column}", "the firm table has no column {column}"),
    "decide.bad_pd": ("企业 {firm} 的违约概率 {value!r} 不在 [0, 1] 内", "firm {firm}: PD {value!r} is not in [0, 1]"),
    "decide.bad_budget": ("信贷总额必须为正数，得到 {value!r}", "the budget must be positive, got {value!r}"),
    "decide.bad_amounts": ("额度区间无效: {detail}", "invalid amount range: {detail}"),
    "decide.bad_rates": ("利率区间无效: {detail}", "invalid rate range: {detail}"),
    "decide.bad_lgd": ("违约损失率 {value!r} 不在 [0, 1] 内（{where}）", "LGD {value!r} is not in [0, 1] ({where})"),
    "decide.lgd_missing_grade": ("等级 {grade} 没有违约损失率（{path}）", "no LGD for grade {grade} ({path})"),
    "decide.no_churn_class": (
        "等级 {grade} 没有对应的客户流失率列（流失率表有: {classes}）",
        "grade {grade} has no customer-churn column (the churn table has: {classes})"),
    "decide.rates_outside_churn": (
        "利率 {rate} 超出流失率表覆盖的范围 [{low}, {high}]",
        "rate {rate} is outside the range the churn table covers [{low}, {high}]"),
    "decide.bad_limit": ("集中度限额无效: {detail}", "invalid concentration limit: {detail}"),
    "decide.solver_failed": ("求解器未得到可行解: {status}", "the solver found no feasible plan: {status}"),
    "decide.budget_below_min": (
        "信贷总额 {budget} 小于最低额度 {minimum}，无法放贷",
        "the budget {budget} is below the minimum amount {minimum}: no loan can be made"),
    "decide.churn_file": (
        "流失率表 {path} 第 {row} 行 {field}: {detail}",
        "churn table {path}, row {row}, {field}: {detail}"),
    "decide.stress_file": (
        "压力情景 {path} 第 {row} 项 {field}: {detail}",
        "stress file {path}, entry {row}, {field}: {detail}"),
    "decide.lgd_file": (
        "违约损失率表 {path} 第 {row} 行 {field}: {detail}",
        "LGD table {path}, row {row}, {field}: {detail}"),
    "decide.file_missing": ("找不到文件: {path}", "file not found: {path}"),
}
register(MESSAGES)


class StrategyError(ValueError):
    """A bad input to the credit decision, with its bilingual message key (no traceback for the user)."""

    def __init__(self, key: str, **kwargs: Any) -> None:
        self.key = key
        self.kwargs = kwargs
        super().__init__(t(key, "en", **kwargs))

    def message(self, lang: Lang) -> str:
        """The message in one language (``zh`` or ``en``)."""
        return t(self.key, lang, **self.kwargs)
