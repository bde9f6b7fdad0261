"""CKKS (TenSEAL) vectors for the regression: batched encryption of per-firm reals.

A vector of ``n`` values is cut into chunks of :data:`SLOTS` slots (the last one zero-padded), one
ciphertext each. No rotations are used (a slot total is taken after decryption, under masks), so the
public context carries the public key and the relinearisation keys only.

Parameters: ring degree 8192, coefficient moduli 60-40-40-60 bits, scale 2^40: two plaintext
multiplications deep, 128-bit security (the moduli total 200 bits, under the 218-bit bound for
N = 8192). Fixed-point tolerance: a decrypted slot carries an absolute error of about 1e-7 for
values of order 1 (measured in ``tests/federate/test_crypto.py``: below 1e-6 after two plaintext
products); a sum of ``n`` slots carries about ``√n`` times that, so a gradient averaged over
100,000 firms is exact to ~1e-9.

Masking: values a party must not learn are hidden by *adding* uniform random reals of magnitude
:data:`MASK_SCALE` (2^20) to a ciphertext just before it is sent for decryption; a value of order 1
then shifts the distribution by about 2^-20 in statistical distance. Masks are only ever added at
the end, never encrypted and multiplied: CKKS errors grow with the magnitude of what is
multiplied (a 2^20 mask multiplied by a plaintext lost ~3 units in a 3,000-term sum, measured),
while an added mask costs nothing (1.5e-7 per slot, as unmasked).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import tenseal as ts

FloatArray = npt.NDArray[np.float64]
SLOTS = 4096
POLY_DEGREE = 8192
COEFF_BITS = (60, 40, 40, 60)
SCALE_BITS = 40
MASK_SCALE = float(2**20)


def new_context() -> ts.Context:
    ctx = ts.context(ts.SCHEME_TYPE.CKKS, poly_modulus_degree=POLY_DEGREE, coeff_mod_bit_sizes=list(COEFF_BITS))
    ctx.global_scale = 2.0**SCALE_BITS
    return ctx


def public_bytes(ctx: ts.Context) -> bytes:
    pub = ctx.copy()
    pub.make_context_public()
    return bytes(pub.serialize(save_public_key=True, save_secret_key=False, save_galois_keys=False,
                               save_relin_keys=True))


def load_context(raw: bytes) -> ts.Context:
    return ts.context_from(raw)


def n_chunks(n: int) -> int:
    return max(1, (n + SLOTS - 1) // SLOTS)


def chunked(values: FloatArray, n: int) -> list[FloatArray]:
    """Zero-padded chunks of ``SLOTS`` values."""
    padded = np.zeros(n_chunks(n) * SLOTS)
    padded[: values.size] = values
    return [padded[i : i + SLOTS] for i in range(0, padded.size, SLOTS)]


@dataclass
class EncVector:
    """An encrypted vector of ``n`` reals (chunk ciphertexts)."""

    chunks: list[ts.CKKSVector]
    n: int

    @classmethod
    def encrypt(cls, ctx: ts.Context, values: FloatArray) -> EncVector:
        return cls([ts.ckks_vector(ctx, c) for c in chunked(np.asarray(values, dtype=np.float64), values.size)],
                   values.size)

    def to_blobs(self) -> list[bytes]:
        return [bytes(c.serialize()) for c in self.chunks]

    @classmethod
    def from_blobs(cls, ctx: ts.Context, blobs: list[bytes], n: int) -> EncVector:
        if len(blobs) != n_chunks(n):
            raise ValueError(f"{len(blobs)} ciphertexts for {n} values; expected {n_chunks(n)}")
        return cls([ts.ckks_vector_from(ctx, b) for b in blobs], n)

    def decrypt(self) -> FloatArray:
        return np.concatenate([np.asarray(c.decrypt(), dtype=np.float64) for c in self.chunks])[: self.n]

    def mul_plain(self, values: FloatArray) -> EncVector:
        return EncVector([c * p for c, p in zip(self.chunks, chunked(values, self.n), strict=True)], self.n)

    def add(self, other: EncVector) -> EncVector:
        return EncVector([a + b for a, b in zip(self.chunks, other.chunks, strict=True)], self.n)

    def add_plain(self, values: FloatArray) -> EncVector:
        return EncVector([c + p for c, p in zip(self.chunks, chunked(values, self.n), strict=True)], self.n)

    def dot_chunks(self, values: FloatArray) -> ts.CKKSVector:
        """One ciphertext whose slots sum to ``Σ_i self_i · values_i`` (chunk products added slot-wise)."""
        acc = None
        for c, p in zip(self.chunks, chunked(values, self.n), strict=True):
            prod = c * p
            acc = prod if acc is None else acc + prod
        assert acc is not None
        return acc


def zero_sum_mask(size: int) -> FloatArray:
    """A :func:`uniform_mask` whose values sum to zero: hides each slot, keeps the slot total."""
    m = uniform_mask(size)
    m[-1] = -float(m[:-1].sum())
    return m


def uniform_mask(size: int) -> FloatArray:
    """Uniform reals in ``[-MASK_SCALE, MASK_SCALE)`` from the OS random source (53 random bits each)."""
    raw = np.frombuffer(secrets.token_bytes(8 * size), dtype=np.uint64) >> np.uint64(11)
    return (raw.astype(np.float64) / float(2**53) * 2.0 - 1.0) * MASK_SCALE
