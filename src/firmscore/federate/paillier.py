"""Paillier encryption of the guest's labels, for the host's per-bin event counts (exact integers).

Keys come from ``phe`` (python-paillier; ``gmpy2`` underneath); the per-ciphertext arithmetic is
done here on ``gmpy2`` integers because the binning needs 100,000 encryptions and millions of
homomorphic additions, where ``phe``'s per-object overhead dominates.

Encryption is ``c = (1 + m·n) · h_s^α mod n²`` with ``h_s = h^n`` for a random ``h`` (the
Damgård–Jurik–Nielsen short-randomness form, as in SecretFlow HEU's "z-paillier"): ``h_s^α`` is an
n-th power, so ``c`` is an ordinary Paillier ciphertext that ``phe`` decrypts, and with a fixed
base it costs ~56 multiplications from a window table instead of a 2048-bit exponentiation.
``α`` has 2 × 224 = 448 random bits (the 224-bit security level of a 2048-bit modulus, doubled).
Sums are exact: no fixed-point encoding is involved (labels and counts are integers).

Whoever returns an aggregate ciphertext multiplies it by a fresh ``h_s^α`` (re-randomisation), so
that the guest, who knows the randomness of its own ciphertexts, cannot tell which of them were
multiplied together.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

import gmpy2
import numpy as np
import numpy.typing as npt
from phe import paillier

ALPHA_BITS = 448
_WINDOW = 8


@dataclass(kw_only=True)
class PublicKey:
    """``n`` and the fixed obfuscation base ``h_s`` (both public), with a window table for fast powers."""

    n: int
    hs: int
    _table: list[list[gmpy2.mpz]] = field(default_factory=list, repr=False)

    @property
    def nsq(self) -> gmpy2.mpz:
        return gmpy2.mpz(self.n) * self.n

    def _ensure_table(self) -> None:
        if self._table:
            return
        nsq = self.nsq
        base = gmpy2.mpz(self.hs)
        for _ in range((ALPHA_BITS + _WINDOW - 1) // _WINDOW):
            row = [gmpy2.mpz(1)]
            for _d in range(1, 1 << _WINDOW):
                row.append(row[-1] * base % nsq)
            self._table.append(row)
            base = row[-1] * base % nsq

    def obfuscator(self) -> gmpy2.mpz:
        """``h_s^α`` for a fresh random ``α``."""
        self._ensure_table()
        alpha = secrets.randbits(ALPHA_BITS)
        nsq = self.nsq
        acc = gmpy2.mpz(1)
        mask = (1 << _WINDOW) - 1
        for row in self._table:
            d = alpha & mask
            if d:
                acc = acc * row[d] % nsq
            alpha >>= _WINDOW
        return acc

    def encrypt_int(self, m: int) -> gmpy2.mpz:
        return (1 + gmpy2.mpz(m) * self.n) * self.obfuscator() % self.nsq

    def rerandomize(self, c: gmpy2.mpz) -> gmpy2.mpz:
        return c * self.obfuscator() % self.nsq

    def to_bytes(self) -> bytes:
        size = (self.n.bit_length() + 7) // 8
        return size.to_bytes(4, "big") + int(self.n).to_bytes(size, "big") + int(self.hs).to_bytes(2 * size, "big")

    @classmethod
    def from_bytes(cls, raw: bytes) -> PublicKey:
        size = int.from_bytes(raw[:4], "big")
        if len(raw) != 4 + 3 * size or size < 128:
            raise ValueError(f"Paillier public key of {len(raw)} bytes is malformed")
        return cls(n=int.from_bytes(raw[4 : 4 + size], "big"), hs=int.from_bytes(raw[4 + size :], "big"))

    @property
    def ciphertext_bytes(self) -> int:
        return 2 * ((self.n.bit_length() + 7) // 8)


@dataclass(kw_only=True)
class KeyPair:
    public: PublicKey
    private: paillier.PaillierPrivateKey

    def decrypt_int(self, c: int) -> int:
        return int(self.private.raw_decrypt(int(c)))


def generate(bits: int = 2048) -> KeyPair:
    pub, priv = paillier.generate_paillier_keypair(n_length=bits)
    n = gmpy2.mpz(pub.n)
    while True:
        h = gmpy2.mpz(secrets.randbelow(int(n) - 2) + 2)
        if gmpy2.gcd(h, n) == 1:
            break
    hs = gmpy2.powmod(h, n, n * n)
    return KeyPair(public=PublicKey(n=int(n), hs=int(hs)), private=priv)


def encrypt_bits(pk: PublicKey, bits: npt.NDArray[np.float64]) -> list[gmpy2.mpz]:
    """Encryptions of a 0/1 vector (the labels)."""
    one_plus_n = 1 + gmpy2.mpz(pk.n)
    nsq = pk.nsq
    return [(one_plus_n * pk.obfuscator() % nsq) if b else pk.obfuscator() for b in bits]


def pack(cts: list[gmpy2.mpz], pk: PublicKey) -> bytes:
    size = pk.ciphertext_bytes
    return b"".join(int(c).to_bytes(size, "big") for c in cts)


def unpack(raw: bytes, pk: PublicKey) -> list[gmpy2.mpz]:
    size = pk.ciphertext_bytes
    if len(raw) % size:
        raise ValueError(f"{len(raw)} bytes is not a whole number of {size}-byte ciphertexts")
    nsq = pk.nsq
    out = [gmpy2.mpz(int.from_bytes(raw[i : i + size], "big")) for i in range(0, len(raw), size)]
    if any(c <= 0 or c >= nsq for c in out):
        raise ValueError("a ciphertext is outside [1, n²)")
    return out


def sum_by_group(cts: list[gmpy2.mpz], group: npt.NDArray[np.intp], n_groups: int, pk: PublicKey) -> list[gmpy2.mpz]:
    """Re-randomised ``Enc(Σ_{i: group_i = k} m_i)`` for every ``k`` (homomorphic addition = product mod n²)."""
    nsq = pk.nsq
    order = np.argsort(group, kind="stable")
    bounds = np.searchsorted(group[order], np.arange(n_groups + 1))
    out: list[gmpy2.mpz] = []
    for k in range(n_groups):
        acc = gmpy2.mpz(1)
        for i in order[bounds[k] : bounds[k + 1]]:
            acc = acc * cts[i] % nsq
        out.append(pk.rerandomize(acc))
    return out
