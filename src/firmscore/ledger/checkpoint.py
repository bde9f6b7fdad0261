"""Signed checkpoints in the C2SP ``signed-note`` / ``tlog-checkpoint`` text format, with Ed25519.

A checkpoint body is three lines — origin, decimal tree size, base64 root hash — and the note adds
a blank line and one signature line per signer: ``— <name> <base64(key hash (4 bytes) || signature)>``.
The key hash is the first four bytes of ``SHA-256(name || "\\n" || 0x01 || public key)`` and the
public key is published as a note verifier key ``<name>+<key hash hex>+<base64(0x01 || key)>``, so
any note-aware tool (Go's ``golang.org/x/mod/sumdb/note``, sigsum, witnesses) can check our roots.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from firmscore.ledger.hasher import HASH_SIZE

ED25519_ALG = b"\x01"
SIGNATURE_DASH = "\u2014"  # the em dash that starts a signature line
_NAME = re.compile(r"^[^\s+]+$")


class CheckpointError(ValueError):
    """A checkpoint note that is malformed or whose signature does not verify."""


def key_hash(name: str, public_key: bytes) -> bytes:
    """The 4-byte key id of the note format."""
    return hashlib.sha256(name.encode("utf-8") + b"\n" + ED25519_ALG + public_key).digest()[:4]


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


@dataclass(frozen=True)
class NoteVerifier:
    """A public key in note verifier-key form: the name of the log and its Ed25519 key."""

    name: str
    public_key: bytes

    @property
    def key_id(self) -> bytes:
        return key_hash(self.name, self.public_key)

    def encode(self) -> str:
        """``<name>+<hex key hash>+<base64(0x01 || public key)>``."""
        return f"{self.name}+{self.key_id.hex()}+{base64.b64encode(ED25519_ALG + self.public_key).decode()}"

    @classmethod
    def parse(cls, text: str) -> NoteVerifier:
        parts = text.strip().split("+", 2)
        if len(parts) != 3:
            raise CheckpointError("a verifier key has three '+'-separated parts")
        name, hex_id, b64 = parts
        raw = base64.b64decode(b64, validate=True)
        if len(raw) != 33 or raw[:1] != ED25519_ALG:
            raise CheckpointError("verifier key is not an Ed25519 key")
        made = cls(name, raw[1:])
        if made.key_id.hex() != hex_id:
            raise CheckpointError("verifier key hash does not match its name and key")
        return made


@dataclass(frozen=True)
class SignedCheckpoint:
    """A signed statement "the log ``origin`` had ``size`` leaves with root ``root``"."""

    origin: str
    size: int
    root: bytes
    note: str

    @property
    def body(self) -> str:
        return checkpoint_body(self.origin, self.size, self.root)


def checkpoint_body(origin: str, size: int, root: bytes) -> str:
    return f"{origin}\n{size}\n{base64.b64encode(root).decode()}\n"


class CheckpointSigner:
    """Signs checkpoints with the log's Ed25519 key."""

    def __init__(self, name: str, private_key: Ed25519PrivateKey) -> None:
        if not _NAME.match(name):
            raise ValueError(f"a note signer name must not contain spaces or '+': {name!r}")
        self.name = name
        self._key = private_key

    @property
    def verifier(self) -> NoteVerifier:
        return NoteVerifier(self.name, _raw_public(self._key.public_key()))

    def sign(self, size: int, root: bytes) -> SignedCheckpoint:
        body = checkpoint_body(self.name, size, root)
        sig = self._key.sign(body.encode("utf-8"))
        line = f"{SIGNATURE_DASH} {self.name} {base64.b64encode(self.verifier.key_id + sig).decode()}\n"
        return SignedCheckpoint(self.name, size, root, body + "\n" + line)

    # ------------------------------------------------------------------ key files
    @classmethod
    def load_or_create(cls, folder: Path, name: str | None = None) -> CheckpointSigner:
        """Key pair in ``folder`` (``checkpoint.key`` mode 0600, ``checkpoint.pub``), created on first use."""
        key_file, pub_file = folder / "checkpoint.key", folder / "checkpoint.pub"
        if key_file.exists():
            private = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
            if not isinstance(private, Ed25519PrivateKey):
                raise CheckpointError(f"{key_file} is not an Ed25519 private key")
            verifier = NoteVerifier.parse(pub_file.read_text(encoding="utf-8"))
            return cls(verifier.name, private)
        folder.mkdir(parents=True, exist_ok=True)
        private = Ed25519PrivateKey.generate()
        signer = cls(name or f"firmscore.local/ledger/{os.urandom(4).hex()}", private)
        pem = private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
        pub_file.write_text(signer.verifier.encode() + "\n", encoding="utf-8")
        return signer


def parse_checkpoint(note: str) -> tuple[str, int, bytes, list[tuple[str, bytes]]]:
    """Split a note into (origin, size, root, [(signer name, key hash || signature)])."""
    if "\n\n" not in note:
        raise CheckpointError("a signed note needs a blank line between body and signatures")
    body, sigs = note.split("\n\n", 1)
    lines = body.split("\n")
    if len(lines) < 3:
        raise CheckpointError("a checkpoint body has an origin, a size and a root hash")
    origin, size_text, root_text = lines[0], lines[1], lines[2]
    if not size_text.isdigit() or (size_text != "0" and size_text.startswith("0")):
        raise CheckpointError(f"invalid tree size {size_text!r}")
    try:
        root = base64.b64decode(root_text, validate=True)
    except ValueError as exc:
        raise CheckpointError("root hash is not base64") from exc
    if len(root) != HASH_SIZE:
        raise CheckpointError("root hash is not 32 bytes")
    signatures = []
    for line in sigs.split("\n"):
        if not line:
            continue
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != SIGNATURE_DASH:
            raise CheckpointError(f"malformed signature line {line!r}")
        signatures.append((parts[1], base64.b64decode(parts[2], validate=True)))
    return origin, int(size_text), root, signatures


def verify_checkpoint(note: str, verifier: NoteVerifier) -> SignedCheckpoint:
    """Check ``note`` is a checkpoint signed by ``verifier``'s key; returns it parsed.

    Raises :class:`CheckpointError` for a malformed note, a foreign origin or a bad signature.
    """
    origin, size, root, signatures = parse_checkpoint(note)
    if origin != verifier.name:
        raise CheckpointError(f"checkpoint origin {origin!r} is not {verifier.name!r}")
    body = note.split("\n\n", 1)[0] + "\n"
    public = Ed25519PublicKey.from_public_bytes(verifier.public_key)
    for name, blob in signatures:
        if name == verifier.name and blob[:4] == verifier.key_id:
            try:
                public.verify(blob[4:], body.encode("utf-8"))
            except InvalidSignature as exc:
                raise CheckpointError("checkpoint signature does not verify") from exc
            return SignedCheckpoint(origin, size, root, note)
    raise CheckpointError(f"no signature by {verifier.name} on this checkpoint")
