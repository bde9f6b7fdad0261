"""Token signing keys: Ed25519 key pairs with a ``kid``, rotated, published as a JWKS.

Keys live in ``key_dir(home)/service`` (outside the data home): ``<kid>.key`` (PKCS#8 PEM, mode
0600) and ``keys.json`` (which key signs now and which older keys still verify). Rotation makes
a new key the signer and keeps the previous ones for verification until every token they signed
has expired, so rotating never logs anyone out early.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from firmscore.store.atomic import write_json

INDEX = "keys.json"


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private: Ed25519PrivateKey
    created_at: str

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()

    def jwk(self) -> dict[str, str]:
        raw = self.public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return {"kty": "OKP", "crv": "Ed25519", "x": _b64url(raw), "kid": self.kid, "alg": "EdDSA", "use": "sig"}


class KeyRing:
    """The signing key and the verification keys of the service."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.keys: dict[str, SigningKey] = {}
        self.current_kid = ""
        self._mtime = 0.0
        self.reload()

    def refresh(self) -> bool:
        """Reload when another process (``firmscore admin rotate-keys``) rotated the keys; True if it did."""
        index = self.folder / INDEX
        if index.exists() and index.stat().st_mtime != self._mtime:
            self.reload()
            return True
        return False

    def reload(self) -> None:
        index = self.folder / INDEX
        if not index.exists():
            self.rotate()
            return
        self._mtime = index.stat().st_mtime
        doc = json.loads(index.read_text(encoding="utf-8"))
        keys: dict[str, SigningKey] = {}
        for entry in doc["keys"]:
            pem = (self.folder / f"{entry['kid']}.key").read_bytes()
            private = serialization.load_pem_private_key(pem, password=None)
            if not isinstance(private, Ed25519PrivateKey):
                raise ValueError(f"token signing key {entry['kid']} is not Ed25519")
            keys[entry["kid"]] = SigningKey(entry["kid"], private, entry["created_at"])
        self.keys, self.current_kid = keys, doc["current"]

    @property
    def current(self) -> SigningKey:
        return self.keys[self.current_kid]

    def rotate(self, keep: int = 2) -> SigningKey:
        """Make a new signing key; keep the ``keep`` most recent older keys for verification."""
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        kid = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S") + "-" + secrets.token_hex(4)
        private = Ed25519PrivateKey.generate()
        pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
        fd = os.open(self.folder / f"{kid}.key", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
        key = SigningKey(kid, private, dt.datetime.now(dt.UTC).isoformat())
        older = sorted(self.keys.values(), key=lambda k: k.created_at, reverse=True)[:keep]
        retired = [k for k in self.keys.values() if k not in older]
        self.keys = {k.kid: k for k in [key, *older]}
        self.current_kid = kid
        self._write_index()
        for k in retired:
            (self.folder / f"{k.kid}.key").unlink(missing_ok=True)
        return key

    def _write_index(self) -> None:
        doc: dict[str, Any] = {"current": self.current_kid,
                               "keys": [{"kid": k.kid, "created_at": k.created_at} for k in self.keys.values()]}
        write_json(self.folder / INDEX, doc)  # 0600, all or nothing: a reader never sees half an index
        self._mtime = (self.folder / INDEX).stat().st_mtime

    def jwks(self) -> dict[str, list[dict[str, str]]]:
        return {"keys": [k.jwk() for k in self.keys.values()]}
