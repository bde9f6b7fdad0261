"""Construction of RFC 9162 inclusion and consistency proofs from stored subtree hashes.

The recursive definitions of RFC 9162 (``PATH`` and ``SUBPROOF``, sections 2.1.3.1 and 2.1.4.1)
are written over leaf ranges ``[start, end)``. A range whose size is a power of two and whose start
is aligned is a stored node (read through ``node``); any other range is the right edge of a tree
and is hashed from the O(log n) stored nodes that cover it. Verification lives in
:mod:`firmscore.ledger.verify` and shares none of this code.
"""

from __future__ import annotations

from collections.abc import Callable

from firmscore.ledger.hasher import EMPTY_ROOT, hash_children

#: Reads the complete node at (level, index): the hash of leaves [index 2^level, (index+1) 2^level).
NodeReader = Callable[[int, int], bytes]


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (``n`` > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def subtree_root(node: NodeReader, start: int, end: int) -> bytes:
    """MTH of leaves ``[start, end)``, where ``start`` is aligned to the range's largest power of two."""
    n = end - start
    if n <= 0:
        return EMPTY_ROOT
    if n & (n - 1) == 0:
        level = n.bit_length() - 1
        return node(level, start >> level)
    k = _split(n)
    return hash_children(node(k.bit_length() - 1, start // k), subtree_root(node, start + k, end))


def tree_root(node: NodeReader, size: int) -> bytes:
    """Root hash of the first ``size`` leaves."""
    return subtree_root(node, 0, size)


def inclusion_proof(node: NodeReader, index: int, size: int) -> list[bytes]:
    """Audit path of leaf ``index`` in the tree of the first ``size`` leaves (RFC 9162 ``PATH``)."""
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is outside a tree of size {size}")
    path: list[bytes] = []
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            path.append(subtree_root(node, start + k, end))
            end = start + k
        else:
            path.append(subtree_root(node, start, start + k))
            start += k
    path.reverse()
    return path


def consistency_proof(node: NodeReader, size1: int, size2: int) -> list[bytes]:
    """Proof that the first ``size1`` leaves are a prefix of the first ``size2`` (RFC 9162 ``PROOF``)."""
    if not 0 < size1 <= size2:
        raise ValueError(f"no consistency proof between sizes {size1} and {size2}")
    path: list[bytes] = []
    m, start, end, complete = size1, 0, size2, True
    while True:
        n = end - start
        if m == n:
            if not complete:
                path.append(subtree_root(node, start, end))
            break
        k = _split(n)
        if m <= k:
            path.append(subtree_root(node, start + k, end))
            end = start + k
        else:
            path.append(subtree_root(node, start, start + k))
            m -= k
            start += k
            complete = False
    path.reverse()
    return path
