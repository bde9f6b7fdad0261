"""Private set intersection of enterprise ids by commutative Diffie–Hellman blinding (ECDH-PSI) on X25519.

Each id is hashed to a 32-byte Curve25519 u-coordinate ``H(id)`` (SHA-256 of a domain tag and the
id; the discrete logarithm of such a point is unknown, which is what the protocol needs). A party
with secret scalar ``a`` blinds a point ``P`` as ``X25519(a, P) = x([a]P)``; scalar multiplication
commutes, so ``x([a][b]H(id)) = x([b][a]H(id))`` and the doubly blinded ids of the two sides can be
compared without either side being able to un-blind the other's (computational Diffie–Hellman on
Curve25519). A u-coordinate that is not on the curve lies on its quadratic twist, where the
same holds (X25519 is twist-secure); the scalar clamping multiplies by the cofactor on both.

The flow (semi-honest parties, :mod:`firmscore.federate.guest` drives it): the guest sends its
blinded ids ``[a]H(x)``; the host returns them re-blinded ``[b][a]H(x)`` in the same order, and its
own blinded ids ``[b]H(y)`` in a random order; the guest re-blinds those, intersects, and tells the
host which of its (shuffled) positions matched. Each side learns the common ids and the size of the
other's set, nothing else.

Cost: one X25519 operation per own id and one per partner id on each side; the work is spread
over worker processes (OpenSSL does ~25,000 operations/s/core on an idle core).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from firmscore.federate.errors import FederationError

POINT = 32
_TAG = b"firmscore/psi/x25519/v1\x00"
_CHUNK = 50_000


def hash_ids(ids: Sequence[str]) -> bytes:
    """``H(id)`` of every id, concatenated (32 bytes each)."""
    return b"".join(hashlib.sha256(_TAG + i.encode("utf-8")).digest() for i in ids)


def _blind_chunk(secret: bytes, points: bytes) -> bytes:
    key = X25519PrivateKey.from_private_bytes(secret)
    out = bytearray()
    from_bytes = X25519PublicKey.from_public_bytes
    for off in range(0, len(points), POINT):
        out += key.exchange(from_bytes(points[off : off + POINT]))
    return bytes(out)


def new_secret() -> bytes:
    return os.urandom(32)


def blind(secret: bytes, points: bytes, workers: int = 1) -> bytes:
    """``X25519(secret, P)`` of every 32-byte point, in order; ``workers`` processes above one chunk."""
    if len(points) % POINT:
        raise FederationError("federate.malformed", detail=f"PSI points: {len(points)} bytes is not a multiple of 32")
    chunks = [points[i : i + _CHUNK * POINT] for i in range(0, len(points), _CHUNK * POINT)]
    try:
        if workers <= 1 or len(chunks) <= 1:
            return b"".join(_blind_chunk(secret, c) for c in chunks)
        with ProcessPoolExecutor(max_workers=workers) as pool:
            return b"".join(pool.map(_blind_chunk, [secret] * len(chunks), chunks))
    except ValueError as exc:  # a small-order point: only a malicious partner sends one
        raise FederationError("federate.malformed", detail=f"PSI point rejected: {exc}") from exc


def split(points: bytes) -> list[bytes]:
    return [points[i : i + POINT] for i in range(0, len(points), POINT)]


def matches(mine_double: bytes, theirs_double: bytes) -> tuple[list[int], list[int]]:
    """Positions in each list of the doubly blinded points that occur in the other list."""
    a, b = split(mine_double), split(theirs_double)
    sb = set(b)
    sa = set(a)
    return [i for i, p in enumerate(a) if p in sb], [j for j, p in enumerate(b) if p in sa]
