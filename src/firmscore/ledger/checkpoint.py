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
import re
from collections.abc import Iterator
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from firmscore.ledger.hasher import HASH_SIZE

ED25519_ALG = b"\x01"
SIGNATURE_DASH = "\u2014"  # the em dash that starts a signature line
_NAME = re.compile(r"^[^\s+]+$")
RETIRED = "retired-after="


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
        try:
            raw = base64.b64decode(b64, validate=True)
        except ValueError as exc:
            raise CheckpointError("verifier key is not base64") from exc
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
        try:
            blob = base64.b64decode(parts[2], validate=True)
        except ValueError as exc:
            raise CheckpointError(f"signature of {parts[1]!r} is not base64") from exc
        if len(blob) < 5:
            raise CheckpointError(f"signature of {parts[1]!r} is too short")
        signatures.append((parts[1], blob))
    return origin, int(size_text), root, signatures


def verify_signature(note: str, verifier: NoteVerifier, blob: bytes) -> None:
    """Check one signature line's ``key hash || signature`` blob over the note's body."""
    body = note.split("\n\n", 1)[0] + "\n"
    try:
        Ed25519PublicKey.from_public_bytes(verifier.public_key).verify(blob[4:], body.encode("utf-8"))
    except InvalidSignature as exc:
        raise CheckpointError("checkpoint signature does not verify") from exc


@dataclass(frozen=True)
class KeyEntry:
    """One published key; ``retired_after`` is the largest tree size it may sign (``None``: current)."""

    verifier: NoteVerifier
    retired_after: int | None = None

    def line(self) -> str:
        vkey = self.verifier.encode()
        return vkey if self.retired_after is None else f"{vkey} {RETIRED}{self.retired_after}"


@dataclass(frozen=True)
class Keyring:
    """The published checkpoint keys of one log: the current one first, then the retired ones."""

    entries: tuple[KeyEntry, ...]

    @property
    def current(self) -> NoteVerifier:
        return self.entries[0].verifier

    @property
    def name(self) -> str:
        return self.current.name

    def __iter__(self) -> Iterator[KeyEntry]:
        return iter(self.entries)

    def encode(self) -> str:
        return "".join(e.line() + "\n" for e in self.entries)

    @classmethod
    def parse(cls, text: str) -> Keyring:
        entries = []
        for raw in text.splitlines():
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            vkey, _, rest = line.partition(" ")
            retired: int | None = None
            if rest:
                if not rest.startswith(RETIRED) or not rest[len(RETIRED):].isdigit():
                    raise CheckpointError(f"malformed keyring line {line!r}")
                retired = int(rest[len(RETIRED):])
            entries.append(KeyEntry(NoteVerifier.parse(vkey), retired))
        if not entries:
            raise CheckpointError("the keyring holds no key")
        return cls(tuple(entries))

    @classmethod
    def of(cls, verifier: NoteVerifier) -> Keyring:
        return cls((KeyEntry(verifier),))

    def verify(self, note: str) -> SignedCheckpoint:
        """The checkpoint, if a key of this ring signed it (a retired key only up to its last size)."""
        origin, size, root, signatures = parse_checkpoint(note)
        if origin != self.name:
            raise CheckpointError(f"checkpoint origin {origin!r} is not {self.name!r}")
        for entry in self.entries:
            v = entry.verifier
            for name, blob in signatures:
                if name == v.name and blob[:4] == v.key_id:
                    verify_signature(note, v, blob)
                    if entry.retired_after is not None and size > entry.retired_after:
                        raise CheckpointError(
                            f"key {v.key_id.hex()} was retired after size {entry.retired_after} "
                            f"but signed size {size}")
                    return SignedCheckpoint(origin, size, root, note)
        raise CheckpointError(f"no signature by a published key of {self.name} on this checkpoint")


def verify_checkpoint(note: str, verifier: NoteVerifier | Keyring) -> SignedCheckpoint:
    """Check ``note`` is a checkpoint signed by ``verifier``'s key (or a key of a keyring); returns it parsed.

    Raises :class:`CheckpointError` for a malformed note, a foreign origin or a bad signature.
    """
    ring = verifier if isinstance(verifier, Keyring) else Keyring.of(verifier)
    return ring.verify(note)
