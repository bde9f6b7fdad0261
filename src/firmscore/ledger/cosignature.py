"""C2SP ``tlog-cosignature`` v1 (Ed25519): a witness's timestamped statement about a checkpoint.

A cosignature is one more signature line on the checkpoint note::

    — <witness name> base64(key id (4) || timestamp (u64, big endian) || Ed25519 signature (64))

The key id is ``SHA-256(name || "\\n" || 0x04 || public key)[:4]`` and the signed message is
``"cosignature/v1\\ntime <timestamp>\\n"`` followed by the checkpoint body. It states: "as of this
time, the largest consistent tree I have seen for this origin has this root". Witness keys are
published as note verifier keys with signature type 0x04. Signing lives here too (not only in the
witness) so that signing and verifying share one definition of the message.
"""

from __future__ import annotations

import base64
import hashlib
import struct
import time
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from firmscore.ledger.checkpoint import SIGNATURE_DASH, CheckpointError, parse_checkpoint

COSIGNATURE_ALG = b"\x04"
HEADER = "cosignature/v1\n"


def cosigner_key_id(name: str, public_key: bytes) -> bytes:
    return hashlib.sha256(name.encode("utf-8") + b"\n" + COSIGNATURE_ALG + public_key).digest()[:4]


def cosigned_message(body: str, timestamp: int) -> bytes:
    """What a witness signs: header line, time line, then the checkpoint body."""
    return (HEADER + f"time {timestamp}\n" + body).encode("utf-8")


def note_body(note: str) -> str:
    """The body of a signed note (its text up to the blank line), with its final newline."""
    if "\n\n" not in note:
        raise CheckpointError("a signed note needs a blank line between body and signatures")
    return note.split("\n\n", 1)[0] + "\n"


@dataclass(frozen=True)
class CosignerVerifier:
    """A witness's public key in verifier-key form ``name+keyid+base64(0x04 || key)``."""

    name: str
    public_key: bytes

    @property
    def key_id(self) -> bytes:
        return cosigner_key_id(self.name, self.public_key)

    def encode(self) -> str:
        return f"{self.name}+{self.key_id.hex()}+{base64.b64encode(COSIGNATURE_ALG + self.public_key).decode()}"

    @classmethod
    def parse(cls, text: str) -> CosignerVerifier:
        parts = text.strip().split("+", 2)
        if len(parts) != 3:
            raise CheckpointError("a witness key has three '+'-separated parts")
        name, hex_id, b64 = parts
        try:
            raw = base64.b64decode(b64, validate=True)
        except ValueError as exc:
            raise CheckpointError("witness key is not base64") from exc
        if len(raw) != 33 or raw[:1] != COSIGNATURE_ALG:
            raise CheckpointError("witness key is not an Ed25519 cosignature (0x04) key")
        made = cls(name, raw[1:])
        if made.key_id.hex() != hex_id:
            raise CheckpointError("witness key hash does not match its name and key")
        return made

    def verify(self, note: str) -> int:
        """The timestamp of this witness's valid cosignature on ``note``; :class:`CheckpointError` if none."""
        _, _, _, signatures = parse_checkpoint(note)
        body = note_body(note)
        public = Ed25519PublicKey.from_public_bytes(self.public_key)
        for name, blob in signatures:
            if name != self.name or blob[:4] != self.key_id:
                continue
            if len(blob) != 4 + 8 + 64:
                raise CheckpointError(f"cosignature of {name} has {len(blob)} bytes, not 76")
            (stamp,) = struct.unpack(">Q", blob[4:12])
            try:
                public.verify(blob[12:], cosigned_message(body, stamp))
            except InvalidSignature as exc:
                raise CheckpointError(f"cosignature of {name} does not verify") from exc
            return int(stamp)
        raise CheckpointError(f"no cosignature by witness {self.name} on this checkpoint")


class Cosigner:
    """A witness's private key: signs cosignature lines."""

    def __init__(self, name: str, private_key: Ed25519PrivateKey) -> None:
        self.name = name
        self._key = private_key

    @property
    def verifier(self) -> CosignerVerifier:
        raw = self._key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return CosignerVerifier(self.name, raw)

    def cosign(self, note: str, timestamp: int | None = None) -> str:
        """One signature line (with its newline) cosigning the checkpoint ``note``."""
        stamp = int(time.time()) if timestamp is None else timestamp
        sig = self._key.sign(cosigned_message(note_body(note), stamp))
        blob = self.verifier.key_id + struct.pack(">Q", stamp) + sig
        return f"{SIGNATURE_DASH} {self.name} {base64.b64encode(blob).decode()}\n"


def add_signature_lines(note: str, lines: str) -> str:
    """The note with more signature lines appended (a note ends with its last line's newline)."""
    return note if not lines else note.rstrip("\n") + "\n" + lines.rstrip("\n") + "\n"
