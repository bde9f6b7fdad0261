"""Each party's Ed25519 identity key, exchanged with the partner beforehand (public half only).

The private key lives in the data home's key folder (:func:`firmscore.config.key_dir`, outside the
home, mode 0600); the public key is a 64-character hex string that the other party passes as
``--peer-key``. Rotating a key = generating a new one and exchanging the new public half.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from firmscore.config import key_dir
from firmscore.federate.errors import FederationError

KEY_FILE = "federate-ed25519.key"


def public_hex(key: Ed25519PublicKey) -> str:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def fingerprint(public: str) -> str:
    """Short id of a public key (first 16 hex digits of its SHA-256), used as the sender field."""
    return hashlib.sha256(bytes.fromhex(public)).hexdigest()[:16]


def load_or_create(home: Path) -> Ed25519PrivateKey:
    """The party's signing key, created (0600) on first use."""
    path = key_dir(home) / KEY_FILE
    if path.exists():
        raw = path.read_bytes()
        if len(raw) != 32:
            raise FederationError("federate.bad_key", path=str(path), detail=f"{len(raw)} bytes, expected 32")
        return Ed25519PrivateKey.from_private_bytes(raw)
    key = Ed25519PrivateKey.generate()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()))
    return key


def parse_public(text: str, where: str = "--peer-key") -> Ed25519PublicKey:
    """A partner public key from its hex text or a file holding it."""
    value = text.strip()
    p = Path(value)
    if len(value) != 64 and p.is_file():
        where, value = str(p), p.read_text(encoding="utf-8").strip()
    try:
        return Ed25519PublicKey.from_public_bytes(bytes.fromhex(value))
    except ValueError as exc:
        raise FederationError("federate.bad_key", path=where, detail=str(exc)) from exc
