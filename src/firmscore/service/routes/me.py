"""A firm's own account: its report, the queries made about it, its authorizations."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request

from firmscore.service.auth import Principal
from firmscore.service.policies import policy
from firmscore.service.problems import ProblemError, problem_responses
from firmscore.service.purposes import Purpose
from firmscore.service.roles import Role, Scope
from firmscore.service.routes import enterprises, querylog
from firmscore.service.routes.common import service_of
from firmscore.service.schemas import GrantIn, GrantList, GrantOut, QueryLogPage, ReportOut
from firmscore.service.store.models import Consent, Institution

router = APIRouter(prefix="/v1/me", tags=["enterprise self-service"])
SELF_POLICY = policy(Role.SUBJECT, scope=Scope.SELF, tenant="self")
CONSENT_POLICY = policy(Role.SUBJECT, scope=Scope.CONSENT, tenant="self")
ERRORS = problem_responses(400, 401, 403, 404, 422, 429)


def _own(principal: Principal) -> str:
    assert principal.enterprise_id is not None
    return principal.enterprise_id


@router.get("/report", response_model=ReportOut, responses=ERRORS, summary="My firm's report / 本企业报告")
async def my_report(request: Request, principal: Principal = Depends(SELF_POLICY)) -> dict[str, Any]:
    """The firm's own full report (purpose: the subject's own request); the read is logged too."""
    request.scope.setdefault("path_params", {})["enterprise_id"] = _own(principal)
    return await enterprises.get_report(request, _own(principal), Purpose.SUBJECT_REQUEST, principal)


@router.get("/query-log", response_model=QueryLogPage, responses=ERRORS,
            summary="Every query made about my firm / 本企业被查询记录")
async def my_query_log(request: Request,
                       limit: Annotated[int, Query(ge=1, le=500, examples=[50])] = 50,
                       cursor: Annotated[str | None, Query(max_length=500, examples=[None])] = None,
                       principal: Principal = Depends(SELF_POLICY)) -> dict[str, Any]:
    """Which institution asked, when, for what purpose and what it was shown, newest first."""
    return await querylog.list_entries(request, limit, cursor, principal)


def grant_out(c: Consent) -> dict[str, Any]:
    now = dt.datetime.now(dt.UTC)

    def utc(t: Any) -> dt.datetime:
        return t if t.tzinfo else t.replace(tzinfo=dt.UTC)

    valid = c.revoked_at is None and utc(c.effective_from) <= now and (c.effective_to is None or
                                                                       now < utc(c.effective_to))
    return {"grant_id": c.grant_id, "institution_id": c.institution_id, "purpose": c.purpose,
            "effective_from": utc(c.effective_from).date().isoformat(),
            "effective_to": utc(c.effective_to).date().isoformat() if c.effective_to else None,
            "revoked_at": utc(c.revoked_at).isoformat() if c.revoked_at else None, "record_id": c.record_id,
            "revocation_record_id": c.revocation_record_id, "valid": valid}


@router.get("/authorizations", response_model=GrantList, responses=ERRORS,
            summary="My authorizations / 本企业授权")
async def list_grants(request: Request, principal: Principal = Depends(CONSENT_POLICY)) -> dict[str, Any]:
    svc = service_of(request)
    return {"items": [grant_out(c) for c in svc.consents.list(_own(principal))]}


@router.post("/authorizations", response_model=GrantOut, status_code=201, responses=ERRORS,
             summary="Authorize an institution to use the legal representative's personal credit / 授权")
async def grant(request: Request, body: GrantIn, principal: Principal = Depends(CONSENT_POLICY)) -> dict[str, Any]:
    """Written as an ``authorization_grant`` record into the data home and the evidence ledger; used
    from the next request of that institution with that purpose."""
    svc = service_of(request)
    eid = _own(principal)
    if body.purpose is Purpose.SUBJECT_REQUEST:
        raise ProblemError(400, "purpose_not_allowed", role=principal.role.value, purpose=body.purpose.value)
    with svc.sessions() as s:
        inst = s.get(Institution, body.institution_id)
    if inst is None or not inst.active:
        raise ProblemError(404, "institution_not_found", institution=body.institution_id)
    firm = svc.scores.firms.get(eid)
    if firm is None or firm.legal_rep_id is None:
        raise ProblemError(400, "no_legal_rep", enterprise_id=eid)
    c = svc.consents.grant(enterprise_id=eid, person_id=firm.legal_rep_id, institution_id=inst.institution_id,
                           purpose=body.purpose.value, valid_days=body.valid_days)
    return grant_out(c)


@router.delete("/authorizations/{grant_id}", response_model=GrantOut, responses=ERRORS,
               summary="Revoke an authorization / 撤销授权")
async def revoke(request: Request, grant_id: Annotated[str, Path(max_length=64, examples=["g-0123456789abcdef"])],
                 principal: Principal = Depends(CONSENT_POLICY)) -> dict[str, Any]:
    """A new version of the grant's record with ``revoked_at``; effective for the next request."""
    svc = service_of(request)
    c = svc.consents.revoke(enterprise_id=_own(principal), grant_id=grant_id)
    if c is None:
        raise ProblemError(404, "grant_not_found", grant_id=grant_id[:64])
    return grant_out(c)
