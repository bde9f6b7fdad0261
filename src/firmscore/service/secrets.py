"""Hashing of what clients and accounts present: Argon2 for secrets and passwords, SHA-256 for API keys.

Client secrets and passwords are checked once per token request, so a deliberately slow Argon2id
hash is affordable. API keys are checked on every request: they are 256-bit random values, for
which a fast SHA-256 is as safe as a slow hash (there is nothing to brute-force) and compared in
constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets as _secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_HASHER = PasswordHasher()
#: A hash to check against when the client or account does not exist, so timing does not tell.
_DUMMY = _HASHER.hash("not-a-real-secret")
API_KEY_PREFIX = "fsk_"


def hash_secret(secret: str) -> str:
    return _HASHER.hash(secret)


def verify_secret(stored_hash: str | None, secret: str) -> bool:
    """True when ``secret`` matches ``stored_hash`` (an Argon2 hash); a missing hash still costs a check."""
    try:
        return _HASHER.verify(stored_hash or _DUMMY, secret) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def new_secret() -> str:
    return _secrets.token_urlsafe(32)


def new_api_key() -> tuple[str, str, str]:
    """A new API key: (key id, the full key shown once, its stored hash)."""
    key_id = _secrets.token_hex(8)
    key = f"{API_KEY_PREFIX}{key_id}_{_secrets.token_urlsafe(32)}"
    return key_id, key, hash_api_key(key)


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def api_key_id(key: str) -> str | None:
    """The key id embedded in an API key, or None when it is not one of ours."""
    if not key.startswith(API_KEY_PREFIX):
        return None
    body = key[len(API_KEY_PREFIX):]
    key_id, sep, _ = body.partition("_")
    return key_id if sep and len(key_id) == 16 else None


def api_key_matches(stored_hash: str, key: str) -> bool:
    return hmac.compare_digest(stored_hash, hash_api_key(key))
