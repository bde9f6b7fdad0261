"""Leaf bundles: the leaf data of 256 consecutive leaves stored as one blob (like tlog entry bundles).

One row per 256 leaves instead of one per leaf makes the append ~4x cheaper in SQLite, which is
what keeps the ingestion hot path above 300,000 leaves/s. Each entry is framed by its length as a
4-byte big-endian integer. A bundle that is not yet full is stored again at each width (the tables
stay append-only); the widest row is the current one and narrower rows must be prefixes of it.
"""

from __future__ import annotations

from collections.abc import Sequence

BUNDLE_WIDTH = 256
_LEN = 4


class BundleError(ValueError):
    """A bundle blob whose framing is broken."""


def frame(datas: Sequence[bytes]) -> list[bytes]:
    """Each entry with its length prefix (join the result for a bundle blob)."""
    return [len(d).to_bytes(_LEN, "big") + d for d in datas]


def join_bundle(datas: Sequence[bytes]) -> bytes:
    """The blob of a bundle holding ``datas``."""
    return b"".join(frame(datas))


def split_bundle(blob: bytes) -> list[bytes]:
    """The entries of a bundle blob; raises :class:`BundleError` if the framing is broken."""
    out: list[bytes] = []
    pos, end = 0, len(blob)
    while pos < end:
        if pos + _LEN > end:
            raise BundleError("truncated length prefix")
        n = int.from_bytes(blob[pos : pos + _LEN], "big")
        pos += _LEN
        if pos + n > end:
            raise BundleError("entry runs past the end of the bundle")
        out.append(blob[pos : pos + n])
        pos += n
    return out
