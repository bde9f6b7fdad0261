"""The transparency-dev/merkle vector suite: every valid proof accepted, every ``wantErr`` case rejected."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from firmscore.ledger import hash_leaf
from firmscore.ledger.log import MerkleLog
from firmscore.ledger.storage.sqlite import SqliteStorage
from firmscore.ledger.verify import (
    ProofError,
    RootMismatchError,
    decompose_inclusion_proof,
    verify_consistency,
    verify_inclusion,
)

RFC6962_LEAVES = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]


def _b(text: str | None) -> bytes:
    return base64.b64decode(text or "")


def _cases(root: Path, kind: str) -> list[Path]:
    files = sorted((root / kind).rglob("*.json"))
    assert files, f"no {kind} vectors under {root}"
    return files


def _check(case: dict[str, object]) -> bool:
    """True when the verifier accepts the case."""
    proof = [_b(p) for p in case["proof"] or []]  # type: ignore[union-attr]
    try:
        if "leafIdx" in case:
            verify_inclusion(case["leafIdx"], case["treeSize"], _b(case["leafHash"]), proof, _b(case["root"]))  # type: ignore[arg-type]
        else:
            verify_consistency(case["size1"], case["size2"], _b(case["root1"]), _b(case["root2"]), proof)  # type: ignore[arg-type]
    except ProofError:
        return False
    return True


@pytest.mark.parametrize("kind", ["inclusion", "consistency"])
def test_every_vector(merkle_vectors_dir: Path, kind: str) -> None:
    wrong = []
    files = _cases(merkle_vectors_dir, kind)
    for f in files:
        case = json.loads(f.read_text(encoding="utf-8"))
        if _check(case) == case["wantErr"]:
            wrong.append(f"{f.relative_to(merkle_vectors_dir)}: {case['desc']} (wantErr={case['wantErr']})")
    assert not wrong, "\n".join(wrong)
    assert len(files) > 50


def test_our_proofs_equal_the_vectors(merkle_vectors_dir: Path, tmp_path: Path) -> None:
    """Proofs built by our log over the eight RFC 6962 leaves equal the happy-path vectors byte for byte."""
    log = MerkleLog(SqliteStorage(tmp_path / "v.db"))
    for h in RFC6962_LEAVES:
        log.append([bytes.fromhex(h)])  # one leaf per batch exercises every partial-tile shape
    compared = 0
    for f in _cases(merkle_vectors_dir, "inclusion") + _cases(merkle_vectors_dir, "consistency"):
        case = json.loads(f.read_text(encoding="utf-8"))
        if case["wantErr"]:
            continue
        proof = [_b(p) for p in case["proof"] or []]
        if "leafIdx" in case and 0 < case["treeSize"] <= 8 and f.parent.name != "single-entry":
            assert log.inclusion_proof(case["leafIdx"], case["treeSize"]) == proof, f
            assert log.root_at(case["treeSize"]) == _b(case["root"])
            assert log.leaf_hash(case["leafIdx"]) == _b(case["leafHash"])
            compared += 1
        elif "size1" in case and 0 < case["size1"] < case["size2"] <= 8:
            assert log.consistency_proof(case["size1"], case["size2"]) == proof, f
            assert log.root_at(case["size1"]) == _b(case["root1"])
            compared += 1
    assert compared >= 8
    assert log.leaf_hash(0) == hash_leaf(b"")


def test_root_mismatch_carries_both_roots(tmp_path: Path) -> None:
    log = MerkleLog(SqliteStorage(tmp_path / "m.db"))
    log.append([bytes.fromhex(h) for h in RFC6962_LEAVES])
    proof = log.inclusion_proof(3, 8)
    wrong = bytes(32)
    with pytest.raises(RootMismatchError) as caught:
        verify_inclusion(3, 8, log.leaf_hash(3), proof, wrong)
    assert caught.value.expected_root == wrong and caught.value.calculated_root == log.root_at(8)
    with pytest.raises(RootMismatchError) as again:
        verify_consistency(3, 8, log.root_at(3), wrong, log.consistency_proof(3, 8))
    assert again.value.calculated_root == log.root_at(8)


def test_proof_length_is_checked_before_hashing(tmp_path: Path) -> None:
    """A proof of the wrong length is refused by its length, even when its extra entry is not a hash."""
    log = MerkleLog(SqliteStorage(tmp_path / "m.db"))
    log.append([bytes.fromhex(h) for h in RFC6962_LEAVES])
    proof = log.inclusion_proof(5, 8)
    assert sum(decompose_inclusion_proof(5, 8)) == len(proof) == 3
    for bad in ([*proof, b"junk"], proof[:-1]):
        with pytest.raises(ProofError, match="wrong proof size"):
            verify_inclusion(5, 8, log.leaf_hash(5), bad, log.root_at(8))
    cproof = log.consistency_proof(3, 7)
    with pytest.raises(ProofError, match="wrong proof size"):
        verify_consistency(3, 7, log.root_at(3), log.root_at(7), [*cproof, b"x"])
