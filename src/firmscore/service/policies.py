"""Access policies, declared next to each route as its first dependency.

``Depends(Policy(...))`` on a route authenticates the caller, checks the role and the scope, applies
the tenant rule and the rate limit, and hands the route its :class:`~firmscore.service.auth.Principal`.
Deny by default: a route without a policy fails the test that walks the route table
(``tests/service/test_policies.py``), and a policy names the roles it admits, never the ones it
refuses.

Tenant rules: ``firm`` — a subject account may only name its own firm in the path; ``self`` — the
route serves the caller's own firm or institution only; ``none`` — no tenant data in the path.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from firmscore.service.auth import Principal
from firmscore.service.problems import ProblemError
from firmscore.service.ratelimit import TokenBuckets
from firmscore.service.roles import Role, Scope

bearer_scheme = HTTPBearer(auto_error=False, description="OAuth2 access token (JWT, EdDSA) from /v1/oauth/token")
api_key_scheme = APIKeyHeader(name="X-API-Key", auto_error=False, description="An API key (shown once on creation)")


@dataclass(frozen=True)
class Policy:
    """Who may call a route: roles, the scope a token must carry, the tenant rule."""

    roles: frozenset[Role]
    scope: Scope | None
    tenant: str = "none"
    public: bool = False

    def __hash__(self) -> int:
        return hash((self.roles, self.scope, self.tenant, self.public))

    async def __call__(
        self,
        request: Request,
        bearer: HTTPAuthorizationCredentials | None = Depends(bearer_scheme),
        api_key: str | None = Depends(api_key_scheme),
    ) -> Principal | None:
        service = request.app.state.service
        auth = f"Bearer {bearer.credentials}" if bearer is not None else request.headers.get("authorization")
        principal: Principal = service.authenticator.authenticate(auth, api_key)
        wait = service.buckets.take(principal.rate_key)
        if wait > 0:
            raise ProblemError(429, "rate_limited", headers={"Retry-After": TokenBuckets.retry_after(wait)},
                               retry_after=TokenBuckets.retry_after(wait))
        if principal.role not in self.roles:
            raise ProblemError(403, "forbidden", role=principal.role.value)
        if self.scope is not None and self.scope.value not in principal.scopes:
            raise ProblemError(403, "insufficient_scope", scope=self.scope.value)
        if self.tenant == "firm" and principal.role is Role.SUBJECT:
            wanted = request.path_params.get("enterprise_id")
            if wanted != principal.enterprise_id:
                raise ProblemError(403, "other_tenant", own=principal.enterprise_id)
        request.state.principal = principal
        return principal


class PublicPolicy(Policy):
    """Anyone may call (keys, checkpoints, health, the token endpoint): no credentials are read."""

    async def __call__(self, request: Request) -> None:  # type: ignore[override]
        return None


def policy(*roles: Role, scope: Scope | None, tenant: str = "none") -> Policy:
    return Policy(frozenset(roles), scope, tenant)


PUBLIC = PublicPolicy(frozenset(), None, "none", public=True)
INSTITUTIONS = (Role.ANALYST, Role.CLIENT)
