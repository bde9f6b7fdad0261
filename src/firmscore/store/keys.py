"""Key-encryption keys (KEK): envelope encryption of the per-record keys that protect sealed records.

Every sealed (personal or negative) record is encrypted under its own random AES-256 data key, so that
destroying that key erases the record. Those data keys are stored in the ledger database, and a
database copied off the machine must decrypt nothing: each data key (and commitment salt) is therefore
stored *wrapped*, AES-256-GCM-encrypted under a key-encryption key that lives in the key folder
(:func:`firmscore.config.key_dir`, outside the data home, mode 0600) or in ``$FIRMSCORE_KEK``.

Wrapped format (65 bytes for a 32-byte secret)::

    0x01 ‖ key id (4 bytes) ‖ nonce (12 bytes) ‖ AES-256-GCM(KEK, secret, aad = purpose ‖ 0x00 ‖ record id)

The key id is ``SHA-256("firmscore-kek-id" ‖ KEK)[:4]`` so that a blob names the KEK that unwraps it
and several KEKs can be held during a rotation. The associated data binds a wrapped secret to its
record and purpose: a wrapped key copied onto another record does not unwrap.

Rotation (``firmscore admin rotate-kek``): :meth:`KeyRing.rotate` adds a new current KEK and keeps the old
one for unwrapping; the ledger's keys are then re-wrapped under the new KEK
(:meth:`firmscore.ledger.EvidenceLedger.rewrap_keys`) and finally the old KEK is retired
(:meth:`KeyRing.retire`), after which a stale copy of the database (or a freed page that still holds an
old wrapped key) unwraps nothing.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from firmscore.store.atomic import write_bytes

ENV_KEK = "FIRMSCORE_KEK"
KEK_FILE = "kek.json"
WRAP_VERSION = b"\x01"
KEY_ID_BYTES = 4
NONCE_BYTES = 12
#: Length of a wrapped 32-byte secret; anything of 32 bytes is a legacy, unwrapped secret.
WRAPPED_32 = 1 + KEY_ID_BYTES + NONCE_BYTES + 32 + 16


class UnwrapError(LookupError):
    """A wrapped secret names a KEK the key folder does not hold, or fails authentication."""


def key_id(kek: bytes) -> bytes:
    """The public 4-byte identifier of a KEK (a hash: it reveals nothing usable about the key)."""
    return hashlib.sha256(b"firmscore-kek-id" + kek).digest()[:KEY_ID_BYTES]


def _aad(purpose: str, record_id: str) -> bytes:
    return purpose.encode("ascii") + b"\x00" + record_id.encode("utf-8")


def write_private(path: Path, data: bytes) -> None:
    """Write a key file atomically with mode 0600 (:func:`firmscore.store.atomic.write_bytes`)."""
    write_bytes(path, data)


@dataclass(frozen=True)
class KeyRing:
    """The KEKs of one key folder: the current one wraps, every one held unwraps.

    Built by :meth:`load_or_create`; ``path`` is ``None`` when the KEK came from ``$FIRMSCORE_KEK``
    (a deployment's secret store), in which case rotation is done by the deployment.
    """

    current: bytes
    retired: tuple[bytes, ...] = ()
    path: Path | None = None
    _aeads: dict[bytes, AESGCM] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if len(self.current) != 32 or any(len(k) != 32 for k in self.retired):
            raise ValueError("a key-encryption key must have exactly 32 bytes (AES-256)")
        for k in (self.current, *self.retired):
            self._aeads[key_id(k)] = AESGCM(k)

    # ------------------------------------------------------------------ loading
    @classmethod
    def load_or_create(cls, folder: Path) -> KeyRing:
        """``$FIRMSCORE_KEK`` (base64) when set, else ``folder/kek.json``, created (0600) on first use."""
        env = os.environ.get(ENV_KEK)
        if env:
            return cls(base64.b64decode(env))
        path = Path(folder) / KEK_FILE
        if path.exists():
            doc = json.loads(path.read_text(encoding="utf-8"))
            return cls(base64.b64decode(doc["current"]), tuple(base64.b64decode(k) for k in doc.get("retired", [])),
                       path)
        ring = cls(AESGCM.generate_key(bit_length=256), (), path)
        ring._save()
        return ring

    def _save(self) -> None:
        if self.path is None:
            raise ValueError(f"the KEK comes from ${ENV_KEK}: rotate it in the deployment's secret store")
        doc = {"current": base64.b64encode(self.current).decode(),
               "retired": [base64.b64encode(k).decode() for k in self.retired]}
        write_private(self.path, json.dumps(doc).encode("utf-8"))

    # ------------------------------------------------------------------ rotation
    def rotate(self) -> KeyRing:
        """A new current KEK; the old ones stay for unwrapping until :meth:`retire`. Saved."""
        ring = KeyRing(AESGCM.generate_key(bit_length=256), (self.current, *self.retired), self.path)
        ring._save()
        return ring

    def retire(self) -> KeyRing:
        """Forget every KEK but the current one (after every secret was re-wrapped). Saved."""
        ring = KeyRing(self.current, (), self.path)
        ring._save()
        return ring

    @property
    def current_id(self) -> bytes:
        return key_id(self.current)

    # ------------------------------------------------------------------ wrapping
    def wrap(self, purpose: str, record_id: str, secret: bytes) -> bytes:
        """Encrypt ``secret`` under the current KEK, bound to ``purpose`` and ``record_id``."""
        nonce = os.urandom(NONCE_BYTES)
        kid = self.current_id
        return WRAP_VERSION + kid + nonce + self._aeads[kid].encrypt(nonce, secret, _aad(purpose, record_id))

    def wrap_many(self, purpose: str, record_ids: Sequence[str], secrets: Sequence[bytes]) -> list[bytes]:
        """:meth:`wrap` over many records (one AES-GCM object, one random read)."""
        n = len(record_ids)
        kid = self.current_id
        aead = self._aeads[kid]
        nonces = os.urandom(NONCE_BYTES * n)
        head = WRAP_VERSION + kid
        out = []
        for i, (rid, secret) in enumerate(zip(record_ids, secrets, strict=True)):
            nonce = nonces[i * NONCE_BYTES:(i + 1) * NONCE_BYTES]
            out.append(head + nonce + aead.encrypt(nonce, secret, _aad(purpose, rid)))
        return out

    def unwrap(self, purpose: str, record_id: str, blob: bytes) -> bytes:
        """The secret inside ``blob``; a legacy unwrapped 32-byte secret is returned as is.

        Raises :class:`UnwrapError` when the blob names a KEK this ring does not hold or was altered,
        moved to another record, or wrapped for another purpose.
        """
        if len(blob) == 32:
            return blob  # written before envelope encryption; `firmscore admin secure` wraps it
        if blob[:1] != WRAP_VERSION:
            raise UnwrapError(f"record {record_id}: {purpose} is not a wrapped secret")
        aead = self._aeads.get(blob[1:1 + KEY_ID_BYTES])
        if aead is None:
            raise UnwrapError(f"record {record_id}: {purpose} is wrapped by a key-encryption key not in the key folder")
        start = 1 + KEY_ID_BYTES
        try:
            return aead.decrypt(blob[start:start + NONCE_BYTES], blob[start + NONCE_BYTES:], _aad(purpose, record_id))
        except InvalidTag as exc:
            raise UnwrapError(f"record {record_id}: wrapped {purpose} fails authentication") from exc

    def needs_rewrap(self, blob: bytes) -> bool:
        """Whether ``blob`` is unwrapped (legacy) or wrapped by a KEK other than the current one."""
        return len(blob) == 32 or blob[1:1 + KEY_ID_BYTES] != self.current_id
