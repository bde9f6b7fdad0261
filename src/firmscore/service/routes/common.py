"""What the enterprise-data routes share: purpose and id checks, the consent decision, the score body."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fastapi import Query, Request

from firmscore.i18n import both
from firmscore.service.auth import Principal
from firmscore.service.consent import valid_grant
from firmscore.service.problems import ProblemError
from firmscore.service.purposes import INSTITUTION_PURPOSES, Purpose
from firmscore.service.querylog import Entry
from firmscore.service.roles import Role
from firmscore.service.state import Service

ENTERPRISE_ID = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_.:-]{0,63}$")

PURPOSE_QUERY = Query(None, description="Why the data is read (closed vocabulary); required for enterprise data.",
                      examples=["loan_approval"])


def service_of(request: Request) -> Service:
    svc: Service = request.app.state.service
    return svc


def lang_of(request: Request) -> str:
    from firmscore.service.lang import choose_lang

    return choose_lang(request.headers.get("accept-language"))


def check_purpose(principal: Principal, purpose: Purpose | None) -> Purpose:
    """The declared purpose, checked against the caller (a subject always asks for itself)."""
    if principal.role is Role.SUBJECT:
        if purpose not in (None, Purpose.SUBJECT_REQUEST):
            raise ProblemError(400, "purpose_not_allowed", role=principal.role.value, purpose=str(purpose))
        return Purpose.SUBJECT_REQUEST
    if purpose is None:
        raise ProblemError(400, "purpose_required")
    if purpose not in INSTITUTION_PURPOSES:
        raise ProblemError(400, "purpose_not_allowed", role=principal.role.value, purpose=purpose.value)
    return purpose


def check_enterprise(svc: Service, enterprise_id: str) -> str:
    if not ENTERPRISE_ID.match(enterprise_id):
        raise ProblemError(400, "invalid_enterprise_id", value=enterprise_id[:64])
    if not svc.scores.has(enterprise_id):
        raise ProblemError(404, "enterprise_not_found", enterprise_id=enterprise_id, as_of=svc.scores.as_of)
    return enterprise_id


@dataclass(frozen=True)
class ConsentDecision:
    authorized: bool
    status: str
    grant_id: str | None

    def note(self) -> dict[str, Any]:
        key = {"used": "consent.used", "not_authorized": "consent.not_authorized",
               "no_data_at_scoring": "consent.no_data_at_scoring", "no_legal_rep": "consent.no_legal_rep",
               "own_request": "consent.used"}[self.status]
        zh, en = both(key, grant=self.grant_id or "-") if key == "consent.used" else both(key)
        if self.status == "own_request":
            zh, en = "本企业查询:使用评分时的全部数据", "the firm's own request: all data of the scoring run"
        return {"status": self.status, "grant_id": self.grant_id, "message_zh": zh, "message_en": en}


def decide_consent(svc: Service, principal: Principal, enterprise_id: str, purpose: Purpose) -> ConsentDecision:
    """May this caller's answer use the legal representative's personal credit? Read fresh on every request."""
    if principal.role is Role.SUBJECT:
        return ConsentDecision(True, "own_request", None)
    firm = svc.scores.firms.get(enterprise_id)
    if firm is None or firm.legal_rep_id is None:
        return ConsentDecision(True, "no_legal_rep", None)
    assert principal.institution_id is not None
    grant_id = valid_grant(svc.engine, enterprise_id, principal.institution_id, purpose.value)
    if grant_id is None:
        return ConsentDecision(False, "not_authorized", None)
    if not svc.scores.reads_personal(enterprise_id):
        return ConsentDecision(True, "no_data_at_scoring", grant_id)
    return ConsentDecision(True, "used", grant_id)


def score_body(svc: Service, enterprise_id: str, decision: ConsentDecision, lang: str) -> tuple[dict[str, Any], str]:
    """The score answer (without the query id) and its score id."""
    book = svc.scores
    row, variant = book.row(enterprise_id, decision.authorized)
    firm = book.firms.get(enterprise_id)
    score_id = book.score_id(enterprise_id, variant)
    quality = row.get("quality_score")
    body = {
        "enterprise_id": enterprise_id,
        "name": firm.name if firm else None,
        "as_of": book.as_of.isoformat(),
        "score_id": score_id,
        "score": int(row["score"]),
        "band": row["band"],
        "grade": row["grade"],
        "pd": float(row["pd"]),
        "subscores": {d: float(row[f"sub_{d}"]) for d in ("basic", "behaviour", "performance", "relationship",
                                                          "legal_rep")},
        "reasons": [{"rank": r["rank"], "feature": r["feature"], "dimension": r["dimension"],
                     "points_lost": r["points_lost"], "text": r["text_zh"] if lang == "zh" else r["text_en"],
                     "record_ids": r["record_ids"]} for r in row["reasons"][:4]],
        "data_depth": row.get("depth_grade"),
        "information_quality": {"score": None if quality is None or quality != quality else float(quality),
                                "reason": row.get("quality_reason"), "failed_checks": row.get("failed_checks", [])},
        "model_id": row["model_id"],
        "consent": decision.note(),
        "receipt": {"model_id": row["model_id"], "as_of": book.as_of.isoformat(),
                    "checkpoint": book.receipt.get("checkpoint"), "checkpoint_size": int(row["checkpoint_size"]),
                    "evidence_leaves": row["evidence_leaves"], "public_key": book.receipt.get("ledger_public_key", "")},
    }
    return body, score_id


def cited_records(row: dict[str, Any]) -> list[str]:
    return sorted({rid for r in row["reasons"] for rid in r["record_ids"]})


def entry_for(principal: Principal, purpose: Purpose, endpoint: str, enterprise_id: str | None,
              returned: dict[str, Any]) -> Entry:
    return Entry(institution_id=principal.institution_id, principal=principal.subject, role=principal.role.value,
                 purpose=purpose.value, endpoint=endpoint, enterprise_id=enterprise_id, returned=returned)


async def log_or_fail(svc: Service, *entries: Entry) -> None:
    """Store the entries durably before answering; if that fails, the answer is not sent (503)."""
    try:
        await svc.querylog.record(*entries)
    except Exception as exc:
        raise ProblemError(503, "unavailable", what="query log unavailable / 查询日志不可用") from exc
