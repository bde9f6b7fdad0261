"""Leaf bundles: the leaf data of 256 consecutive leaves stored as one blob (like tlog entry bundles).

One row per 256 leaves instead of one per leaf makes the append ~4x cheaper in SQLite, which is
what keeps the ingestion hot path above 300,000 leaves/s. Each entry is framed by its length as a
4-byte big-endian integer. A bundle that is not yet full is stored again at each width (the tables
stay append-only); the widest row is the current one and narrower rows must be prefixes of it.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

BUNDLE_WIDTH = 256
_LEN = 4
_U32 = struct.Struct(">I")


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
    append = out.append
    unpack = _U32.unpack_from
    pos, end = 0, len(blob)
    try:
        while pos < end:
            (n,) = unpack(blob, pos)
            pos += _LEN
            append(blob[pos : pos + n])
            pos += n
    except struct.error as exc:
        raise BundleError("truncated length prefix") from exc
    if pos != end:
        raise BundleError("entry runs past the end of the bundle")
    return out
