"""Tokens: issued by client credentials and password, refused when expired, tampered, foreign, revoked or disabled."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from firmscore.service import admin
from firmscore.service.tokens import TokenIssuer

from .conftest import Api

pytestmark = pytest.mark.xdist_group("service")


def score(api: Api, token: str) -> int:
    r = api.client.get(f"/v1/enterprises/{api.firm_a}/score", params={"purpose": "loan_approval"},
                       headers={"Authorization": f"Bearer {token}"})
    if r.status_code != 200:
        assert r.headers["content-type"].startswith("application/problem+json")
    return r.status_code


def test_client_credentials_token_verifies_against_the_jwks(api: Api) -> None:
    token = api.fresh_token("client:bank-a")
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "EdDSA" and header["kid"]
    keys = api.client.get("/v1/.well-known/jwks.json").json()["keys"]
    jwk = next(k for k in keys if k["kid"] == header["kid"])
    raw = base64.urlsafe_b64decode(jwk["x"] + "==")
    claims = jwt.decode(token, Ed25519PublicKey.from_public_bytes(raw), algorithms=["EdDSA"], audience="firmscore-api")
    assert claims["role"] == "client" and claims["inst"] == "bank-a" and claims["exp"] - claims["iat"] == 900
    assert score(api, token) == 200


def test_wrong_secret_and_unknown_client_are_401(api: Api) -> None:
    for data in ({"grant_type": "client_credentials", "client_id": "bank-a-loans", "client_secret": "wrong"},
                 {"grant_type": "client_credentials", "client_id": "nobody", "client_secret": "wrong"},
                 {"grant_type": "password", "username": "firm-a", "password": "wrong"}):
        r = api.client.post("/v1/oauth/token", data=data)
        assert r.status_code == 401 and r.json()["code"] in ("invalid_client", "invalid_grant"), r.text
    r = api.client.post("/v1/oauth/token", data={"grant_type": "authorization_code"})
    assert r.status_code == 400 and r.json()["code"] == "unsupported_grant_type"


def test_scope_can_be_narrowed_not_widened(api: Api) -> None:
    _, cid, secret = api.creds["client:bank-a"]
    r = api.client.post("/v1/oauth/token", data={"grant_type": "client_credentials", "client_id": cid,
                                                 "client_secret": secret, "scope": "search:read"})
    assert r.status_code == 200 and r.json()["scope"] == "search:read"
    narrow = r.json()["access_token"]
    r = api.client.get(f"/v1/enterprises/{api.firm_a}/score", params={"purpose": "loan_approval"},
                       headers={"Authorization": f"Bearer {narrow}"})
    assert r.status_code == 403 and r.json()["code"] == "insufficient_scope"
    r = api.client.post("/v1/oauth/token", data={"grant_type": "client_credentials", "client_id": cid,
                                                 "client_secret": secret, "scope": "admin"})
    assert r.status_code == 400 and r.json()["code"] == "invalid_scope"


def test_expired_tampered_foreign_and_unknown_key_tokens_are_401(api: Api) -> None:
    svc = api.service
    good = api.fresh_token("client:bank-a")
    expired = TokenIssuer(keys=svc.keys, issuer="firmscore", audience="firmscore-api", ttl_s=-60).issue(
        subject="bank-a-loans", role="client", scopes=["score:read"], institution="bank-a", enterprise=None)[0]
    foreign = TokenIssuer(keys=svc.keys, issuer="firmscore", audience="another-api", ttl_s=600).issue(
        subject="bank-a-loans", role="client", scopes=["score:read"], institution="bank-a", enterprise=None)[0]
    head, body, sig = good.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=="))
    claims["inst"] = "bank-b"
    forged_body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    tampered = f"{head}.{forged_body}.{sig}"
    stranger = jwt.encode({"iss": "firmscore", "aud": "firmscore-api", "sub": "x", "role": "client", "iat": 1,
                           "exp": int(time.time()) + 600, "jti": "j"}, Ed25519PrivateKey.generate(),
                          algorithm="EdDSA", headers={"kid": svc.keys.current_kid})
    none_alg = jwt.encode({"sub": "x"}, None, algorithm="none") if "none" in jwt.algorithms.get_default_algorithms() \
        else "eyJhbGciOiJub25lIn0.e30."
    for bad in (expired, foreign, tampered, stranger, none_alg, "not-a-jwt"):
        assert score(api, bad) == 401, bad[:40]
    assert score(api, good) == 200


def test_revoked_token_and_disabled_client_are_401_from_the_next_request(api: Api) -> None:
    token = api.fresh_token("client:bank-b")
    assert score(api, token) == 200
    assert api.client.post("/v1/oauth/revoke", headers={"Authorization": f"Bearer {token}"}).status_code == 204
    assert score(api, token) == 401
    other = api.fresh_token("client:bank-b")
    assert score(api, other) == 200
    made = admin.add_client(api.service.sessions, "bank-b", "temp", client_id="bank-b-temp")
    r = api.client.post("/v1/oauth/token", data={"grant_type": "client_credentials", "client_id": made.id,
                                                 "client_secret": made.secret})
    temp = r.json()["access_token"]
    assert score(api, temp) == 200
    admin.set_active(api.service.sessions, "client", made.id, False)
    api.service.authenticator.changed()
    assert score(api, temp) == 401
    r = api.client.post("/v1/oauth/token", data={"grant_type": "client_credentials", "client_id": made.id,
                                                 "client_secret": made.secret})
    assert r.status_code == 401


def test_key_rotation_keeps_old_tokens_valid_and_publishes_both(api: Api) -> None:
    old = api.fresh_token("client:bank-a")
    old_kid = jwt.get_unverified_header(old)["kid"]
    api.service.keys.rotate()
    new = api.fresh_token("client:bank-a")
    assert jwt.get_unverified_header(new)["kid"] != old_kid
    kids = {k["kid"] for k in api.client.get("/v1/.well-known/jwks.json").json()["keys"]}
    assert {old_kid, jwt.get_unverified_header(new)["kid"]} <= kids
    assert score(api, old) == 200 and score(api, new) == 200
    for path in api.service.keys.folder.glob("*.key"):
        assert path.stat().st_mode & 0o777 == 0o600
    assert api.service.keys.folder.stat().st_mode & 0o777 == 0o700
    assert not str(api.service.keys.folder.resolve()).startswith(str(api.home.root.resolve()) + "/")


def test_api_key_is_the_simple_alternative(api: Api) -> None:
    key = admin.add_api_key(api.service.sessions, "bank-a-loans")
    r = api.client.get(f"/v1/enterprises/{api.firm_a}/score", params={"purpose": "loan_approval"},
                       headers={"X-API-Key": key.secret})
    assert r.status_code == 200
    r = api.client.get(f"/v1/enterprises/{api.firm_a}/score", params={"purpose": "loan_approval"},
                       headers={"X-API-Key": key.secret[:-2] + "xx"})
    assert r.status_code == 401
    admin.set_active(api.service.sessions, "api-key", key.id, False)
    r = api.client.get(f"/v1/enterprises/{api.firm_a}/score", params={"purpose": "loan_approval"},
                       headers={"X-API-Key": key.secret})
    assert r.status_code == 401


def test_secrets_are_stored_as_argon2_hashes(api: Api) -> None:
    from sqlalchemy import select

    from firmscore.service.store import Account, ApiClient

    with api.service.sessions() as s:
        hashes = list(s.scalars(select(ApiClient.secret_hash))) + list(s.scalars(select(Account.password_hash)))
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
    secrets_in_clear = {v[2] for v in api.creds.values()}
    assert not any(sec in h for h in hashes for sec in secrets_in_clear)
