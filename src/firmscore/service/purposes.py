"""The closed vocabulary of purposes: why an institution may read a firm's data.

Every request that returns enterprise data names one of these; the query log records it and a
firm's authorization of its legal representative's personal credit is given for one purpose.
"""

from __future__ import annotations

from enum import StrEnum


class Purpose(StrEnum):
    """查询用途 / purpose of a query."""

    LOAN_APPROVAL = "loan_approval"
    POST_LOAN = "post_loan_management"
    GUARANTEE_REVIEW = "guarantee_review"
    TRADE_CREDIT = "trade_credit"
    SUBJECT_REQUEST = "subject_request"


#: purpose → (中文, English)
PURPOSE_LABELS: dict[Purpose, tuple[str, str]] = {
    Purpose.LOAN_APPROVAL: ("贷款审批", "loan approval"),
    Purpose.POST_LOAN: ("贷后管理", "post-loan management"),
    Purpose.GUARANTEE_REVIEW: ("担保资格审查", "guarantee review"),
    Purpose.TRADE_CREDIT: ("赊销与贸易信用", "trade credit"),
    Purpose.SUBJECT_REQUEST: ("本企业查询", "the subject's own request"),
}

#: Purposes an institution may declare (the subject's own request is only the subject's).
INSTITUTION_PURPOSES: frozenset[Purpose] = frozenset(set(Purpose) - {Purpose.SUBJECT_REQUEST})


def label(purpose: Purpose, lang: str) -> str:
    zh, en = PURPOSE_LABELS[purpose]
    return zh if lang == "zh" else en
