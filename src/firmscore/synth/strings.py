"""Vectorised construction of Arrow string columns without per-row Python.

Millions of identifiers, names and addresses are needed per minute, so strings are assembled
as byte matrices (fixed width) or by Arrow compute kernels (``binary_join_element_wise``) and
turned into Arrow arrays from raw buffers.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_ZERO = ord("0")


def from_byte_matrix(matrix: np.ndarray, lengths: np.ndarray | None = None) -> pa.StringArray:
    """Arrow strings from a ``(n, width)`` uint8 matrix of UTF-8 bytes (row i uses ``lengths[i]`` bytes)."""
    matrix = np.ascontiguousarray(matrix, dtype=np.uint8)
    n, width = matrix.shape
    if lengths is None:
        offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
        data = matrix.reshape(-1)
    else:
        offsets = np.zeros(n + 1, dtype=np.int32)
        np.cumsum(lengths, out=offsets[1:])
        data = matrix[np.arange(width)[None, :] < lengths[:, None]]
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(data)))


def digit_matrix(values: np.ndarray, width: int) -> np.ndarray:
    """Zero-padded decimal digits of non-negative integers as a ``(n, width)`` uint8 ASCII matrix."""
    v = np.asarray(values, dtype=np.int64)
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return ((v[:, None] // powers[None, :]) % 10 + _ZERO).astype(np.uint8)


def const_matrix(text: str, n: int) -> np.ndarray:
    """A ``(n, len(text))`` matrix repeating the ASCII ``text``."""
    row = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
    return np.broadcast_to(row, (n, len(row)))


def numbered(prefix: str, values: np.ndarray, width: int) -> pa.StringArray:
    """``prefix`` followed by zero-padded numbers, e.g. ``E000012``."""
    v = np.asarray(values)
    return from_byte_matrix(np.hstack([const_matrix(prefix, len(v)), digit_matrix(v, width)]))


def pick(options: Sequence[str], index: np.ndarray) -> pa.Array:
    """Strings chosen from a small vocabulary by index (Arrow ``take``)."""
    return pa.array(list(options), pa.string()).take(pa.array(np.asarray(index, dtype=np.int64)))


def join(*parts: pa.Array | str) -> pa.Array:
    """Element-wise concatenation of string arrays and literals."""
    cols = [pa.scalar(p, pa.string()) if isinstance(p, str) else p for p in parts]
    return pc.binary_join_element_wise(*cols, "")


def number_text(values: np.ndarray) -> pa.Array:
    """Decimal text of integers (no padding)."""
    return pc.cast(pa.array(np.asarray(values, dtype=np.int64)), pa.string())
