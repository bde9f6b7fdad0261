"""Deny by default: every route declares a policy, and the authorization matrix holds cell by cell."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from firmscore.service.policies import Policy
from firmscore.service.routetable import RouteRow, api_routes, other_routes

from .conftest import Api

pytestmark = pytest.mark.xdist_group("service")
ROLES = ("admin", "analyst", "client", "subject", "anonymous")
DOCS_ROUTES = {"/v1/openapi.json", "/docs", "/docs/oauth2-redirect"}


def declared_policy(route: RouteRow) -> Policy | None:
    """The policy among a route's direct dependencies (there must be exactly one)."""
    found = [d.call for d in route.dependant.dependencies if isinstance(d.call, Policy)]
    assert len(found) <= 1, f"{route.path}: more than one policy"
    return found[0] if found else None


def test_every_route_declares_a_policy(api: Api) -> None:
    routes = list(api_routes(api.client.app))  # type: ignore[arg-type]
    assert len(routes) >= 17
    missing = [f"{r.method} {r.path}" for r in routes if declared_policy(r) is None]
    assert missing == [], f"routes without a declared policy: {missing}"
    assert set(other_routes(api.client.app)) <= DOCS_ROUTES  # type: ignore[arg-type]


def who(role: str, tenant: str) -> str:
    """The credential of a role in a tenant ("own" = bank-a / firm a, "other" = bank-b / firm b)."""
    if role in ("admin", "anonymous"):
        return role
    if role == "subject":
        return "subject:a"
    return f"{role}:bank-a"


# (method, path template) → callable(api, tenant) giving (path, kwargs), and the expected status per role
Call = Callable[[Api, str], tuple[str, dict[str, Any]]]


def _firm(api: Api, tenant: str) -> str:
    return api.firm_a if tenant == "own" else api.firm_b


def _record(api: Api, firm: str) -> str:
    row, _ = api.book.row(firm, True)
    return str(next(rid for r in row["reasons"] for rid in r["record_ids"]))


def _entry(api: Api, role: str, tenant: str) -> str:
    """An entry the caller's tenant made (own) or another tenant made (other), committed to the ledger."""
    if role in ("admin", "anonymous"):
        maker = "client:bank-a"
    elif tenant == "own":
        maker = who(role, tenant)
    else:
        maker = "subject:b" if role == "subject" else f"{role}:bank-b"
    firm = api.firm_b if maker == "subject:b" else api.firm_a
    r = api.client.get(f"/v1/enterprises/{firm}/score", params={"purpose": "loan_approval"} if "subject" not in maker
                       else {}, headers=api.headers(maker))
    assert r.status_code == 200, r.text
    entry = str(r.json()["query_id"])
    api.wait_ledger(entry, "admin")
    return entry


def _grant(api: Api, role: str, tenant: str) -> str:
    maker = "subject:a" if tenant == "own" else "subject:b"
    r = api.client.post("/v1/me/authorizations", json={"institution_id": "bank-a", "purpose": "trade_credit"},
                        headers=api.headers(maker))
    assert r.status_code == 201, r.text
    return str(r.json()["grant_id"])


