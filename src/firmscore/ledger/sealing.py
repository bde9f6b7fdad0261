"""Per-record encryption of sealed (personal and negative) content, so that it can be crypto-shredded.

Each sealed record gets its own random AES-256-GCM key and its own commitment salt. The key and the
salt live in ``ledger_record_keys``, the ciphertext in ``ledger_sealed_content``; erasure deletes
both rows, after which neither the content nor a brute-force check of guesses against the
commitment in the leaf is possible. The record id is the associated data, so a ciphertext cannot
be moved to another record unnoticed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from firmscore.ledger.encoding import commitment

NONCE_BYTES = 12
SALT_BYTES = 32


@dataclass(frozen=True)
class SealedRecord:
    """The secret parts of one sealed record and the public commitment that goes into its leaf."""

    record_id: str
    key: bytes
    salt: bytes
    ciphertext: bytes
    commitment: str


def seal(record_id: str, canonical: bytes) -> SealedRecord:
    """Encrypt ``canonical`` under a fresh key and commit to it with a fresh salt."""
    key = AESGCM.generate_key(bit_length=256)
    salt = os.urandom(SALT_BYTES)
    nonce = os.urandom(NONCE_BYTES)
    ct = nonce + AESGCM(key).encrypt(nonce, canonical, record_id.encode("utf-8"))
    return SealedRecord(record_id, key, salt, ct, commitment(salt, canonical))


def unseal(record_id: str, key: bytes, ciphertext: bytes) -> bytes:
    """Decrypt a sealed record's canonical bytes (raises ``InvalidTag`` if altered or moved)."""
    return AESGCM(key).decrypt(ciphertext[:NONCE_BYTES], ciphertext[NONCE_BYTES:], record_id.encode("utf-8"))
