"""OAuth2: client credentials for institutions' systems, password for accounts, token revocation."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response

from firmscore.service.auth import Principal
from firmscore.service.policies import PUBLIC, policy
from firmscore.service.problems import ProblemError, problem_responses
from firmscore.service.ratelimit import TokenBuckets
from firmscore.service.roles import ROLE_SCOPES, Role
from firmscore.service.routes.common import service_of
from firmscore.service.schemas import Token
from firmscore.service.secrets import verify_secret
from firmscore.service.store.models import Account, ApiClient, Institution, RevokedToken

router = APIRouter(prefix="/v1/oauth", tags=["auth"])
REVOKE_POLICY = policy(*Role, scope=None)


def _narrow(granted: list[str], requested: str | None) -> list[str]:
    if not requested:
        return granted
    want = requested.split()
    extra = [s for s in want if s not in granted]
    if extra:
        raise ProblemError(400, "invalid_scope", scope=" ".join(extra)[:200])
    return want


@router.post("/token", response_model=Token, responses=problem_responses(400, 401, 422, 429),
             summary="Obtain an access token / 获取访问令牌")
async def token(
    request: Request,
    grant_type: Annotated[str, Form(examples=["client_credentials"], max_length=40)],
    client_id: Annotated[str | None, Form(examples=["bank-a-loans"], max_length=64)] = None,
    client_secret: Annotated[str | None, Form(examples=["s3cr3t"], max_length=200)] = None,
    username: Annotated[str | None, Form(examples=["firm-91440309BHL886EDK2"], max_length=128)] = None,
    password: Annotated[str | None, Form(examples=["correct horse battery staple"], max_length=200)] = None,
    scope: Annotated[str | None, Form(examples=["score:read"], max_length=500)] = None,
    _: None = Depends(PUBLIC),
) -> dict[str, Any]:
    """``client_credentials`` (an institution's system) or ``password`` (an analyst, a firm's own account,
    an admin). Returns a short-lived EdDSA-signed JWT; verify it with the keys at ``/v1/.well-known/jwks.json``."""
    svc = service_of(request)
    host = request.client.host if request.client else "?"
    wait = svc.token_buckets.take(f"ip:{host}")
    if wait > 0:
        raise ProblemError(429, "rate_limited", headers={"Retry-After": TokenBuckets.retry_after(wait)},
                           retry_after=TokenBuckets.retry_after(wait))
    if grant_type == "client_credentials":
        # client secret basic auth (RFC 6749 §2.3.1) or form fields
        if client_id is None or client_secret is None:
            raise ProblemError(401, "invalid_client")
        with svc.sessions() as s:
            client = s.get(ApiClient, client_id)
            inst = s.get(Institution, client.institution_id) if client is not None else None
        ok = verify_secret(client.secret_hash if client else None, client_secret)
        if not ok or client is None or inst is None or not client.active or not inst.active:
            raise ProblemError(401, "invalid_client")
        scopes = _narrow(client.scopes.split(), scope)
        access, ttl = svc.issuer.issue(subject=client.client_id, role=Role.CLIENT.value, scopes=scopes,
                                       institution=client.institution_id, enterprise=None)
    elif grant_type == "password":
        if username is None or password is None:
            raise ProblemError(401, "invalid_grant")
        with svc.sessions() as s:
            account = s.get(Account, username)
            inst = s.get(Institution, account.institution_id) if account and account.institution_id else None
        ok = verify_secret(account.password_hash if account else None, password)
        if not ok or account is None or not account.active or (account.institution_id and (inst is None or
                                                                                          not inst.active)):
            raise ProblemError(401, "invalid_grant")
        role = Role(account.role)
        scopes = _narrow([s.value for s in ROLE_SCOPES[role]], scope)
        access, ttl = svc.issuer.issue(subject=account.username, role=role.value, scopes=scopes,
                                       institution=account.institution_id, enterprise=account.enterprise_id)
    else:
        raise ProblemError(400, "unsupported_grant_type", value=grant_type[:40])
    return {"access_token": access, "token_type": "Bearer", "expires_in": ttl, "scope": " ".join(scopes)}


@router.post("/revoke", status_code=204, responses=problem_responses(401, 429),
             summary="Revoke the presented token / 吊销令牌")
async def revoke(request: Request, principal: Principal = Depends(REVOKE_POLICY)) -> Response:
    """Revokes the bearer token of this request (RFC 7009 spirit): it is refused from the next request on."""
    svc = service_of(request)
    if principal.jti is not None and principal.expires_at is not None:
        with svc.sessions.begin() as s:
            if s.get(RevokedToken, principal.jti) is None:
                s.add(RevokedToken(jti=principal.jti, revoked_at=dt.datetime.now(dt.UTC),
                                   expires_at=dt.datetime.fromtimestamp(principal.expires_at, dt.UTC)))
        svc.authenticator.changed()
    return Response(status_code=204)
