"""The evidence ledger: a signed, append-only RFC 9162 Merkle log of every accepted record.

Construction (:mod:`.log`, :mod:`.proofs`, :mod:`.tiles`) and verification (:mod:`.verify`,
:mod:`.checkpoint`) are separate so that a verifier needs nothing but the hash function, the
published key and the evidence.
"""

from firmscore.ledger.audit import LedgerVerifyReport, Problem
from firmscore.ledger.checkpoint import (
    CheckpointError,
    NoteVerifier,
    SignedCheckpoint,
    verify_checkpoint,
)
from firmscore.ledger.evidence import ConsistencyEvidence, Erasure, LookupResult, RecordProof
from firmscore.ledger.hasher import hash_children, hash_leaf
from firmscore.ledger.ledger import EvidenceLedger, LedgerError, PreparedLeaves, erased_in_home, prepare_leaves
from firmscore.ledger.log import MerkleLog
from firmscore.ledger.recovery import log_parts  # registers how recovery completes a batch's ledger step
from firmscore.ledger.verify import ProofError, verify_consistency, verify_inclusion

__all__ = [
    "CheckpointError",
    "ConsistencyEvidence",
    "Erasure",
    "EvidenceLedger",
    "LedgerError",
    "LedgerVerifyReport",
    "LookupResult",
    "MerkleLog",
    "NoteVerifier",
    "PreparedLeaves",
    "Problem",
    "ProofError",
    "RecordProof",
    "SignedCheckpoint",
    "erased_in_home",
    "hash_children",
    "hash_leaf",
    "log_parts",
    "prepare_leaves",
    "verify_checkpoint",
    "verify_consistency",
    "verify_inclusion",
]