P = {"purpose": "loan_approval"}
MATRIX: list[tuple[str, str, Call, dict[str, tuple[int, int]]]] = [
    # method, route, call, role → (own, other)
    ("GET", "/v1/enterprises/{enterprise_id}/score",
     lambda a, t: (f"/v1/enterprises/{_firm(a, t)}/score", {"params": P}),
     {"admin": (403, 403), "analyst": (200, 200), "client": (200, 200), "subject": (200, 403),
      "anonymous": (401, 401)}),
    ("GET", "/v1/enterprises/{enterprise_id}/report",
     lambda a, t: (f"/v1/enterprises/{_firm(a, t)}/report", {"params": P}),
     {"admin": (403, 403), "analyst": (200, 200), "client": (200, 200), "subject": (200, 403),
      "anonymous": (401, 401)}),
    ("GET", "/v1/enterprises/{enterprise_id}/evidence/{record_id}",
     lambda a, t: (f"/v1/enterprises/{_firm(a, t)}/evidence/{_record(a, _firm(a, t))}", {"params": P}),
     {"admin": (403, 403), "analyst": (200, 200), "client": (200, 200), "subject": (200, 403),
      "anonymous": (401, 401)}),
    ("GET", "/v1/enterprises", lambda a, t: ("/v1/enterprises", {"params": {"q": "有限", **P}}),
     {"admin": (403, 403), "analyst": (200, 200), "client": (200, 200), "subject": (403, 403),
      "anonymous": (401, 401)}),
    ("POST", "/v1/scores/batch",
     lambda a, t: ("/v1/scores/batch", {"json": {"purpose": "loan_approval", "enterprise_ids": [_firm(a, t)]}}),
     {"admin": (403, 403), "analyst": (200, 200), "client": (200, 200), "subject": (403, 403),
      "anonymous": (401, 401)}),
    ("GET", "/v1/query-log", lambda a, t: ("/v1/query-log", {}),
     {"admin": (200, 200), "analyst": (200, 200), "client": (200, 200), "subject": (200, 200),
      "anonymous": (401, 401)}),
    ("GET", "/v1/query-log/{entry_id}/proof", lambda a, t: ("", {}),  # filled per role below
     {"admin": (200, 200), "analyst": (200, 404), "client": (200, 404), "subject": (200, 404),
      "anonymous": (401, 401)}),
    ("GET", "/v1/me/report", lambda a, t: ("/v1/me/report", {}),
     {"admin": (403, 403), "analyst": (403, 403), "client": (403, 403), "subject": (200, 200),
      "anonymous": (401, 401)}),
    ("GET", "/v1/me/query-log", lambda a, t: ("/v1/me/query-log", {}),
     {"admin": (403, 403), "analyst": (403, 403), "client": (403, 403), "subject": (200, 200),
      "anonymous": (401, 401)}),
    ("GET", "/v1/me/authorizations", lambda a, t: ("/v1/me/authorizations", {}),
     {"admin": (403, 403), "analyst": (403, 403), "client": (403, 403), "subject": (200, 200),
      "anonymous": (401, 401)}),
    ("POST", "/v1/me/authorizations",
     lambda a, t: ("/v1/me/authorizations", {"json": {"institution_id": "bank-a" if t == "own" else "bank-b",
                                                      "purpose": "guarantee_review"}}),
     {"admin": (403, 403), "analyst": (403, 403), "client": (403, 403), "subject": (201, 201),
      "anonymous": (401, 401)}),
    ("DELETE", "/v1/me/authorizations/{grant_id}", lambda a, t: ("", {}),  # filled below
     {"admin": (403, 403), "analyst": (403, 403), "client": (403, 403), "subject": (200, 404),
      "anonymous": (401, 401)}),
    ("GET", "/v1/admin/institutions", lambda a, t: ("/v1/admin/institutions", {}),
     {"admin": (200, 200), "analyst": (403, 403), "client": (403, 403), "subject": (403, 403),
      "anonymous": (401, 401)}),
    ("POST", "/v1/oauth/revoke", lambda a, t: ("/v1/oauth/revoke", {}),
     {"admin": (204, 204), "analyst": (204, 204), "client": (204, 204), "subject": (204, 204),
      "anonymous": (401, 401)}),
    ("POST", "/v1/oauth/token", lambda a, t: ("/v1/oauth/token", {"data": {"grant_type": "client_credentials",
                                                                         "client_id": "nobody",
                                                                         "client_secret": "x"}}),
     {r: (401, 401) for r in ROLES}),
    ("GET", "/v1/.well-known/jwks.json", lambda a, t: ("/v1/.well-known/jwks.json", {}),
     {r: (200, 200) for r in ROLES}),
    ("GET", "/v1/ledger/checkpoint", lambda a, t: ("/v1/ledger/checkpoint", {}), {r: (200, 200) for r in ROLES}),
    ("GET", "/v1/health", lambda a, t: ("/v1/health", {}), {r: (200, 200) for r in ROLES}),
]
CELLS = [(m, route, role, tenant) for m, route, _, exp in MATRIX for role in ROLES for tenant in ("own", "other")]


def test_matrix_covers_every_route(api: Api) -> None:
    routes = {(r.method, r.path) for r in api_routes(api.client.app)}  # type: ignore[arg-type]
    assert routes == {(m, route) for m, route, _, _ in MATRIX}
    assert len(CELLS) == len(MATRIX) * len(ROLES) * 2


@pytest.mark.parametrize(("method", "route", "role", "tenant"), CELLS,
                         ids=[f"{m} {r} {role} {t}" for m, r, role, t in CELLS])
def test_authorization_matrix(api: Api, method: str, route: str, role: str, tenant: str) -> None:
    _, _, call, expected = next(x for x in MATRIX if x[0] == method and x[1] == route)
    want = expected[role][0 if tenant == "own" else 1]
    caller = who(role, tenant)
    if route == "/v1/query-log/{entry_id}/proof":
        path, kwargs = f"/v1/query-log/{_entry(api, role, tenant)}/proof", {}
    elif method == "DELETE":
        path, kwargs = f"/v1/me/authorizations/{_grant(api, role, tenant)}", {}
    else:
        path, kwargs = call(api, tenant)
    if role == "subject" and route.startswith("/v1/enterprises/{"):
        kwargs = {**kwargs, "params": {}}  # a firm asks for itself without an institution's purpose
    headers = api.headers(caller)
    if route == "/v1/oauth/revoke" and role != "anonymous":
        headers = {"Authorization": f"Bearer {api.fresh_token(caller)}"}  # revoking must not spend the shared one
    r = api.client.request(method, path, headers=headers, **kwargs)
    assert r.status_code == want, (method, path, role, tenant, r.status_code, r.text[:300])
    if want >= 400:
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["code"]
