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
    # ------------------------------------------------------------------ the strategy command
    "strategy.no_scores": ("{home} 没有 {as_of} 的评分（先运行 firmscore score --as-of {as_of}）",
                           "no scores of {as_of} in {home} (run: firmscore score --as-of {as_of})"),
    "strategy.bad_range": ("{option} 应为 最小:最大[:步长]，得到 {value!r}",
                           "{option} must be MIN:MAX[:STEP], got {value!r}"),
    "strategy.bad_limit": ("--limit 应为 字段=占比（如 industry=0.2），得到 {value!r}",
                           "--limit must be COLUMN=SHARE (e.g. industry=0.2), got {value!r}"),
    "strategy.solving": ("求解信贷方案（{n} 家企业）", "solving the credit plan ({n} firms)"),
    "strategy.solving_stress": ("求解压力情景 {name}", "solving the stress scenario {name}"),
    "strategy.title": ("信贷方案 @ {as_of}（预算 {budget}）", "Credit plan as of {as_of} (budget {budget})"),
    "strategy.base": ("基准", "base"),
    "strategy.stress": ("压力: {name}", "stress: {name}"),
    "strategy.firms": ("企业数", "firms"),
    "strategy.approved": ("批准", "approved"),
    "strategy.total_lent": ("放贷总额", "total lent"),
    "strategy.budget_used": ("预算使用率", "budget used"),
    "strategy.expected_interest": ("预期利息", "expected interest"),
    "strategy.expected_loss": ("预期损失", "expected loss"),
    "strategy.expected_profit": ("预期利润", "expected profit"),
    "strategy.return_on_budget": ("预算收益率", "return on budget"),
    "strategy.mean_rate": ("加权平均利率", "mean rate (amount-weighted)"),
    "strategy.by": ("按{column}", "by {column}"),
    "strategy.col.grade": ("等级", "grade"),
    "strategy.col.industry": ("行业", "industry"),
    "strategy.solver": (
        "求解: {status}；LP 上界 {bound:,.2f}，方案 {objective:,.2f}，最优性差距 {gap:.2e}；候选 {n} 家，"
        "MIP 自由变量 {free} 个，{seconds:.2f} 秒",
        "solver: {status}; LP bound {bound:,.2f}, plan {objective:,.2f}, optimality gap {gap:.2e}; {n} candidates, "
        "{free} left free for the MIP, {seconds:.2f} s"),
    "strategy.changed": ("压力情景下决策变化的企业: {n} 家", "firms whose decision changed under stress: {n}"),
    "strategy.written": ("已写出: {path}", "written: {path}"),
    "strategy.error": ("错误: {message}", "error: {message}"),
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
