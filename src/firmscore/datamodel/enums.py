"""Closed vocabularies of the canonical data model.

They are ``StrEnum`` so that the values stored in Parquet are plain, readable strings and a
mapping file can name them directly.
"""

from __future__ import annotations

from enum import StrEnum


class RecordType(StrEnum):
    """The record types (tables) of the canonical model."""

    ENTERPRISE = "enterprise"
    PERSON = "person"
    RELATION = "relation"
    EVENT = "event"
    AUTHORIZATION = "authorization_grant"  # a person's authorization to read personal data
    RETRACTION = "retraction"  # a record withdrawn after a dispute (target_record_id)


class SubjectType(StrEnum):
    """What kind of node an id in a relation or event refers to."""

    ENTERPRISE = "enterprise"
    PERSON = "person"


class EnterpriseType(StrEnum):
    """Legal form of an enterprise (simplified from the SAMR registry classes)."""

    LIMITED_COMPANY = "limited_company"  # 有限责任公司
    JOINT_STOCK = "joint_stock"  # 股份有限公司
    SOLE_PROPRIETORSHIP = "sole_proprietorship"  # 个人独资企业
    PARTNERSHIP = "partnership"  # 合伙企业
    INDIVIDUAL_BUSINESS = "individual_business"  # 个体工商户
    BRANCH = "branch"  # 分公司
    COOPERATIVE = "cooperative"  # 农民专业合作社
    OTHER = "other"


class RegistryStatus(StrEnum):
    """Registry status (登记状态)."""

    IN_BUSINESS = "in_business"  # 存续/在业
    REVOKED = "revoked"  # 吊销
    CANCELLED = "cancelled"  # 注销
    MOVED_OUT = "moved_out"  # 迁出
    UNKNOWN = "unknown"


class RelationType(StrEnum):
    """Typed, dated edges between enterprises and persons.

    Direction conventions: ``src`` holds/does, ``dst`` is held/receives. A shareholding goes
    shareholder → company with ``share`` in [0, 1]; a guarantee goes guarantor → borrower with
    ``amount``; a trade goes seller → buyer with ``amount``; legal_representative and officer go
    person → enterprise; branch goes head office → branch; shared_address and shared_phone link
    two enterprises and are undirected (stored once, src < dst).
    """

    SHAREHOLDING = "shareholding"
    INVESTMENT = "investment"
    LEGAL_REPRESENTATIVE = "legal_representative"
    OFFICER = "officer"
    GUARANTEE = "guarantee"
    BRANCH = "branch"
    TRADE = "trade"
    SHARED_ADDRESS = "shared_address"
    SHARED_PHONE = "shared_phone"


class EventType(StrEnum):
    """Typed, time-stamped, append-only facts about an enterprise or a person.

    The meaning of the generic event columns (``amount``, ``value``, ``code``, ``end_date``,
    ``counterparty_id``) per type is documented in ``docs/data-model.md``.
    """

    REGISTRY_CHANGE = "registry_change"  # code: legal_rep | address | capital | scope | name | shareholder
    STATUS_CHANGE = "status_change"  # code: a RegistryStatus value (revoked, cancelled, ...)
    ANNUAL_REPORT = "annual_report"  # amount: revenue; value: employees; attrs: profit, assets, liabilities
    TAX_PAYMENT = "tax_payment"  # amount: tax paid
    TAX_RATING = "tax_rating"  # code: A | B | M | C | D
    TAX_ARREARS = "tax_arrears"  # amount: arrears; end_date: when cleared
    INVOICE_OUT = "invoice_out"  # sales invoice; amount signed (negative = red credit note); code: valid | voided
    INVOICE_IN = "invoice_in"  # purchase invoice; same conventions
    PLATFORM_TRADE = "platform_trade"  # amount: B2B platform order value
    LOAN = "loan"  # amount: principal; end_date: maturity; code: loan id
    REPAYMENT = "repayment"  # amount: instalment; value: days past due (0 = on time); code: loan id
    LAWSUIT = "lawsuit"  # code: defendant | plaintiff; amount: claim
    ENFORCEMENT = "enforcement"  # 被执行; amount: enforced sum; end_date: case closed
    DISHONEST_LISTING = "dishonest_listing"  # 失信被执行人; event_date: listed; end_date: removed
    PENALTY = "penalty"  # administrative penalty; amount: fine
    ABNORMAL_OPERATION = "abnormal_operation"  # 经营异常名录; end_date: removed
    EQUITY_PLEDGE = "equity_pledge"  # amount: pledged equity value
    CHATTEL_MORTGAGE = "chattel_mortgage"  # amount: secured sum
    SOCIAL_INSURANCE = "social_insurance"  # value: insured headcount
    PERSONAL_CREDIT = "personal_credit"  # subject person; code: score band A..E; value: overdue count
    CONSUMPTION_RESTRICTION = "consumption_restriction"  # 限制高消费 (person or enterprise); end_date
    PROJECT_WON = "project_won"  # won tender / project
    QUALIFICATION = "qualification"  # licence or qualification; end_date: expiry
    CREDIT_GRADE = "credit_grade"  # a lender's internal grade (code)
    DEFAULT = "default"  # an observed credit default (outcome)
    MARKET_EXIT = "market_exit"  # left the market (cancelled / revoked); outcome
    BANKRUPTCY = "bankruptcy"
    # The source followed this firm's outcome from effective_from to effective_to (open: still followed, up to
    # the home's latest record). Once a home holds windows, only outcomes inside a firm's windows are known.
    OBSERVATION_WINDOW = "observation_window"
    # A relation whose other end the source does not name, kept as a fact on the known firm (never an
    # edge to an invented node): amount, share (value), dates and attrs of the relation.
    GUARANTEE_GIVEN = "guarantee_given"  # the firm guaranteed someone unnamed; amount: guaranteed sum
    GUARANTEE_RECEIVED = "guarantee_received"  # someone unnamed guaranteed the firm's debt; amount
    ONE_SIDED_RELATION = "one_sided_relation"  # any other type; code: "<relation_type>:src" or ":dst" (the firm's end)


#: Event types that are negative records: they carry a legal expiry after which they may not be used.
NEGATIVE_EVENT_TYPES: frozenset[EventType] = frozenset(
    {
        EventType.LAWSUIT,
        EventType.ENFORCEMENT,
        EventType.DISHONEST_LISTING,
        EventType.PENALTY,
        EventType.ABNORMAL_OPERATION,
        EventType.TAX_ARREARS,
        EventType.CONSUMPTION_RESTRICTION,
        EventType.DEFAULT,
        EventType.BANKRUPTCY,
    }
)

#: Event types about persons whose use needs the person's authorization.
PERSONAL_EVENT_TYPES: frozenset[EventType] = frozenset({EventType.PERSONAL_CREDIT})
