"""Evidence objects the ledger hands out: proofs of records, consistency, erasure answers.

Each carries everything a third party needs (leaf bytes, path, signed checkpoint) and verifies
itself with :mod:`firmscore.ledger.verify` and the published key only.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from firmscore.ledger.checkpoint import Keyring, NoteVerifier, SignedCheckpoint, verify_checkpoint
from firmscore.ledger.hasher import hash_leaf
from firmscore.ledger.verify import verify_consistency, verify_inclusion


def _b64(items: list[bytes]) -> list[str]:
    return [base64.b64encode(x).decode() for x in items]


@dataclass(frozen=True)
class Erasure:
    """A record's content was destroyed: when, and under which rule."""

    rule: str
    erased_on: str
    message_zh: str
    message_en: str


@dataclass(frozen=True)
class RecordProof:
    """Inclusion of one record's leaf in the log at a signed tree size."""

    record_id: str
    record_type: str
    leaf_index: int
    leaf_data: bytes
    path: list[bytes]
    checkpoint: SignedCheckpoint
    sealed: bool
    erasure: Erasure | None = None

    @property
    def tree_size(self) -> int:
        return self.checkpoint.size

    @property
    def leaf_hash(self) -> bytes:
        return hash_leaf(self.leaf_data)

    def verify(self, verifier: NoteVerifier | Keyring) -> None:
        """Raise unless the checkpoint is signed by ``verifier`` and the leaf is included under its root."""
        cp = verify_checkpoint(self.checkpoint.note, verifier)
        verify_inclusion(self.leaf_index, cp.size, self.leaf_hash, self.path, cp.root)

    def to_dict(self) -> dict[str, Any]:
        return {
            "record_id": self.record_id,
            "record_type": self.record_type,
            "leaf_index": self.leaf_index,
            "tree_size": self.tree_size,
            "leaf": self.leaf_data.decode("utf-8"),
            "leaf_hash": base64.b64encode(self.leaf_hash).decode(),
            "inclusion_proof": _b64(self.path),
            "checkpoint": self.checkpoint.note,
            "sealed": self.sealed,
            "erasure": None if self.erasure is None else self.erasure.__dict__,
        }


@dataclass(frozen=True)
class ConsistencyEvidence:
    """Proof that the log at ``old_size`` is a prefix of the log at ``new_size``."""

    old_size: int
    new_size: int
    old_root: bytes
    new_root: bytes
    path: list[bytes]

    def verify(self) -> None:
        verify_consistency(self.old_size, self.new_size, self.old_root, self.new_root, self.path)

    def to_dict(self) -> dict[str, Any]:
        return {
            "old_size": self.old_size,
            "new_size": self.new_size,
            "old_root": base64.b64encode(self.old_root).decode(),
            "new_root": base64.b64encode(self.new_root).decode(),
            "consistency_proof": _b64(self.path),
        }


@dataclass(frozen=True)
class LookupResult:
    """What the ledger knows about a record: its content (when still held) or how it was erased."""

    record_id: str
    record_type: str
    proof: RecordProof
    content: dict[str, Any] | None = None
    erasure: Erasure | None = None

    @property
    def erased(self) -> bool:
        return self.erasure is not None


def verify_leaf_proof(
    note: str, keyring: NoteVerifier | Keyring, leaf_index: int, leaf_data: bytes, proof: list[bytes]
) -> SignedCheckpoint:
    """Check a downloaded proof: ``note`` is signed by a published key and ``leaf_data`` is leaf ``leaf_index``
    under its root. Returns the checkpoint; raises ``CheckpointError`` or ``ProofError`` otherwise."""
    cp = verify_checkpoint(note, keyring)
    verify_inclusion(leaf_index, cp.size, hash_leaf(leaf_data), proof, cp.root)
    return cp
