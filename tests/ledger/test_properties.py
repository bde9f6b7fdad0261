"""Hypothesis properties: any append sequence and batching gives proofs that verify, and any flipped bit fails."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firmscore.ledger.hasher import hash_children, hash_leaf
from firmscore.ledger.log import MerkleLog
from firmscore.ledger.storage.sqlite import SqliteStorage
from firmscore.ledger.verify import ProofError, verify_consistency, verify_inclusion

batches_strategy = st.lists(st.lists(st.binary(max_size=12), min_size=1, max_size=40), min_size=1, max_size=12)


def reference_root(leaves: list[bytes]) -> bytes:
    """RFC 9162 MTH written as the recursive definition, for comparison."""
    if len(leaves) == 1:
        return hash_leaf(leaves[0])
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return hash_children(reference_root(leaves[:k]), reference_root(leaves[k:]))


def _build(batches: list[list[bytes]], folder: Path) -> tuple[MerkleLog, list[bytes]]:
    log = MerkleLog(SqliteStorage(folder / "p.db"))
    leaves: list[bytes] = []
    for b in batches:
        log.append(b)
        leaves.extend(b)
    return log, leaves


def _flip(value: bytes, bit: int) -> bytes:
    i = (bit // 8) % len(value)
    return value[:i] + bytes([value[i] ^ (1 << (bit % 8))]) + value[i + 1 :]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batches=batches_strategy)
def test_every_inclusion_and_consistency_proof_verifies(batches: list[list[bytes]]) -> None:
    with tempfile.TemporaryDirectory(prefix="ledger-prop-") as folder:
        _check_all_proofs(batches, Path(folder))


def _check_all_proofs(batches: list[list[bytes]], folder: Path) -> None:
    log, leaves = _build(batches, folder)
    n = len(leaves)
    roots = {s: log.root_at(s) for s in range(1, n + 1)}
    for s in range(1, n + 1):
        assert roots[s] == reference_root(leaves[:s])
    reopened = MerkleLog(SqliteStorage(log.storage.path))  # type: ignore[attr-defined]
    assert (reopened.size, reopened.root) == (n, roots[n])
    # Every leaf against every signed (batch-boundary) size after it, plus a grid of other sizes.
    boundaries = sorted({sum(len(b) for b in batches[: k + 1]) for k in range(len(batches))})
    step = max(1, n // 12)
    sizes = sorted({*boundaries, *range(1, n + 1, step), n})
    for i in range(n):
        for s in sizes:
            if s > i:
                verify_inclusion(i, s, hash_leaf(leaves[i]), reopened.inclusion_proof(i, s), roots[s])
    for s1 in sizes:
        for s2 in sizes:
            if s2 >= s1:
                verify_consistency(s1, s2, roots[s1], roots[s2], reopened.consistency_proof(s1, s2))
    reopened.storage.close()
    log.storage.close()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batches=batches_strategy, data=st.data())
def test_any_flipped_bit_is_rejected(batches: list[list[bytes]], data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory(prefix="ledger-prop-") as folder:
        log, leaves = _build(batches, Path(folder))
        try:
            _flip_and_reject(log, leaves, data)
        finally:
            log.storage.close()


def _flip_and_reject(log: MerkleLog, leaves: list[bytes], data: st.DataObject) -> None:
    n = len(leaves)
    s = data.draw(st.integers(1, n))
    i = data.draw(st.integers(0, s - 1))
    proof, root, leaf = log.inclusion_proof(i, s), log.root_at(s), hash_leaf(leaves[i])
    bit = data.draw(st.integers(0, 255))
    targets = ["root", "leaf", *(f"p{j}" for j in range(len(proof)))]
    target = data.draw(st.sampled_from(targets))
    if target == "root":
        root = _flip(root, bit)
    elif target == "leaf":
        leaf = _flip(leaf, bit)
    else:
        j = int(target[1:])
        proof = [*proof[:j], _flip(proof[j], bit), *proof[j + 1 :]]
    try:
        verify_inclusion(i, s, leaf, proof, root)
    except ProofError:
        pass
    else:
        raise AssertionError(f"flipped bit {bit} of {target} accepted")

    s1 = data.draw(st.integers(1, n))
    s2 = data.draw(st.integers(s1, n))
    cproof, r1, r2 = log.consistency_proof(s1, s2), log.root_at(s1), log.root_at(s2)
    ctargets = ["root1", "root2", *(f"p{j}" for j in range(len(cproof)))]
    ctarget = data.draw(st.sampled_from(ctargets))
    if ctarget == "root1":
        r1 = _flip(r1, bit)
    elif ctarget == "root2":
        r2 = _flip(r2, bit)
    else:
        j = int(ctarget[1:])
        cproof = [*cproof[:j], _flip(cproof[j], bit), *cproof[j + 1 :]]
    try:
        verify_consistency(s1, s2, r1, r2, cproof)
    except ProofError:
        return
    raise AssertionError(f"flipped bit {bit} of {ctarget} accepted ({s1}->{s2})")
