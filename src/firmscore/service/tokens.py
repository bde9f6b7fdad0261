"""Short-lived access tokens: JWTs signed with EdDSA (Ed25519), ``kid`` in the header.

Claims: ``iss``, ``aud``, ``sub`` (client id or username), ``role``, ``inst`` (institution, if
any), ``ent`` (the firm of a subject account), ``scope``, ``iat``, ``exp``, ``jti``. Verification
demands every one of them, the audience and issuer, an unexpired token and a known ``kid``; the
revocation list is checked by :mod:`firmscore.service.auth`.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

import jwt

from firmscore.service.keys import KeyRing

REQUIRED = ["iss", "aud", "sub", "exp", "iat", "jti"]


class TokenError(ValueError):
    """Why a token was refused (the reason goes into the 401 problem)."""


@dataclass(frozen=True, kw_only=True)
class TokenIssuer:
    keys: KeyRing
    issuer: str
    audience: str
    ttl_s: int

    def issue(self, *, subject: str, role: str, scopes: list[str], institution: str | None,
              enterprise: str | None) -> tuple[str, int]:
        """A signed token and its lifetime in seconds."""
        self.keys.refresh()
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer, "aud": self.audience, "sub": subject, "role": role, "scope": " ".join(scopes),
            "iat": now, "nbf": now, "exp": now + self.ttl_s, "jti": secrets.token_hex(16),
        }
        if institution:
            claims["inst"] = institution
        if enterprise:
            claims["ent"] = enterprise
        key = self.keys.current
        return jwt.encode(claims, key.private, algorithm="EdDSA", headers={"kid": key.kid}), self.ttl_s

    def verify(self, token: str) -> dict[str, Any]:
        """The claims of a valid token; :class:`TokenError` otherwise."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise TokenError("malformed") from exc
        kid = header.get("kid")
        if header.get("alg") != "EdDSA" or not isinstance(kid, str):
            raise TokenError("unsupported algorithm or missing kid")
        key = self.keys.keys.get(kid)
        if key is None and self.keys.refresh():
            key = self.keys.keys.get(kid)
        if key is None:
            raise TokenError("unknown signing key")
        try:
            claims: dict[str, Any] = jwt.decode(token, key.public, algorithms=["EdDSA"], audience=self.audience,
                                                issuer=self.issuer, options={"require": REQUIRED}, leeway=5)
        except jwt.ExpiredSignatureError as exc:
            raise TokenError("expired") from exc
        except jwt.InvalidAudienceError as exc:
            raise TokenError("wrong audience") from exc
        except jwt.InvalidSignatureError as exc:
            raise TokenError("bad signature") from exc
        except jwt.PyJWTError as exc:
            raise TokenError("invalid") from exc
        return claims
